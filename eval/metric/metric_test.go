package metric

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestRankingMetrics(t *testing.T) {
	rel := map[string]bool{"b": true, "c": true}
	docs := []string{"a", "b", "x", "c"}
	// DCG = 1/log2(3) + 1/log2(5); ideal = 1 + 1/log2(3).
	wantNDCG := (1/math.Log2(3) + 1/math.Log2(5)) / (1 + 1/math.Log2(3))
	tests := []struct {
		name string
		got  float64
		want float64
	}{
		{"first relevant rank", float64(FirstRelevant(docs, rel, 10)), 2},
		{"first relevant beyond k", float64(FirstRelevant(docs, rel, 1)), 0},
		{"recall@1", Recall(docs, rel, 1), 0},
		{"recall@2", Recall(docs, rel, 2), 0.5},
		{"recall@10", Recall(docs, rel, 10), 1},
		{"ndcg@10", NDCG(docs, rel, 10), wantNDCG},
		{"ndcg perfect", NDCG([]string{"c", "b"}, rel, 10), 1},
		{"ndcg@1 with more relevant than k", NDCG([]string{"b"}, rel, 1), 1},
		{"ndcg nothing found", NDCG([]string{"a"}, rel, 10), 0},
		{"reciprocal rank", ReciprocalRank(docs, rel, 10), 0.5},
		{"reciprocal rank beyond k", ReciprocalRank(docs, rel, 1), 0},
	}
	for _, tt := range tests {
		if !near(tt.got, tt.want) {
			t.Errorf("%s = %v, want %v", tt.name, tt.got, tt.want)
		}
	}
	if diff := cmp.Diff([]string{"a", "b", "c"}, Distinct([]string{"a", "b", "a", "c", "b"})); diff != "" {
		t.Errorf("Distinct (-want +got):\n%s", diff)
	}
}
