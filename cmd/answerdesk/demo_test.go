package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/answerdesk/answerdesk/testdata"
)

// demoRun is a running `answerdesk demo`.
type demoRun struct {
	*e2eServer
	key      string // the ask-only key of the curl line
	keyFile  string // where the admin key is
	adminKey string
}

// startDemo runs `answerdesk demo --addr 127.0.0.1:0` and reads its URL,
// key and admin key file from what it prints.
func startDemo(t *testing.T) *demoRun {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end")
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &e2eServer{stdout: &lockedBuffer{}, stderr: &lockedBuffer{}, cancel: cancel, done: make(chan error, 1)}
	go func() {
		s.done <- run(ctx, []string{"demo", "--addr", "127.0.0.1:0"}, func(string) string { return "" }, strings.NewReader(""), s.stdout, s.stderr)
	}()
	d := &demoRun{e2eServer: s}
	fileRe := regexp.MustCompile(`console: http://\S+/admin/ \(sign in with the admin key in (\S+), readable only by you\)`)
	for deadline := time.Now().Add(60 * time.Second); d.keyFile == ""; {
		out := s.stdout.String()
		for _, line := range strings.Split(out, "\n") {
			if u, ok := strings.CutPrefix(line, "url: "); ok {
				s.url = u
			}
			if k, ok := strings.CutPrefix(line, "api key: "); ok {
				d.key = k
			}
		}
		if m := fileRe.FindStringSubmatch(out); m != nil {
			d.keyFile = m[1]
		}
		select {
		case err := <-s.done:
			t.Fatalf("demo exited early: %v\n%s\n%s", err, out, s.stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("demo printed no url/key/admin key file:\n%s\n%s", out, s.stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	b, err := os.ReadFile(d.keyFile)
	if err != nil {
		t.Fatal(err)
	}
	d.adminKey = strings.TrimSpace(string(b))
	t.Cleanup(func() { s.stop(t) })
	return d
}

// TestDemoListensLocallyAndKeepsTheAdminKeyOffTheTerminal: the demo binds
// 127.0.0.1 by default, prints an ask-only key, keeps the admin key in a
// file only the user can read, and serves the demo page with the widget
// under a strict CSP.
func TestDemoListensLocallyAndKeepsTheAdminKeyOffTheTerminal(t *testing.T) {
	d := startDemo(t)
	if !strings.HasPrefix(d.url, "http://127.0.0.1:") {
		t.Errorf("demo url %s: not on 127.0.0.1", d.url)
	}
	if strings.Contains(d.stdout.String(), d.adminKey) || strings.Contains(d.stderr.String(), d.adminKey) {
		t.Errorf("the admin key was printed")
	}
	if fi, err := os.Stat(d.keyFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("admin key file %s: %v %v", d.keyFile, fi.Mode(), err)
	}
	if r := d.do(t, http.MethodGet, "/v1/tickets", d.key, nil); r.status != http.StatusForbidden {
		t.Errorf("the printed key reaches /v1/tickets: %d", r.status)
	}
	if r := d.do(t, http.MethodGet, "/v1/tickets", d.adminKey, nil); r.status != http.StatusOK {
		t.Errorf("the admin key from %s: %d %s", filepath.Base(d.keyFile), r.status, r.body)
	}
	r := d.do(t, http.MethodGet, "/", "", nil)
	page := string(r.body)
	if r.status != http.StatusOK || !strings.Contains(page, `<script src="/widget.js" data-key="pk_`) ||
		!strings.Contains(r.header.Get("Content-Security-Policy"), "script-src 'self'") {
		t.Fatalf("demo page: %d %v\n%s", r.status, r.header, page)
	}
	pk := regexp.MustCompile(`data-key="(pk_[^"]+)"`).FindStringSubmatch(page)[1]
	q := strings.NewReader(`{"question":"How do I factory reset my hub?"}`)
	if r := d.do(t, http.MethodPost, "/v1/answer", pk, q, "Origin", d.url); r.status != http.StatusOK {
		t.Errorf("the page's key from the page's origin: %d %s", r.status, r.body)
	}
	if ru := d.do(t, http.MethodGet, "/?lang=ru", "", nil); !strings.Contains(string(ru.body), `lang="ru"`) {
		t.Errorf("?lang=ru: %s", ru.body)
	}
}

// TestWriteKB: the knowledge base the demo writes out is the repository's
// testdata/kb, file for file (its own tests would not run: go test ./...
// skips testdata directories).
func TestWriteKB(t *testing.T) {
	dir := t.TempDir()
	if err := testdata.WriteKB(dir); err != nil {
		t.Fatal(err)
	}
	src := repoPath("testdata", "kb")
	n := 0
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		want, _ := os.ReadFile(p)
		got, err := os.ReadFile(filepath.Join(dir, rel))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: written %d bytes (%v), want the %d of the repository's", rel, len(got), err, len(want))
		}
		n++
		return nil
	})
	if err != nil || n < 20 {
		t.Fatalf("walked %d files of %s: %v", n, src, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "docs")); err != nil {
		t.Errorf("no docs directory: %v", err)
	}
}
