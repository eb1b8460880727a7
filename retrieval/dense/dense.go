package dense

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/viterin/vek/vek32"
)

// Errors returned by (*Index).Set; callers branch on them with errors.Is.
var (
	// ErrDimension means a vector's length differs from the index's dimension.
	ErrDimension = errors.New("dense: vector dimension mismatch")
	// ErrVector means a vector has a zero norm or a NaN or infinite component,
	// so it has no direction to compare by cosine.
	ErrVector = errors.New("dense: vector has zero norm or a non-finite component")
	// ErrSlot means a slot number is negative.
	ErrSlot = errors.New("dense: negative slot")
)

// Hit is one search result: the slot of a stored vector and its cosine
// similarity to the query.
type Hit struct {
	Slot  int
	Score float32
}

// Index is an exact cosine-similarity index over vectors addressed by slot.
// Row i of the slab holds the L2-normalized vector set at slot i (zeros when
// the slot is empty), so a search is one sequential pass over memory.
//
// Concurrency: Search, Len, Dim and Has only read, and any number of them may
// run at once. Set and Delete write; the caller must serialize them against
// each other and against readers (for example Set/Delete under a
// sync.RWMutex's Lock and Search under its RLock). Index holds no lock itself.
type Index struct {
	dim  int
	slab []float32 // len(live)*dim floats; row r is slab[r*dim:(r+1)*dim]
	live []bool    // live[r] reports whether slot r holds a vector
	n    int       // number of live slots
}

// New returns an empty index of vectors with dim components. It panics if dim
// is not positive: the dimension is fixed by the embedding model in use, so a
// bad one is a programming error, not input.
func New(dim int) *Index {
	if dim <= 0 {
		panic(fmt.Sprintf("dense.New: dimension %d is not positive", dim))
	}
	return &Index{dim: dim}
}

// Dim returns the dimension of the index's vectors.
func (x *Index) Dim() int { return x.dim }

// Len returns the number of slots that hold a vector.
func (x *Index) Len() int { return x.n }

// Has reports whether slot holds a vector.
func (x *Index) Has(slot int) bool { return slot >= 0 && slot < len(x.live) && x.live[slot] }

// Set stores v, L2-normalized, at slot, replacing what was there and growing
// the slab when slot is past its end. v itself is not retained. On error the
// index is unchanged.
func (x *Index) Set(slot int, v []float32) error {
	if slot < 0 {
		return fmt.Errorf("set slot %d: %w", slot, ErrSlot)
	}
	if len(v) != x.dim {
		return fmt.Errorf("set slot %d: %w: got %d components, want %d", slot, ErrDimension, len(v), x.dim)
	}
	inv, ok := invNorm(v)
	if !ok {
		return fmt.Errorf("set slot %d: %w", slot, ErrVector)
	}
	x.grow(slot + 1)
	scale(x.slab[slot*x.dim:(slot+1)*x.dim], v, inv)
	if !x.live[slot] {
		x.live[slot] = true
		x.n++
	}
	return nil
}

// Row returns the stored, L2-normalized vector of slot (nil when the slot
// is empty), aliasing the slab: the caller must not modify it nor keep it
// past the next Set, SetRow or Delete.
func (x *Index) Row(slot int) []float32 {
	if !x.Has(slot) {
		return nil
	}
	return x.slab[slot*x.dim : (slot+1)*x.dim]
}

// SetRow stores row at slot as it is: a row read with Row (an index
// snapshot), already normalized, so that the restored index scores
// exactly as the one it was read from (Set would normalize it again,
// which may change the last bits).
func (x *Index) SetRow(slot int, row []float32) error {
	if slot < 0 {
		return fmt.Errorf("set slot %d: %w", slot, ErrSlot)
	}
	if len(row) != x.dim {
		return fmt.Errorf("set slot %d: %w: got %d components, want %d", slot, ErrDimension, len(row), x.dim)
	}
	x.grow(slot + 1)
	copy(x.slab[slot*x.dim:(slot+1)*x.dim], row)
	if !x.live[slot] {
		x.live[slot] = true
		x.n++
	}
	return nil
}

// Delete empties slot. Deleting an empty or out-of-range slot does nothing.
func (x *Index) Delete(slot int) {
	if !x.Has(slot) {
		return
	}
	clear(x.slab[slot*x.dim : (slot+1)*x.dim])
	x.live[slot] = false
	x.n--
}

// grow makes room for rows rows, at least doubling the capacity when it
// reallocates so that appending slots one by one stays amortized O(1).
func (x *Index) grow(rows int) {
	if rows <= len(x.live) {
		return
	}
	need := rows * x.dim
	if need > cap(x.slab) {
		slab := make([]float32, need, max(need, 2*cap(x.slab)))
		copy(slab, x.slab)
		x.slab = slab
	} else {
		old := len(x.slab)
		x.slab = x.slab[:need]
		clear(x.slab[old:])
	}
	x.live = append(x.live, make([]bool, rows-len(x.live))...)
}

// Cosine is the cosine of a and b, computed in float64; 0 when their
// lengths differ or either has a zero norm.
func Cosine(a, b []float32) float64 {
	if len(a) != len(b) {
		return 0
	}
	var dot, na, nb float64
	for i := range a {
		dot += float64(a[i]) * float64(b[i])
		na += float64(a[i]) * float64(a[i])
		nb += float64(b[i]) * float64(b[i])
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return dot / math.Sqrt(na*nb)
}

// Unit returns a copy of v scaled to unit length, computed in float64 like
// the index's own rows, or nil when v has a zero norm or a non-finite
// component.
func Unit(v []float32) []float32 {
	inv, ok := invNorm(v)
	if !ok {
		return nil
	}
	out := make([]float32, len(v))
	scale(out, v, inv)
	return out
}

// scale writes v·inv into dst, computed in float64.
func scale(dst, v []float32, inv float64) {
	for i, f := range v {
		dst[i] = float32(float64(f) * inv)
	}
}

// invNorm returns 1/‖v‖, computed in float64, and false when v has a zero
// norm or a non-finite component.
func invNorm(v []float32) (float64, bool) {
	var s float64
	for _, f := range v {
		s += float64(f) * float64(f)
	}
	if s == 0 || math.IsNaN(s) || math.IsInf(s, 0) {
		return 0, false
	}
	return 1 / math.Sqrt(s), true
}

// Search returns the k stored vectors most similar to q by cosine, best
// first, ties broken by the lower slot. accept, when not nil, filters slots;
// it is called only for slots whose score would enter the current top k, in
// increasing slot order. A query of the wrong dimension, with a zero norm or
// a non-finite component, or k <= 0 matches nothing (nil).
func (x *Index) Search(q []float32, k int, accept func(slot int) bool) []Hit {
	if k <= 0 || len(q) != x.dim || x.n == 0 {
		return nil
	}
	inv, ok := invNorm(q)
	if !ok {
		return nil
	}
	qn := make([]float32, x.dim)
	scale(qn, q, inv)
	h := topK{hits: make([]Hit, 0, min(k, x.n))}
	k = min(k, x.n)
	d := x.dim
	// Score a block of rows per call: vek32.MatMul_Into runs one SIMD dot
	// product per row inside one assembly call, which saves the per-row call
	// overhead that otherwise shows next to memory bandwidth. Blocks stay
	// under vek's 100,000-element threshold so that it does not fan out to
	// goroutines.
	block := max(4, min(256, 65536/d))
	scores := make([]float32, block)
	rows := len(x.live)
	for r0 := 0; r0 < rows; r0 += block {
		n := min(block, rows-r0)
		sc := scores[:n]
		if n >= 4 && n*d < 100_000 {
			vek32.MatMul_Into(sc, x.slab[r0*d:(r0+n)*d], qn, d)
		} else {
			for i := range sc {
				sc[i] = vek32.Dot(x.slab[(r0+i)*d:(r0+i+1)*d], qn)
			}
		}
		for i, s := range sc {
			r := r0 + i
			if !x.live[r] {
				continue
			}
			if len(h.hits) == k && !better(s, r, h.hits[0]) {
				continue
			}
			if accept != nil && !accept(r) {
				continue
			}
			h.offer(Hit{Slot: r, Score: s}, k)
		}
	}
	hits := h.hits
	if len(hits) == 0 {
		return nil
	}
	slices.SortFunc(hits, func(a, b Hit) int {
		switch {
		case better(a.Score, a.Slot, b):
			return -1
		case better(b.Score, b.Slot, a):
			return 1
		}
		return 0
	})
	return hits
}

// better reports whether a hit with score s at slot ranks above h.
func better(s float32, slot int, h Hit) bool {
	return s > h.Score || (s == h.Score && slot < h.Slot)
}

// topK is a bounded min-heap whose root is the worst of the best hits seen.
type topK struct{ hits []Hit }

// offer adds h, evicting the root when the heap already holds k hits; the
// caller has checked that h beats the root in that case.
func (t *topK) offer(h Hit, k int) {
	if len(t.hits) < k {
		t.hits = append(t.hits, h)
		t.up(len(t.hits) - 1)
		return
	}
	t.hits[0] = h
	t.down(0)
}

// worse reports whether hits[i] ranks below hits[j].
func (t *topK) worse(i, j int) bool {
	return better(t.hits[j].Score, t.hits[j].Slot, t.hits[i])
}

func (t *topK) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !t.worse(i, p) {
			return
		}
		t.hits[i], t.hits[p] = t.hits[p], t.hits[i]
		i = p
	}
}

func (t *topK) down(i int) {
	n := len(t.hits)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		c := l
		if r := l + 1; r < n && t.worse(r, l) {
			c = r
		}
		if !t.worse(c, i) {
			return
		}
		t.hits[i], t.hits[c] = t.hits[c], t.hits[i]
		i = c
	}
}
