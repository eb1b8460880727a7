//go:build race

package intent_test

// raceEnabled: the race detector slows training about tenfold, so the
// full BANKING77 measurement runs without it (see TestBanking77).
const raceEnabled = true
