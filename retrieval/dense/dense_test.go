package dense

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/viterin/vek"
	"github.com/viterin/vek/vek32"
)

// refIndex is the scalar brute-force reference: vectors normalized and
// compared in float64, every slot scored, fully sorted.
type refIndex map[int][]float64

func (r refIndex) set(slot int, v []float32) {
	var s float64
	for _, f := range v {
		s += float64(f) * float64(f)
	}
	w := make([]float64, len(v))
	for i, f := range v {
		w[i] = float64(f) / math.Sqrt(s)
	}
	r[slot] = w
}

func (r refIndex) search(q []float32, k int, accept func(int) bool) []Hit {
	var qs float64
	for _, f := range q {
		qs += float64(f) * float64(f)
	}
	var hits []Hit
	for slot, v := range r {
		if accept != nil && !accept(slot) {
			continue
		}
		var s float64
		for i, f := range v {
			s += f * float64(q[i]) / math.Sqrt(qs)
		}
		hits = append(hits, Hit{Slot: slot, Score: float32(s)})
	}
	slices.SortFunc(hits, func(a, b Hit) int {
		switch {
		case a.Score > b.Score || (a.Score == b.Score && a.Slot < b.Slot):
			return -1
		case b.Score > a.Score || (a.Score == b.Score && b.Slot < a.Slot):
			return 1
		}
		return 0
	})
	if len(hits) > k {
		hits = hits[:k]
	}
	return hits
}

func gaussian(rng *rand.Rand, dim int) []float32 {
	v := make([]float32, dim)
	for i := range v {
		v[i] = float32(rng.NormFloat64())
	}
	return v
}

// ternary returns a vector with exactly nz components of ±1 and the rest 0.
// With nz a power of 4 its norm is a power of 2, so normalization is exact and
// every dot product of two such vectors is exact in float32 whatever the
// summation order: SIMD and scalar results must then be bit-identical, and
// equal scores (ties) are common.
func ternary(rng *rand.Rand, dim, nz int) []float32 {
	v := make([]float32, dim)
	for _, i := range rng.Perm(dim)[:nz] {
		v[i] = float32(1 - 2*rng.IntN(2))
	}
	return v
}

func TestAcceleration(t *testing.T) {
	// Not asserted: CI machines may lack AVX2+FMA, in which case vek falls
	// back to plain Go and results are still checked below.
	t.Logf("vek acceleration (AVX2+FMA): %v", vek.Info().Acceleration)
}

func TestDotMatchesScalar(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, dim := range []int{1, 3, 8, 31, 32, 33, 100, 384, 768, 1536} {
		for range 20 {
			x, y := gaussian(rng, dim), gaussian(rng, dim)
			var want, mag float64
			for i := range x {
				want += float64(x[i]) * float64(y[i])
				mag += math.Abs(float64(x[i]) * float64(y[i]))
			}
			got := float64(vek32.Dot(x, y))
			// float32 accumulation error is bounded by ~dim·eps·Σ|xᵢyᵢ|.
			if tol := float64(dim) * 1.2e-7 * mag; math.Abs(got-want) > tol {
				t.Fatalf("dim %d: vek32.Dot = %v, scalar float64 = %v (tolerance %v)", dim, got, want, tol)
			}
		}
	}
}

func TestSearchExactTernary(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const dim = 384
	x, ref := New(dim), refIndex{}
	for slot := range 3000 {
		if slot%7 == 3 {
			continue // leave holes
		}
		v := ternary(rng, dim, 16)
		if err := x.Set(slot, v); err != nil {
			t.Fatal(err)
		}
		ref.set(slot, v)
	}
	for _, k := range []int{1, 10, 100, 5000} {
		for qi := range 20 {
			q := ternary(rng, dim, 64)
			want := ref.search(q, k, nil)
			got := x.Search(q, k, nil)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("k=%d query %d (-want +got):\n%s", k, qi, diff)
			}
		}
	}
}

func TestSearchGaussian(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	// Row counts that leave partial blocks (384 dims: blocks of 170 rows, so
	// 171 leaves one row); 30000 dims exceed the block path.
	for _, tc := range []struct{ dim, rows int }{{3, 2000}, {64, 2000}, {384, 2003}, {384, 171}, {1000, 2000}, {30000, 7}} {
		dim := tc.dim
		x, ref := New(dim), refIndex{}
		for slot := range tc.rows {
			v := gaussian(rng, dim)
			if err := x.Set(slot, v); err != nil {
				t.Fatal(err)
			}
			ref.set(slot, v)
		}
		for range 10 {
			q := gaussian(rng, dim)
			want := ref.search(q, 10, nil)
			got := x.Search(q, min(10, tc.rows), nil)
			checkClose(t, ref, q, want[:min(10, tc.rows)], got)
		}
	}
}

// checkClose checks got against the reference when scores can differ in the
// last bits: every score matches the reference score of its slot, the order is
// best first, and nothing better than the last hit was left out.
func checkClose(t *testing.T, ref refIndex, q []float32, want, got []Hit) {
	t.Helper()
	const tol = 1e-5
	if len(got) != len(want) {
		t.Fatalf("got %d hits, want %d", len(got), len(want))
	}
	all := ref.search(q, len(ref), nil)
	score := map[int]float32{}
	for _, h := range all {
		score[h.Slot] = h.Score
	}
	for i, h := range got {
		if d := math.Abs(float64(h.Score - score[h.Slot])); d > tol {
			t.Errorf("hit %d slot %d: score %v, reference %v", i, h.Slot, h.Score, score[h.Slot])
		}
		if i > 0 && better(h.Score, h.Slot, got[i-1]) {
			t.Errorf("hit %d ranks above hit %d: %v", i, i-1, got)
		}
	}
	if last := got[len(got)-1].Score; float64(want[len(want)-1].Score-last) > tol {
		t.Errorf("last hit score %v, reference k-th score %v", last, want[len(want)-1].Score)
	}
}

func TestSearchAccept(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	const dim = 48
	x, ref := New(dim), refIndex{}
	for slot := range 500 {
		v := ternary(rng, dim, 4)
		if err := x.Set(slot, v); err != nil {
			t.Fatal(err)
		}
		ref.set(slot, v)
	}
	tests := []struct {
		name   string
		accept func(int) bool
	}{
		{"all", nil},
		{"even", func(s int) bool { return s%2 == 0 }},
		{"none", func(int) bool { return false }},
		{"one", func(s int) bool { return s == 321 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := ternary(rng, dim, 16)
			want := ref.search(q, 10, tt.accept)
			got := x.Search(q, 10, tt.accept)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestSetErrors(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	tests := []struct {
		name string
		slot int
		v    []float32
		want error
	}{
		{"short", 0, []float32{1, 2}, ErrDimension},
		{"long", 0, []float32{1, 2, 3, 4}, ErrDimension},
		{"nil", 0, nil, ErrDimension},
		{"zero", 0, []float32{0, 0, 0}, ErrVector},
		{"nan", 0, []float32{1, nan, 0}, ErrVector},
		{"inf", 0, []float32{inf, 0, 0}, ErrVector},
		{"negative slot", -1, []float32{1, 0, 0}, ErrSlot},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := New(3)
			if err := x.Set(1, []float32{0, 3, 4}); err != nil {
				t.Fatal(err)
			}
			if err := x.Set(tt.slot, tt.v); !errors.Is(err, tt.want) {
				t.Fatalf("Set error = %v, want %v", err, tt.want)
			}
			if x.Len() != 1 || x.Has(0) || !x.Has(1) {
				t.Errorf("index changed by a failed Set: Len %d Has(0) %v Has(1) %v", x.Len(), x.Has(0), x.Has(1))
			}
			got := x.Search([]float32{0, 3, 4}, 5, nil)
			if diff := cmp.Diff([]Hit{{Slot: 1, Score: 1}}, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestSearchBadQuery(t *testing.T) {
	x := New(3)
	if err := x.Set(0, []float32{1, 0, 0}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		q    []float32
		k    int
	}{
		{"wrong dim", []float32{1, 0}, 1},
		{"zero", []float32{0, 0, 0}, 1},
		{"nan", []float32{float32(math.NaN()), 1, 0}, 1},
		{"k zero", []float32{1, 0, 0}, 0},
		{"k negative", []float32{1, 0, 0}, -3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := x.Search(tt.q, tt.k, nil); got != nil {
				t.Errorf("Search = %v, want nil", got)
			}
		})
	}
	if got := New(3).Search([]float32{1, 0, 0}, 1, nil); got != nil {
		t.Errorf("empty index: Search = %v, want nil", got)
	}
}

func TestSetDeleteGrow(t *testing.T) {
	x := New(2)
	steps := []struct {
		name  string
		do    func() error
		len   int
		wantQ []Hit // search for (1,0), k=10
	}{
		{"set far slot first", func() error { return x.Set(1000, []float32{2, 0}) }, 1, []Hit{{1000, 1}}},
		{"set low slot", func() error { return x.Set(3, []float32{0, 5}) }, 2, []Hit{{1000, 1}, {3, 0}}},
		{"replace", func() error { return x.Set(1000, []float32{-1, 0}) }, 2, []Hit{{3, 0}, {1000, -1}}},
		{"delete", func() error { x.Delete(3); return nil }, 1, []Hit{{1000, -1}}},
		{"delete again", func() error { x.Delete(3); return nil }, 1, []Hit{{1000, -1}}},
		{"delete out of range", func() error { x.Delete(5000); x.Delete(-2); return nil }, 1, []Hit{{1000, -1}}},
		{"reuse deleted slot", func() error { return x.Set(3, []float32{3, 3}) }, 2, []Hit{{3, float32(math.Sqrt(0.5))}, {1000, -1}}},
		{"grow past capacity", func() error { return x.Set(100000, []float32{1, 0}) }, 3, []Hit{{100000, 1}, {3, float32(math.Sqrt(0.5))}, {1000, -1}}},
	}
	for _, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if x.Len() != st.len {
			t.Errorf("%s: Len = %d, want %d", st.name, x.Len(), st.len)
		}
		got := x.Search([]float32{1, 0}, 10, nil)
		if diff := cmp.Diff(st.wantQ, got); diff != "" {
			t.Errorf("%s: (-want +got):\n%s", st.name, diff)
		}
	}
	if x.Dim() != 2 {
		t.Errorf("Dim = %d, want 2", x.Dim())
	}
}

func TestNewPanicsOnBadDim(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("New(0) did not panic")
		}
	}()
	New(0)
}

// TestConcurrentReaders runs searches in parallel with a writer serialized by
// an RWMutex, the usage the Index documents; run it with -race.
func TestConcurrentReaders(t *testing.T) {
	const dim = 16
	x := New(dim)
	var mu sync.RWMutex
	rng := rand.New(rand.NewPCG(9, 10))
	for slot := range 200 {
		if err := x.Set(slot, gaussian(rng, dim)); err != nil {
			t.Fatal(err)
		}
	}
	vecs := make([][]float32, 500)
	for i := range vecs {
		vecs[i] = gaussian(rng, dim)
	}
	q := gaussian(rng, dim)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 200 {
				mu.RLock()
				hits := x.Search(q, 5, nil)
				mu.RUnlock()
				if len(hits) != 5 {
					t.Errorf("got %d hits, want 5", len(hits))
					return
				}
			}
		})
	}
	wg.Go(func() {
		for i, v := range vecs {
			mu.Lock()
			if i%3 == 0 {
				x.Delete(i % 200)
			}
			err := x.Set(200+i, v)
			mu.Unlock()
			if err != nil {
				t.Error(err)
				return
			}
		}
	})
	wg.Wait()
}

func BenchmarkDot384(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	x, y := gaussian(rng, 384), gaussian(rng, 384)
	b.Run("vek32", func(b *testing.B) {
		for b.Loop() {
			vek32.Dot(x, y)
		}
	})
	b.Run("scalar", func(b *testing.B) {
		for b.Loop() {
			var s float32
			for i := range x {
				s += x[i] * y[i]
			}
			_ = s
		}
	})
}

// TestRowRoundTrip: an index rebuilt from its rows with SetRow holds the
// same bits and scores exactly alike.
func TestRowRoundTrip(t *testing.T) {
	x := New(3)
	for i, v := range [][]float32{{1, 2, 3}, {0.3, -0.1, 7}, {5, 5, 0.001}} {
		if err := x.Set(i*2, v); err != nil { // slots 0, 2, 4; 1 and 3 empty
			t.Fatal(err)
		}
	}
	y := New(3)
	for slot := range 5 {
		if r := x.Row(slot); r != nil {
			if err := y.SetRow(slot, r); err != nil {
				t.Fatal(err)
			}
		} else if slot%2 == 0 {
			t.Fatalf("slot %d empty", slot)
		}
	}
	if y.Len() != x.Len() || y.Has(1) || y.Row(3) != nil {
		t.Fatalf("restored %d rows, want %d and empty slots 1 and 3", y.Len(), x.Len())
	}
	q := []float32{0.2, 0.4, 0.9}
	if a, b := x.Search(q, 3, nil), y.Search(q, 3, nil); !slices.Equal(a, b) {
		t.Errorf("search %v, restored %v", a, b)
	}
	if err := y.SetRow(0, []float32{1}); !errors.Is(err, ErrDimension) {
		t.Errorf("SetRow of a short row: %v, want ErrDimension", err)
	}
	if err := y.SetRow(-1, q); !errors.Is(err, ErrSlot) {
		t.Errorf("SetRow at -1: %v, want ErrSlot", err)
	}
}

func TestCosine(t *testing.T) {
	for _, tt := range []struct {
		a, b []float32
		want float64
	}{
		{[]float32{1, 0}, []float32{2, 0}, 1},
		{[]float32{1, 0}, []float32{0, 3}, 0},
		{[]float32{1, 1}, []float32{-1, -1}, -1},
		{[]float32{3, 4}, []float32{4, 3}, 24.0 / 25},
		{[]float32{0, 0}, []float32{1, 0}, 0},
		{[]float32{1, 0}, []float32{1, 0, 0}, 0},
	} {
		if got := Cosine(tt.a, tt.b); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("Cosine(%v, %v) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestUnit(t *testing.T) {
	v := []float32{3, 0, -4}
	u := Unit(v)
	if diff := cmp.Diff([]float32{0.6, 0, -0.8}, u); diff != "" {
		t.Errorf("Unit(3,0,-4) (-want +got):\n%s", diff)
	}
	if v[0] != 3 {
		t.Errorf("Unit changed its argument: %v", v)
	}
	// The index stores the same row Unit returns.
	x := New(3)
	if err := x.Set(0, v); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(u, x.Row(0)); diff != "" {
		t.Errorf("Row differs from Unit (-unit +row):\n%s", diff)
	}
	for _, bad := range [][]float32{{0, 0}, nil, {float32(math.NaN()), 1}, {float32(math.Inf(1))}} {
		if got := Unit(bad); got != nil {
			t.Errorf("Unit(%v) = %v, want nil", bad, got)
		}
	}
}
