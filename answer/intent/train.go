package intent

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"github.com/answerdesk/answerdesk/retrieval/dense"
)

// ErrBadData reports training or evaluation data that cannot be used.
var ErrBadData = errors.New("bad intent data")

// Example is one labelled question.
type Example struct {
	Text  string
	Label string
}

// Embedder embeds questions; llm.Embedder satisfies it.
type Embedder interface {
	EmbedQueries(ctx context.Context, texts []string) ([][]float32, error)
}

// Options tune training; zero fields take the defaults.
type Options struct {
	// Epochs is the number of passes over the data (default 12).
	Epochs int
	// Rate is AdaGrad's learning rate (default 0.5).
	Rate float64
	// L2 is the weight decay per update (default 1e-5).
	L2 float64
	// RejectRate is the share of held-out in-scope questions the reject
	// threshold may refuse (default 0.05): the threshold is that quantile of
	// the top probability on a tenth of the training data held out from a
	// first fit.
	RejectRate float64
	// EmbedScale multiplies the unit-length embedding while the dense head
	// trains (default 8), and its weights are scaled back afterwards, so
	// the stored model takes unit vectors. A unit embedding spreads its
	// length over hundreds of dimensions, each far smaller than the few
	// weighted terms of a unit sparse vector; at scale 1 AdaGrad's steps
	// leave the embedding columns nearly unused. The default was chosen on
	// a tenth of the BANKING77 train split held out (see README.md), not
	// on its test split.
	EmbedScale float64
	// Embedder, when set, adds a head over the analyzer features and the
	// questions' embeddings; EmbedModel names its model (stored with the
	// model, so that a changed embedder is noticed).
	Embedder   Embedder
	EmbedModel string
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

func (o Options) withDefaults() Options {
	if o.Epochs <= 0 {
		o.Epochs = 12
	}
	if o.Rate <= 0 {
		o.Rate = 0.5
	}
	if o.L2 <= 0 {
		o.L2 = 1e-5
	}
	if o.EmbedScale <= 0 {
		o.EmbedScale = 8
	}
	if o.RejectRate <= 0 {
		o.RejectRate = 0.05
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Train fits a model to examples. It needs at least two labels; texts and
// labels must be non-empty. With o.Embedder it embeds every text (the
// slow part) and trains the dense head as well as the sparse one.
func Train(ctx context.Context, examples []Example, o Options) (*Model, error) {
	o = o.withDefaults()
	labels, y, err := labelIndex(examples)
	if err != nil {
		return nil, err
	}
	feats := make([][]string, len(examples))
	for i, ex := range examples {
		feats[i] = featureSet(ex.Text)
	}
	var vecs [][]float32
	if o.Embedder != nil {
		texts := make([]string, len(examples))
		for i, ex := range examples {
			texts[i] = ex.Text
		}
		if vecs, err = o.Embedder.EmbedQueries(ctx, texts); err != nil {
			return nil, fmt.Errorf("embed training questions: %w", err)
		}
		if len(vecs) != len(texts) {
			return nil, fmt.Errorf("embed training questions: %d vectors for %d questions", len(vecs), len(texts))
		}
		for i, v := range vecs {
			if vecs[i] = dense.Unit(v); vecs[i] == nil || len(v) != len(vecs[0]) {
				return nil, fmt.Errorf("embed training questions: vector %d is empty or of another size", i)
			}
		}
	}

	// A first fit without a tenth of each intent chooses the reject
	// thresholds on questions it has not seen.
	fit, held := holdOut(y)
	sub := func(idx []int) ([][]string, [][]float32, []int) {
		f, v, l := make([][]string, len(idx)), [][]float32(nil), make([]int, len(idx))
		for k, i := range idx {
			f[k], l[k] = feats[i], y[i]
			if vecs != nil {
				v = append(v, vecs[i])
			}
		}
		return f, v, l
	}
	m := &Model{labels: labels, embedModel: o.EmbedModel, trained: o.Now().UTC(), examples: len(examples)}
	var sparseReject, denseReject float64
	if len(held) >= 20 {
		ff, fv, fy := sub(fit)
		hf, hv, _ := sub(held)
		first, err := fitModel(ctx, labels, ff, fv, fy, o)
		if err != nil {
			return nil, err
		}
		sparseReject = first.rejectQuantile(hf, nil, o.RejectRate)
		if fv != nil {
			denseReject = first.rejectQuantile(hf, hv, o.RejectRate)
		}
	}
	final, err := fitModel(ctx, labels, feats, vecs, y, o)
	if err != nil {
		return nil, err
	}
	m.vocab, m.sparse, m.dense = final.vocab, final.sparse, final.dense
	m.sparse.reject = sparseReject
	if m.dense != nil {
		m.dense.reject = denseReject
	}
	return m, nil
}

// labelIndex checks examples and numbers their labels in sorted order.
func labelIndex(examples []Example) ([]string, []int, error) {
	seen := map[string]int{}
	for i, ex := range examples {
		if strings.TrimSpace(ex.Text) == "" || strings.TrimSpace(ex.Label) == "" {
			return nil, nil, fmt.Errorf("%w: example %d has an empty text or label", ErrBadData, i+1)
		}
		seen[ex.Label]++
	}
	if len(seen) < 2 {
		return nil, nil, fmt.Errorf("%w: %d examples of %d intents; training needs at least two intents", ErrBadData, len(examples), len(seen))
	}
	labels := make([]string, 0, len(seen))
	for l := range seen {
		labels = append(labels, l)
	}
	sort.Strings(labels)
	at := make(map[string]int, len(labels))
	for i, l := range labels {
		at[l] = i
	}
	y := make([]int, len(examples))
	for i, ex := range examples {
		y[i] = at[ex.Label]
	}
	return labels, y, nil
}

// holdOut splits example indexes: every tenth example of each label is held
// out.
func holdOut(y []int) (fit, held []int) {
	n := map[int]int{}
	for i, c := range y {
		n[c]++
		if n[c]%10 == 0 {
			held = append(held, i)
		} else {
			fit = append(fit, i)
		}
	}
	return fit, held
}

// rejectQuantile is the top probability below which a share rate of the
// given (in-scope) questions falls.
func (m *Model) rejectQuantile(feats [][]string, vecs [][]float32, rate float64) float64 {
	scores := make([]float64, len(feats))
	h := &m.sparse
	if vecs != nil {
		h = m.dense
	}
	p := make([]float64, len(m.labels))
	for i, f := range feats {
		var v []float32
		if vecs != nil {
			v = vecs[i]
		}
		h.probs(m.vocab.vector(f), v, len(m.vocab.idf), p)
		for _, x := range p {
			scores[i] = max(scores[i], x)
		}
	}
	sort.Float64s(scores)
	return scores[int(rate*float64(len(scores)))]
}

// fitModel builds the vocabulary of feats and fits the sparse head, and the
// dense head when vecs are given.
func fitModel(ctx context.Context, labels []string, feats [][]string, vecs [][]float32, y []int, o Options) (*Model, error) {
	m := &Model{labels: labels, vocab: newVocabulary(feats, 2)}
	xs := make([]sparseVec, len(feats))
	for i, f := range feats {
		xs[i] = m.vocab.vector(f)
	}
	var err error
	if m.sparse, err = fitHead(ctx, xs, nil, y, len(labels), len(m.vocab.idf), o); err != nil {
		return nil, err
	}
	if vecs != nil {
		scale := float32(o.EmbedScale)
		scaled := make([][]float32, len(vecs))
		for i, v := range vecs {
			scaled[i] = make([]float32, len(v))
			for k, x := range v {
				scaled[i][k] = x * scale
			}
		}
		d, err := fitHead(ctx, xs, scaled, y, len(labels), len(m.vocab.idf), o)
		if err != nil {
			return nil, err
		}
		// w·(s·v) = (s·w)·v: the stored head takes unit vectors.
		for i := len(m.vocab.idf) * len(labels); i < len(d.w); i++ {
			d.w[i] *= scale
		}
		m.dense = &d
	}
	return m, nil
}

// fitHead minimizes the cross-entropy of a softmax over the features with
// AdaGrad, visiting the examples in a fixed pseudo-random order each epoch
// (training is deterministic). L2 decay is applied to the weights an
// example touches.
func fitHead(ctx context.Context, xs []sparseVec, vecs [][]float32, y []int, classes, nSparse int, o Options) (head, error) {
	dim := 0
	if vecs != nil {
		dim = len(vecs[0])
	}
	C := classes
	h := head{dim: dim, w: make([]float32, (nSparse+dim)*C), b: make([]float32, C)}
	gw := make([]float32, len(h.w))
	gb := make([]float32, C)
	p := make([]float64, C)
	g := make([]float32, C)
	rng := rand.New(rand.NewPCG(1, 2))
	order := make([]int, len(xs))
	for i := range order {
		order[i] = i
	}
	rate, l2 := float32(o.Rate), float32(o.L2)
	const eps = 1e-8
	update := func(w, gsq []float32, x float32) {
		for c := range w {
			d := g[c]*x + l2*w[c]
			gsq[c] += d * d
			w[c] -= rate * d / float32(math.Sqrt(float64(gsq[c])+eps))
		}
	}
	for epoch := 0; epoch < o.Epochs; epoch++ {
		if err := ctx.Err(); err != nil {
			return head{}, err
		}
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, i := range order {
			var v []float32
			if vecs != nil {
				v = vecs[i]
			}
			h.probs(xs[i], v, nSparse, p)
			for c := range g {
				g[c] = float32(p[c])
			}
			g[y[i]]--
			for k, j := range xs[i].idx {
				update(h.w[int(j)*C:int(j+1)*C], gw[int(j)*C:int(j+1)*C], xs[i].val[k])
			}
			for k, x := range v {
				at := (nSparse + k) * C
				update(h.w[at:at+C], gw[at:at+C], x)
			}
			for c := range gb {
				gb[c] += g[c] * g[c]
				h.b[c] -= rate * g[c] / float32(math.Sqrt(float64(gb[c])+eps))
			}
		}
	}
	return h, nil
}
