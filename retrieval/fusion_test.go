package retrieval

import (
	"math"
	"testing"
)

func TestRRFAndSortHits(t *testing.T) {
	if got := RRF(1); got != 1.0/61 {
		t.Errorf("RRF(1) = %v, want 1/61", got)
	}
	hits := []Hit{
		{Chunk: Chunk{ID: "b"}, Score: RRF(1) + RRF(3)},
		{Chunk: Chunk{ID: "c"}, Score: RRF(2)},
		{Chunk: Chunk{ID: "a"}, Score: RRF(1) + RRF(3)},
		{Chunk: Chunk{ID: "d"}, Score: RRF(1) + RRF(2)},
	}
	SortHits(hits)
	var got string
	for _, h := range hits {
		got += h.ID
	}
	if got != "dabc" {
		t.Errorf("order %s, want dabc (best first, equal scores by chunk id)", got)
	}
}

func TestResultAddTerm(t *testing.T) {
	var r Result
	r.AddTerm("hub", 2, true)
	r.AddTerm("zebra", 5, false)
	if want := (2 + 5) * (BM25K1 + 1); math.Abs(r.SelfScore-want) > 1e-12 {
		t.Errorf("SelfScore %v, want %v: every term counts", r.SelfScore, want)
	}
	if len(r.Terms) != 1 || r.Terms[0] != "hub" || len(r.IDF) != 1 || r.IDF["hub"] != 2 {
		t.Errorf("Terms %v IDF %v: only indexed terms", r.Terms, r.IDF)
	}
}

func TestSparseCounts(t *testing.T) {
	for _, tt := range []struct {
		q, c string
		want bool
	}{
		{"en", "en", true}, {"ru", "en", false}, {"zh", "ru", false}, {"", "en", true}, {"ru", "", true},
	} {
		if got := SparseCounts(tt.q, tt.c); got != tt.want {
			t.Errorf("SparseCounts(%q, %q) = %v, want %v", tt.q, tt.c, got, tt.want)
		}
	}
}

func TestFusionFuse(t *testing.T) {
	// a: sparse 1st (score 9), dense 3rd (0.5); b: sparse 2nd (5), dense
	// 1st (0.9); c: dense 2nd (0.7) only; d: sparse 3rd (1) only, in
	// Russian under an English question.
	hits := func() []Hit {
		return []Hit{
			{Chunk: Chunk{ID: "a", Lang: "en"}, SparseRank: 1, SparseScore: 9, DenseRank: 3, DenseScore: 0.5},
			{Chunk: Chunk{ID: "b", Lang: "en"}, SparseRank: 2, SparseScore: 5, DenseRank: 1, DenseScore: 0.9},
			{Chunk: Chunk{ID: "c", Lang: "en"}, DenseRank: 2, DenseScore: 0.7},
			{Chunk: Chunk{ID: "d", Lang: "ru"}, SparseRank: 3, SparseScore: 1},
		}
	}
	for _, tt := range []struct {
		name string
		f    Fusion
		want map[string]float64
	}{
		{"plain RRF", Fusion{FuseRRF, 0.5}, map[string]float64{
			"a": 0.5*RRF(1) + 0.5*RRF(3), "b": 0.5*RRF(2) + 0.5*RRF(1), "c": 0.5 * RRF(2), "d": 0}},
		{"weighted RRF", Fusion{FuseRRF, 0.2}, map[string]float64{
			"a": 0.8*RRF(1) + 0.2*RRF(3), "b": 0.8*RRF(2) + 0.2*RRF(1), "c": 0.2 * RRF(2), "d": 0}},
		// Sparse scales over 0..9, dense over its list's 0.5..0.9.
		{"min-max", Fusion{FuseMinMax, 0.4}, map[string]float64{
			"a": 0.6*1 + 0.4*0, "b": 0.6*5.0/9 + 0.4*1, "c": 0.4 * 0.5, "d": 0}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			hs := hits()
			tt.f.Fuse(hs, "en")
			for _, h := range hs {
				if math.Abs(h.Score-tt.want[h.ID]) > 1e-12 {
					t.Errorf("%s: score %v, want %v", h.ID, h.Score, tt.want[h.ID])
				}
			}
		})
	}
	// Without a known question language the Russian chunk's sparse rank
	// counts.
	hs := hits()
	Fusion{FuseRRF, 0.5}.Fuse(hs, "")
	if want := 0.5 * RRF(3); math.Abs(hs[3].Score-want) > 1e-12 {
		t.Errorf("unknown question language: d scores %v, want %v", hs[3].Score, want)
	}
	// A dense list of equal scores scales to 1, not 0: its hits beat the
	// ones it did not return; a lone sparse hit scales to 1 as the best.
	eq := []Hit{
		{Chunk: Chunk{ID: "x"}, SparseRank: 1, SparseScore: 3},
		{Chunk: Chunk{ID: "y"}, DenseRank: 1, DenseScore: 0.8},
	}
	Fusion{FuseMinMax, 0.5}.Fuse(eq, "en")
	if eq[0].Score != 0.5 || eq[1].Score != 0.5 {
		t.Errorf("single-score lists: %v %v, want 0.5 each", eq[0].Score, eq[1].Score)
	}
}
