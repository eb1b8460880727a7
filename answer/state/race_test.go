//go:build race

package state

// raceEnabled: the race detector slows SQLite (transpiled C) about a
// hundredfold, so the soak runs a lighter load there.
const raceEnabled = true
