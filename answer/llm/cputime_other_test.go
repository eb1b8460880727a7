//go:build !linux

package llm

import "time"

func threadCPU() (time.Duration, bool) { return 0, false }
