package qdrant

import (
	"errors"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/qdrant/go-client/qdrant"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/answerdesk/answerdesk/retrieval"
)

func TestParseURL(t *testing.T) {
	tests := []struct {
		name string
		url  string
		want Config
		bad  bool
	}{
		{"host only", "qdrant://db", Config{Host: "db"}, false},
		{"all", "qdrant://db:7000?collection=kb_1&tls=1&pool=4&timeout=3s&retries=2&backoff=50ms&batch=64&dense_dim=768&avg_len=80&meta=product,%20version&shards=6&replication=2&write_consistency=2",
			Config{Host: "db", Port: 7000, Collection: "kb_1", TLS: true, PoolSize: 4, Timeout: 3 * time.Second, Retries: 2, Backoff: 50 * time.Millisecond,
				BatchSize: 64, DenseDim: 768, AvgLen: 80, MetaFields: []string{"product", "version"}, Shards: 6, ReplicationFactor: 2, WriteConsistency: 2}, false},
		{"qdrants is tls", "qdrants://db", Config{Host: "db", TLS: true}, false},
		{"retries=0 disables", "qdrant://db?retries=0", Config{Host: "db", Retries: -1}, false},
		{"ipv6", "qdrant://[::1]:6334", Config{Host: "::1", Port: 6334}, false},
		{"http scheme", "http://db:6333", Config{}, true},
		{"no host", "qdrant://?collection=x", Config{}, true},
		{"bad port", "qdrant://db:99999", Config{}, true},
		{"path", "qdrant://db/kb", Config{}, true},
		{"unknown param", "qdrant://db?colection=x", Config{}, true},
		{"api key in url", "qdrant://db?api_key=secret", Config{}, true},
		{"user info", "qdrant://user:secret@db", Config{}, true},
		{"bad collection", "qdrant://db?collection=a/b", Config{}, true},
		{"bad timeout", "qdrant://db?timeout=soon", Config{}, true},
		{"bad meta field", "qdrant://db?meta=a.b", Config{}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseURL(tc.url)
			if tc.bad {
				if !errors.Is(err, retrieval.ErrInvalid) {
					t.Fatalf("ParseURL(%q) error = %v, want ErrInvalid", tc.url, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got, cmp.Comparer(func(a, b Config) bool { return cmp.Equal(a.withoutFuncs(), b.withoutFuncs()) })); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	if err := func() error { _, err := ParseURL("qdrant://db?api_key=hunter2"); return err }(); err != nil && contains(err.Error(), "hunter2") {
		t.Errorf("error leaks the key: %v", err)
	}
}

func TestName(t *testing.T) {
	for raw, want := range map[string]string{
		"qdrant://db:6334":                          "qdrant://db:6334",
		"qdrant://db:6334?collection=kb&timeout=1s": "qdrant://db:6334 (collection kb)",
		"qdrant://db?timeout=1s":                    "qdrant://db (collection answerdesk)",
		"qdrant://db?colection=kb":                  "qdrant://db (collection answerdesk)",
		"qdrants://db?collection=x&tls=1":           "qdrants://db (collection x)",
	} {
		if got := Name(raw); got != want {
			t.Errorf("Name(%q) = %q, want %q", raw, got, want)
		}
	}
}

// withoutFuncs drops the fields cmp cannot compare.
func (c Config) withoutFuncs() Config { c.Logger, c.DialOptions = nil, nil; return c }

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

func TestCollectionSchema(t *testing.T) {
	idf := qdrant.Modifier_Idf
	tests := []struct {
		name string
		cfg  Config
		want *qdrant.CreateCollection
	}{
		{"sparse only", Config{Collection: "kb"}, &qdrant.CreateCollection{
			CollectionName: "kb",
			SparseVectorsConfig: &qdrant.SparseVectorConfig{Map: map[string]*qdrant.SparseVectorParams{
				"bm25": {Modifier: &idf},
			}},
		}},
		{"dense and cluster", Config{Collection: "kb", DenseDim: 768, Shards: 6, ReplicationFactor: 2, WriteConsistency: 2}, &qdrant.CreateCollection{
			CollectionName: "kb",
			SparseVectorsConfig: &qdrant.SparseVectorConfig{Map: map[string]*qdrant.SparseVectorParams{
				"bm25": {Modifier: &idf},
			}},
			VectorsConfig: &qdrant.VectorsConfig{Config: &qdrant.VectorsConfig_ParamsMap{ParamsMap: &qdrant.VectorParamsMap{
				Map: map[string]*qdrant.VectorParams{"dense": {Size: 768, Distance: qdrant.Distance_Cosine}},
			}}},
			ShardNumber:            qdrant.PtrOf(uint32(6)),
			ReplicationFactor:      qdrant.PtrOf(uint32(2)),
			WriteConsistencyFactor: qdrant.PtrOf(uint32(2)),
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, chunkCollection(tc.cfg, tc.cfg.shared()), protocmp.Transform()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	docs := docCollection(Config{Collection: "kb"}, Config{Collection: "kb"}.shared())
	if docs.GetCollectionName() != "kb_docs" || docs.VectorsConfig != nil {
		t.Errorf("doc collection = %v, want kb_docs without dense vectors", docs)
	}
}

func TestTenantPair(t *testing.T) {
	cfg := Config{Collection: "kb"}
	a, b := cfg.tenantPair("Acme Corp"), cfg.tenantPair("acme-corp")
	if a == b {
		t.Errorf("tenants %q and %q share collections %v", "Acme Corp", "acme-corp", a)
	}
	for _, p := range []pair{a, b, cfg.tenantPair("Тенант/../x"), cfg.tenantPair(strings.Repeat("x", 300))} {
		if !collectionName.MatchString(p.chunks) || !collectionName.MatchString(p.docs) || !strings.HasPrefix(p.chunks, "kb__") || strings.HasSuffix(p.chunks, "_docs") {
			t.Errorf("bad tenant collection names %v", p)
		}
	}
	if got := cfg.tenantPair("Acme Corp"); got != a {
		t.Errorf("tenant pair not deterministic: %v, %v", a, got)
	}
}

func TestPayloadIndexes(t *testing.T) {
	type idx struct {
		Collection, Field string
		Tenant            bool
	}
	var got []idx
	cfg := Config{Collection: "kb", MetaFields: []string{"product", "odd key"}}
	for _, r := range payloadIndexes(cfg, cfg.shared()) {
		if r.GetFieldType() != qdrant.FieldType_FieldTypeKeyword || !r.GetWait() {
			t.Errorf("index %s: type %v wait %v, want keyword and wait", r.GetFieldName(), r.GetFieldType(), r.GetWait())
		}
		got = append(got, idx{r.GetCollectionName(), r.GetFieldName(), r.GetFieldIndexParams().GetKeywordIndexParams().GetIsTenant()})
	}
	want := []idx{
		{"kb", "tenant", true}, {"kb", "kind", false}, {"kb", "document_id", false},
		{"kb", "mf.product", false}, {"kb", `mf."odd key"`, false},
		{"kb_docs", "tenant", true}, {"kb_docs", "type", false}, {"kb_docs", "kind", false}, {"kb_docs", "document_id", false},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestSearchFilter(t *testing.T) {
	tests := []struct {
		name string
		q    retrieval.Query
		want *qdrant.Filter
	}{
		{"tenant only", retrieval.Query{Tenant: "acme"}, &qdrant.Filter{Must: []*qdrant.Condition{qdrant.NewMatchKeyword("tenant", "acme")}}},
		{"kinds and meta", retrieval.Query{Tenant: "acme", Kinds: []retrieval.Kind{"faq", "doc"}, Meta: map[string][]string{"version": {"2"}, "product": {"hub", "sensor"}}},
			&qdrant.Filter{Must: []*qdrant.Condition{
				qdrant.NewMatchKeyword("tenant", "acme"),
				qdrant.NewMatchKeywords("kind", "faq", "doc"),
				qdrant.NewMatchKeywords("mf.product", "hub", "sensor"),
				qdrant.NewMatchKeywords("mf.version", "2"),
			}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, searchFilter(tc.q), protocmp.Transform()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestStaleChunksFilter(t *testing.T) {
	one := staleChunksFilter([]docRecord{{doc: retrieval.Document{Tenant: "t", ID: "d"}, gen: "g1"}})
	want := &qdrant.Filter{
		Must:    []*qdrant.Condition{qdrant.NewMatchKeyword("tenant", "t"), qdrant.NewMatchKeyword("document_id", "d")},
		MustNot: []*qdrant.Condition{qdrant.NewMatchKeyword("gen", "g1")},
	}
	if diff := cmp.Diff(want, one, protocmp.Transform()); diff != "" {
		t.Errorf("one document (-want +got):\n%s", diff)
	}
	two := staleChunksFilter([]docRecord{
		{doc: retrieval.Document{Tenant: "t", ID: "a"}, gen: "g1"},
		{doc: retrieval.Document{Tenant: "t", ID: "b"}, gen: "g2"},
	})
	if len(two.GetMust()) != 0 || len(two.GetShould()) != 2 {
		t.Fatalf("two documents: want two should sub-filters, got %v", two)
	}
	if diff := cmp.Diff(want, two.GetShould()[0].GetFilter(), protocmp.Transform(),
		protocmp.IgnoreFields(&qdrant.Filter{}, "must", "must_not")); diff != "" {
		t.Errorf("sub-filter (-want +got):\n%s", diff)
	}
}

func TestBuildSearchSparseOnly(t *testing.T) {
	q := retrieval.Query{Tenant: "acme", Text: "reset wifi"}
	terms := []string{"reset", "wifi"}
	p := buildSearch("kb", q, terms, 10, false)
	if p.main != 0 || p.sparse != -1 || p.dense != -1 {
		t.Fatalf("plan indexes = %d/%d/%d", p.main, p.sparse, p.dense)
	}
	idx, vals := querySparse(terms)
	want := &qdrant.QueryPoints{
		CollectionName: "kb",
		Query:          qdrant.NewQuerySparse(idx, vals),
		Using:          qdrant.PtrOf("bm25"),
		Filter:         searchFilter(q),
		Limit:          qdrant.PtrOf(uint64(10 + tieSlack)),
		WithPayload:    qdrant.NewWithPayload(true),
	}
	if diff := cmp.Diff(want, p.req.GetQueryPoints()[0], protocmp.Transform()); diff != "" {
		t.Errorf("main query (-want +got):\n%s", diff)
	}
	// One IDF probe per term, without the tenant filter, returning the
	// sparse vector.
	if len(p.req.GetQueryPoints()) != 3 {
		t.Fatalf("%d queries, want main + 2 probes", len(p.req.GetQueryPoints()))
	}
	probe := &qdrant.QueryPoints{
		CollectionName: "kb",
		Query:          qdrant.NewQuerySparse([]uint32{retrieval.TermID("wifi")}, []float32{1}),
		Using:          qdrant.PtrOf("bm25"),
		Limit:          qdrant.PtrOf(uint64(1)),
		WithVectors:    qdrant.NewWithVectorsInclude("bm25"),
		WithPayload:    qdrant.NewWithPayload(false),
	}
	if diff := cmp.Diff(probe, p.req.GetQueryPoints()[p.probes[1]], protocmp.Transform()); diff != "" {
		t.Errorf("probe (-want +got):\n%s", diff)
	}
}

// TestBuildSearchHybrid: a hybrid search runs each retriever once, the
// sparse and the dense list 100 deep with their payloads (no fused query
// whose prefetches would run them again); a question without terms runs
// the dense list alone.
func TestBuildSearchHybrid(t *testing.T) {
	q := retrieval.Query{Tenant: "acme", Text: "reset", Dense: []float32{1, 0}, Kinds: []retrieval.Kind{"faq"}}
	depth := qdrant.PtrOf(uint64(100))
	filter := searchFilter(q)
	idx, vals := querySparse([]string{"reset"})
	sparse := &qdrant.QueryPoints{CollectionName: "kb", Query: qdrant.NewQuerySparse(idx, vals), Using: qdrant.PtrOf("bm25"),
		Filter: filter, Limit: depth, WithPayload: qdrant.NewWithPayload(true)}
	dense := &qdrant.QueryPoints{CollectionName: "kb", Query: qdrant.NewQueryDense([]float32{1, 0}), Using: qdrant.PtrOf("dense"),
		Filter: filter, Limit: depth, WithPayload: qdrant.NewWithPayload(true)}
	for _, tc := range []struct {
		name  string
		terms []string
		want  []*qdrant.QueryPoints // every query but the IDF probes
	}{
		{"sparse and dense", []string{"reset"}, []*qdrant.QueryPoints{sparse, dense}},
		{"dense only", nil, []*qdrant.QueryPoints{dense}},
	} {
		p := buildSearch("kb", q, tc.terms, 5, true)
		if p.main != -1 || p.dense < 0 || (p.sparse >= 0) != (len(tc.terms) > 0) {
			t.Fatalf("%s: plan indexes main/sparse/dense = %d/%d/%d", tc.name, p.main, p.sparse, p.dense)
		}
		var got []*qdrant.QueryPoints
		for i, qp := range p.req.GetQueryPoints() {
			if !slices.Contains(p.probes, i) {
				got = append(got, qp)
			}
		}
		if diff := cmp.Diff(tc.want, got, protocmp.Transform()); diff != "" {
			t.Errorf("%s: queries (-want +got):\n%s", tc.name, diff)
		}
		for _, qp := range got {
			if len(qp.GetPrefetch()) != 0 {
				t.Errorf("%s: a query with prefetches runs a retriever again: %v", tc.name, qp)
			}
		}
	}
}

func TestChunkPointMatchesAnalyzer(t *testing.T) {
	c := retrieval.Chunk{ID: "t/d/0", DocumentID: "d", Tenant: "t", Kind: "doc", Title: "Router", Text: "Reset the router: hold reset for ten seconds.",
		Meta: map[string]string{"tags": "wifi, reset"}}
	text := retrieval.IndexText(c)
	tf, n := retrieval.DefaultAnalyzer.TermFreqs(text)
	p := chunkPoint(c, "g", tf, n, 12)
	if p.GetId().GetUuid() != ChunkPointID("t", "t/d/0") || ChunkPointID("t", "t/d/0") == ChunkPointID("u", "t/d/0") {
		t.Errorf("point id not a tenant-scoped UUIDv5: %v", p.GetId())
	}
	got := p.GetVectors().GetVectors().GetVectors()["bm25"].GetSparse()
	want := retrieval.DefaultAnalyzer.DocSparse(text, 12)
	type kv struct {
		I uint32
		V float32
	}
	pairs := func(idx []uint32, vals []float32) []kv {
		out := make([]kv, len(idx))
		for i := range idx {
			out[i] = kv{idx[i], vals[i]}
		}
		sort.Slice(out, func(i, j int) bool { return out[i].I < out[j].I })
		return out
	}
	if diff := cmp.Diff(pairs(want.Indices, want.Values), pairs(got.GetIndices(), got.GetValues())); diff != "" {
		t.Errorf("sparse vector differs from DocSparse (-want +got):\n%s", diff)
	}
	if !sort.SliceIsSorted(got.GetIndices(), func(i, j int) bool { return got.GetIndices()[i] < got.GetIndices()[j] }) {
		t.Errorf("indices not sorted")
	}
	mf := p.GetPayload()["mf"].GetStructValue().GetFields()["tags"].GetListValue().GetValues()
	var tags []string
	for _, v := range mf {
		tags = append(tags, v.GetStringValue())
	}
	if diff := cmp.Diff([]string{"wifi, reset", "wifi", "reset"}, tags); diff != "" {
		t.Errorf("filter values of a tag list (-want +got):\n%s", diff)
	}
	back := parseChunk(p.GetPayload())
	if diff := cmp.Diff(c, back); diff != "" {
		t.Errorf("payload round trip (-want +got):\n%s", diff)
	}
}

func TestProbeIDF(t *testing.T) {
	id := retrieval.TermID("wifi")
	res := []*qdrant.ScoredPoint{{
		Score: 3,
		Vectors: &qdrant.VectorsOutput{VectorsOptions: &qdrant.VectorsOutput_Vectors{Vectors: &qdrant.NamedVectorsOutput{
			Vectors: map[string]*qdrant.VectorOutput{"bm25": {Vector: &qdrant.VectorOutput_Sparse{Sparse: &qdrant.SparseVector{Indices: []uint32{1, id}, Values: []float32{9, 1.5}}}}},
		}}},
	}}
	if idf, ok := probeIDF("wifi", res); !ok || idf != 2 {
		t.Errorf("probeIDF = %v, %v; want 2, true", idf, ok)
	}
	if _, ok := probeIDF("wifi", nil); ok {
		t.Errorf("probeIDF of no result = ok")
	}
}
