package peer

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/answerdesk/answerdesk/retrieval"
	"github.com/answerdesk/answerdesk/retrieval/bench"
	"github.com/answerdesk/answerdesk/retrieval/embedded"
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"
)

// loadCorpus reads the same environment as retrieval/bench's benchmarks:
// ANSWERDESK_BENCH_MAN, ANSWERDESK_BENCH_CACHE, ANSWERDESK_BENCH_PASSAGES.
func loadCorpus(tb testing.TB) *bench.Corpus {
	tb.Helper()
	if testing.Short() {
		tb.Skip("large-corpus benchmark skipped in -short mode")
	}
	root := os.Getenv("ANSWERDESK_BENCH_MAN")
	if root == "" {
		root = "/usr/share/man"
	}
	cache := os.Getenv("ANSWERDESK_BENCH_CACHE")
	if cache == "" {
		cache = filepath.Join(os.TempDir(), "answerdesk-bench")
	}
	opts := bench.Options{MaxPassages: 100_000}
	if s := os.Getenv("ANSWERDESK_BENCH_PASSAGES"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			tb.Fatalf("ANSWERDESK_BENCH_PASSAGES=%q: want a positive number", s)
		}
		opts.MaxPassages = n
	}
	c, err := bench.LoadCorpus(root, cache, opts)
	if errors.Is(err, bench.ErrTooFewPages) {
		tb.Skip(err)
	}
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// engine is what the benchmark needs from each side.
type engine interface {
	ingest(docs []retrieval.DocumentChunks) error
	// search returns the document (page) ids of the top 10 hits, best first.
	search(q string) ([]string, error)
	close() error
}

type ours struct{ st *embedded.Store }

func openOurs(dir string) (*ours, error) {
	st, err := embedded.Open(context.Background(), dir, embedded.Options{})
	return &ours{st}, err
}

func (o *ours) ingest(docs []retrieval.DocumentChunks) error {
	return o.st.ReplaceDocuments(context.Background(), docs)
}

func (o *ours) search(q string) ([]string, error) {
	res, err := o.st.Search(context.Background(), retrieval.Query{Text: q, Tenant: bench.Tenant, K: 10})
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.DocumentID
	}
	return ids, nil
}

func (o *ours) close() error { return o.st.Close() }

// bleveEngine indexes IndexText(chunk), the text answerdesk indexes, in one
// field analyzed by bleve's English analyzer (unicode tokenizer, possessive
// and stop-word filters, lowercasing, Porter stemming), scored by BM25.
type bleveEngine struct{ idx bleve.Index }

func openBleve(dir string) (*bleveEngine, error) {
	text := bleve.NewTextFieldMapping()
	text.Analyzer = en.AnalyzerName
	text.Store = false
	text.IncludeInAll = false
	text.IncludeTermVectors = false
	text.DocValues = false
	doc := bleve.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt("text", text)
	m := bleve.NewIndexMapping()
	m.DefaultMapping = doc
	m.DefaultAnalyzer = en.AnalyzerName
	m.ScoringModel = index.BM25Scoring
	var _ mapping.IndexMapping = m
	idx, err := bleve.New(dir, m)
	return &bleveEngine{idx}, err
}

type bleveDoc struct {
	Text string `json:"text"`
}

func (e *bleveEngine) ingest(docs []retrieval.DocumentChunks) error {
	b := e.idx.NewBatch()
	for _, d := range docs {
		for _, c := range d.Chunks {
			if err := b.Index(c.ID, bleveDoc{Text: retrieval.IndexText(c)}); err != nil {
				return err
			}
		}
	}
	return e.idx.Batch(b)
}

func (e *bleveEngine) search(q string) ([]string, error) {
	mq := bleve.NewMatchQuery(q)
	mq.SetField("text")
	req := bleve.NewSearchRequestOptions(mq, 10, 0, false)
	res, err := e.idx.Search(req)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		page, _, _ := strings.Cut(h.ID, "#")
		ids[i] = page
	}
	return ids, nil
}

func (e *bleveEngine) close() error { return e.idx.Close() }

// result is one engine's figures.
type result struct {
	chunksPerSec     float64
	cpuChunksPerSec  float64 // chunks per second of process CPU time
	p50, p99, meanMs float64
	cpuP50, cpuP99   float64 // per-query CPU time of the searching thread
	hit10            float64
}

// run ingests docs into a fresh engine in batches of 500 documents (the
// ingest pipeline's batch), then runs every query once untimed (warm-up)
// and once timed on one core.
func run(tb testing.TB, open func(dir string) (engine, error), docs []retrieval.DocumentChunks, qs []bench.Query) result {
	tb.Helper()
	dir := filepath.Join(tb.TempDir(), "data")
	var r result
	cpu0, _ := bench.ProcessCPU()
	start := time.Now()
	e, err := open(dir)
	if err != nil {
		tb.Fatal(err)
	}
	defer e.close()
	chunks := 0
	for i := 0; i < len(docs); i += 500 {
		batch := docs[i:min(i+500, len(docs))]
		if err := e.ingest(batch); err != nil {
			tb.Fatal(err)
		}
		for _, d := range batch {
			chunks += len(d.Chunks)
		}
	}
	r.chunksPerSec = float64(chunks) / time.Since(start).Seconds()
	if cpu1, ok := bench.ProcessCPU(); ok {
		r.cpuChunksPerSec = float64(chunks) / (cpu1 - cpu0).Seconds()
	}

	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	for _, q := range qs {
		if _, err := e.search(q.Text); err != nil {
			tb.Fatal(err)
		}
	}
	lat := make([]time.Duration, 0, len(qs))
	var cpuLat []time.Duration
	hits := 0
	for _, q := range qs {
		cpu0, ok := bench.ThreadCPU()
		t := time.Now()
		ids, err := e.search(q.Text)
		lat = append(lat, time.Since(t))
		if cpu1, _ := bench.ThreadCPU(); ok {
			cpuLat = append(cpuLat, cpu1-cpu0)
		}
		if err != nil {
			tb.Fatal(err)
		}
		if q.Hit(ids) {
			hits++
		}
	}
	var total time.Duration
	for _, l := range lat {
		total += l
	}
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return float64(d) / 1e6 }
	r.p50 = ms(lat[len(lat)/2])
	r.p99 = ms(lat[min(len(lat)-1, len(lat)*99/100)])
	r.meanMs = ms(total) / float64(len(lat))
	r.hit10 = float64(hits) / float64(len(qs))
	if len(cpuLat) > 0 {
		slices.Sort(cpuLat)
		r.cpuP50 = ms(cpuLat[len(cpuLat)/2])
		r.cpuP99 = ms(cpuLat[min(len(cpuLat)-1, len(cpuLat)*99/100)])
	}
	return r
}

// BenchmarkPeer measures both engines on the same corpus in the same run and
// reports each one's figures and the our/bleve ratios: ingest-ratio > 1 and
// latency ratios < 1 favour answerdesk; hit@10-ratio ≥ 1 means equal or
// better quality.
func BenchmarkPeer(b *testing.B) {
	c := loadCorpus(b)
	docs := c.Documents()
	qs := c.Queries()
	rand.New(rand.NewPCG(1, 1)).Shuffle(len(qs), func(i, j int) { qs[i], qs[j] = qs[j], qs[i] })
	b.Logf("corpus: %d pages, %d passages, %d queries", len(c.Pages), len(c.Passages), len(qs))
	var o, bl result
	for b.Loop() {
		o = run(b, func(dir string) (engine, error) { return openOurs(dir) }, docs, qs)
		bl = run(b, func(dir string) (engine, error) { return openBleve(dir) }, docs, qs)
	}
	b.Logf("answerdesk: %+v", o)
	b.Logf("bleve:      %+v", bl)
	for _, m := range []struct {
		v    float64
		unit string
	}{
		{o.chunksPerSec, "ours-chunks/s"}, {bl.chunksPerSec, "bleve-chunks/s"}, {o.chunksPerSec / bl.chunksPerSec, "ingest-ratio"},
		{o.cpuChunksPerSec, "ours-cpu-chunks/s"}, {bl.cpuChunksPerSec, "bleve-cpu-chunks/s"}, {o.cpuChunksPerSec / bl.cpuChunksPerSec, "ingest-cpu-ratio"},
		{o.p50, "ours-p50-ms"}, {bl.p50, "bleve-p50-ms"}, {o.p50 / bl.p50, "p50-ratio"},
		{o.p99, "ours-p99-ms"}, {bl.p99, "bleve-p99-ms"}, {o.p99 / bl.p99, "p99-ratio"},
		{o.meanMs, "ours-mean-ms"}, {bl.meanMs, "bleve-mean-ms"}, {o.meanMs / bl.meanMs, "mean-ratio"},
		{o.cpuP50, "ours-p50-cpu-ms"}, {bl.cpuP50, "bleve-p50-cpu-ms"}, {o.cpuP50 / bl.cpuP50, "p50-cpu-ratio"},
		{o.cpuP99, "ours-p99-cpu-ms"}, {bl.cpuP99, "bleve-p99-cpu-ms"}, {o.cpuP99 / bl.cpuP99, "p99-cpu-ratio"},
		{o.hit10, "ours-hit@10"}, {bl.hit10, "bleve-hit@10"}, {o.hit10 / bl.hit10, "hit@10-ratio"},
		{bench.LoadAvg(), "load1"},
	} {
		b.ReportMetric(m.v, m.unit)
	}
	b.Logf("query speed-up, bleve/ours: mean %.2f×, p50 %.2f×, p50 CPU %.2f×", bl.meanMs/o.meanMs, bl.p50/o.p50, bl.cpuP50/o.cpuP50)
}
