package pdf

import (
	"os/exec"
	"syscall"
	"time"
)

// limitMemory caps the process's data segment (private writable memory,
// which is where the Go heap lives; address-space reservations do not
// count), so that a decompression bomb ends the child instead of the machine.
func limitMemory(n int64) {
	lim := &syscall.Rlimit{Cur: uint64(n), Max: uint64(n)}
	_ = syscall.Setrlimit(syscall.RLIMIT_DATA, lim)
}

// limitCPU caps the process's CPU time. Soft and hard limits are equal
// because Go ignores SIGXCPU: the kernel then sends SIGKILL at the limit.
func limitCPU(d time.Duration) {
	s := uint64((d + time.Second - 1) / time.Second)
	_ = syscall.Setrlimit(syscall.RLIMIT_CPU, &syscall.Rlimit{Cur: s, Max: s})
}

// dieWithParent makes the kernel kill the child when the parent dies, even
// by SIGKILL (the parent's cleanup never runs then).
func dieWithParent(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
}
