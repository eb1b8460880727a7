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
