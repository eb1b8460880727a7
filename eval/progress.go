package eval

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// Progress shows a run's progress on w: a bar per suite, redrawn at most
// every 100 ms, when w is a terminal (tty), and one line per finished
// suite either way. Connect it with Harness.Phase = p.Phase and
// Options.Progress = p.Update. It is safe for concurrent use.
type Progress struct {
	w     io.Writer
	tty   bool
	now   func() time.Time
	mu    sync.Mutex
	suite string
	start time.Time
	last  time.Time
	drawn bool
}

// NewProgress shows progress on w; tty says whether w is a terminal.
func NewProgress(w io.Writer, tty bool) *Progress {
	return &Progress{w: w, tty: tty, now: time.Now}
}

// Phase starts a phase ("ingest", "queries") of suite.
func (p *Progress) Phase(suite, phase string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprint(p.w, "\r"+strings.Repeat(" ", 79)+"\r")
		p.drawn = false
	}
	p.suite, p.start = suite, p.now()
	if phase == "ingest" && p.tty {
		fmt.Fprintf(p.w, "\r%s: ingesting…", suite)
		p.drawn = true
	}
}

// Update reports done of total queries of the current suite.
func (p *Progress) Update(done, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	if done == total {
		if p.drawn {
			fmt.Fprint(p.w, "\r")
		}
		fmt.Fprintf(p.w, "%s: %d/%d queries in %.1fs%s\n", p.suite, done, total, now.Sub(p.start).Seconds(), strings.Repeat(" ", 30))
		p.drawn = false
		return
	}
	if !p.tty || now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last = now
	const width = 30
	filled := width * done / max(total, 1)
	el := now.Sub(p.start).Seconds()
	eta := el / float64(max(done, 1)) * float64(total-done)
	fmt.Fprintf(p.w, "\r%s [%s%s] %d/%d queries, %.0fs left ", p.suite, strings.Repeat("#", filled), strings.Repeat(".", width-filled), done, total, eta)
	p.drawn = true
}
