package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/answerdesk/answerdesk/retrieval"
	"github.com/answerdesk/answerdesk/retrieval/dense"
	"github.com/answerdesk/answerdesk/retrieval/embedded"
	"github.com/viterin/vek"
	"github.com/viterin/vek/vek32"

	"github.com/answerdesk/answerdesk/eval/suite"
)

// Environment of the benchmarks (tests may read it; the library does not):
//
//	ANSWERDESK_BENCH_MAN       man page root (default /usr/share/man)
//	ANSWERDESK_BENCH_CACHE     corpus cache directory (default $TMPDIR/answerdesk-bench)
//	ANSWERDESK_BENCH_PASSAGES  corpus size in passages (default 100000)
//	ANSWERDESK_REQUIRE_SHARED  1: fail instead of skip when ../shared is missing

// corpusOptions returns the corpus options and cache directory from the
// environment.
func corpusEnv(tb testing.TB) (root, cache string, opts Options) {
	tb.Helper()
	root = os.Getenv("ANSWERDESK_BENCH_MAN")
	if root == "" {
		root = "/usr/share/man"
	}
	cache = os.Getenv("ANSWERDESK_BENCH_CACHE")
	if cache == "" {
		cache = filepath.Join(os.TempDir(), "answerdesk-bench")
	}
	opts.MaxPassages = 100_000
	if s := os.Getenv("ANSWERDESK_BENCH_PASSAGES"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			tb.Fatalf("ANSWERDESK_BENCH_PASSAGES=%q: want a positive number", s)
		}
		opts.MaxPassages = n
	}
	return root, cache, opts
}

var (
	corpusOnce sync.Once
	corpus     *Corpus
	corpusErr  error
)

// manCorpus loads the man-page corpus once per process, skipping the
// benchmark in -short mode or when the machine has too few man pages.
func manCorpus(tb testing.TB) *Corpus {
	tb.Helper()
	if testing.Short() {
		tb.Skip("large-corpus benchmark skipped in -short mode")
	}
	corpusOnce.Do(func() {
		root, cache, opts := corpusEnv(tb)
		start := time.Now()
		corpus, corpusErr = LoadCorpus(root, cache, opts)
		if corpusErr == nil {
			tb.Logf("corpus: %d pages, %d passages, %.1f MB of text, %d queries (%v, cache %s)",
				len(corpus.Pages), len(corpus.Passages), float64(corpus.Bytes)/1e6, len(corpus.Queries()), time.Since(start).Round(time.Millisecond), cache)
		}
	})
	if errors.Is(corpusErr, ErrTooFewPages) {
		tb.Skipf("%v: install man pages (see README.md)", corpusErr)
	}
	if corpusErr != nil {
		tb.Fatal(corpusErr)
	}
	return corpus
}

// ingest writes docs into st (see Write) and returns the number of chunks
// written.
func ingest(tb testing.TB, st *embedded.Store, docs []retrieval.DocumentChunks) int {
	tb.Helper()
	n, err := Write(context.Background(), st, docs)
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

var (
	dataOnce sync.Once
	dataDir  string
	dataErr  error
)

// corpusDir returns a data directory holding the whole corpus, built once
// per process under the corpus cache directory and removed at exit by
// TestMain.
func corpusDir(b *testing.B) (string, *Corpus) {
	b.Helper()
	c := manCorpus(b)
	dataOnce.Do(func() {
		dataDir, dataErr = os.MkdirTemp("", "answerdesk-bench-data-")
		if dataErr != nil {
			return
		}
		st, err := embedded.Open(context.Background(), dataDir, embedded.Options{})
		if err != nil {
			dataErr = err
			return
		}
		ingest(b, st, c.Documents())
		dataErr = st.Close()
	})
	if dataErr != nil {
		b.Fatal(dataErr)
	}
	return dataDir, c
}

func TestMain(m *testing.M) {
	code := m.Run()
	if dataDir != "" {
		os.RemoveAll(dataDir)
	}
	os.Exit(code)
}

// BenchmarkIngest writes the whole corpus into a fresh data directory per
// iteration (sparse only, batches of 500 documents in one transaction each).
func BenchmarkIngest(b *testing.B) {
	c := manCorpus(b)
	docs := c.Documents()
	var chunks int
	var elapsed, cpu time.Duration
	for i := 0; b.Loop(); i++ {
		dir := filepath.Join(b.TempDir(), strconv.Itoa(i))
		cpu0, _ := ProcessCPU()
		start := time.Now()
		st, err := embedded.Open(context.Background(), dir, embedded.Options{})
		if err != nil {
			b.Fatal(err)
		}
		chunks += ingest(b, st, docs)
		if err := st.Close(); err != nil {
			b.Fatal(err)
		}
		elapsed += time.Since(start)
		cpu1, _ := ProcessCPU()
		cpu += cpu1 - cpu0
	}
	b.ReportMetric(float64(chunks)/elapsed.Seconds(), "chunks/s")
	b.ReportMetric(float64(c.Bytes)*float64(b.N)/elapsed.Seconds()/1e6, "text-MB/s")
	if cpu > 0 {
		b.ReportMetric(float64(chunks)/cpu.Seconds(), "cpu-chunks/s")
	}
	b.ReportMetric(LoadAvg(), "load1")
}

// BenchmarkColdStart opens the corpus data directory (SQLite open plus
// loading the in-memory index) and reports the index memory: the live heap
// after opening minus before, per chunk. The database file is in the OS page
// cache after the first iteration.
func BenchmarkColdStart(b *testing.B) {
	// snapshot: the index snapshot the last Close wrote (embedded's
	// snapshot.go); rebuild: without it, from the database's rows.
	for _, fromSnapshot := range []bool{true, false} {
		name := "snapshot"
		if !fromSnapshot {
			name = "rebuild"
		}
		b.Run(name, func(b *testing.B) { coldStart(b, fromSnapshot) })
	}
}

func coldStart(b *testing.B, fromSnapshot bool) {
	dir, c := corpusDir(b)
	ctx := context.Background()
	var ms runtime.MemStats
	var heap uint64
	var cpu time.Duration
	b.ResetTimer() // building the data directory is not part of it
	b.StopTimer()
	for range b.N {
		snap := filepath.Join(dir, embedded.SnapshotFile)
		if _, err := os.Stat(snap); fromSnapshot != (err == nil) {
			if !fromSnapshot {
				if err := os.Remove(snap); err != nil {
					b.Fatal(err)
				}
			} else {
				b.Fatalf("no snapshot after Close: %v", err)
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&ms)
		before := ms.HeapAlloc
		cpu0, _ := ProcessCPU()
		b.StartTimer()
		st, err := embedded.Open(ctx, dir, embedded.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		cpu1, _ := ProcessCPU()
		cpu += cpu1 - cpu0
		runtime.GC()
		runtime.ReadMemStats(&ms)
		heap = ms.HeapAlloc - before
		if err := st.Close(); err != nil { // writes the snapshot again after a rebuild
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "open-ms")
	b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "open-cpu-ms")
	b.ReportMetric(LoadAvg(), "load1")
	b.ReportMetric(float64(heap)/float64(len(c.Passages)), "heap-B/chunk")
	b.ReportMetric(float64(heap)/1e6, "heap-MB")
	b.ReportMetric(float64(len(c.Passages)), "chunks")
}

// queryStore opens the corpus data directory for query benchmarks.
func queryStore(b *testing.B) (*embedded.Store, []Query) {
	dir, c := corpusDir(b)
	st, err := embedded.Open(context.Background(), dir, embedded.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st, c.Queries()
}

// BenchmarkQuery measures BM25 top-10 latency on one core (GOMAXPROCS=1 for
// the duration). One iteration runs every corpus query once, in a fixed
// shuffled order, after an untimed warm-up pass; it reports the p50, p99 and
// mean of the per-query latencies over all iterations.
func BenchmarkQuery(b *testing.B) {
	st, qs := queryStore(b)
	rand.New(rand.NewPCG(1, 1)).Shuffle(len(qs), func(i, j int) { qs[i], qs[j] = qs[j], qs[i] })
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	ctx := context.Background()
	search := func(q Query) {
		if _, err := st.Search(ctx, retrieval.Query{Text: q.Text, Tenant: Tenant, K: 10}); err != nil {
			b.Fatal(err)
		}
	}
	for _, q := range qs {
		search(q)
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var lat, cpuLat []time.Duration
	b.ResetTimer()
	for b.Loop() {
		for _, q := range qs {
			cpu0, ok := ThreadCPU()
			start := time.Now()
			search(q)
			lat = append(lat, time.Since(start))
			if cpu1, _ := ThreadCPU(); ok {
				cpuLat = append(cpuLat, cpu1-cpu0)
			}
		}
	}
	p50, p99 := percentiles(lat)
	b.ReportMetric(p50, "p50-ms")
	b.ReportMetric(p99, "p99-ms")
	if len(cpuLat) > 0 {
		p50, p99 := percentiles(cpuLat)
		b.ReportMetric(p50, "p50-cpu-ms")
		b.ReportMetric(p99, "p99-cpu-ms")
	}
	b.ReportMetric(LoadAvg(), "load1")
	b.ReportMetric(b.Elapsed().Seconds()*1e3/float64(len(lat)), "mean-ms")
	b.ReportMetric(float64(len(lat))/b.Elapsed().Seconds(), "queries/s")
}

// median returns the median of ds.
func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// percentiles returns the p50 and p99 of lat in milliseconds.
func percentiles(lat []time.Duration) (p50, p99 float64) {
	if len(lat) == 0 {
		return 0, 0
	}
	s := slices.Clone(lat)
	slices.Sort(s)
	at := func(p float64) float64 { return float64(s[min(len(s)-1, int(p*float64(len(s))))]) / 1e6 }
	return at(0.50), at(0.99)
}

// BenchmarkHitAt10 runs every corpus query once per iteration and reports
// the share whose page is among the top 10 hits (hit@10) and MRR@10.
func BenchmarkHitAt10(b *testing.B) {
	st, qs := queryStore(b)
	ctx := context.Background()
	var hit, rr float64
	b.ResetTimer()
	for b.Loop() {
		hit, rr = 0, 0
		for _, q := range qs {
			res, err := st.Search(ctx, retrieval.Query{Text: q.Text, Tenant: Tenant, K: 10})
			if err != nil {
				b.Fatal(err)
			}
			for rank, h := range res.Hits {
				if q.Hit([]string{h.DocumentID}) {
					hit++
					rr += 1 / float64(rank+1)
					break
				}
			}
		}
	}
	b.ReportMetric(hit/float64(len(qs)), "hit@10")
	b.ReportMetric(rr/float64(len(qs)), "MRR@10")
	b.ReportMetric(float64(len(qs)), "queries")
}

// BenchmarkDenseScan compares an exact dense search (k=10) over a
// rows×dim float32 slab with a streaming SIMD sum over a separate slab of the
// same size, measured alternately in the same iterations: the sum reads the
// same bytes with the least possible work, so its time is the
// memory-bandwidth bound of the scan. Reports the median times and
// bandwidths of both and the ratio scan time / bound time (1.0 = at the
// bound).
func BenchmarkDenseScan(b *testing.B) {
	for _, sz := range []struct{ rows, dim int }{{100_000, 384}, {20_000, 768}} {
		b.Run(fmt.Sprintf("%dx%d", sz.rows, sz.dim), func(b *testing.B) {
			benchDense(b, sz.rows, sz.dim)
		})
	}
}

func benchDense(b *testing.B, rows, dim int) {
	rng := rand.New(rand.NewPCG(7, 7))
	x := dense.New(dim)
	v := make([]float32, dim)
	for slot := range rows {
		for i := range v {
			v[i] = float32(rng.NormFloat64())
		}
		if err := x.Set(slot, v); err != nil {
			b.Fatal(err)
		}
	}
	flat := make([]float32, rows*dim)
	for i := range flat {
		flat[i] = float32(i & 7)
	}
	q := make([]float32, dim)
	for i := range q {
		q[i] = float32(rng.NormFloat64())
	}
	bytes := float64(rows * dim * 4)
	var scans, bounds []time.Duration
	var sink float32
	// Each iteration alternates the two ten times so that both see the same
	// machine state even at -benchtime 1x; medians keep a round disturbed by
	// other work on the machine from skewing the figures.
	const rounds = 10
	b.SetBytes(int64(bytes) * rounds)
	for b.Loop() {
		for i := range rounds {
			// Alternate which of the two goes first, so that neither always
			// follows the other.
			for j := range 2 {
				start := time.Now()
				if (i+j)%2 == 0 {
					sink += vek32.Sum(flat)
					bounds = append(bounds, time.Since(start))
					continue
				}
				hits := x.Search(q, 10, nil)
				scans = append(scans, time.Since(start))
				if len(hits) != 10 {
					b.Fatalf("got %d hits", len(hits))
				}
			}
		}
	}
	_ = sink
	scan, bound := median(scans), median(bounds)
	b.ReportMetric(scan.Seconds()*1e3, "scan-ms")
	b.ReportMetric(bound.Seconds()*1e3, "bound-ms")
	b.ReportMetric(bytes/scan.Seconds()/1e9, "scan-GB/s")
	b.ReportMetric(bytes/bound.Seconds()/1e9, "bound-GB/s")
	b.ReportMetric(scan.Seconds()/bound.Seconds(), "scan/bound")
	b.ReportMetric(LoadAvg(), "load1")
	if !vek.Info().Acceleration {
		b.Log("vek has no AVX2+FMA acceleration on this CPU: plain Go loops")
	}
}

// BenchmarkAnalyzer measures the analyzer's throughput per language on the
// passages of the shared xquad corpora (../shared/datasets/xquad-*), in
// bytes of UTF-8 input per second, wall-clock and per CPU second.
func BenchmarkAnalyzer(b *testing.B) {
	for _, lang := range []string{"en", "ru", "zh"} {
		b.Run(lang, func(b *testing.B) {
			texts := xquadTexts(b, lang)
			var n int64
			for _, t := range texts {
				n += int64(len(t))
			}
			b.SetBytes(n)
			// One untimed pass: the analyzer caches stems, and the figure
			// wanted is its steady state over a large ingest.
			for _, t := range texts {
				retrieval.DefaultAnalyzer.Terms(t)
			}
			b.ResetTimer()
			terms := 0
			cpu0, _ := ProcessCPU()
			for b.Loop() {
				terms = 0
				for _, t := range texts {
					terms += len(retrieval.DefaultAnalyzer.Terms(t))
				}
			}
			cpu1, _ := ProcessCPU()
			b.ReportMetric(float64(terms)*float64(b.N)/b.Elapsed().Seconds(), "terms/s")
			if cpu := cpu1 - cpu0; cpu > 0 {
				b.ReportMetric(float64(n)*float64(b.N)/cpu.Seconds()/1e6, "cpu-MB/s")
			}
			b.ReportMetric(LoadAvg(), "load1")
		})
	}
}

// xquadTexts reads the passage texts of ../shared/datasets/xquad-LANG.
func xquadTexts(tb testing.TB, lang string) []string {
	tb.Helper()
	shared := sharedDir(tb)
	f, err := os.Open(filepath.Join(shared, "datasets", "xquad-"+lang, "corpus.jsonl"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var texts []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var rec struct {
			Title string `json:"title"`
			Text  string `json:"text"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			tb.Fatalf("xquad-%s: %v", lang, err)
		}
		texts = append(texts, rec.Text)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return texts
}

// sharedDir is ../shared (eval/suite.SharedDir: skipped when absent,
// failed under ANSWERDESK_REQUIRE_SHARED).
func sharedDir(tb testing.TB) string { return suite.SharedDir(tb, "shared data") }
