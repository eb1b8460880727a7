package bench

import (
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// ProcessCPU returns the CPU time the process has used so far (all
// threads, user and system); ok is false where the clock is unavailable.
// On a machine shared with other work, wall-clock figures include time
// spent waiting for a CPU; CPU-time figures do not.
func ProcessCPU() (d time.Duration, ok bool) { return clock(unix.CLOCK_PROCESS_CPUTIME_ID) }

// ThreadCPU returns the CPU time of the calling OS thread; the caller must
// hold runtime.LockOSThread for differences to mean anything.
func ThreadCPU() (d time.Duration, ok bool) { return clock(unix.CLOCK_THREAD_CPUTIME_ID) }

func clock(id int32) (time.Duration, bool) {
	var ts unix.Timespec
	if err := unix.ClockGettime(id, &ts); err != nil {
		return 0, false
	}
	return time.Duration(ts.Nano()), true
}

// LoadAvg returns the one-minute load average, -1 when unknown: reported
// beside the figures so that a reader sees how loaded the machine was.
func LoadAvg() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return -1
	}
	fields := strings.Fields(string(b))
	if len(fields) == 0 {
		return -1
	}
	f, err := strconv.ParseFloat(fields[0], 64)
	if err != nil {
		return -1
	}
	return f
}
