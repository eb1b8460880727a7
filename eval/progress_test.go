package eval

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// TestProgress: a terminal gets a bar redrawn in place and a closing line
// per suite; a log (not a terminal) gets only the closing lines.
func TestProgress(t *testing.T) {
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		tty         bool
		want, avoid []string
	}{
		{true, []string{"\rkb: ingesting…", "\rkb [###############...............] 5/10 queries, 5s left ", "kb: 10/10 queries in 10.0s"}, nil},
		{false, []string{"kb: 10/10 queries in 10.0s"}, []string{"ingesting", "#"}},
	} {
		var out bytes.Buffer
		p := NewProgress(&out, tc.tty)
		now := clock
		p.now = func() time.Time { return now }
		p.Phase("kb", "ingest")
		p.Phase("kb", "queries")
		now = now.Add(5 * time.Second)
		p.Update(5, 10)
		now = now.Add(5 * time.Second)
		p.Update(10, 10)
		for _, s := range tc.want {
			if !strings.Contains(out.String(), s) {
				t.Errorf("tty %v: output lacks %q:\n%q", tc.tty, s, out.String())
			}
		}
		for _, s := range tc.avoid {
			if strings.Contains(out.String(), s) {
				t.Errorf("tty %v: output has %q:\n%q", tc.tty, s, out.String())
			}
		}
	}
}
