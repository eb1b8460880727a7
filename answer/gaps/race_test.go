//go:build race

package gaps

// raceEnabled: the race detector slows clustering about tenfold, so the
// full BANKING77 measurement runs without it (see TestBanking77Clusters).
const raceEnabled = true
