package cli

import (
	"bytes"
	"flag"
	"testing"

	"github.com/answerdesk/answerdesk/ingest"
	"github.com/google/go-cmp/cmp"
)

func TestInterleave(t *testing.T) {
	fs := flag.NewFlagSet("ingest", flag.ContinueOnError)
	fs.String("tenant", "", "")
	fs.Bool("prune", false, "")
	for _, tc := range []struct {
		name string
		args []string
		want []string
	}{
		{"flags after paths", []string{"docs/", "--tenant", "acme", "faq.csv"}, []string{"--tenant", "acme", "--", "docs/", "faq.csv"}},
		{"bool flag takes no value", []string{"docs/", "--prune", "faq.csv"}, []string{"--prune", "--", "docs/", "faq.csv"}},
		{"name=value", []string{"docs/", "-tenant=acme"}, []string{"-tenant=acme", "--", "docs/"}},
		{"after -- stays positional", []string{"--", "--tenant", "x"}, []string{"--", "--tenant", "x"}},
		{"unknown flag left to the parser", []string{"a", "--nope", "b"}, []string{"--nope", "--", "a", "b"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, Interleave(fs, tc.args)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestIngestBarOnlyOnATerminal(t *testing.T) {
	var b bytes.Buffer
	bar := NewIngestBar(&b)
	bar.Update(ingestProgress())
	bar.Done()
	if b.Len() != 0 || IsTerminal(&b) {
		t.Errorf("drew on a buffer: %q", b.String())
	}
}

func ingestProgress() ingest.Progress { return ingest.Progress{Files: 2, FilesDone: 1, Chunks: 3} }
