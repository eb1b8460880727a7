//go:build !linux

package bench

import "time"

// ProcessCPU is unavailable outside Linux: ok is false.
func ProcessCPU() (d time.Duration, ok bool) { return 0, false }

// ThreadCPU is unavailable outside Linux: ok is false.
func ThreadCPU() (d time.Duration, ok bool) { return 0, false }

// LoadAvg is unknown outside Linux: -1.
func LoadAvg() float64 { return -1 }
