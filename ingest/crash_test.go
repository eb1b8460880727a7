package ingest_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/answerdesk/answerdesk/ingest"
	"github.com/answerdesk/answerdesk/retrieval"
	"github.com/answerdesk/answerdesk/retrieval/embedded"
)

// TestCrashLeavesDocumentsWhole kills a process in the middle of ingestion
// (SIGKILL: no cleanup runs) and checks that every document in the data
// directory is wholly one version: its chunk count matches its record and
// all its chunks carry the same version.
func TestCrashLeavesDocumentsWhole(t *testing.T) {
	if dir := os.Getenv("ANSWERDESK_CRASH_CHILD"); dir != "" {
		crashChild(t, dir)
		return
	}
	if testing.Short() {
		t.Skip("kills a child process; skipped with -short")
	}
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	for round := 0; round < 3; round++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashLeavesDocumentsWhole$")
		cmd.Env = append(os.Environ(), "ANSWERDESK_CRASH_CHILD="+dir)
		var out strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Kill once the child has written something.
		deadline := time.Now().Add(60 * time.Second)
		for {
			if fi, err := os.Stat(filepath.Join(data, embedded.DBFile+"-wal")); err == nil && fi.Size() > 256<<10 {
				break
			}
			if time.Now().After(deadline) {
				cmd.Process.Kill()
				t.Fatalf("child wrote nothing in 60s:\n%s", out.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
		time.Sleep(time.Duration(50+round*70) * time.Millisecond)
		cmd.Process.Kill()
		cmd.Wait()
		checkWhole(t, data)
	}
}

// crashChild rewrites a corpus over and over, each round a new version of
// every document, until it is killed.
func crashChild(t *testing.T, dir string) {
	ctx := context.Background()
	s, err := embedded.Open(ctx, filepath.Join(dir, "data"), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := ingest.NewPipeline(s, ingest.CoreLoaders(), nil, nil)
	for v := 0; ; v++ {
		var b strings.Builder
		for d := 0; d < 300; d++ {
			var paras []string
			for c := 0; c < 1+(d+v)%5; c++ {
				paras = append(paras, fmt.Sprintf("version%d paragraph %d of document %d about lanterns and hubs", v, c, d))
			}
			fmt.Fprintf(&b, "{\"id\": \"d%d\", \"title\": \"Doc %d\", \"text\": %q}\n", d, d, strings.Join(paras, "\n\n"))
		}
		corpus := filepath.Join(dir, "corpus.jsonl")
		if err := os.WriteFile(corpus, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		// A tiny budget makes every paragraph its own chunk.
		if _, err := p.IngestPaths(ctx, []string{corpus}, ingest.Options{Budget: 16}); err != nil {
			t.Fatal(err)
		}
	}
}

func checkWhole(t *testing.T, data string) {
	t.Helper()
	ctx := context.Background()
	s, err := embedded.Open(ctx, data, embedded.Options{})
	if err != nil {
		t.Fatalf("reopen after crash: %v", err)
	}
	defer s.Close()
	docs, err := s.Documents(ctx, retrieval.DocFilter{Tenant: retrieval.DefaultTenant})
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) == 0 {
		t.Fatal("no documents after crash")
	}
	for _, d := range docs {
		res, err := s.Search(ctx, retrieval.Query{Text: "document " + strings.TrimPrefix(d.ID, "d") + " lanterns", Tenant: retrieval.DefaultTenant, K: retrieval.MaxK})
		if err != nil {
			t.Fatal(err)
		}
		versions := map[string]int{}
		n := 0
		for _, h := range res.Hits {
			if h.DocumentID != d.ID {
				continue
			}
			n++
			versions[strings.Fields(h.Text)[0]]++
		}
		if n != d.Chunks || len(versions) != 1 {
			t.Fatalf("document %s after crash: record says %d chunks, index has %d with versions %v", d.ID, d.Chunks, n, versions)
		}
	}
}
