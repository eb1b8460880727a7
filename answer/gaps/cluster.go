package gaps

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"github.com/answerdesk/answerdesk/retrieval"
	"github.com/answerdesk/answerdesk/retrieval/dense"
)

// Default similarity thresholds: clusters merge while the average cosine
// similarity between their questions is at least this. They were chosen on
// the BANKING77 train split (see the package tests), never on the figures
// reported.
const (
	DefaultSparseThreshold = 0.10
	DefaultDenseThreshold  = 0.20
	// DefaultNeighbors is the neighbourhood of the second-order similarity,
	// for 120 questions or more; smaller sets take a quarter of their
	// size (at least 3), so that a neighbourhood stays local.
	DefaultNeighbors = 30
)

// MaxQuestions bounds one clustering (n² similarities are kept in memory:
// 8,000 questions take 256 MB); callers sample or narrow the window beyond.
const MaxQuestions = 8000

// ErrTooMany reports more than MaxQuestions texts.
var ErrTooMany = errors.New("too many questions to cluster")

// Options tune Cluster; zero fields take the defaults.
type Options struct {
	// Threshold is the average-linkage similarity at which clusters stop
	// merging (DefaultSparseThreshold, or DefaultDenseThreshold with
	// vectors).
	Threshold float64
	// Representatives is how many questions describe a cluster (default 5).
	Representatives int
	// Terms is how many characteristic terms describe a cluster (default 5).
	Terms int
	// Neighbors (default DefaultNeighbors; negative: none) replaces each
	// similarity by the cosine of the two questions' similarities to their
	// Neighbors nearest questions (shared nearest neighbours): two
	// questions are alike when the same questions are like them, which
	// smooths the sparse word overlap of short texts.
	Neighbors int
}

// Cluster is a group of similar questions.
type Cluster struct {
	// Members are indexes into the clustered texts, nearest the centroid
	// first.
	Members []int
	// Representatives are the first members (at most Options.Representatives).
	Representatives []int
	// Terms are the analyzer terms weighing most in the cluster (TF-IDF).
	Terms []string
	// Cohesion is the mean cosine similarity of the members to their
	// centroid, 0..1.
	Cohesion float64
}

// Group clusters texts. vecs, when not nil, are their embeddings (one per
// text) and decide similarity; otherwise TF-IDF vectors of the analyzer's
// terms do. Clusters come largest first (ties: earliest member first);
// every text is in exactly one cluster, singletons included. Errors:
// ErrTooMany beyond MaxQuestions texts; vectors that are not one per text,
// all of one size.
func Group(texts []string, vecs [][]float32, o Options) ([]Cluster, error) {
	n := len(texts)
	if n > MaxQuestions {
		return nil, fmt.Errorf("%w: %d, the limit is %d", ErrTooMany, n, MaxQuestions)
	}
	if vecs != nil {
		if len(vecs) != n {
			return nil, fmt.Errorf("cluster: %d vectors for %d questions", len(vecs), n)
		}
		for i, v := range vecs {
			if len(v) == 0 || len(v) != len(vecs[0]) {
				return nil, fmt.Errorf("cluster: vector %d has %d dimensions, want %d", i, len(v), len(vecs[0]))
			}
		}
	}
	if o.Representatives <= 0 {
		o.Representatives = 5
	}
	if o.Terms <= 0 {
		o.Terms = 5
	}
	if o.Neighbors == 0 {
		o.Neighbors = min(DefaultNeighbors, max(3, n/4))
	}
	tf := tfidf(texts)
	var rows [][]float32
	if vecs != nil {
		rows = make([][]float32, n)
		for i, v := range vecs {
			// A zero vector stays zero: similar to nothing.
			if rows[i] = dense.Unit(v); rows[i] == nil {
				rows[i] = make([]float32, len(v))
			}
		}
		if o.Threshold <= 0 {
			o.Threshold = DefaultDenseThreshold
		}
	} else if o.Threshold <= 0 {
		o.Threshold = DefaultSparseThreshold
	}
	sim := newMatrix(n)
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			var s float64
			if rows != nil {
				s = dotDense(rows[i], rows[j])
			} else {
				s = tf.vecs[i].dot(tf.vecs[j])
			}
			sim.set(i, j, float32(s))
		}
	}
	if o.Neighbors > 0 {
		sim = secondOrder(sim, o.Neighbors)
	}
	labels := averageLinkage(sim, o.Threshold)

	byLabel := map[int][]int{}
	for i, l := range labels {
		byLabel[l] = append(byLabel[l], i)
	}
	out := make([]Cluster, 0, len(byLabel))
	for _, members := range byLabel {
		out = append(out, describe(members, rows, tf, o))
	}
	sort.Slice(out, func(a, b int) bool {
		if len(out[a].Members) != len(out[b].Members) {
			return len(out[a].Members) > len(out[b].Members)
		}
		return minInt(out[a].Members) < minInt(out[b].Members)
	})
	return out, nil
}

// describe orders a cluster's members by similarity to its centroid and
// names its terms.
func describe(members []int, rows [][]float32, tf tfidfSet, o Options) Cluster {
	c := Cluster{}
	sims := make([]float64, len(members))
	if rows != nil {
		cen := make([]float64, len(rows[members[0]]))
		for _, m := range members {
			for k, x := range rows[m] {
				cen[k] += float64(x)
			}
		}
		norm := l2(cen)
		for i, m := range members {
			for k, x := range rows[m] {
				sims[i] += float64(x) * cen[k]
			}
			if norm > 0 {
				sims[i] /= norm
			}
		}
	}
	cen := map[int32]float64{}
	for _, m := range members {
		v := tf.vecs[m]
		for k, t := range v.idx {
			cen[t] += float64(v.val[k])
		}
	}
	terms := make([]int32, 0, len(cen))
	for t := range cen {
		terms = append(terms, t)
	}
	sort.Slice(terms, func(a, b int) bool { return terms[a] < terms[b] }) // a fixed summation order
	var norm float64
	for _, t := range terms {
		norm += cen[t] * cen[t]
	}
	norm = math.Sqrt(norm)
	if rows == nil {
		for i, m := range members {
			v := tf.vecs[m]
			for k, t := range v.idx {
				sims[i] += float64(v.val[k]) * cen[t]
			}
			if norm > 0 {
				sims[i] /= norm
			}
		}
	}
	order := make([]int, len(members))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		if sims[order[a]] != sims[order[b]] {
			return sims[order[a]] > sims[order[b]]
		}
		return members[order[a]] < members[order[b]]
	})
	for _, i := range order {
		c.Members = append(c.Members, members[i])
		c.Cohesion += sims[i]
	}
	c.Cohesion /= float64(len(members))
	c.Representatives = c.Members[:min(len(c.Members), o.Representatives)]

	sort.Slice(terms, func(a, b int) bool {
		if cen[terms[a]] != cen[terms[b]] {
			return cen[terms[a]] > cen[terms[b]]
		}
		return tf.names[terms[a]] < tf.names[terms[b]]
	})
	for _, t := range terms[:min(len(terms), o.Terms)] {
		c.Terms = append(c.Terms, tf.names[t])
	}
	return c
}

// averageLinkage clusters by average linkage (UPGMA) with the
// nearest-neighbour chain algorithm and cuts the dendrogram where the
// average similarity falls below threshold. It returns a label per item.
// sim is overwritten.
func averageLinkage(sim *matrix, threshold float64) []int {
	n := sim.n
	size := make([]int, n)
	active := make([]bool, n)
	for i := range size {
		size[i], active[i] = 1, true
	}
	type merge struct {
		a, b int
		s    float32
	}
	merges := make([]merge, 0, n)
	chain := make([]int, 0, n)
	remaining := n
	for remaining > 1 {
		if len(chain) == 0 {
			for i := 0; i < n; i++ {
				if active[i] {
					chain = append(chain, i)
					break
				}
			}
		}
		for {
			a := chain[len(chain)-1]
			prev := -1
			if len(chain) > 1 {
				prev = chain[len(chain)-2]
			}
			// The most similar active cluster; the previous link of the
			// chain wins ties, so that the chain ends in a reciprocal pair.
			best, bestS := -1, float32(math.Inf(-1))
			if prev >= 0 {
				best, bestS = prev, sim.get(a, prev)
			}
			for j := 0; j < n; j++ {
				if j == a || !active[j] {
					continue
				}
				if s := sim.get(a, j); s > bestS {
					best, bestS = j, s
				}
			}
			if best == prev {
				chain = chain[:len(chain)-2]
				// Merge b into a (keep the lower index as the slot).
				x, y := min(a, best), max(a, best)
				for k := 0; k < n; k++ {
					if !active[k] || k == x || k == y {
						continue
					}
					s := (float32(size[x])*sim.get(x, k) + float32(size[y])*sim.get(y, k)) / float32(size[x]+size[y])
					sim.set(x, k, s)
				}
				merges = append(merges, merge{x, y, bestS})
				size[x] += size[y]
				active[y] = false
				remaining--
				break
			}
			chain = append(chain, best)
		}
	}
	// Average linkage is monotone: a merge above the threshold has children
	// above it, so applying every such merge cuts the dendrogram.
	parent := make([]int, n)
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for _, m := range merges {
		if float64(m.s) >= threshold {
			parent[find(m.b)] = find(m.a)
		}
	}
	labels := make([]int, n)
	for i := range labels {
		labels[i] = find(i)
	}
	return labels
}

// secondOrder returns the similarities of the rows of sim restricted to
// each item's k nearest neighbours (itself included, with similarity 1).
func secondOrder(sim *matrix, k int) *matrix {
	n := sim.n
	type nb struct {
		j int
		s float32
	}
	rows := make([][]nb, n)
	cand := make([]nb, 0, n)
	for i := 0; i < n; i++ {
		cand = cand[:0]
		for j := 0; j < n; j++ {
			if j != i {
				if s := sim.get(i, j); s > 0 {
					cand = append(cand, nb{j, s})
				}
			}
		}
		sort.Slice(cand, func(a, b int) bool {
			if cand[a].s != cand[b].s {
				return cand[a].s > cand[b].s
			}
			return cand[a].j < cand[b].j
		})
		row := append([]nb{{i, 1}}, cand[:min(k, len(cand))]...)
		var norm float64
		for _, x := range row {
			norm += float64(x.s) * float64(x.s)
		}
		inv := float32(1 / math.Sqrt(norm))
		for t := range row {
			row[t].s *= inv
		}
		rows[i] = row
	}
	// Column lists: for each m, the rows that have it as a neighbour.
	cols := make([][]nb, n)
	for i, row := range rows {
		for _, x := range row {
			cols[x.j] = append(cols[x.j], nb{i, x.s})
		}
	}
	out := newMatrix(n)
	for _, col := range cols {
		for a := 0; a < len(col); a++ {
			for b := a + 1; b < len(col); b++ {
				i, j := col[a].j, col[b].j
				out.set(i, j, out.get(i, j)+col[a].s*col[b].s)
			}
		}
	}
	return out
}

// matrix is a symmetric n×n matrix of similarities (upper triangle used).
type matrix struct {
	n int
	v []float32
}

func newMatrix(n int) *matrix { return &matrix{n: n, v: make([]float32, n*n)} }

func (m *matrix) get(i, j int) float32 {
	if i > j {
		i, j = j, i
	}
	return m.v[i*m.n+j]
}

func (m *matrix) set(i, j int, s float32) {
	if i > j {
		i, j = j, i
	}
	m.v[i*m.n+j] = s
}

// tfidfSet holds the TF-IDF vectors of a set of texts over their terms.
type tfidfSet struct {
	names []string
	vecs  []sparse
}

type sparse struct {
	idx []int32 // ascending
	val []float32
}

func (s sparse) dot(t sparse) float64 {
	var d float64
	i, j := 0, 0
	for i < len(s.idx) && j < len(t.idx) {
		switch {
		case s.idx[i] < t.idx[j]:
			i++
		case s.idx[i] > t.idx[j]:
			j++
		default:
			d += float64(s.val[i]) * float64(t.val[j])
			i++
			j++
		}
	}
	return d
}

// tfidf vectorizes texts: analyzer terms weighted (1 + log tf)·idf, with
// the smoothed idf 1 + log((1+n)/(1+df)) of the texts themselves (a term
// every text shares still counts: a handful of questions may all be about
// it), unit length.
func tfidf(texts []string) tfidfSet {
	ids := map[string]int32{}
	var names []string
	tfs := make([]map[int32]int, len(texts))
	df := map[int32]int{}
	for i, t := range texts {
		tfs[i] = map[int32]int{}
		for _, term := range retrieval.DefaultAnalyzer.Terms(t) {
			id, ok := ids[term]
			if !ok {
				id = int32(len(names))
				ids[term] = id
				names = append(names, term)
			}
			if tfs[i][id] == 0 {
				df[id]++
			}
			tfs[i][id]++
		}
	}
	set := tfidfSet{names: names, vecs: make([]sparse, len(texts))}
	for i, tf := range tfs {
		v := sparse{idx: make([]int32, 0, len(tf)), val: make([]float32, 0, len(tf))}
		for id := range tf {
			v.idx = append(v.idx, id)
		}
		sort.Slice(v.idx, func(a, b int) bool { return v.idx[a] < v.idx[b] })
		var norm float64
		w := make([]float64, len(v.idx))
		for k, id := range v.idx {
			w[k] = (1 + math.Log(float64(tf[id]))) * (1 + math.Log(float64(1+len(texts))/float64(1+df[id])))
			norm += w[k] * w[k]
		}
		norm = math.Sqrt(norm)
		for k := range w {
			if norm > 0 {
				w[k] /= norm
			}
			v.val = append(v.val, float32(w[k]))
		}
		set.vecs[i] = v
	}
	return set
}

func dotDense(a, b []float32) float64 {
	var s float32
	for i := range a {
		s += a[i] * b[i]
	}
	return float64(s)
}

func l2(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x * x
	}
	return math.Sqrt(s)
}

func minInt(v []int) int {
	m := v[0]
	for _, x := range v[1:] {
		m = min(m, x)
	}
	return m
}
