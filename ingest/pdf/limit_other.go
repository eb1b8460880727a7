//go:build !linux

package pdf

import (
	"os/exec"
	"time"
)

// limitMemory relies on the soft Go heap limit alone on this platform.
func limitMemory(int64) {}

// limitCPU relies on the child's own deadline and parent watch on this
// platform.
func limitCPU(time.Duration) {}

// dieWithParent relies on the child's parent watch on this platform.
func dieWithParent(*exec.Cmd) {}
