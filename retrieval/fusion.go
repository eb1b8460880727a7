package retrieval

import "sort"

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
