//go:build !linux

package peer

import "time"

func processCPU() (time.Duration, bool) { return 0, false }
func threadCPU() (time.Duration, bool)  { return 0, false }
func loadAvg() float64                  { return -1 }
