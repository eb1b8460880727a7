// Package cli holds the conventions every answerdesk subcommand shares:
// flags anywhere among the arguments, one-line snippets of customer text,
// and progress drawn only on a terminal. It knows no subcommand.
package cli

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/answerdesk/answerdesk/api"
	"github.com/answerdesk/answerdesk/ingest"
)

// Interleave moves the flags of fs found after positional arguments to the
// front, so that "ingest docs/ --tenant acme" parses like
// "ingest --tenant acme docs/". Everything after "--" stays positional.
func Interleave(fs *flag.FlagSet, args []string) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if len(a) > 1 && a[0] == '-' {
			flags = append(flags, a)
			name := strings.TrimLeft(a, "-")
			if strings.Contains(name, "=") {
				continue
			}
			f := fs.Lookup(name)
			if f == nil {
				continue
			}
			if bf, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && bf.IsBoolFlag() {
				continue
			}
			if i+1 < len(args) {
				flags = append(flags, args[i+1])
				i++
			}
			continue
		}
		pos = append(pos, a)
	}
	return append(flags, append([]string{"--"}, pos...)...)
}

// Snippet is api.Snippet, for the commands that print without a text
// form of api's.
func Snippet(s string, n int) string { return api.Snippet(s, n) }

// IsTerminal reports whether w is a terminal: progress is drawn only there.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// IngestBar draws an ingestion's progress on a terminal only, at most every
// 100 ms, and only for runs that last long enough to need one.
type IngestBar struct {
	w     io.Writer
	tty   bool
	start time.Time
	last  time.Time
	drawn bool
}

// NewIngestBar draws on w when it is a terminal.
func NewIngestBar(w io.Writer) *IngestBar {
	return &IngestBar{w: w, tty: IsTerminal(w), start: time.Now()}
}

// Update is an ingest.Options.Progress.
func (b *IngestBar) Update(p ingest.Progress) {
	now := time.Now()
	if !b.tty || now.Sub(b.start) < 500*time.Millisecond || now.Sub(b.last) < 100*time.Millisecond {
		return
	}
	b.last = now
	const width = 30
	filled := width * p.FilesDone / max(p.Files, 1)
	fmt.Fprintf(b.w, "\r[%s%s] %d/%d files, %d chunks", strings.Repeat("#", filled), strings.Repeat(".", width-filled), p.FilesDone, p.Files, p.Chunks)
	b.drawn = true
}

// Done ends the bar's line when one was drawn.
func (b *IngestBar) Done() {
	if b.drawn {
		fmt.Fprintln(b.w)
	}
}
