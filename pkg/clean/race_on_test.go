//go:build race

package clean

// raceSlowdown scales time limits: the race detector slows code ~10x.
const raceSlowdown = 10
