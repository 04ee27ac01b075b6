//go:build race

package clean

// raceSlowdown shrinks stress inputs: the race detector slows code ~10x.
const raceSlowdown = 10
