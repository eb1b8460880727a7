//go:build !linux

package pdf

// limitMemory relies on the soft Go heap limit alone on this platform.
func limitMemory(int64) {}
