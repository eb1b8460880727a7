//go:build race

package qdrant_test

// raceEnabled: the race detector slows the parity measurement about
// sevenfold, so it measures a sample there.
const raceEnabled = true
