//go:build !linux

package bench

import "time"

func processCPU() (time.Duration, bool) { return 0, false }
func threadCPU() (time.Duration, bool)  { return 0, false }
func loadAvg() float64                  { return -1 }
