package embedded

import (
	"math"
	"math/bits"
	"slices"
	"sync"

	"github.com/answerdesk/answerdesk/retrieval"
)

// BM25 top k with dynamic pruning (MaxScore, Turtle and Flood 1995), a
// window of slots at a time.
//
// Each term has an upper bound on what it can add to a chunk's score. Once
// the heap holds k hits, the terms whose bounds together stay below the
// k-th score are non-essential: a chunk found only in them cannot enter
// the top k. So only the essential terms' postings are read, a window of
// slots at a time, term at a time into a small accumulator; each chunk
// they hold is then looked up in the non-essential terms (a galloping
// search in postings kept in slot order, skipping the postings in
// between) only while its score so far plus their bounds could still
// reach the heap. Where the non-essential terms' postings in a window are
// few next to the essential ones, reading them costs less than looking
// chunks up in them, and the window reads every term.
//
// The hits and scores are those of scoring every posting: a chunk's score
// is the same float32 sum, in the same order of terms, as the exhaustive
// term-at-a-time accumulation gave, and ties still break by chunk id.
// Bounds may be loose, never too low: they cover float32 rounding, and
// they hold whatever the average chunk length has become since they were
// computed (see rebound).

// boundDrift is how far, as a ratio, the average chunk length may move
// from the one the bounds were computed at before settle computes them
// again. The bounds stay correct in between, only looser.
const boundDrift = 1.05

// tfFraction is BM25's saturated, length-normalized term frequency over
// (k1+1): tf/(tf+k1·(1−b+b·len/avg)), in [0, 1). It rises with tf and falls
// with len and with 1/avg.
func tfFraction(tf float32, length int32, avg float64) float64 {
	t := float64(tf)
	return t / (t + retrieval.BM25K1*(1-retrieval.BM25B+retrieval.BM25B*float64(length)/avg))
}

// raiseBound makes term id's bound cover a posting of tf in a chunk of
// length terms.
func (x *index) raiseBound(id int32, tf float32, length int32) {
	x.bound[id] = max(x.bound[id], tfFraction(tf, length, x.boundAvg))
}

// rebound computes every term's bound afresh over its live postings when
// asked (after a compaction, or for an index just built or loaded) or when
// the average chunk length drifted by more than boundDrift since the last
// time. In between, bounds only rise (raiseBound): a deleted chunk's
// postings keep counting until the next computation, which is loose, not
// wrong.
//
// A bound computed at average a0 holds at any average a: for a ≤ a0 the
// fraction only falls, and for a > a0 its denominator is at least a0/a
// times the one at a0, so the fraction is at most a/a0 times its bound;
// sparse scales the bounds by max(1, a/a0).
func (x *index) rebound() {
	avg := x.avgLen()
	if !x.reBound && len(x.bound) == len(x.postings) && avg <= x.boundAvg*boundDrift && avg >= x.boundAvg/boundDrift {
		return
	}
	x.boundAvg, x.reBound = avg, false
	if cap(x.bound) < len(x.postings) {
		x.bound = make([]float64, len(x.postings))
	}
	x.bound = x.bound[:len(x.postings)]
	for id, ps := range x.postings {
		b := 0.0
		for _, p := range ps {
			if s := &x.slots[p.slot]; s.alive {
				b = max(b, tfFraction(p.tf, s.length, avg))
			}
		}
		x.bound[id] = b
	}
}

// upperBound is at least the contribution of term id, of inverse document
// frequency idf, to any live chunk's score, as contribution computes it:
// 2⁻²⁰ covers its float32 rounding (a few units of 2⁻²⁴).
func (x *index) upperBound(id int32, idf float64) float64 {
	scale := max(1, x.avgLen()/x.boundAvg)
	return idf * (retrieval.BM25K1 + 1) * x.bound[id] * scale * (1 + 0x1p-20)
}

// sortPostings puts back in slot order the postings of the terms that got
// a reused slot: each is a sorted run followed by the postings added since,
// which are sorted and merged into it from the back.
func (x *index) sortPostings() {
	if len(x.unsorted) == 0 {
		return
	}
	slices.Sort(x.unsorted)
	var tail []posting
	for _, id := range slices.Compact(x.unsorted) {
		ps := x.postings[id]
		run := 1
		for run < len(ps) && ps[run].slot > ps[run-1].slot {
			run++
		}
		if run == len(ps) {
			continue
		}
		tail = append(tail[:0], ps[run:]...)
		slices.SortFunc(tail, func(a, b posting) int { return int(a.slot) - int(b.slot) })
		i, j := run-1, len(tail)-1
		for w := len(ps) - 1; j >= 0; w-- {
			if i >= 0 && ps[i].slot > tail[j].slot {
				ps[w] = ps[i]
				i--
			} else {
				ps[w] = tail[j]
				j--
			}
		}
	}
	x.unsorted = x.unsorted[:0]
}

var scorePool = sync.Pool{New: func() any { return new(scratch) }}

// scratch is a query's reusable working memory.
type scratch struct {
	cur  []cursor
	cum  []float64
	part []float32
	// byOrd[o] is the cursor of the query's o-th term.
	byOrd []int
	acc   [window]float32     // scores of a window's slots from its essential terms
	hit   [window / 64]uint64 // which of them the essential terms hold
}

// window is how many slots the ranking takes at a time: their partial
// scores stay in the processor's cache.
const window = 4096

// seekCost is about how many postings reading a list costs for one
// galloping lookup in it.
const seekCost = 4

// cursor walks one query term's postings.
type cursor struct {
	ps  []posting // from the next posting not yet passed
	win []posting // an essential term's postings in the current window
	idf float32
	ub  float64 // bound on what the term adds to any live chunk's score
	ord int     // the term's place in the query: the order of the score's sum
}

// contribution is a posting's BM25 score for a term of idf; k1 is
// BM25K1+1. Every score is made of these, summed in the query's term
// order; the conversion keeps the compiler from fusing operations, so the
// value is the same wherever it is computed.
func contribution(idf, tf, k1, norm float32) float32 {
	return float32(idf * tf * k1 / (tf + norm))
}

// sparse returns the k best chunks that accept takes for the query's
// distinct terms, best first, by BM25 with ties broken by chunk id.
func (x *index) sparse(terms []string, k int, accept func(int32) bool) []scored {
	if k <= 0 {
		return nil
	}
	sc := scorePool.Get().(*scratch)
	defer func() {
		clear(sc.cur) // holds postings: not past the query
		scorePool.Put(sc)
	}()
	cur := sc.cur[:0]
	n := x.live
	for _, t := range terms {
		id, ok := x.termIDs[t]
		if !ok || x.df[id] == 0 {
			continue
		}
		idf := retrieval.IDF(int(x.df[id]), n)
		cur = append(cur, cursor{ps: x.postings[id], idf: float32(idf), ub: x.upperBound(id, idf), ord: len(cur)})
	}
	sc.cur = cur
	if len(cur) == 0 {
		return nil
	}
	// Least bound first: the non-essential terms are a prefix.
	slices.SortFunc(cur, func(a, b cursor) int {
		switch {
		case a.ub < b.ub:
			return -1
		case a.ub > b.ub:
			return 1
		}
		return 0
	})
	cum := append(sc.cum[:0], make([]float64, len(cur))...)
	for i, c := range cur {
		cum[i] = c.ub
		if i > 0 {
			cum[i] += cum[i-1]
		}
	}
	sc.cum = cum
	part := append(sc.part[:0], make([]float32, len(cur))...)
	sc.part = part
	byOrd := append(sc.byOrd[:0], make([]int, len(cur))...)
	for i, c := range cur {
		byOrd[c.ord] = i
	}
	sc.byOrd = byOrd
	// A float32 sum of m terms is within (m−1)·2⁻²⁴ of the exact sum of
	// its terms, relatively; slack covers it with room to spare.
	slack := 1 + float64(len(cur)+1)*0x1p-22
	k1 := float32(retrieval.BM25K1 + 1)
	h := make(topK, 0, k+1)
	theta := math.Inf(-1) // the k-th score once the heap is full
	ess := 0              // cur[:ess] are the non-essential terms
	acc, hit := &sc.acc, &sc.hit
	for lo := int32(0); lo < int32(len(x.slots)) && ess < len(cur); lo += window {
		// The essential terms' postings in the window, term at a time in
		// the query's order into the window's accumulator: for a chunk no
		// non-essential term holds, that is its score. c.win keeps them
		// for the score of the others. ess stays until the next window: a
		// term that turns non-essential here has been counted here already.
		hi, wess := lo+window, ess
		// Each non-essential chunk looked up costs a seek in the
		// non-essential terms; when their postings in the window are
		// not several times more than the essential ones, reading them
		// all costs less: the window takes every term.
		essential, other := 0, 0
		for i := range cur {
			c := &cur[i]
			c.ps = seek(c.ps, lo) // past the previous window's lookups
			c.win = c.ps[:len(c.ps)-len(seek(c.ps, hi))]
			if i < wess {
				other += len(c.win)
			} else {
				essential += len(c.win)
			}
		}
		if other < seekCost*essential {
			wess = 0
		}
		for _, i := range byOrd {
			if i < wess {
				continue
			}
			c := &cur[i]
			for _, p := range c.win {
				o := p.slot - lo
				acc[o] += contribution(c.idf, p.tf, k1, x.norm[p.slot])
				hit[o>>6] |= 1 << (o & 63)
			}
			c.ps = c.ps[len(c.win):]
		}
		// The chunks they hold, in slot order.
		for w := range hit {
			for bs := hit[w]; bs != 0; bs &= bs - 1 {
				o := int32(w<<6 + bits.TrailingZeros64(bs))
				d, s := lo+o, acc[o]
				acc[o] = 0
				norm := x.norm[d]
				sum, out, more := float64(s), false, false
				for j := wess - 1; j >= 0; j-- {
					if (sum+cum[j])*slack < theta {
						out = true
						break
					}
					c := &cur[j]
					c.ps = seek(c.ps, d)
					if len(c.ps) > 0 && c.ps[0].slot == d {
						v := contribution(c.idf, c.ps[0].tf, k1, norm)
						part[c.ord] = v
						sum += float64(v)
						more = true
					}
				}
				if out || sum*slack < theta {
					if more {
						clear(part)
					}
					continue
				}
				if more {
					// The score in the query's order of terms.
					for i := wess; i < len(cur); i++ {
						c := &cur[i]
						if c.win = seek(c.win, d); len(c.win) > 0 && c.win[0].slot == d {
							part[c.ord] = contribution(c.idf, c.win[0].tf, k1, norm)
						}
					}
					s = 0
					for i, v := range part {
						s += v
						part[i] = 0
					}
				}
				// Cheap score test first: accept reads the slot.
				if s <= 0 || (len(h) == k && s < h[0].score) || !accept(d) {
					continue
				}
				e := scored{slot: d, score: s, id: x.slots[d].chunk.ID}
				if len(h) < k {
					h = append(h, e)
					h.up(len(h) - 1)
				} else if better(e, h[0]) {
					h[0] = e
					h.down(0, len(h))
				}
				if len(h) == k {
					theta = float64(h[0].score)
					for ess < len(cur) && cum[ess]*slack < theta {
						ess++
					}
				}
			}
			hit[w] = 0
		}
	}
	// Sorted best first by popping the worst to the end.
	for n := len(h) - 1; n > 0; n-- {
		h[0], h[n] = h[n], h[0]
		h.down(0, n)
	}
	return h
}

// seek returns ps from its first posting of slot d or above.
func seek(ps []posting, d int32) []posting {
	// Candidates are close together in the lists of common terms: a
	// few steps, then gallop.
	for range 8 {
		if len(ps) == 0 || ps[0].slot >= d {
			return ps
		}
		ps = ps[1:]
	}
	if len(ps) == 0 || ps[0].slot >= d {
		return ps
	}
	// Gallop: ps[lo].slot < d, and d ≤ ps[hi].slot unless hi is past the end.
	lo, hi := 0, 1
	for hi < len(ps) && ps[hi].slot < d {
		lo, hi = hi, 2*hi
	}
	hi = min(hi, len(ps))
	for hi-lo > 1 {
		m := int(uint(lo+hi) >> 1)
		if ps[m].slot < d {
			lo = m
		} else {
			hi = m
		}
	}
	return ps[hi:]
}

type scored struct {
	slot  int32
	score float32
	id    string
}

// better orders hits by score, then by chunk id for determinism.
func better(a, b scored) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	return a.id < b.id
}

// topK is a min-heap of the best hits so far (worst at the root), typed:
// container/heap would box every pushed hit.
type topK []scored

// worse reports whether h[i] ranks below h[j].
func (h topK) worse(i, j int) bool { return better(h[j], h[i]) }

func (h topK) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !h.worse(i, p) {
			return
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
}

// down restores the heap below i within h[:n].
func (h topK) down(i, n int) {
	for {
		c := 2*i + 1
		if c >= n {
			return
		}
		if r := c + 1; r < n && h.worse(r, c) {
			c = r
		}
		if !h.worse(c, i) {
			return
		}
		h[i], h[c] = h[c], h[i]
		i = c
	}
}
