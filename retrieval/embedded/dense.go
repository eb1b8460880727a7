package embedded

import (
	"github.com/answerdesk/answerdesk/retrieval/dense"
)

// denseSlab adapts retrieval/dense to the index's slots; the dense index is
// created with the first vector, when its size is known.
type denseSlab struct {
	x *dense.Index
}

// set stores v at slot; vectors are validated before they reach the index
// (retrieval.ValidateDocument and checkDense), so an error here is a bug.
func (d *denseSlab) set(slot int, v []float32) {
	if d.x == nil || d.x.Len() == 0 && d.x.Dim() != len(v) {
		d.x = dense.New(len(v))
	}
	if err := d.x.Set(slot, v); err != nil {
		panic("embedded: validated vector rejected: " + err.Error())
	}
}

func (d *denseSlab) has(slot int) bool { return d.x != nil && d.x.Has(slot) }

func (d *denseSlab) del(slot int) {
	if d.x != nil {
		d.x.Delete(slot)
	}
}

type denseHit struct {
	slot  int
	score float32
}

func (d *denseSlab) search(q []float32, k int, accept func(int) bool) []denseHit {
	if d.x == nil || d.x.Len() == 0 || len(q) != d.x.Dim() {
		return nil
	}
	hits := d.x.Search(q, k, accept)
	out := make([]denseHit, len(hits))
	for i, h := range hits {
		out[i] = denseHit{slot: h.Slot, score: h.Score}
	}
	return out
}
