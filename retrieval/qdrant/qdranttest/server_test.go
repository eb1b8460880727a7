package qdranttest

import (
	"context"
	"math"
	"net"
	"sort"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/qdrant/go-client/qdrant"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// client connects the real go-client to a fresh server holding collection
// "c" with a sparse vector "s" (IDF) and a dense vector "d" (cosine, 2).
func client(t *testing.T) (*qdrant.Client, *Server) {
	t.Helper()
	srv := Start(t, Options{})
	host, p, err := net.SplitHostPort(srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	port, err := strconv.Atoi(p)
	if err != nil {
		t.Fatal(err)
	}
	c, err := qdrant.NewClient(&qdrant.Config{Host: host, Port: port, SkipCompatibilityCheck: true, PoolSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	err = c.CreateCollection(context.Background(), &qdrant.CreateCollection{
		CollectionName: "c",
		VectorsConfig:  qdrant.NewVectorsConfigMap(map[string]*qdrant.VectorParams{"d": {Size: 2, Distance: qdrant.Distance_Cosine}}),
		SparseVectorsConfig: qdrant.NewSparseVectorsConfig(map[string]*qdrant.SparseVectorParams{
			"s": {Modifier: qdrant.Modifier_Idf.Enum()},
		}),
	})
	if err != nil {
		t.Fatal(err)
	}
	return c, srv
}

func pt(id uint64, payload map[string]any, idx []uint32, vals []float32, dense []float32) *qdrant.PointStruct {
	v := map[string]*qdrant.Vector{}
	if idx != nil {
		v["s"] = qdrant.NewVectorSparse(idx, vals)
	}
	if dense != nil {
		v["d"] = qdrant.NewVectorDense(dense)
	}
	return &qdrant.PointStruct{Id: qdrant.NewIDNum(id), Payload: qdrant.NewValueMap(payload), Vectors: qdrant.NewVectorsMap(v)}
}

func upsert(t *testing.T, c *qdrant.Client, pts ...*qdrant.PointStruct) {
	t.Helper()
	if _, err := c.Upsert(context.Background(), &qdrant.UpsertPoints{CollectionName: "c", Wait: qdrant.PtrOf(true), Points: pts}); err != nil {
		t.Fatal(err)
	}
}

type scored struct {
	ID    uint64
	Score float32
}

func ids(res []*qdrant.ScoredPoint) []scored {
	out := []scored{}
	for _, p := range res {
		out = append(out, scored{p.GetId().GetNum(), p.GetScore()})
	}
	return out
}

func idf(n, df float64) float32 { return float32(math.Log((n-df+0.5)/(df+0.5) + 1)) }

var approx = cmpopts.EquateApprox(0, 1e-5)

func TestSparseIDF(t *testing.T) {
	c, _ := client(t)
	upsert(t, c,
		pt(1, nil, []uint32{10, 20}, []float32{1, 2}, nil),
		pt(2, nil, []uint32{10}, []float32{0.5}, nil),
		pt(3, nil, []uint32{30}, []float32{1}, nil),
		pt(4, nil, nil, nil, []float32{1, 0}), // no sparse vector: still counted in N
	)
	res, err := c.Query(context.Background(), &qdrant.QueryPoints{CollectionName: "c", Using: qdrant.PtrOf("s"),
		Query: qdrant.NewQuerySparse([]uint32{10, 20}, []float32{1, 1})})
	if err != nil {
		t.Fatal(err)
	}
	// N=4 points; df(10)=2, df(20)=1. Point 3 shares no dimension: absent.
	want := []scored{{1, idf(4, 2)*1 + idf(4, 1)*2}, {2, idf(4, 2) * 0.5}}
	if diff := cmp.Diff(want, ids(res), approx); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestDenseCosineAndRRF(t *testing.T) {
	c, _ := client(t)
	upsert(t, c,
		pt(1, nil, []uint32{1}, []float32{3}, []float32{0, 1}),
		pt(2, nil, []uint32{1}, []float32{2}, []float32{1, 0}),
		pt(3, nil, []uint32{1}, []float32{1}, []float32{1, 1}),
	)
	res, err := c.Query(context.Background(), &qdrant.QueryPoints{CollectionName: "c", Using: qdrant.PtrOf("d"), Query: qdrant.NewQueryDense([]float32{2, 0})})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]scored{{2, 1}, {3, float32(1 / math.Sqrt2)}, {1, 0}}, ids(res), approx); diff != "" {
		t.Errorf("cosine (-want +got):\n%s", diff)
	}
	prefetch := []*qdrant.PrefetchQuery{
		{Query: qdrant.NewQuerySparse([]uint32{1}, []float32{1}), Using: qdrant.PtrOf("s")}, // 1, 2, 3
		{Query: qdrant.NewQueryDense([]float32{1, 0}), Using: qdrant.PtrOf("d")},            // 2, 3, 1
	}
	tests := []struct {
		name  string
		query *qdrant.Query
		k     float32
	}{
		{"default k=2", qdrant.NewQueryFusion(qdrant.Fusion_RRF), 2},
		{"k=61", qdrant.NewQueryRRF(&qdrant.Rrf{K: qdrant.PtrOf(uint32(61))}), 61},
	}
	for _, tc := range tests {
		res, err := c.Query(context.Background(), &qdrant.QueryPoints{CollectionName: "c", Prefetch: prefetch, Query: tc.query})
		if err != nil {
			t.Fatal(err)
		}
		k := tc.k
		want := []scored{{2, 1/(k+1) + 1/k}, {1, 1/k + 1/(k+2)}, {3, 1/(k+2) + 1/(k+1)}}
		sort.Slice(want, func(i, j int) bool {
			return want[i].Score > want[j].Score || (want[i].Score == want[j].Score && want[i].ID < want[j].ID)
		})
		if diff := cmp.Diff(want, ids(res), approx); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}

func TestFilters(t *testing.T) {
	c, _ := client(t)
	upsert(t, c,
		pt(1, map[string]any{"tenant": "a", "kind": "faq", "mf": map[string]any{"tags": []any{"x", "y"}}}, nil, nil, nil),
		pt(2, map[string]any{"tenant": "a", "kind": "doc", "mf": map[string]any{"tags": []any{"y"}}}, nil, nil, nil),
		pt(3, map[string]any{"tenant": "b", "kind": "doc", "n": 5}, nil, nil, nil),
	)
	tests := []struct {
		name string
		f    *qdrant.Filter
		want []uint64
	}{
		{"must", &qdrant.Filter{Must: []*qdrant.Condition{qdrant.NewMatch("tenant", "a")}}, []uint64{1, 2}},
		{"must any of", &qdrant.Filter{Must: []*qdrant.Condition{qdrant.NewMatchKeywords("kind", "faq", "ticket")}}, []uint64{1}},
		{"array element", &qdrant.Filter{Must: []*qdrant.Condition{qdrant.NewMatch("mf.tags", "x")}}, []uint64{1}},
		{"should", &qdrant.Filter{Should: []*qdrant.Condition{qdrant.NewMatch("kind", "faq"), qdrant.NewMatch("tenant", "b")}}, []uint64{1, 3}},
		{"must_not", &qdrant.Filter{MustNot: []*qdrant.Condition{qdrant.NewMatch("tenant", "a")}}, []uint64{3}},
		{"except (missing field matches)", &qdrant.Filter{Must: []*qdrant.Condition{qdrant.NewMatchExcept("mf.tags", "x")}}, []uint64{2, 3}},
		{"nested", &qdrant.Filter{Must: []*qdrant.Condition{qdrant.NewFilterAsCondition(&qdrant.Filter{
			Should: []*qdrant.Condition{qdrant.NewMatch("kind", "faq"), qdrant.NewMatchInt("n", 5)}})}}, []uint64{1, 3}},
		{"has id", &qdrant.Filter{Must: []*qdrant.Condition{qdrant.NewHasID(qdrant.NewIDNum(2))}}, []uint64{2}},
		{"range", &qdrant.Filter{Must: []*qdrant.Condition{qdrant.NewRange("n", &qdrant.Range{Gte: qdrant.PtrOf(5.0)})}}, []uint64{3}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := c.Scroll(context.Background(), &qdrant.ScrollPoints{CollectionName: "c", Filter: tc.f})
			if err != nil {
				t.Fatal(err)
			}
			gotIDs := []uint64{}
			for _, p := range got {
				gotIDs = append(gotIDs, p.GetId().GetNum())
			}
			if diff := cmp.Diff(tc.want, gotIDs); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			n, err := c.Count(context.Background(), &qdrant.CountPoints{CollectionName: "c", Filter: tc.f})
			if err != nil || n != uint64(len(tc.want)) {
				t.Errorf("Count = %d, %v; want %d", n, err, len(tc.want))
			}
		})
	}
	_, err := c.Scroll(context.Background(), &qdrant.ScrollPoints{CollectionName: "c", Filter: &qdrant.Filter{
		Must: []*qdrant.Condition{qdrant.NewGeoRadius("loc", 0, 0, 1)}}})
	if status.Code(err) != codes.Unimplemented {
		t.Errorf("geo filter error = %v, want Unimplemented", err)
	}
}

func TestScrollDeleteAndValidation(t *testing.T) {
	c, _ := client(t)
	for i := uint64(1); i <= 5; i++ {
		upsert(t, c, pt(i, map[string]any{"doc": []string{"a", "b"}[i%2]}, nil, nil, nil))
	}
	page, next, err := c.ScrollAndOffset(context.Background(), &qdrant.ScrollPoints{CollectionName: "c", Limit: qdrant.PtrOf(uint32(2))})
	if err != nil || len(page) != 2 || next.GetNum() != 3 {
		t.Fatalf("first page = %v, next %v, %v; want 2 points and next 3", page, next, err)
	}
	if _, err := c.Delete(context.Background(), &qdrant.DeletePoints{CollectionName: "c", Wait: qdrant.PtrOf(true),
		Points: qdrant.NewPointsSelectorFilter(&qdrant.Filter{Must: []*qdrant.Condition{qdrant.NewMatch("doc", "b")}})}); err != nil {
		t.Fatal(err)
	}
	if n, _ := c.Count(context.Background(), &qdrant.CountPoints{CollectionName: "c"}); n != 2 {
		t.Errorf("after delete by filter %d points, want 2", n)
	}
	bad := []struct {
		name string
		p    *qdrant.PointStruct
	}{
		{"wrong dimension", pt(9, nil, nil, nil, []float32{1, 2, 3})},
		{"duplicate sparse index", pt(9, nil, []uint32{1, 1}, []float32{1, 2}, nil)},
		{"unknown vector", &qdrant.PointStruct{Id: qdrant.NewIDNum(9), Vectors: qdrant.NewVectorsMap(map[string]*qdrant.Vector{"zzz": qdrant.NewVectorDense([]float32{1})})}},
		{"bad uuid", &qdrant.PointStruct{Id: qdrant.NewIDUUID("not-a-uuid")}},
	}
	for _, tc := range bad {
		_, err := c.Upsert(context.Background(), &qdrant.UpsertPoints{CollectionName: "c", Points: []*qdrant.PointStruct{pt(8, nil, nil, nil, nil), tc.p}})
		if status.Code(err) != codes.InvalidArgument {
			t.Errorf("%s: error = %v, want InvalidArgument", tc.name, err)
		}
	}
	if n, _ := c.Count(context.Background(), &qdrant.CountPoints{CollectionName: "c"}); n != 2 {
		t.Errorf("a rejected upsert wrote points: %d, want 2", n)
	}
	if _, err := c.Count(context.Background(), &qdrant.CountPoints{CollectionName: "nope"}); status.Code(err) != codes.NotFound {
		t.Errorf("missing collection error = %v, want NotFound", err)
	}
}
