package retrieval

import (
	"fmt"
	"sort"
)

// RRFK is the reciprocal-rank-fusion constant (Cormack et al. 2009) every
// backend uses: a hit at 1-based rank r of a retriever adds 1/(RRFK+r).
const RRFK = 60

// FusionDepth is how many hits each retriever contributes to fusion.
const FusionDepth = 100

// RRF is the contribution of a 1-based rank to a fused score.
func RRF(rank int) float64 { return 1 / float64(RRFK+rank) }

// SparseCounts reports whether a chunk's sparse rank counts in a fused
// score: not when the question and the chunk are in different known
// languages. Words do not cross languages — a Russian question matches an
// English passage only on names and numbers — so there the dense rank
// alone ranks the chunk.
func SparseCounts(queryLang, chunkLang string) bool {
	return queryLang == "" || chunkLang == "" || queryLang == chunkLang
}

// FusionMethod names how a hybrid search turns each ranking into a score
// before the two are combined.
type FusionMethod string

const (
	// FuseRRF scores a hit at 1-based rank r by RRF(r).
	FuseRRF FusionMethod = "rrf"
	// FuseMinMax scores a hit by its retriever score rescaled to 0..1 over
	// the range of that retriever's scores: BM25 from 0 (what a chunk
	// without a query term scores) to the best hit's, cosine from the
	// lowest to the highest in the dense list (embedding models give
	// unrelated texts cosines far above 0, so 0 is no floor there). With
	// the list's lowest BM25 as the floor instead, the weakest of a few
	// sparse matches would count as no match at all.
	FuseMinMax FusionMethod = "minmax"
)

// Fusion combines the sparse and dense rankings of a hybrid search: a
// chunk's score is (1−DenseWeight)·s + DenseWeight·d, where s and d are its
// sparse and dense scores by Method, 0 when that retriever did not return
// it, and s is 0 when the question and the chunk are in different known
// languages (SparseCounts). Fusion{FuseRRF, 0.5} is plain RRF.
type Fusion struct {
	Method      FusionMethod
	DenseWeight float64
}

// DefaultFusion is the fusion both stores use: min-max scaled BM25 and
// cosine, 0.6 and 0.4. It was chosen leave one suite out on the shared
// evaluation suites (`answerdesk eval fusion`, docs/eval.md): with each
// suite held out in turn, the other suites chose it (one fold chose
// minmax:0.6) by the rule "largest worst-suite gain in nDCG@10 over
// sparse", and it beat sparse retrieval on every held-out suite.
func DefaultFusion() Fusion { return Fusion{Method: FuseMinMax, DenseWeight: 0.4} }

// String is the fusion as "rrf:0.5".
func (f Fusion) String() string { return fmt.Sprintf("%s:%g", f.Method, f.DenseWeight) }

// Fuse sets the Score of every hit from its sparse and dense rank and
// score (a rank of 0: not returned by that retriever). hits must hold the
// whole lists of both retrievers (their union), since min-max scaling
// reads the lists' highest scores and the dense list's lowest; queryLang is the question's
// language. The order of hits is left to the caller (SortHits).
func (f Fusion) Fuse(hits []Hit, queryLang string) {
	var sHi, dLo, dHi float64 // the sparse floor is 0 (FuseMinMax)
	first := true
	for _, h := range hits {
		if h.SparseRank > 0 && h.SparseScore > sHi {
			sHi = h.SparseScore
		}
		if h.DenseRank > 0 {
			if first || h.DenseScore < dLo {
				dLo = h.DenseScore
			}
			if first || h.DenseScore > dHi {
				dHi = h.DenseScore
			}
			first = false
		}
	}
	for i := range hits {
		h := &hits[i]
		var s, d float64
		if h.SparseRank > 0 && SparseCounts(queryLang, h.Lang) {
			s = f.scale(h.SparseRank, h.SparseScore, 0, sHi)
		}
		if h.DenseRank > 0 {
			d = f.scale(h.DenseRank, h.DenseScore, dLo, dHi)
		}
		h.Score = (1-f.DenseWeight)*s + f.DenseWeight*d
	}
}

// scale is one retriever's score of a hit at rank with score, in a list
// whose scores span lo..hi. A list of equal scores scales to 1, so that a
// hit in it still beats one the retriever did not return.
func (f Fusion) scale(rank int, score, lo, hi float64) float64 {
	if f.Method == FuseMinMax {
		if hi <= lo {
			return 1
		}
		return (score - lo) / (hi - lo)
	}
	return RRF(rank)
}

// SortHits orders hits by score, best first, breaking ties by chunk id, so
// that every backend returns equal scores in the same order.
func SortHits(hits []Hit) {
	sort.SliceStable(hits, func(i, j int) bool {
		a, b := hits[i], hits[j]
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		return a.ID < b.ID
	})
}

// AddTerm accounts for one distinct analyzed query term with inverse
// document frequency idf: SelfScore grows by the best a chunk can score
// on it, and a term the index has (indexed) joins Terms and IDF.
func (r *Result) AddTerm(term string, idf float64, indexed bool) {
	r.SelfScore += idf * (BM25K1 + 1)
	if !indexed {
		return
	}
	r.Terms = append(r.Terms, term)
	if r.IDF == nil {
		r.IDF = map[string]float64{}
	}
	r.IDF[term] = idf
}
