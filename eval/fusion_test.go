package eval

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/answerdesk/answerdesk/eval/suite/suitetest"
	"github.com/answerdesk/answerdesk/retrieval"
)

// topicEmbedder embeds a text as the one-hot vector of the first topic
// word it contains: a dense retriever that understands what the words do
// not say.
type topicEmbedder struct{}

var topicWords = [][]string{{"reset"}, {"pay", "invoice"}, {"warranty"}}

func (topicEmbedder) Model() string { return "topics" }

func (topicEmbedder) vec(t string) []float32 {
	v := make([]float32, len(topicWords)+1)
	v[len(topicWords)] = 0.01 // never the zero vector
	for i, ws := range topicWords {
		for _, w := range ws {
			if strings.Contains(strings.ToLower(t), w) {
				v[i] = 1
				return v
			}
		}
	}
	return v
}

func (e topicEmbedder) EmbedDocuments(_ context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, t := range texts {
		out[i] = e.vec(t)
	}
	return out, nil
}

func TestScoreFusions(t *testing.T) {
	// The question shares "hub" with a and c only; its answer b speaks of
	// invoices, which only the dense retriever connects to paying.
	corpus := `{"id":"a","title":"Reset","text":"To reset the hub hold the button."}
{"id":"b","title":"Billing","text":"An invoice is sent every month."}
{"id":"c","title":"Warranty","text":"The hub has a two year warranty."}`
	queries := `{"id":"q1","text":"how do I pay for the hub","lang":"en","relevant":["b"],"answerable":true}
{"id":"q2","text":"nothing here","lang":"en","relevant":[],"answerable":false}`
	s, err := LoadSuite(suitetest.Write(t, map[string]string{"corpus.jsonl": corpus, "queries.jsonl": queries}))
	if err != nil {
		t.Fatal(err)
	}
	h := fakeHarness()
	h.Embedder = topicEmbedder{}
	var asked []string
	embed := func(ctx context.Context, texts []string) ([][]float32, error) {
		asked = append(asked, texts...)
		return topicEmbedder{}.EmbedDocuments(ctx, texts)
	}
	grid := []retrieval.Fusion{{Method: retrieval.FuseRRF, DenseWeight: 0}, {Method: retrieval.FuseRRF, DenseWeight: 0.5}, {Method: retrieval.FuseMinMax, DenseWeight: 1}}
	got, err := h.ScoreFusions(context.Background(), s, embed, grid)
	if err != nil {
		t.Fatal(err)
	}
	if got.Queries != 1 || len(asked) != 1 || asked[0] != "how do I pay for the hub" {
		t.Fatalf("scored %d queries, embedded %q: want the answerable question only", got.Queries, asked)
	}
	if got.Sparse != 0 {
		t.Errorf("sparse nDCG %v, want 0 (b has no word of the question)", got.Sparse)
	}
	// Dense weight 0 ranks by sparse; what only dense found comes after
	// (b third, after a and c).
	if want := 1 / math.Log2(4); math.Abs(got.Fused[0]-want) > 1e-12 {
		t.Errorf("dense weight 0: nDCG %v, want %v", got.Fused[0], want)
	}
	if got.Fused[2] != 1 {
		t.Errorf("dense alone: nDCG %v, want 1", got.Fused[2])
	}
	if !(got.Fused[1] > 0 && got.Fused[1] < 1) {
		t.Errorf("plain RRF: nDCG %v, want b found below the sparse hits", got.Fused[1])
	}
	if _, err := h.ScoreFusions(context.Background(), s, nil, grid); err == nil {
		t.Error("no error without a query embedder")
	}
}

func TestFusionCandidates(t *testing.T) {
	hits := []retrieval.Hit{
		{Chunk: retrieval.Chunk{ID: "both"}, SparseRank: 1, DenseRank: 2},
		{Chunk: retrieval.Chunk{ID: "deep sparse"}, SparseRank: retrieval.FusionDepth + 1, SparseScore: 1, DenseRank: 5, DenseScore: 0.5},
		{Chunk: retrieval.Chunk{ID: "too deep"}, SparseRank: retrieval.FusionDepth + 3, DenseRank: retrieval.FusionDepth + 2},
	}
	got := fusionCandidates(hits)
	if len(got) != 2 || got[1].SparseRank != 0 || got[1].SparseScore != 0 || got[1].DenseRank != 5 {
		t.Errorf("candidates %+v: want the hits within FusionDepth of a list, ranks beyond it cleared", got)
	}
}

func TestChooseFusion(t *testing.T) {
	// Fusion 0 wins most on average but loses 0.05 on suite "c"; fusion 1
	// gains a little everywhere; fusion 2 gains as little in the worst
	// case as 1 but more on average.
	scores := []FusionScores{
		{Suite: "a", Queries: 10, Sparse: 0.5, Fused: []float64{0.9, 0.52, 0.60}},
		{Suite: "b", Queries: 10, Sparse: 0.5, Fused: []float64{0.9, 0.51, 0.51}},
		{Suite: "c", Queries: 10, Sparse: 0.5, Fused: []float64{0.45, 0.51, 0.5102}},
		{Suite: "empty", Queries: 0, Sparse: math.NaN(), Fused: []float64{math.NaN(), math.NaN(), math.NaN()}},
	}
	c := ChooseFusion(scores)
	// Without c, fusion 0 never loses: chosen for c. With c, fusion 2
	// (worst gain within 0.0005 of fusion 1's, larger mean).
	if want := []int{2, 2, 0, 2}; !equalInts(c.HeldOut, want) || c.All != 2 {
		t.Errorf("held out %v, all %d; want %v and 2", c.HeldOut, c.All, want)
	}
	var b strings.Builder
	if err := WriteFusionTable(&b, []retrieval.Fusion{{Method: retrieval.FuseRRF, DenseWeight: 0.9}, {Method: retrieval.FuseRRF, DenseWeight: 0.1}, {Method: retrieval.FuseMinMax, DenseWeight: 0.3}}, scores, c); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"rrf:0.9", "c  ", "rrf:0.9   0.450  -0.050", "chosen on all suites: minmax:0.3"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, b.String())
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
