package bench

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/answerdesk/answerdesk/retrieval/embedded"
	"github.com/google/go-cmp/cmp"
)

func TestUnescape(t *testing.T) {
	tests := []struct{ in, want string }{
		{`plain text`, `plain text`},
		{`\fBls\fR \-l`, `ls -l`},
		{`\f(CWcode\fP and \f[B]bold\f[]`, `code and bold`},
		{`a\(emb \(bu c \[rq]d\[u00E9]`, `a—b • c "dé`},
		{`\s-1SMALL\s0 caps\s+2x`, `SMALL capsx`},
		{`back\eslash and \&.dot \%hy\|phen`, `back\slash and .dot hyphen`},
		{`\*(lqquoted\*(rq`, `quoted`},
		{`text \" a comment`, `text `},
		{`\h'1m'indent \w'abc'x`, `indent x`},
		{`trailing\`, `trailing\`},
	}
	for _, tt := range tests {
		if got := unescape(tt.in); got != tt.want {
			t.Errorf("unescape(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSplitRequest(t *testing.T) {
	tests := []struct {
		in   string
		name string
		args []string
	}{
		{`PP`, "PP", nil},
		{`SH "SEE ALSO"`, "SH", []string{"SEE ALSO"}},
		{`BR ls (1),`, "BR", []string{"ls", "(1),"}},
		{`B "a ""quoted"" word" x \" comment`, "B", []string{`a "quoted" word`, "x"}},
		{`IP "" 4`, "IP", []string{"", "4"}},
	}
	for _, tt := range tests {
		name, args := splitRequest(tt.in)
		if name != tt.name {
			t.Errorf("splitRequest(%q) name = %q, want %q", tt.in, name, tt.name)
		}
		if diff := cmp.Diff(tt.args, args); diff != "" {
			t.Errorf("splitRequest(%q) args (-want +got):\n%s", tt.in, diff)
		}
	}
}

const lsPage = `.\" a comment
.de XX
.ft B
..
.TH LS "1" "September 2022" "GNU coreutils 9.1" "User Commands"
.SH NAME
ls \- list directory contents
.SH SYNOPSIS
.B ls
[\fI\,OPTION\/\fR]... [\fI\,FILE\/\fR]...
.SH DESCRIPTION
.PP
List information about the FILEs (the current directory by default).
.TP
\fB\-a\fR, \fB\-\-all\fR
do not ignore entries starting with .
.SS "Exit status"
.BR 0 " if OK,"
.TS
l l.
1	minor problems
.TE
`

func TestParseRoff(t *testing.T) {
	want := []section{
		{heading: "NAME", paras: []string{"ls - list directory contents"}},
		{heading: "SYNOPSIS", paras: []string{"ls [OPTION]... [FILE]..."}},
		{heading: "DESCRIPTION", paras: []string{
			"List information about the FILEs (the current directory by default).",
			"-a, --all do not ignore entries starting with .",
		}},
		{heading: "DESCRIPTION › Exit status", paras: []string{"0 if OK,", "1 minor problems"}},
	}
	got := parseRoff(lsPage)
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(section{})); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestMdocName(t *testing.T) {
	secs := parseRoff(".Sh NAME\n.Nm mkdir\n.Nd make directories\n.Sh DESCRIPTION\nText.\n")
	names, desc := splitName(secs[0].paras[0])
	if names != "mkdir" || desc != "make directories" {
		t.Errorf("splitName(%q) = %q, %q", secs[0].paras[0], names, desc)
	}
}

func TestPassages(t *testing.T) {
	words := func(n int) string {
		s := ""
		for i := range n {
			if i > 0 {
				s += " "
			}
			s += fmt.Sprint("w", i)
		}
		return s
	}
	opts := Options{MinWords: 4, MaxWords: 8}
	tests := []struct {
		name  string
		paras []string
		want  []int // word counts of the passages
	}{
		{"short ones merge", []string{words(2), words(2), words(1)}, []int{4, 1}},
		{"tiny tail joins previous", []string{words(5)}, []int{5}},
		{"long one is cut", []string{words(20)}, []int{8, 8, 4}},
		{"none", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []int
			for _, p := range passages(tt.paras, opts) {
				got = append(got, len(splitWords(p)))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func splitWords(s string) []string {
	var out []string
	w := ""
	for _, r := range s + " " {
		if r == ' ' {
			if w != "" {
				out = append(out, w)
			}
			w = ""
			continue
		}
		w += string(r)
	}
	return out
}

func writeGz(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := gzip.NewWriter(f)
	if _, err := zw.Write([]byte(text)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestLoadCorpus(t *testing.T) {
	root := t.TempDir()
	for i := range 120 {
		desc := fmt.Sprintf("do thing number %d", i)
		if i == 7 {
			desc = "do thing number 6" // an alias of page 6
		}
		writeGz(t, filepath.Join(root, "man1", fmt.Sprintf("tool%03d.1.gz", i)),
			fmt.Sprintf(".TH T 1\n.SH NAME\ntool%d \\- %s\n.SH DESCRIPTION\nThe tool number %d does things.\n", i, desc, i))
	}
	writeGz(t, filepath.Join(root, "man1", "alias.1.gz"), ".so man1/tool001.1\n")
	writeGz(t, filepath.Join(root, "man1", "gcloud_x.1.gz"), ".SH NAME\ngcloud x \\- excluded\n.SH DESCRIPTION\nExcluded.\n")
	if err := os.WriteFile(filepath.Join(root, "man1", "notgz.1.gz"), []byte("plain"), 0o640); err != nil {
		t.Fatal(err)
	}
	writeGz(t, filepath.Join(root, "fr", "man1", "outil.1.gz"), ".SH NOM\noutil \\- ignoré\n.SH DESCRIPTION\nIgnoré.\n")
	cache := t.TempDir()

	c, err := LoadCorpus(root, cache, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Pages) != 120 || len(c.Passages) != 120 {
		t.Fatalf("got %d pages and %d passages, want 120 of each", len(c.Pages), len(c.Passages))
	}
	want := Page{ID: "man1/tool006.1", Title: "tool006(1)", Query: "do thing number 6"}
	if diff := cmp.Diff(want, c.Pages[6]); diff != "" {
		t.Errorf("page 6 (-want +got):\n%s", diff)
	}
	qs := c.Queries()
	if len(qs) != 119 {
		t.Errorf("got %d queries, want 119 (two pages share a description)", len(qs))
	}
	if diff := cmp.Diff([]string{"man1/tool006.1", "man1/tool007.1"}, qs[6].Relevant); diff != "" {
		t.Errorf("relevant pages of query 6 (-want +got):\n%s", diff)
	}
	docs := c.Documents()
	if len(docs) != 120 || len(docs[6].Chunks) != 1 || docs[6].Chunks[0].ID != "man1/tool006.1#0" || docs[6].Document.Hash == "" {
		t.Errorf("unexpected documents: %+v", docs[6])
	}

	if got := c.OneLineQuestions(); len(got) != 119 || got[6] != "do thing number 6" {
		t.Errorf("one-line questions: %d, [6] %q; want 119", len(got), got[6])
	}
	st, err := embedded.Open(context.Background(), t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if n, err := Write(context.Background(), st, docs); err != nil || n != 120 {
		t.Errorf("Write = %d chunks, %v; want 120", n, err)
	}
	if stats, _ := st.Stats(context.Background()); stats.Documents != 120 {
		t.Errorf("store holds %d documents after Write, want 120", stats.Documents)
	}

	cached, err := LoadCorpus(root, cache, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(c, cached); diff != "" {
		t.Errorf("cached corpus differs (-built +cached):\n%s", diff)
	}

	capped, err := LoadCorpus(root, "", Options{MaxPassages: 50})
	if err != nil {
		t.Fatal(err)
	}
	if len(capped.Passages) != 50 {
		t.Errorf("capped corpus has %d passages, want 50", len(capped.Passages))
	}

	if _, err := LoadCorpus(t.TempDir(), "", Options{}); !errors.Is(err, ErrTooFewPages) {
		t.Errorf("empty root: error %v, want ErrTooFewPages", err)
	}
}
