package qdrant_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/answerdesk/answerdesk/retrieval"
	"github.com/answerdesk/answerdesk/retrieval/embedded"
	"github.com/answerdesk/answerdesk/retrieval/qdrant"
	"github.com/answerdesk/answerdesk/retrieval/qdrant/qdranttest"
)

// TestHybridMatchesEmbedded: on a synthetic corpus with dense vectors, the
// adapter returns the same hits in the same order, with the same
// per-retriever ranks, as the embedded store, and scores and SelfScore
// agree to float32 noise — sparse-only always, hybrid except where a group
// of exactly tied sparse scores straddles the 100-deep prefetch cut (Qdrant
// picks an arbitrary subset of the ties there, the embedded store the
// lowest chunk ids), which may happen on a few queries.
func TestHybridMatchesEmbedded(t *testing.T) {
	ctx := context.Background()
	docs := benchCorpus(400, 16, 11)
	queries := benchCorpus(40, 16, 12)
	texts := benchQueries(40)

	srv := qdranttest.Start(t, qdranttest.Options{})
	q := openTest(t, srv.URL, nil)
	defer q.Close()
	emb, err := embedded.Open(ctx, t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer emb.Close()
	for _, s := range []interface {
		ReplaceDocuments(context.Context, []retrieval.DocumentChunks) error
	}{q, emb} {
		if err := s.ReplaceDocuments(ctx, docs); err != nil {
			t.Fatal(err)
		}
	}
	type row struct {
		ID                    string
		SparseRank, DenseRank int
	}
	rows := func(res retrieval.Result) []row {
		out := []row{}
		for _, h := range res.Hits {
			out = append(out, row{h.ID, h.SparseRank, h.DenseRank})
		}
		return out
	}
	near := func(a, b float64) bool { return a == b || abs(a-b)/(abs(a)+abs(b)) < 1e-5 }
	hybridDiffs := 0
	for i, text := range texts {
		for _, dense := range [][]float32{nil, queries[i].Chunks[0].Dense} {
			query := retrieval.Query{Text: text, Tenant: "bench", K: 10, Dense: dense}
			want, err := emb.Search(ctx, query)
			if err != nil {
				t.Fatal(err)
			}
			got, err := q.Search(ctx, query)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(rows(want), rows(got)); diff != "" {
				if dense != nil {
					hybridDiffs++
					t.Logf("query %d %q hybrid hits (-embedded +qdrant):\n%s", i, text, diff)
				} else {
					t.Errorf("query %d %q sparse hits (-embedded +qdrant):\n%s", i, text, diff)
				}
				continue
			}
			for j := range want.Hits {
				if !near(want.Hits[j].SparseScore, got.Hits[j].SparseScore) || !near(want.Hits[j].Score, got.Hits[j].Score) {
					t.Errorf("query %d hit %d: scores embedded %v/%v, qdrant %v/%v", i, j,
						want.Hits[j].Score, want.Hits[j].SparseScore, got.Hits[j].Score, got.Hits[j].SparseScore)
				}
			}
			if !near(want.SelfScore, got.SelfScore) {
				t.Errorf("query %d: SelfScore embedded %v, qdrant %v", i, want.SelfScore, got.SelfScore)
			}
			if diff := cmp.Diff(want.Terms, got.Terms); diff != "" {
				t.Errorf("query %d: Terms (-embedded +qdrant):\n%s", i, diff)
			}
		}
	}
	t.Logf("hybrid: %d of %d queries differ from the embedded store", hybridDiffs, len(texts))
	if hybridDiffs > len(texts)/10 {
		t.Errorf("hybrid: %d of %d queries differ from the embedded store, want at most %d", hybridDiffs, len(texts), len(texts)/10)
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// TestReweight: a collection built one document at a time (its first
// vectors computed with the average of a few chunks) scores exactly like
// one built with the final average once reweighted.
func TestReweight(t *testing.T) {
	ctx := context.Background()
	docs := benchCorpus(200, 0, 21)
	srv := qdranttest.Start(t, qdranttest.Options{})
	drift := openTest(t, srv.URL+"?collection=drift", nil)
	defer drift.Close()
	for _, d := range docs {
		if err := drift.ReplaceDocument(ctx, d.Document, d.Chunks); err != nil {
			t.Fatal(err)
		}
	}
	avg, err := qdrant.NewAdmin(drift).AvgLen(ctx)
	if err != nil {
		t.Fatal(err)
	}
	exact := openTest(t, srv.URL+"?collection=exact", func(c *qdrant.Config) { c.AvgLen = avg })
	defer exact.Close()
	if err := exact.ReplaceDocuments(ctx, docs); err != nil {
		t.Fatal(err)
	}
	scores := func(s retrieval.Store) [][]float64 {
		var out [][]float64
		for _, text := range benchQueries(20) {
			res, err := s.Search(ctx, retrieval.Query{Text: text, Tenant: "bench", K: 20})
			if err != nil {
				t.Fatal(err)
			}
			var sc []float64
			for _, h := range res.Hits {
				sc = append(sc, float64(float32(h.Score)))
			}
			out = append(out, sc)
		}
		return out
	}
	if diff := cmp.Diff(scores(exact), scores(drift)); diff == "" {
		t.Fatal("a collection built one document at a time scores like the exact one before reweighting: the test shows nothing")
	}
	var pages []int
	n, err := qdrant.NewAdmin(drift).Reweight(ctx, func(done int) { pages = append(pages, done) })
	if err != nil {
		t.Fatal(err)
	}
	if n != len(docs) || len(pages) == 0 || pages[len(pages)-1] != n {
		t.Errorf("Reweight = %d chunks, progress %v; want %d", n, pages, len(docs))
	}
	if diff := cmp.Diff(scores(exact), scores(drift), cmpopts.EquateApprox(1e-6, 0)); diff != "" {
		t.Errorf("after reweighting, scores (-exact +reweighted):\n%s", diff)
	}
}
