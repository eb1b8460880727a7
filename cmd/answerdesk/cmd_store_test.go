package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/api"
	"github.com/answerdesk/answerdesk/ingest"
	"github.com/answerdesk/answerdesk/retrieval"
	"github.com/answerdesk/answerdesk/retrieval/qdrant/qdranttest"
)

// storeCLI runs the binary's run with a fresh environment (this file's own
// helper, so that it does not depend on other test files).
func storeCLI(t *testing.T, env map[string]string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errb)
	code = exitCode(err, &errb) // writes the error to errb
	return out.String(), errb.String(), code
}

func storeRepoPath(parts ...string) string {
	return filepath.Join(append([]string{"..", ".."}, parts...)...)
}

func TestStoreMigrateToQdrant(t *testing.T) {
	srv := qdranttest.Start(t, qdranttest.Options{})
	env := map[string]string{"ANSWERDESK_DATA": t.TempDir()}
	if out, errs, code := storeCLI(t, env, "ingest", storeRepoPath("testdata", "kb", "docs")); code != 0 {
		t.Fatalf("ingest exit %d\n%s%s", code, out, errs)
	}
	to := srv.URL + "?collection=kb"
	out, errs, code := storeCLI(t, env, "store", "migrate", "--to", to)
	if code != 0 {
		t.Fatalf("migrate exit %d\n%s%s", code, out, errs)
	}
	if !strings.Contains(out, "migrated: 22 documents") || !strings.Contains(errs, "22/22 documents") {
		t.Errorf("migrate output = %q / %q, want 22 documents with progress", out, errs)
	}
	// Idempotent: a second run copies nothing.
	out, errs, code = storeCLI(t, env, "store", "migrate", "--to", to)
	if code != 0 || !strings.Contains(out, "migrated: 0 documents (0 chunks)  unchanged: 22") {
		t.Errorf("second migrate exit %d: %q %q, want everything unchanged", code, out, errs)
	}

	// Both stores describe the same content.
	stats := func(extra ...string) api.StoreStats {
		t.Helper()
		out, errs, code := storeCLI(t, env, append(extra, "store", "stats", "--json")...)
		if code != 0 {
			t.Fatalf("store stats %v exit %d: %s", extra, code, errs)
		}
		var st api.StoreStats
		if err := json.Unmarshal([]byte(out), &st); err != nil {
			t.Fatalf("store stats --json: %v\n%s", err, out)
		}
		return st
	}
	emb, qd := stats(), stats("--store", to)
	if emb.Documents != 22 || qd.Documents != emb.Documents || qd.Chunks != emb.Chunks || qd.Tenants != emb.Tenants {
		t.Errorf("stats embedded %+v, qdrant %+v: want the same counts", emb, qd)
	}
	if qd.ServerVersion != qdranttest.DefaultVersion || qd.AvgChunkLen <= 0 {
		t.Errorf("qdrant stats = %+v, want server version and average chunk length", qd)
	}

	// Search ranks alike on both.
	top := func(extra ...string) string {
		t.Helper()
		out, errs, code := storeCLI(t, env, append(extra, "search", "--json", "-k", "3", "как сбросить хаб к заводским настройкам")...)
		if code != 0 {
			t.Fatalf("search %v exit %d: %s", extra, code, errs)
		}
		var res struct {
			Hits []struct {
				ChunkID string `json:"chunk_id"`
			} `json:"hits"`
		}
		if err := json.Unmarshal([]byte(out), &res); err != nil || len(res.Hits) == 0 {
			t.Fatalf("search %v: %v\n%s", extra, err, out)
		}
		return res.Hits[0].ChunkID
	}
	if e, q := top(), top("--store", to); e != q {
		t.Errorf("top hit embedded %s, qdrant %s", e, q)
	}

	// Qdrant exports too: a copy from one collection to another ranks alike.
	to2 := srv.URL + "?collection=kb2"
	out, errs, code = storeCLI(t, env, "store", "migrate", "--from", to, "--to", to2)
	if code != 0 || !strings.Contains(out, "migrated: 22 documents") {
		t.Fatalf("migrate qdrant to qdrant exit %d: %q %q", code, out, errs)
	}
	if e, q := top(), top("--store", to2); e != q {
		t.Errorf("top hit embedded %s, copied qdrant collection %s", e, q)
	}

	out, errs, code = storeCLI(t, env, "--store", to, "store", "reweight")
	if code != 0 || !strings.Contains(out, fmt.Sprintf("reweighted: %d chunks", qd.Chunks)) {
		t.Errorf("store reweight exit %d: %q %q, want %d chunks", code, out, errs, qd.Chunks)
	}
	if e, q := top(), top("--store", to); e != q {
		t.Errorf("after reweight top hit embedded %s, qdrant %s", e, q)
	}
}

func TestStoreQdrantUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	env := map[string]string{"ANSWERDESK_DATA": t.TempDir(), "ANSWERDESK_STORE": "qdrant://" + addr + "?timeout=300ms"}
	_, errs, code := storeCLI(t, env, "search", "anything")
	if code != 1 || !strings.Contains(errs, "not reachable") || !strings.Contains(errs, addr) {
		t.Errorf("search on an unreachable Qdrant: exit %d, stderr %q; want exit 1 and a clear message", code, errs)
	}
}

func TestStoreUsage(t *testing.T) {
	env := map[string]string{"ANSWERDESK_DATA": t.TempDir()}
	for _, args := range [][]string{
		{"store"},
		{"store", "frobnicate"},
		{"store", "migrate"},
		{"store", "migrate", "--to", "http://db:6333"},
		{"store", "reweight"},
		{"--store", "qdrant://db?colection=x", "store", "stats"},
		{"store", "migrate", "--to", "embedded"},
	} {
		if _, errs, code := storeCLI(t, env, args...); code != 2 {
			t.Errorf("%v: exit %d (%s), want 2", args, code, errs)
		}
	}
	if _, errs, code := storeCLI(t, env, "store", "migrate", "--to", "qdrant://127.0.0.1:1"); code != 1 || !strings.Contains(errs, "no embedded store") {
		t.Errorf("migrate without a data dir: exit %d, %q", code, errs)
	}
}

// TestQdrantGoesAwayMidRun: with the store gone after start, a question is
// escalated with reason retrieval_unavailable (not an error), and ingestion
// retries, then reports the failure.
func TestQdrantGoesAwayMidRun(t *testing.T) {
	ctx := context.Background()
	srv := qdranttest.Start(t, qdranttest.Options{})
	var stderr bytes.Buffer
	a := newApp(func(string) string { return "" }, strings.NewReader(""), io.Discard, &stderr)
	defer a.close()
	a.data, a.store = t.TempDir(), srv.URL+"?collection=kb&timeout=500ms&retries=2&backoff=1ms"
	p, err := a.Pipeline(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if sum, err := p.IngestPaths(ctx, []string{storeRepoPath("testdata", "kb", "docs")}, ingest.Options{}); err != nil || len(sum.Failed) > 0 {
		t.Fatalf("ingest: %v %v", err, sum.Failed)
	}
	eng, err := a.answerEngine(ctx)
	if err != nil {
		t.Fatal(err)
	}
	srv.Stop()

	ans, err := eng.Answer(ctx, answer.Request{Tenant: retrieval.DefaultTenant, Question: "How do I reset the hub?", Channel: "cli"})
	if err != nil {
		t.Fatalf("Answer with Qdrant gone: %v, want an escalation", err)
	}
	if ans.Decision != answer.Escalated || ans.Reason != answer.ReasonRetrievalUnavailable {
		t.Errorf("Answer = %s/%s, want escalated/%s", ans.Decision, ans.Reason, answer.ReasonRetrievalUnavailable)
	}

	extra := filepath.Join(t.TempDir(), "new.md")
	if err := os.WriteFile(extra, []byte("# New page\n\nThe hub supports a new pairing mode.\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	sum, err := p.IngestPaths(ctx, []string{extra}, ingest.Options{})
	if err == nil && len(sum.Failed) == 0 {
		t.Errorf("ingest with Qdrant gone: no failure reported: %+v", sum)
	}
	for _, f := range sum.Failed {
		if !errors.Is(f.Err, retrieval.ErrUnavailable) {
			t.Errorf("ingest failure %s: %v, want ErrUnavailable", f.Path, f.Err)
		}
	}
}
