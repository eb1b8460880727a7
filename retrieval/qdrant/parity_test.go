package qdrant_test

import (
	"context"
	"math"
	"path/filepath"
	"testing"

	"github.com/answerdesk/answerdesk/eval/metric"
	"github.com/answerdesk/answerdesk/eval/suite"
	"github.com/answerdesk/answerdesk/ingest"
	"github.com/answerdesk/answerdesk/retrieval"
	"github.com/answerdesk/answerdesk/retrieval/embedded"
	"github.com/answerdesk/answerdesk/retrieval/qdrant"
	"github.com/answerdesk/answerdesk/retrieval/qdrant/qdranttest"
	"github.com/answerdesk/answerdesk/retrieval/storetest"
)

// readQueries reads a shared suite's answerable questions as the eval
// harness does.
func readQueries(tb testing.TB, dir string) []suite.Query {
	tb.Helper()
	s, err := suite.Load(dir)
	if err != nil {
		tb.Fatal(err)
	}
	var qs []suite.Query
	for _, q := range s.Queries {
		if q.Answerable {
			qs = append(qs, q)
		}
	}
	return qs
}

func ingestCorpus(tb testing.TB, s retrieval.Store, dir string) {
	tb.Helper()
	p := ingest.NewPipeline(s, ingest.CoreLoaders(), nil, nil)
	sum, err := p.IngestPaths(context.Background(), []string{filepath.Join(dir, "corpus.jsonl")}, ingest.Options{})
	if err != nil || len(sum.Failed) > 0 {
		tb.Fatalf("ingest %s: %v %v", dir, err, sum.Failed)
	}
}

// ndcg10 is document-level nDCG@10 over the answerable queries, measured
// as retrieval/embedded measures it (30 chunks, first hit per document).
func ndcg10(tb testing.TB, s retrieval.Store, qs []suite.Query) float64 {
	tb.Helper()
	total := 0.0
	for _, q := range qs {
		res, err := s.Search(context.Background(), retrieval.Query{Text: q.Text, Tenant: retrieval.DefaultTenant, K: 30})
		if err != nil {
			tb.Fatal(err)
		}
		rel := map[string]bool{}
		for _, r := range q.Relevant {
			rel[r] = true
		}
		var docs []string
		for _, h := range res.Hits {
			docs = append(docs, h.DocumentID)
		}
		total += metric.NDCG(metric.Distinct(docs), rel, 10)
	}
	return total / float64(len(qs))
}

// oneByOne hides the BatchReplacer of a store, so that the pipeline writes
// one document per call.
type oneByOne struct{ retrieval.Store }

// TestRankingParity compares sparse-only nDCG@10 of the adapter (over the
// in-process server) with the embedded store on two shared suites, with
// the default running BM25 average length and with the exact average (a
// second ingestion with Config.AvgLen fixed to the first one's final
// average, which is what `store migrate` does).
func TestRankingParity(t *testing.T) {
	if testing.Short() {
		t.Skip("ranking parity ingests two shared suites: skipped with -short")
	}
	srv := qdranttest.Start(t, qdranttest.Options{})
	rankingParity(t, func(t testing.TB, name string, mod func(*qdrant.Config)) *qdrant.Store {
		return openTest(t, srv.URL+"?collection="+name, mod)
	}, 0.01)
}

// TestRankingParityRealQdrant is the same measurement against the real
// server of QDRANT_URL, where the rankings must match the embedded store's
// exactly (nDCG@10 equal to four decimals) with the exact average length
// (what `store migrate` uses) and after `store reweight`. The running
// average of a batched ingestion is approximate by design (the first
// batch's vectors use that batch's average): held to 0.001.
func TestRankingParityRealQdrant(t *testing.T) {
	if testing.Short() {
		t.Skip("ranking parity ingests two shared suites: skipped with -short")
	}
	u := qdranttest.RealURL(t, "ranking parity against a real Qdrant")
	rankingParity(t, func(t testing.TB, name string, mod func(*qdrant.Config)) *qdrant.Store {
		return openReal(t, qdranttest.WithCollection(u, qdranttest.RealCollection("answerdesk_parity_"+name)), mod)
	}, 0.00005)
}

// rankingParity measures nDCG@10 of the embedded store and of Qdrant
// collections opened by open on stackfaq-en and xquad-ru, and fails when
// they differ by more than tol.
func rankingParity(t *testing.T, open func(t testing.TB, name string, mod func(*qdrant.Config)) *qdrant.Store, tol float64) {
	shared := storetest.SharedDir(t, "ranking parity")
	ctx := context.Background()
	for _, name := range []string{"stackfaq-en", "xquad-ru"} {
		dir := filepath.Join(shared, "datasets", name)
		qs := readQueries(t, dir)
		if raceEnabled {
			// Every third query, and only the default mode: the race
			// detector makes the full measurement take minutes.
			var sample []suite.Query
			for i := 0; i < len(qs); i += 3 {
				sample = append(sample, qs[i])
			}
			qs = sample
		}

		emb, err := embedded.Open(ctx, t.TempDir(), embedded.Options{})
		if err != nil {
			t.Fatal(err)
		}
		ingestCorpus(t, emb, dir)
		ndE := ndcg10(t, emb, qs)
		emb.Close()

		running := open(t, "running_"+name, nil)
		ingestCorpus(t, running, dir)
		ndR := ndcg10(t, running, qs)
		avg, err := qdrant.NewAdmin(running).AvgLen(ctx)
		if err != nil {
			t.Fatal(err)
		}
		running.Close()

		if raceEnabled {
			t.Logf("%-12s %4d queries (race: every third)  nDCG@10 embedded %.4f | qdrant %.4f (Δ %+.4f)", name, len(qs), ndE, ndR, ndR-ndE)
			if math.Abs(ndR-ndE) > max(tol, 0.001) {
				t.Errorf("%s: nDCG@10 differs by more than %g from the embedded store", name, max(tol, 0.001))
			}
			continue
		}

		exact := open(t, "exact_"+name, func(c *qdrant.Config) { c.AvgLen = avg })
		ingestCorpus(t, exact, dir)
		ndX := ndcg10(t, exact, qs)
		exact.Close()

		// Running average without batching: one document per write, so
		// the first documents' vectors use the average of a few chunks.
		single := open(t, "single_"+name, nil)
		ingestCorpus(t, oneByOne{single}, dir)
		ndS := ndcg10(t, single, qs)
		if _, err := qdrant.NewAdmin(single).Reweight(ctx, nil); err != nil {
			t.Fatal(err)
		}
		ndW := ndcg10(t, single, qs)
		single.Close()

		t.Logf("%-12s %4d queries  nDCG@10 embedded %.4f | qdrant: running avgLen %.4f (Δ %+.4f), one doc per write %.4f (Δ %+.4f) then reweighted %.4f (Δ %+.4f), exact avgLen %.1f %.4f (Δ %+.4f)",
			name, len(qs), ndE, ndR, ndR-ndE, ndS, ndS-ndE, ndW, ndW-ndE, avg, ndX, ndX-ndE)
		// The running average is approximate by design (see
		// docs/qdrant.md): held to 0.001, and one document per write to
		// 0.01, whatever tol is.
		if math.Abs(ndR-ndE) > max(tol, 0.001) || math.Abs(ndX-ndE) > tol || math.Abs(ndW-ndE) > tol || math.Abs(ndS-ndE) > 0.01 {
			t.Errorf("%s: nDCG@10 differs from the embedded store's by more than %g (running average: 0.001, one document per write: 0.01)", name, tol)
		}
		if testing.Verbose() {
			// Sensitivity to a wrong fixed average: measured, not asserted.
			for _, f := range []float64{0.5, 2} {
				wrong := open(t, "wrong_"+name, func(c *qdrant.Config) { c.AvgLen = avg * f })
				ingestCorpus(t, wrong, dir)
				nd := ndcg10(t, wrong, qs)
				qdrant.NewAdmin(wrong).DropCollections(ctx)
				wrong.Close()
				t.Logf("%-12s fixed avgLen %.1f (%.1f× exact): nDCG@10 %.4f (Δ %+.4f)", name, avg*f, f, nd, nd-ndE)
			}
		}
	}
}
