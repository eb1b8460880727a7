package pdf

import "syscall"

// limitMemory caps the process's data segment (private writable memory,
// which is where the Go heap lives; address-space reservations do not
// count), so that a decompression bomb ends the child instead of the machine.
func limitMemory(n int64) {
	lim := &syscall.Rlimit{Cur: uint64(n), Max: uint64(n)}
	_ = syscall.Setrlimit(syscall.RLIMIT_DATA, lim)
}
