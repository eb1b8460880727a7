package embedded_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/answerdesk/answerdesk/eval/metric"
	"github.com/answerdesk/answerdesk/eval/suite"
	"github.com/answerdesk/answerdesk/ingest"
	"github.com/answerdesk/answerdesk/retrieval"
	"github.com/answerdesk/answerdesk/retrieval/embedded"
	"github.com/answerdesk/answerdesk/retrieval/storetest"
)

// readQueries reads a shared suite's questions as the eval harness does.
func readQueries(tb testing.TB, dir string) []suite.Query {
	tb.Helper()
	s, err := suite.Load(dir)
	if err != nil {
		tb.Fatal(err)
	}
	return s.Queries
}

// retrievalMetrics are document-level: a hit on any chunk of a relevant
// document counts, each document once.
type retrievalMetrics struct {
	n                       int
	hit1, recall10, mrr, nd float64
	auroc                   float64
}

func measureSuite(tb testing.TB, dir string) retrievalMetrics {
	tb.Helper()
	ctx := context.Background()
	store, err := embedded.Open(ctx, tb.TempDir(), embedded.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	defer store.Close()
	p := ingest.NewPipeline(store, ingest.CoreLoaders(), nil, nil)
	sum, err := p.IngestPaths(ctx, []string{filepath.Join(dir, "corpus.jsonl")}, ingest.Options{})
	if err != nil || len(sum.Failed) > 0 {
		tb.Fatalf("ingest %s: %v %v", dir, err, sum.Failed)
	}
	var m retrievalMetrics
	var pos, neg []float64
	for _, q := range readQueries(tb, dir) {
		res, err := store.Search(ctx, retrieval.Query{Text: q.Text, Tenant: retrieval.DefaultTenant, K: 30})
		if err != nil {
			tb.Fatal(err)
		}
		top := 0.0
		if len(res.Hits) > 0 {
			top = res.Hits[0].Score
		}
		if !q.Answerable {
			neg = append(neg, top)
			continue
		}
		pos = append(pos, top)
		rel := map[string]bool{}
		for _, r := range q.Relevant {
			rel[r] = true
		}
		var docs []string
		for _, h := range res.Hits {
			docs = append(docs, h.DocumentID)
		}
		docs = metric.Distinct(docs)
		m.n++
		if metric.FirstRelevant(docs, rel, 1) == 1 {
			m.hit1++
		}
		m.mrr += metric.ReciprocalRank(docs, rel, 10)
		m.recall10 += metric.Recall(docs, rel, 10)
		m.nd += metric.NDCG(docs, rel, 10)
	}
	n := float64(m.n)
	m.hit1, m.recall10, m.mrr, m.nd = m.hit1/n, m.recall10/n, m.mrr/n, m.nd/n
	m.auroc = auroc(pos, neg)
	return m
}

// auroc of the top score separating answerable (pos) from unanswerable.
func auroc(pos, neg []float64) float64 {
	scores := append(append([]float64(nil), pos...), neg...)
	labels := make([]bool, len(scores))
	for i := range pos {
		labels[i] = true
	}
	return metric.AUROC(scores, labels)
}

// floor is the datasets' reference plain BM25 (see README.md, Retrieval).
var floor = map[string][4]float64{ // hit@1, recall@10, MRR@10, nDCG@10
	"stackfaq-en":             {0.641, 0.641, 0.735, 0.624},
	"xquad-en":                {0.925, 0.991, 0.952, 0.962},
	"xquad-ru":                {0.814, 0.943, 0.862, 0.882},
	"xquad-zh":                {0.932, 0.993, 0.957, 0.966},
	"xquad-cross-ru-zh-to-en": {0.108, 0.169, 0.130, 0.140},
}

// TestSharedSuites measures sparse retrieval on every shared suite and holds
// nDCG@10 and MRR@10 at or above the reference floor.
func TestSharedSuites(t *testing.T) {
	shared := storetest.SharedDir(t, "shared-suite measurement")
	t.Logf("%-24s %6s %7s %7s %7s %7s  (floor nDCG / MRR)", "suite", "hit@1", "rec@10", "MRR@10", "nDCG10", "AUROC")
	for _, name := range []string{"stackfaq-en", "xquad-en", "xquad-ru", "xquad-zh", "xquad-cross-ru-zh-to-en"} {
		m := measureSuite(t, filepath.Join(shared, "datasets", name))
		f := floor[name]
		t.Logf("%-24s %6.3f %7.3f %7.3f %7.3f %7.3f  (%.3f / %.3f)", name, m.hit1, m.recall10, m.mrr, m.nd, m.auroc, f[3], f[2])
		if m.nd < f[3] || m.mrr < f[2] {
			t.Errorf("%s: nDCG@10 %.3f, MRR@10 %.3f below the floor %.3f / %.3f", name, m.nd, m.mrr, f[3], f[2])
		}
	}
}
