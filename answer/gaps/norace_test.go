//go:build !race

package gaps

const raceEnabled = false
