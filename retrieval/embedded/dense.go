package embedded

import (
	"math"
	"sort"
)

// denseSlab holds dense vectors by slot. It is a placeholder for
// retrieval/dense until that package lands.
type denseSlab struct {
	vecs map[int][]float32
}

func (d *denseSlab) set(slot int, v []float32) {
	if d.vecs == nil {
		d.vecs = map[int][]float32{}
	}
	var n float64
	for _, f := range v {
		n += float64(f) * float64(f)
	}
	n = math.Sqrt(n)
	w := make([]float32, len(v))
	for i, f := range v {
		if n > 0 {
			w[i] = float32(float64(f) / n)
		}
	}
	d.vecs[slot] = w
}

func (d *denseSlab) has(slot int) bool { _, ok := d.vecs[slot]; return ok }
func (d *denseSlab) del(slot int)      { delete(d.vecs, slot) }

type denseHit struct {
	slot  int
	score float32
}

func (d *denseSlab) search(q []float32, k int, accept func(int) bool) []denseHit {
	var n float64
	for _, f := range q {
		n += float64(f) * float64(f)
	}
	n = math.Sqrt(n)
	var hits []denseHit
	for slot, v := range d.vecs {
		if !accept(slot) {
			continue
		}
		var s float32
		for i := range v {
			s += v[i] * q[i]
		}
		if n > 0 {
			s /= float32(n)
		}
		hits = append(hits, denseHit{slot, s})
	}
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].score != hits[j].score {
			return hits[i].score > hits[j].score
		}
		return hits[i].slot < hits[j].slot
	})
	if len(hits) > k {
		hits = hits[:k]
	}
	return hits
}
