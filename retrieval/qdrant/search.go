package qdrant

import (
	"sort"

	"github.com/qdrant/go-client/qdrant"

	"github.com/answerdesk/answerdesk/retrieval"
)

// rrfK is Qdrant's RRF constant that reproduces retrieval.RRF's
// 1/(60+rank): Qdrant scores 1/(k+position) with a 0-based position.
// Servers before 1.16 ignore it and use k=2.
const rrfK = retrieval.RRFK + 1

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
	// main is the index of the ranked hits with payload; sparse and dense
	// index the per-retriever lists of a hybrid search (-1 when absent).
	main, sparse, dense int
	// probes[i] is the index of the IDF probe of terms[i] (-1: not probed).
	probes []int
	terms  []string
	k      int
	// lang is the question's language, for retrieval.SparseCounts.
	lang string
}

// buildSearch plans a search: the ranked query (sparse only, or sparse and
// dense prefetches fused with RRF), the per-retriever lists of a hybrid
// search (Qdrant's fused result carries only the RRF score), and one probe
// per query term that reads the term's IDF as Qdrant computes it. All go in
// one QueryBatch: one round trip.
func buildSearch(collection string, q retrieval.Query, terms []string, k int, useDense, rrfParam bool) searchPlan {
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
		depth := uint64(max(k, retrieval.FusionDepth))
		denseQ := qdrant.NewQueryDense(q.Dense)
		var prefetch []*qdrant.PrefetchQuery
		if sparseQ != nil {
			prefetch = append(prefetch, &qdrant.PrefetchQuery{Query: sparseQ, Using: using(vecSparse), Filter: filter, Limit: &depth})
		}
		prefetch = append(prefetch, &qdrant.PrefetchQuery{Query: denseQ, Using: using(vecDense), Filter: filter, Limit: &depth})
		fusion := qdrant.NewQueryFusion(qdrant.Fusion_RRF)
		if rrfParam {
			fusion = qdrant.NewQueryRRF(&qdrant.Rrf{K: qdrant.PtrOf(uint32(rrfK))})
		}
		// Every candidate of both prefetches (at most 2·depth), so that
		// the fusion computed here, which may weigh the lists unlike
		// Qdrant's RRF, ranks all of them.
		p.main = add(&qdrant.QueryPoints{
			Prefetch:    prefetch,
			Query:       fusion,
			Filter:      filter,
			Limit:       qdrant.PtrOf(2 * depth),
			WithPayload: qdrant.NewWithPayload(true),
		})
		if sparseQ != nil {
			p.sparse = add(&qdrant.QueryPoints{Query: sparseQ, Using: using(vecSparse), Filter: filter, Limit: &depth,
				WithPayload: qdrant.NewWithPayloadInclude(fChunkID)})
		}
		p.dense = add(&qdrant.QueryPoints{Query: denseQ, Using: using(vecDense), Filter: filter, Limit: &depth,
			WithPayload: qdrant.NewWithPayloadInclude(fChunkID)})
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
	type rs struct {
		rank  int
		score float64
	}
	// ranks reads a per-retriever list, ordering equal scores by chunk id
	// as the embedded store does.
	ranks := func(i int) map[string]rs {
		pts := get(i)
		type e struct {
			id, chunk string
			score     float32
		}
		list := make([]e, len(pts))
		for j, sp := range pts {
			list[j] = e{pointID(sp.GetId()), getStr(sp.GetPayload(), fChunkID), sp.GetScore()}
		}
		sort.SliceStable(list, func(a, b int) bool {
			if list[a].score != list[b].score {
				return list[a].score > list[b].score
			}
			return list[a].chunk < list[b].chunk
		})
		m := make(map[string]rs, len(list))
		for r, x := range list {
			m[x.id] = rs{r + 1, float64(x.score)}
		}
		return m
	}
	hybrid := p.dense >= 0
	sparse, dense := ranks(p.sparse), ranks(p.dense)
	for _, sp := range get(p.main) {
		h := retrieval.Hit{Chunk: parseChunk(sp.GetPayload()), Score: float64(sp.GetScore())}
		if hybrid {
			// Qdrant returned every candidate of the two lists; the
			// score is fused below from the ranks and scores of the
			// per-retriever lists (retrieval.DefaultFusion), as in the
			// embedded store, so that both backends rank alike.
			id := pointID(sp.GetId())
			if r, ok := sparse[id]; ok {
				h.SparseRank, h.SparseScore = r.rank, r.score
			}
			if r, ok := dense[id]; ok {
				h.DenseRank, h.DenseScore = r.rank, r.score
			}
		} else {
			h.SparseScore = h.Score
		}
		res.Hits = append(res.Hits, h)
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
