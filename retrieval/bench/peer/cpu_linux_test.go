package peer

import (
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// processCPU returns the CPU time the process has used so far (all threads,
// user and system). On a machine shared with other work, wall-clock figures
// include time spent waiting for a CPU; CPU-time figures do not.
func processCPU() (time.Duration, bool) { return clock(unix.CLOCK_PROCESS_CPUTIME_ID) }

// threadCPU returns the CPU time of the calling OS thread; the caller must
// hold runtime.LockOSThread for differences to mean anything.
func threadCPU() (time.Duration, bool) { return clock(unix.CLOCK_THREAD_CPUTIME_ID) }

func clock(id int32) (time.Duration, bool) {
	var ts unix.Timespec
	if err := unix.ClockGettime(id, &ts); err != nil {
		return 0, false
	}
	return time.Duration(ts.Nano()), true
}

// loadAvg returns the one-minute load average, -1 when unknown.
func loadAvg() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return -1
	}
	f, err := strconv.ParseFloat(strings.Fields(string(b))[0], 64)
	if err != nil {
		return -1
	}
	return f
}
