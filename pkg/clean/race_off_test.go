//go:build !race

package clean

const raceSlowdown = 1
