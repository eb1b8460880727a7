package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/answerdesk/answerdesk/api"
)

// TestE2ECLIWritesReachServer: the server notices index writes made by
// CLI runs on its data dir while it runs, both ways: a document deleted
// with `docs delete` is no longer cited, and a document ingested with
// `ingest` is retrieved, each within a few seconds and without a restart.
func TestE2ECLIWritesReachServer(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	env := kbEnv(t, nil)
	key := createKey(t, env, "acme", "ask")
	s := startServe(t, env)

	cites := func(question, doc string) bool {
		b, _ := json.Marshal(api.AnswerRequest{Question: question})
		r := s.do(t, http.MethodPost, "/v1/answer", key, bytes.NewReader(b))
		var a api.AnswerResponse
		if err := json.Unmarshal(r.body, &a); err != nil {
			t.Fatalf("%d %s", r.status, r.body)
		}
		for _, c := range a.Citations {
			if c.DocumentID == doc {
				return true
			}
		}
		return false
	}
	// within waits until cond holds, at most 5 s, and says how long it took.
	within := func(what string, cond func() bool) {
		t.Helper()
		start := time.Now()
		for !cond() {
			if time.Since(start) > 5*time.Second {
				t.Fatalf("%s: not seen by the server after 5 s", what)
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Logf("%s: seen by the server after %s", what, time.Since(start).Round(10*time.Millisecond))
	}

	// Ingest from the CLI: a document only it knows.
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "quokka.md"), []byte("# Quokka mode\n\nQuokka mode dims every Lumen bulb to a warm 5 percent glow after 23:00. Enable quokka mode in the Lumen app under Night settings.\n"), 0o644)
	const question = "How do I enable quokka mode?"
	if cites(question, "quokka") {
		t.Fatal("the server cites a document not yet ingested")
	}
	e2eCLI(t, env, "ingest", "--tenant", "acme", dir)
	within("CLI ingest", func() bool { return cites(question, "quokka") })

	// Delete from the CLI.
	e2eCLI(t, env, "docs", "delete", "--tenant", "acme", "quokka")
	within("CLI docs delete", func() bool { return !cites(question, "quokka") })
}
