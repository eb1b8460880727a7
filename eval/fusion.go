package eval

import (
	"context"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/answerdesk/answerdesk/eval/metric"
	"github.com/answerdesk/answerdesk/retrieval"
)

// FusionGrid is the fusions `eval fusion` compares: weighted RRF and the
// min-max convex combination, each at dense weights 0.1 … 0.9.
func FusionGrid() []retrieval.Fusion {
	var g []retrieval.Fusion
	for _, m := range []retrieval.FusionMethod{retrieval.FuseRRF, retrieval.FuseMinMax} {
		for w := 1; w <= 9; w++ {
			g = append(g, retrieval.Fusion{Method: m, DenseWeight: float64(w) / 10})
		}
	}
	return g
}

// FusionScores is one suite's mean nDCG@10 over its answerable questions
// (document level, as in Summarize), by sparse retrieval alone and by each
// fusion of a grid, from the store's ranked chunks (without the answer
// engine, which only reads them).
type FusionScores struct {
	Suite   string
	Queries int
	Sparse  float64
	Fused   []float64 // by grid position
}

// QueryVectors embeds questions in batches.
type QueryVectors func(ctx context.Context, texts []string) ([][]float32, error)

// ScoreFusions ingests s (as RunSuite does, knock-outs included) and
// measures nDCG@10 of sparse retrieval and of every fusion of grid. One
// hybrid search per question returns every candidate of both retrievers'
// lists (retrieval.FusionDepth each), with their ranks and scores; each
// fusion re-scores that union (retrieval.Fusion.Fuse), exactly as a store
// using it would rank.
func (h *Harness) ScoreFusions(ctx context.Context, s *Suite, embed QueryVectors, grid []retrieval.Fusion) (FusionScores, error) {
	out := FusionScores{Suite: s.Name, Fused: make([]float64, len(grid))}
	if h.OpenStore == nil || embed == nil {
		return out, fmt.Errorf("suite %s: fusion needs a store opener and a query embedder", s.Name)
	}
	hash, err := s.CorpusHash()
	if err != nil {
		return out, fmt.Errorf("suite %s: %w", s.Name, err)
	}
	s, knocked, err := h.Knockout.Apply(s)
	if err != nil {
		return out, fmt.Errorf("suite %s: %w", s.Name, err)
	}
	cutSuite, cut, err := h.knockOutAnswers(s)
	if err != nil {
		return out, fmt.Errorf("suite %s: %w", s.Name, err)
	}
	s = cutSuite
	log := h.logger()
	if h.Phase != nil {
		h.Phase(s.Name, "ingest")
	}
	store, cleanup, err := h.openStore(ctx, s, hash, len(knocked) > 0 || len(cut) > 0, log)
	if err != nil {
		return out, fmt.Errorf("suite %s: %w", s.Name, err)
	}
	defer cleanup()
	tenant := tenantOr(h.Options.Tenant)
	store, err = h.knockOut(ctx, store, s, knocked)
	if err != nil {
		return out, fmt.Errorf("suite %s: knock-out: %w", s.Name, err)
	}
	if err := h.cutAnswers(ctx, store, s, cut); err != nil {
		return out, fmt.Errorf("suite %s: %w", s.Name, err)
	}
	var qs []Query
	var texts []string
	for _, q := range s.Queries {
		if q.Answerable && len(q.Relevant) > 0 {
			qs = append(qs, q)
			texts = append(texts, q.Text)
		}
	}
	if h.Phase != nil {
		h.Phase(s.Name, "embed")
	}
	vecs, err := embed(ctx, texts)
	if err != nil {
		return out, fmt.Errorf("suite %s: embed questions: %w", s.Name, err)
	}
	if len(vecs) != len(qs) {
		return out, fmt.Errorf("suite %s: %d vectors for %d questions", s.Name, len(vecs), len(qs))
	}
	if h.Phase != nil {
		h.Phase(s.Name, "ask")
	}
	const k = 10
	for i, q := range qs {
		rel := make(map[string]bool, len(q.Relevant))
		for _, id := range q.Relevant {
			rel[id] = true
		}
		sp, err := store.Search(ctx, retrieval.Query{Text: q.Text, Tenant: tenant, K: 2 * k})
		if err != nil {
			return out, fmt.Errorf("suite %s: query %s: %w", s.Name, q.ID, err)
		}
		out.Sparse += metric.NDCG(hitDocs(sp.Hits), rel, k)
		hy, err := store.Search(ctx, retrieval.Query{Text: q.Text, Tenant: tenant, K: 2 * retrieval.FusionDepth, Dense: vecs[i]})
		if err != nil {
			return out, fmt.Errorf("suite %s: query %s: %w", s.Name, q.ID, err)
		}
		cands := fusionCandidates(hy.Hits)
		lang := retrieval.DetectLang(q.Text)
		for j, f := range grid {
			hits := append([]retrieval.Hit(nil), cands...)
			f.Fuse(hits, lang)
			retrieval.SortHits(hits)
			out.Fused[j] += metric.NDCG(hitDocs(hits), rel, k)
		}
	}
	out.Queries = len(qs)
	if n := float64(len(qs)); n > 0 {
		out.Sparse /= n
		for j := range out.Fused {
			out.Fused[j] /= n
		}
	}
	return out, nil
}

// fusionCandidates keeps what a store's fusion sees of a deeper search:
// the first retrieval.FusionDepth of each retriever's list.
func fusionCandidates(hits []retrieval.Hit) []retrieval.Hit {
	out := make([]retrieval.Hit, 0, len(hits))
	for _, h := range hits {
		if h.SparseRank > retrieval.FusionDepth {
			h.SparseRank, h.SparseScore = 0, 0
		}
		if h.DenseRank > retrieval.FusionDepth {
			h.DenseRank, h.DenseScore = 0, 0
		}
		if h.SparseRank > 0 || h.DenseRank > 0 {
			out = append(out, h)
		}
	}
	return out
}

// hitDocs is the distinct documents of ranked hits, each at its best rank.
func hitDocs(hits []retrieval.Hit) []string {
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.DocumentID
	}
	return metric.Distinct(ids)
}

// FusionChoice is the leave-one-suite-out choice of a fusion: for each
// suite, the grid position chosen on the other suites, and the one chosen
// on all of them.
type FusionChoice struct {
	HeldOut []int // by suite
	All     int
}

// ChooseFusion picks fusions from scores (one FusionScores per suite, over
// one grid) by the rule "never lose to sparse": the fusion whose smallest
// gain in nDCG@10 over sparse retrieval, across the suites it is chosen
// on, is largest; ties (within 0.0005) go to the larger mean gain. Each
// suite's choice is made without it; All is made on every suite.
func ChooseFusion(scores []FusionScores) FusionChoice {
	choose := func(skip int) int {
		best, bestMin, bestMean := -1, math.Inf(-1), math.Inf(-1)
		for j := range scores[0].Fused {
			lo, sum, n := math.Inf(1), 0.0, 0
			for i, s := range scores {
				if i == skip || s.Queries == 0 {
					continue
				}
				gain := s.Fused[j] - s.Sparse
				lo, sum, n = math.Min(lo, gain), sum+gain, n+1
			}
			if n == 0 {
				continue
			}
			mean := sum / float64(n)
			if best < 0 || lo > bestMin+0.0005 || (lo > bestMin-0.0005 && mean > bestMean) {
				best, bestMin, bestMean = j, lo, mean
			}
		}
		return best
	}
	c := FusionChoice{HeldOut: make([]int, len(scores)), All: -1}
	if len(scores) == 0 {
		return c
	}
	for i := range scores {
		c.HeldOut[i] = choose(i)
	}
	c.All = choose(-1)
	return c
}

// WriteFusionTable prints every suite's nDCG@10 by fusion of grid, then
// the held-out table: each suite's sparse nDCG@10 next to that of the
// fusion chosen on the other suites, and the fusion chosen on all suites.
func WriteFusionTable(w io.Writer, grid []retrieval.Fusion, scores []FusionScores, c FusionChoice) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "nDCG@10 of answerable questions by fusion (rows) and suite (columns)")
	head := []string{"fusion"}
	for _, s := range scores {
		head = append(head, s.Suite)
	}
	fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
	row := func(name string, v func(FusionScores) float64) {
		cells := []string{name}
		for _, s := range scores {
			cells = append(cells, fmt.Sprintf("%.3f", v(s)))
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t")+"\t")
	}
	row("sparse", func(s FusionScores) float64 { return s.Sparse })
	for j, f := range grid {
		row(f.String(), func(s FusionScores) float64 { return s.Fused[j] })
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nleave one suite out: each suite's fusion is chosen on the other suites (largest worst-suite gain over sparse)")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "held-out suite\tqueries\tsparse\tchosen fusion\thybrid\tΔ\t")
	for i, s := range scores {
		j := c.HeldOut[i]
		if j < 0 {
			continue
		}
		fmt.Fprintf(tw, "%s\t%d\t%.3f\t%s\t%.3f\t%+.3f\t\n", s.Suite, s.Queries, s.Sparse, grid[j], s.Fused[j], s.Fused[j]-s.Sparse)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if c.All >= 0 {
		_, err := fmt.Fprintf(w, "\nchosen on all suites: %s\n", grid[c.All])
		return err
	}
	return nil
}
