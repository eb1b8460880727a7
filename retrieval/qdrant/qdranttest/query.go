package qdranttest

import (
	"container/heap"
	"context"
	"math"
	"sort"

	"github.com/qdrant/go-client/qdrant"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

// defaultRRFK is Qdrant's RRF constant when the request names none:
// score = Σ 1/(k + 0-based position).
const defaultRRFK = 2

type hit struct {
	p     *point
	score float32
}

// stage is what PrefetchQuery and QueryPoints have in common.
type stage struct {
	prefetch []*qdrant.PrefetchQuery
	query    *qdrant.Query
	using    string
	filter   *qdrant.Filter
	limit    int
	thresh   *float32
}

func (s *pointsService) Query(_ context.Context, req *qdrant.QueryPoints) (*qdrant.QueryResponse, error) {
	s.db.mu.RLock()
	defer s.db.mu.RUnlock()
	res, err := s.query(req)
	if err != nil {
		return nil, err
	}
	return &qdrant.QueryResponse{Result: res}, nil
}

func (s *pointsService) QueryBatch(_ context.Context, req *qdrant.QueryBatchPoints) (*qdrant.QueryBatchResponse, error) {
	s.db.mu.RLock()
	defer s.db.mu.RUnlock()
	out := &qdrant.QueryBatchResponse{}
	for _, q := range req.GetQueryPoints() {
		if q.GetCollectionName() == "" {
			q = proto.Clone(q).(*qdrant.QueryPoints)
			q.CollectionName = req.GetCollectionName()
		}
		res, err := s.query(q)
		if err != nil {
			return nil, err
		}
		out.Result = append(out.Result, &qdrant.BatchResult{Result: res})
	}
	return out, nil
}

func (s *pointsService) query(req *qdrant.QueryPoints) ([]*qdrant.ScoredPoint, error) {
	c, err := s.db.get(req.GetCollectionName())
	if err != nil {
		return nil, err
	}
	if req.LookupFrom != nil || req.ShardKeySelector != nil {
		return nil, status.Error(codes.Unimplemented, "qdranttest: lookup_from / shard keys")
	}
	limit := 10
	if req.Limit != nil {
		limit = int(req.GetLimit())
	}
	offset := int(req.GetOffset())
	hits, err := c.run(stage{
		prefetch: req.GetPrefetch(), query: req.GetQuery(), using: req.GetUsing(),
		filter: req.GetFilter(), limit: limit + offset, thresh: req.ScoreThreshold,
	}, nil)
	if err != nil {
		return nil, err
	}
	if offset >= len(hits) {
		hits = nil
	} else {
		hits = hits[offset:]
	}
	out := make([]*qdrant.ScoredPoint, len(hits))
	for i, h := range hits {
		r := c.retrieved(h.p, req.GetWithPayload(), req.GetWithVectors(), false)
		out[i] = &qdrant.ScoredPoint{Id: r.Id, Payload: r.Payload, Vectors: r.Vectors, Score: h.score}
	}
	return out, nil
}

// and combines a parent's filter with a stage's own: Qdrant applies the
// filter of a query to its prefetches as well.
func and(parent, own *qdrant.Filter) *qdrant.Filter {
	switch {
	case parent == nil:
		return own
	case own == nil:
		return parent
	}
	return &qdrant.Filter{Must: []*qdrant.Condition{qdrant.NewFilterAsCondition(parent), qdrant.NewFilterAsCondition(own)}}
}

// run evaluates a stage: its prefetches first, then its query over their
// results (fusion or re-scoring), or over the whole collection.
func (c *collection) run(st stage, parent *qdrant.Filter) ([]hit, error) {
	filter := and(parent, st.filter)
	var hits []hit
	if len(st.prefetch) > 0 {
		lists := make([][]hit, len(st.prefetch))
		for i, pf := range st.prefetch {
			limit := 10
			if pf.Limit != nil {
				limit = int(pf.GetLimit())
			}
			l, err := c.run(stage{prefetch: pf.GetPrefetch(), query: pf.GetQuery(), using: pf.GetUsing(),
				filter: pf.GetFilter(), limit: limit, thresh: pf.ScoreThreshold}, filter)
			if err != nil {
				return nil, err
			}
			lists[i] = l
		}
		var err error
		if hits, err = c.combine(st, lists); err != nil {
			return nil, err
		}
	} else if sv := st.query.GetNearest().GetSparse(); sv != nil {
		params, ok := c.sparse[st.using]
		if !ok {
			return nil, status.Errorf(codes.InvalidArgument, "Wrong input: Not existing vector name error: %s", st.using)
		}
		var err error
		if hits, err = c.sparseScores(st.using, params.GetModifier() == qdrant.Modifier_Idf, sv.GetIndices(), sv.GetValues(), filter, nil, st.limit); err != nil {
			return nil, err
		}
	} else {
		candidates, err := c.filtered(filter)
		if err != nil {
			return nil, err
		}
		if hits, err = c.score(st, candidates); err != nil {
			return nil, err
		}
	}
	if st.thresh != nil {
		kept := hits[:0]
		for _, h := range hits {
			if h.score >= *st.thresh {
				kept = append(kept, h)
			}
		}
		hits = kept
	}
	if len(hits) > st.limit {
		hits = hits[:st.limit]
	}
	return hits, nil
}

func sortHits(hits []hit) {
	sort.Slice(hits, func(i, j int) bool { return better(hits[i], hits[j]) })
}

// combine applies a stage's query to its prefetch results.
func (c *collection) combine(st stage, lists [][]hit) ([]hit, error) {
	var rrfK float64 = defaultRRFK
	switch q := st.query.GetVariant().(type) {
	case *qdrant.Query_Fusion:
		if q.Fusion != qdrant.Fusion_RRF {
			return nil, status.Errorf(codes.Unimplemented, "qdranttest: fusion %v", q.Fusion)
		}
	case *qdrant.Query_Rrf:
		if len(q.Rrf.GetWeights()) > 0 {
			return nil, status.Error(codes.Unimplemented, "qdranttest: weighted RRF")
		}
		if q.Rrf.K != nil {
			rrfK = float64(q.Rrf.GetK())
		}
	case *qdrant.Query_Nearest:
		// Re-score the union of the prefetched points.
		seen := map[string]bool{}
		var union []*point
		for _, l := range lists {
			for _, h := range l {
				if !seen[h.p.key] {
					seen[h.p.key] = true
					union = append(union, h.p)
				}
			}
		}
		return c.score(st, union)
	case nil:
		return nil, status.Error(codes.InvalidArgument, "qdranttest: a query with prefetches needs a query")
	default:
		return nil, status.Errorf(codes.Unimplemented, "qdranttest: query %T over prefetches", q)
	}
	scores := map[string]float64{}
	pts := map[string]*point{}
	for _, l := range lists {
		for pos, h := range l {
			scores[h.p.key] += 1 / (float64(pos) + rrfK)
			pts[h.p.key] = h.p
		}
	}
	hits := make([]hit, 0, len(scores))
	for k, s := range scores {
		hits = append(hits, hit{p: pts[k], score: float32(s)})
	}
	sortHits(hits)
	return hits, nil
}

// score ranks candidates by a nearest query on the stage's vector.
func (c *collection) score(st stage, candidates []*point) ([]hit, error) {
	var in *qdrant.VectorInput
	switch q := st.query.GetVariant().(type) {
	case nil:
		// No query: points in id order (candidates are sorted by id).
		hits := make([]hit, len(candidates))
		for i, p := range candidates {
			hits[i] = hit{p: p}
		}
		return hits, nil
	case *qdrant.Query_Nearest:
		in = q.Nearest
	default:
		return nil, status.Errorf(codes.Unimplemented, "qdranttest: query %T", q)
	}
	name := st.using
	switch v := in.GetVariant().(type) {
	case *qdrant.VectorInput_Sparse:
		params, ok := c.sparse[name]
		if !ok {
			return nil, status.Errorf(codes.InvalidArgument, "Wrong input: Not existing vector name error: %s", name)
		}
		return c.sparseScores(name, params.GetModifier() == qdrant.Modifier_Idf, v.Sparse.GetIndices(), v.Sparse.GetValues(), nil, candidates, len(candidates))
	case *qdrant.VectorInput_Dense:
		params, ok := c.dense[name]
		if !ok {
			return nil, status.Errorf(codes.InvalidArgument, "Wrong input: Not existing vector name error: %s", name)
		}
		q := v.Dense.GetData()
		if uint64(len(q)) != params.GetSize() {
			return nil, status.Errorf(codes.InvalidArgument, "Wrong input: Vector dimension error: expected dim: %d, got %d", params.GetSize(), len(q))
		}
		if params.GetDistance() == qdrant.Distance_Cosine {
			q = normalize(q)
		}
		var hits []hit
		for _, p := range candidates {
			d, ok := p.dense[name]
			if !ok {
				continue
			}
			var dot float32
			for i := range q {
				dot += q[i] * d[i]
			}
			hits = append(hits, hit{p: p, score: dot})
		}
		return top(hits, st.limit), nil
	default:
		return nil, status.Errorf(codes.Unimplemented, "qdranttest: vector input %T", v)
	}
}

// sparseScores is Qdrant's sparse search: the dot product over shared
// dimensions, each query weight multiplied by the dimension's IDF when
// the vector has the IDF modifier. IDF uses the number of points in the
// collection and the number that have the dimension, over all points
// regardless of the query's filter, as Qdrant does (per shard; this server
// has one). Only points sharing a dimension with the query are returned:
// those matching filter, or, when candidates is not nil, among candidates.
func (c *collection) sparseScores(name string, idf bool, idx []uint32, vals []float32, filter *qdrant.Filter, candidates []*point, limit int) ([]hit, error) {
	if len(idx) != len(vals) {
		return nil, status.Error(codes.InvalidArgument, "Validation error: indices and values must be the same length")
	}
	var allowed map[string]bool
	if candidates != nil {
		allowed = make(map[string]bool, len(candidates))
		for _, p := range candidates {
			allowed[p.key] = true
		}
	}
	n := float64(len(c.points))
	type accum struct {
		p     *point
		score float32
	}
	acc := map[string]*accum{}
	for i, d := range idx {
		w := vals[i]
		post := c.post[name][d]
		if idf {
			df := float64(len(post))
			w *= float32(math.Log((n-df+0.5)/(df+0.5) + 1))
		}
		for k, e := range post {
			if allowed != nil && !allowed[k] {
				continue
			}
			a := acc[k]
			if a == nil {
				a = &accum{p: e.p}
				acc[k] = a
			}
			a.score += w * e.val
		}
	}
	hits := make([]hit, 0, len(acc))
	for _, a := range acc {
		ok, err := matches(filter, a.p)
		if err != nil {
			return nil, err
		}
		if ok {
			hits = append(hits, hit{p: a.p, score: a.score})
		}
	}
	return top(hits, limit), nil
}

// top returns the best limit hits in order.
func top(hits []hit, limit int) []hit {
	if limit <= 0 || len(hits) <= 4*limit {
		sortHits(hits)
		return hits
	}
	h := &minHeap{}
	for _, x := range hits {
		if h.Len() < limit {
			heap.Push(h, x)
		} else if better(x, (*h)[0]) {
			(*h)[0] = x
			heap.Fix(h, 0)
		}
	}
	out := make([]hit, h.Len())
	for i := len(out) - 1; i >= 0; i-- {
		out[i] = heap.Pop(h).(hit)
	}
	return out
}

func better(a, b hit) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	return a.p.key < b.p.key
}

type minHeap []hit

func (h minHeap) Len() int           { return len(h) }
func (h minHeap) Less(i, j int) bool { return better(h[j], h[i]) }
func (h minHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *minHeap) Push(v any)        { *h = append(*h, v.(hit)) }
func (h *minHeap) Pop() any {
	old := *h
	v := old[len(old)-1]
	*h = old[:len(old)-1]
	return v
}
