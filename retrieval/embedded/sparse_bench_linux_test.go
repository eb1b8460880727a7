package embedded

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/answerdesk/answerdesk/retrieval"
	"golang.org/x/sys/unix"
)

// threadCPU is the calling OS thread's CPU time: on a machine shared with
// other work it leaves out the time spent waiting for a core.
func threadCPU(tb testing.TB) time.Duration {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ts.Nano())
}

// BenchmarkTopK ranks the questions of the data dir named by
// ANSWERDESK_BENCH_DATA (`answerdesk --data DIR bench manpages`: 100,000
// man-page passages) with the pruned ranking and with the exhaustive one
// it replaced (after checking that both give the same hits and scores
// for every question), alternately in blocks of 200 questions on one locked
// thread, so that both see the same load; k=8 is the answer engine's
// depth, 10 the retrieval benchmarks', 100 hybrid search's. ns/op is one
// pruned ranking; the metrics are each one's thread CPU per question.
func BenchmarkTopK(b *testing.B) {
	dir := os.Getenv("ANSWERDESK_BENCH_DATA")
	if dir == "" {
		b.Skip("set ANSWERDESK_BENCH_DATA to a data dir built by `answerdesk bench manpages`")
	}
	qb, err := os.ReadFile(filepath.Join(dir, "questions.txt"))
	if err != nil {
		b.Fatal(err)
	}
	st, err := Open(context.Background(), dir, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	x := st.idx
	ten, ok := x.tenants[retrieval.DefaultTenant]
	if !ok {
		b.Fatalf("%s holds no chunk of tenant %s", dir, retrieval.DefaultTenant)
	}
	accept := func(slot int32) bool { s := &x.slots[slot]; return s.alive && s.tenant == ten }
	var queries [][]string
	for _, q := range strings.Split(strings.TrimSpace(string(qb)), "\n") {
		queries = append(queries, distinct(slices.Clone(retrieval.Query{Text: q}.TermsOf(st.an))))
	}
	for _, k := range []int{8, 10, 100} {
		b.Run(fmt.Sprint("k=", k), func(b *testing.B) {
			for _, q := range queries {
				if want, got := x.exhaustive(q, k, accept), x.sparse(q, k, accept); !slices.Equal(want, got) {
					b.Fatalf("terms %q: pruned %v, exhaustive %v", q, got, want)
				}
			}
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			var pruned, exhaustive time.Duration
			n := 0
			b.ReportAllocs()
			start := threadCPU(b)
			for b.Loop() {
				if n%200 == 0 {
					// The exhaustive ranking of a block of other questions
					// (half the list away: neither ranking finds the
					// other's postings in the cache), untimed by the
					// benchmark, timed by the thread's clock.
					end := threadCPU(b)
					pruned += end - start
					b.StopTimer()
					for i := n; i < n+200; i++ {
						x.exhaustive(queries[(i+len(queries)/2)%len(queries)], k, accept)
					}
					start = threadCPU(b)
					exhaustive += start - end
					b.StartTimer()
				}
				x.sparse(queries[n%len(queries)], k, accept)
				n++
			}
			pruned += threadCPU(b) - start
			blocks := (n + 199) / 200
			b.ReportMetric(float64(pruned.Nanoseconds())/float64(n), "pruned-cpu-ns/q")
			b.ReportMetric(float64(exhaustive.Nanoseconds())/float64(blocks*200), "exhaustive-cpu-ns/q")
		})
	}
}
