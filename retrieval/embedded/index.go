package embedded

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/answerdesk/answerdesk/retrieval"
)

// posting is one chunk's occurrence of a term. A term's postings are in
// ascending slot order, each slot once, whenever the index is settled
// (see settle): the ranking walks them side by side (sparse.go).
type posting struct {
	slot int32
	tf   float32
}

// slotInfo is what the index keeps per chunk slot.
type slotInfo struct {
	chunk  retrieval.Chunk
	length int32
	alive  bool
	tenant int32 // interned tenant
	// terms are the chunk's distinct term ids, to maintain df on delete.
	terms []int32
}

// index is the in-memory BM25 inverted index and dense slab. It is guarded
// by Store.mu.
type index struct {
	termIDs  map[string]int32
	postings [][]posting
	df       []int32 // live chunks per term
	slots    []slotInfo
	norm     []float32 // k1·(1−b+b·len/avgLen) per slot
	byDoc    map[[2]string][]int32
	tenants  map[string]int32
	free     []int32 // dead slots whose postings were compacted away
	live     int
	totalLen int64
	dead     int // dead slots still referenced by postings

	// Score bounds of the pruned ranking (sparse.go): bound[t] is at least
	// the length-normalized tf fraction of every live posting of term t
	// at an average chunk length of boundAvg.
	bound    []float64
	boundAvg float64
	// reBound asks settle to compute the bounds afresh (after a compaction).
	reBound bool
	// unsorted are terms given a posting below their last slot (a freed
	// slot reused) since the last settle; it may name a term twice.
	unsorted []int32

	dense      *denseSlab
	denseModel string
	denseDim   int
	liveDense  int
}

func newIndex() *index {
	return &index{termIDs: map[string]int32{}, byDoc: map[[2]string][]int32{}, tenants: map[string]int32{}, dense: &denseSlab{}, boundAvg: 1, reBound: true}
}

// load rebuilds the index from the database.
func load(ctx context.Context, db *sql.DB) (*index, error) {
	x := newIndex()
	rows, err := db.QueryContext(ctx, chunkQuery+` ORDER BY c.seq`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		lc, err := scanChunk(rows)
		if err != nil {
			return nil, err
		}
		if err := x.addLoaded(lc); err != nil {
			return nil, fmt.Errorf("chunk %s: %w", lc.c.ID, err)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	x.settle()
	return x, nil
}

func (x *index) term(t []byte) int32 {
	if id, ok := x.termIDs[string(t)]; ok {
		return id
	}
	id := int32(len(x.postings))
	x.termIDs[string(t)] = id
	x.postings = append(x.postings, nil)
	x.df = append(x.df, 0)
	x.bound = append(x.bound, 0)
	return id
}

// add indexes one chunk from its encoded terms.
func (x *index) add(c retrieval.Chunk, terms []byte) error {
	var slot int32
	if n := len(x.free); n > 0 {
		slot, x.free = x.free[n-1], x.free[:n-1]
	} else {
		slot = int32(len(x.slots))
		x.slots = append(x.slots, slotInfo{})
		x.norm = append(x.norm, 0)
	}
	tid := make([]int32, 0, 32)
	length, err := decodeTerms(terms, func(t []byte, tf int) {
		id := x.term(t)
		if ps := x.postings[id]; len(ps) > 0 && ps[len(ps)-1].slot > slot {
			x.unsorted = append(x.unsorted, id)
		}
		x.postings[id] = append(x.postings[id], posting{slot: slot, tf: float32(tf)})
		x.df[id]++
		tid = append(tid, id)
	})
	if err != nil {
		return err
	}
	if !x.reBound { // else the next settle computes every bound
		for _, id := range tid {
			ps := x.postings[id]
			x.raiseBound(id, ps[len(ps)-1].tf, int32(length))
		}
	}
	ten, ok := x.tenants[c.Tenant]
	if !ok {
		ten = int32(len(x.tenants))
		x.tenants[c.Tenant] = ten
	}
	dense := c.Dense
	c.Dense = nil
	x.slots[slot] = slotInfo{chunk: c, length: int32(length), alive: true, tenant: ten, terms: tid}
	if len(dense) > 0 {
		x.dense.set(int(slot), dense)
		x.liveDense++
	}
	key := [2]string{c.Tenant, c.DocumentID}
	x.byDoc[key] = append(x.byDoc[key], slot)
	x.live++
	x.totalLen += int64(length)
	return nil
}

// replace swaps a document's chunks for p's.
func (x *index) replace(p prepared) {
	x.remove(p.doc.Tenant, p.doc.ID)
	for i, c := range p.chunks {
		if err := x.add(c, p.terms[i]); err != nil {
			panic(fmt.Sprintf("embedded: terms encoded by this process do not decode: %v", err))
		}
	}
	if len(p.chunks) > 0 && p.doc.DenseModel != "" {
		for _, c := range p.chunks {
			if len(c.Dense) > 0 {
				x.denseModel, x.denseDim = p.doc.DenseModel, len(c.Dense)
				break
			}
		}
	}
}

// remove marks a document's chunks dead.
func (x *index) remove(tenant, id string) {
	key := [2]string{tenant, id}
	for _, slot := range x.byDoc[key] {
		s := &x.slots[slot]
		for _, t := range s.terms {
			x.df[t]--
		}
		if x.dense.has(int(slot)) {
			x.dense.del(int(slot))
			x.liveDense--
		}
		x.live--
		x.totalLen -= int64(s.length)
		*s = slotInfo{}
		x.dead++
	}
	delete(x.byDoc, key)
	if x.liveDense == 0 {
		x.denseModel, x.denseDim = "", 0
	}
	if x.dead > 1024 && x.dead > x.live/4 {
		x.compact()
	}
}

// compact drops postings of dead slots and frees the slots for reuse.
func (x *index) compact() {
	for t, ps := range x.postings {
		out := ps[:0]
		for _, p := range ps {
			if x.slots[p.slot].alive {
				out = append(out, p)
			}
		}
		x.postings[t] = out
	}
	x.free = x.free[:0]
	for i := range x.slots {
		if !x.slots[i].alive {
			x.free = append(x.free, int32(i))
		}
	}
	x.dead = 0
	x.reBound = true
}

// settle readies the index for searching after writes: postings back in
// slot order, the length normalization and score bounds of the new
// average chunk length.
func (x *index) settle() {
	x.sortPostings()
	x.renorm()
	x.rebound()
}

// avgLen is the average chunk length BM25 normalizes by.
func (x *index) avgLen() float64 {
	if x.live > 0 {
		return float64(x.totalLen) / float64(x.live)
	}
	return 1
}

// renorm recomputes per-slot length normalization after the average changed.
func (x *index) renorm() {
	avg := x.avgLen()
	for i := range x.slots {
		x.norm[i] = float32(retrieval.BM25K1 * (1 - retrieval.BM25B + retrieval.BM25B*float64(x.slots[i].length)/avg))
	}
}

// search ranks chunks; terms are the query's distinct analyzed terms.
func (x *index) search(terms []string, q retrieval.Query, k int) retrieval.Result {
	var res retrieval.Result
	ten, ok := x.tenants[q.Tenant]
	n := x.live
	var buf [16]int32
	dfs := buf[:0]
	indexed := 0
	for _, t := range terms {
		var df int32
		if id, found := x.termIDs[t]; found {
			df = x.df[id]
		}
		if df > 0 {
			indexed++
		}
		dfs = append(dfs, df)
	}
	if indexed > 0 { // sized once: AddTerm would grow them term by term
		res.Terms, res.IDF = make([]string, 0, indexed), make(map[string]float64, indexed)
	}
	for i, t := range terms {
		res.AddTerm(t, retrieval.IDF(int(dfs[i]), n), dfs[i] > 0)
	}
	if !ok || n == 0 {
		return res
	}
	accept := func(slot int32) bool {
		s := &x.slots[slot]
		if !s.alive || s.tenant != ten {
			return false
		}
		if len(q.Kinds) > 0 {
			found := false
			for _, kd := range q.Kinds {
				if s.chunk.Kind == kd {
					found = true
					break
				}
			}
			if !found {
				return false
			}
		}
		return len(q.Meta) == 0 || matchMeta(s.chunk.Meta, q.Meta)
	}
	depth := k
	useDense := len(q.Dense) > 0 && x.liveDense > 0
	if useDense && depth < retrieval.FusionDepth {
		depth = retrieval.FusionDepth
	}
	sparse := x.sparse(terms, depth, accept)
	if !useDense {
		if len(sparse) > k {
			sparse = sparse[:k]
		}
		res.Hits = make([]retrieval.Hit, len(sparse))
		for i, h := range sparse {
			res.Hits[i] = retrieval.Hit{Chunk: x.slots[h.slot].chunk, Score: float64(h.score), SparseScore: float64(h.score), SparseRank: i + 1}
		}
		return res
	}
	dense := x.dense.search(q.Dense, depth, func(slot int) bool { return accept(int32(slot)) })
	fused := map[int32]*retrieval.Hit{}
	get := func(slot int32) *retrieval.Hit {
		h, ok := fused[slot]
		if !ok {
			h = &retrieval.Hit{Chunk: x.slots[slot].chunk}
			fused[slot] = h
		}
		return h
	}
	lang := q.Lang
	if lang == "" {
		lang = retrieval.DetectLang(q.Text)
	}
	for i, h := range sparse {
		fh := get(h.slot)
		fh.SparseScore, fh.SparseRank = float64(h.score), i+1
	}
	for i, h := range dense {
		fh := get(int32(h.slot))
		fh.DenseScore, fh.DenseRank = float64(h.score), i+1
	}
	res.Hits = make([]retrieval.Hit, 0, len(fused))
	for _, h := range fused {
		res.Hits = append(res.Hits, *h)
	}
	retrieval.DefaultFusion().Fuse(res.Hits, lang)
	retrieval.SortHits(res.Hits)
	if len(res.Hits) > k {
		res.Hits = res.Hits[:k]
	}
	return res
}
