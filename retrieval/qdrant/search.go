package qdrant

import (
	"slices"
	"sort"

	"github.com/qdrant/go-client/qdrant"

	"github.com/answerdesk/answerdesk/retrieval"
)

// tieSlack is how many hits beyond K the ranked query asks for: Qdrant
// orders equal scores arbitrarily, the embedded store by chunk id, so the
// adapter re-sorts a few more than K and cuts after that.
const tieSlack = 10

// maxProbeTerms bounds the per-term IDF probes of one search; the
// remaining terms of a very long query get the IDF of an unseen term.
const maxProbeTerms = 64

// querySparse is a query's sparse vector over distinct terms (weight 1,
// IDF applied by Qdrant); terms colliding on one id add up as the
// document side does.
func querySparse(terms []string) (idx []uint32, vals []float32) {
	w := make(map[uint32]float32, len(terms))
	for _, t := range terms {
		id := retrieval.TermID(t)
		if _, dup := w[id]; !dup {
			idx = append(idx, id)
		}
		w[id]++
	}
	sort.Slice(idx, func(i, j int) bool { return idx[i] < idx[j] })
	vals = make([]float32, len(idx))
	for i, id := range idx {
		vals[i] = w[id]
	}
	return idx, vals
}

// searchPlan is the QueryBatch of one search and how to read its results.
type searchPlan struct {
	req *qdrant.QueryBatchPoints
	// main is the index of the ranked hits of a sparse-only search; sparse
	// and dense index the per-retriever lists of a hybrid search, whose
	// union are the candidates (-1 when absent).
	main, sparse, dense int
	// probes[i] is the index of the IDF probe of terms[i] (-1: not probed).
	probes []int
	terms  []string
	k      int
	// lang is the question's language, for retrieval.SparseCounts.
	lang string
}

// buildSearch plans a search: the ranked sparse query, or for a hybrid
// search the sparse and the dense lists (each retriever runs once; the
// adapter fuses their union itself, as the embedded store does), and one
// probe per query term that reads the term's IDF as Qdrant computes it.
// All go in one QueryBatch: one round trip.
func buildSearch(collection string, q retrieval.Query, terms []string, k int, useDense bool) searchPlan {
	p := searchPlan{main: -1, sparse: -1, dense: -1, terms: terms, k: k, lang: q.Lang}
	if p.lang == "" {
		p.lang = retrieval.DetectLang(q.Text)
	}
	filter := searchFilter(q)
	using := func(s string) *string { return &s }
	var sparseQ *qdrant.Query
	if len(terms) > 0 {
		idx, vals := querySparse(terms)
		sparseQ = qdrant.NewQuerySparse(idx, vals)
	}
	add := func(qp *qdrant.QueryPoints) int {
		qp.CollectionName = collection
		p.req.QueryPoints = append(p.req.QueryPoints, qp)
		return len(p.req.QueryPoints) - 1
	}
	p.req = &qdrant.QueryBatchPoints{CollectionName: collection}
	switch {
	case useDense:
		// Each list FusionDepth deep with its payload: their union is
		// every candidate a fused query over the same two prefetches
		// would return.
		depth := uint64(max(k, retrieval.FusionDepth))
		if sparseQ != nil {
			p.sparse = add(&qdrant.QueryPoints{Query: sparseQ, Using: using(vecSparse), Filter: filter, Limit: &depth,
				WithPayload: qdrant.NewWithPayload(true)})
		}
		p.dense = add(&qdrant.QueryPoints{Query: qdrant.NewQueryDense(q.Dense), Using: using(vecDense), Filter: filter, Limit: &depth,
			WithPayload: qdrant.NewWithPayload(true)})
	case sparseQ != nil:
		p.main = add(&qdrant.QueryPoints{
			Query:       sparseQ,
			Using:       using(vecSparse),
			Filter:      filter,
			Limit:       qdrant.PtrOf(uint64(k + tieSlack)),
			WithPayload: qdrant.NewWithPayload(true),
		})
	}
	p.probes = make([]int, len(terms))
	for i, t := range terms {
		p.probes[i] = -1
		if i >= maxProbeTerms {
			continue
		}
		// No tenant filter: IDF is collection-wide in Qdrant (and in the
		// embedded store); the probe returns a score and one vector value,
		// never a chunk to the caller.
		p.probes[i] = add(&qdrant.QueryPoints{
			Query:       qdrant.NewQuerySparse([]uint32{retrieval.TermID(t)}, []float32{1}),
			Using:       using(vecSparse),
			Limit:       qdrant.PtrOf(uint64(1)),
			WithVectors: qdrant.NewWithVectorsInclude(vecSparse),
			WithPayload: qdrant.NewWithPayload(false),
		})
	}
	return p
}

// probeIDF reads a term's IDF from its probe result: the top point's score
// is IDF·w for its stored weight w of the term. ok is false when no chunk
// has the term.
func probeIDF(term string, res []*qdrant.ScoredPoint) (idf float64, ok bool) {
	if len(res) == 0 {
		return 0, false
	}
	sv := res[0].GetVectors().GetVectors().GetVectors()[vecSparse].GetSparseVector()
	id := retrieval.TermID(term)
	for i, x := range sv.GetIndices() {
		if x == id && i < len(sv.GetValues()) && sv.GetValues()[i] > 0 {
			return float64(res[0].GetScore()) / float64(sv.GetValues()[i]), true
		}
	}
	return 0, false
}

// assemble turns a plan's batch results into a Result; n is the number of
// chunks in the collection, for the IDF of terms no chunk has.
func (p searchPlan) assemble(results []*qdrant.BatchResult, n int) retrieval.Result {
	var res retrieval.Result
	get := func(i int) []*qdrant.ScoredPoint {
		if i < 0 || i >= len(results) {
			return nil
		}
		return results[i].GetResult()
	}
	for i, t := range p.terms {
		idf, ok := probeIDF(t, get(p.probes[i]))
		if !ok {
			idf = retrieval.IDF(0, n)
		}
		res.AddTerm(t, idf, ok)
	}
	// ranked reads a per-retriever list in rank order, ordering equal
	// scores by chunk id as the embedded store does.
	ranked := func(i int) []*qdrant.ScoredPoint {
		pts := slices.Clone(get(i))
		sort.SliceStable(pts, func(a, b int) bool {
			if sa, sb := pts[a].GetScore(), pts[b].GetScore(); sa != sb {
				return sa > sb
			}
			return getStr(pts[a].GetPayload(), fChunkID) < getStr(pts[b].GetPayload(), fChunkID)
		})
		return pts
	}
	hybrid := p.dense >= 0
	if hybrid {
		// The candidates are the union of the two lists; each hit's rank
		// and score in each list feed retrieval.DefaultFusion below, as
		// in the embedded store, so that both backends rank alike.
		at := map[string]int{} // point id → index in res.Hits
		hit := func(sp *qdrant.ScoredPoint) *retrieval.Hit {
			id := pointID(sp.GetId())
			if i, ok := at[id]; ok {
				return &res.Hits[i]
			}
			at[id] = len(res.Hits)
			res.Hits = append(res.Hits, retrieval.Hit{Chunk: parseChunk(sp.GetPayload())})
			return &res.Hits[len(res.Hits)-1]
		}
		for r, sp := range ranked(p.sparse) {
			h := hit(sp)
			h.SparseRank, h.SparseScore = r+1, float64(sp.GetScore())
		}
		for r, sp := range ranked(p.dense) {
			h := hit(sp)
			h.DenseRank, h.DenseScore = r+1, float64(sp.GetScore())
		}
	}
	for _, sp := range get(p.main) {
		score := float64(sp.GetScore())
		res.Hits = append(res.Hits, retrieval.Hit{Chunk: parseChunk(sp.GetPayload()), Score: score, SparseScore: score})
	}
	if hybrid {
		retrieval.DefaultFusion().Fuse(res.Hits, p.lang)
	}
	// Qdrant leaves the order of equal scores unspecified.
	retrieval.SortHits(res.Hits)
	if p.k > 0 && len(res.Hits) > p.k {
		res.Hits = res.Hits[:p.k]
	}
	if !hybrid {
		for i := range res.Hits {
			res.Hits[i].SparseRank = i + 1
		}
	}
	return res
}
