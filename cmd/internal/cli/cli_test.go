package cli

import (
	"bytes"
	"errors"
	"flag"
	"io"
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

func TestParse(t *testing.T) {
	c := Command{Name: "docs", Usage: "docs list [--tenant T]", Summary: "list documents"}
	newFS := func() (*flag.FlagSet, *string) {
		fs := flag.NewFlagSet("docs", flag.ContinueOnError)
		return fs, fs.String("tenant", "default", "tenant")
	}

	t.Run("flags after arguments", func(t *testing.T) {
		fs, tenant := newFS()
		if err := Parse(fs, c, []string{"list", "--tenant", "acme"}, io.Discard); err != nil {
			t.Fatal(err)
		}
		if *tenant != "acme" || fs.Arg(0) != "list" {
			t.Errorf("tenant %q, args %q; want acme, [list]", *tenant, fs.Args())
		}
	})
	t.Run("help", func(t *testing.T) {
		fs, _ := newFS()
		var out bytes.Buffer
		if err := Parse(fs, c, []string{"-h"}, &out); !errors.Is(err, ErrHelp) {
			t.Fatalf("err = %v, want ErrHelp", err)
		}
		want := "usage: answerdesk docs list [--tenant T]\n\nlist documents\n\nflags:\n  -tenant string\n    \ttenant (default \"default\")\n"
		if diff := cmp.Diff(want, out.String()); diff != "" {
			t.Errorf("help (-want +got):\n%s", diff)
		}
	})
	t.Run("bad flag is a usage error naming the command", func(t *testing.T) {
		fs, _ := newFS()
		var out bytes.Buffer
		err := Parse(fs, c, []string{"--nope"}, &out)
		var ue UsageError
		if !errors.As(err, &ue) || ue.Msg != "docs: flag provided but not defined: -nope" {
			t.Errorf("err = %#v, want UsageError \"docs: flag provided but not defined: -nope\"", err)
		}
		if out.Len() != 0 {
			t.Errorf("printed %q on a usage error", out.String())
		}
	})
}

func TestWriteJSONKeepsHTML(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJSON(&b, map[string]string{"q": "<a & b>"}); err != nil {
		t.Fatal(err)
	}
	if want := "{\n  \"q\": \"<a & b>\"\n}\n"; b.String() != want {
		t.Errorf("WriteJSON = %q, want %q", b.String(), want)
	}
}
