//go:build race

package analyze

// raceEnabled: the race detector slows training several times over.
const raceEnabled = true
