package apibench

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/pprof"
	"runtime"
	rpprof "runtime/pprof"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestClassify(t *testing.T) {
	const m = module
	for _, tc := range []struct {
		name  string
		stack []string
		want  Stage
	}{
		{"search under the engine", []string{m + "retrieval/embedded.(*index).sparse", m + "retrieval/embedded.(*Store).Search", m + "answer.(*Engine).retrieve", m + "answer.(*Engine).Stream", "net/http.(*conn).serve"}, StageRetrieve},
		{"analyzer under the engine's features", []string{m + "retrieval.(*Analyzer).walk", m + "answer.analyze", m + "answer.computeFeatures", m + "answer.(*Engine).Stream", "net/http.(*conn).serve"}, StageEngine},
		{"ticket commit under the engine", []string{"modernc.org/sqlite/lib._sqlite3Step", "database/sql.(*Tx).Commit", m + "answer/state.(*TicketStore).CreateTicket", m + "answer.(*Engine).escalate", m + "answer.(*Engine).Stream"}, StageState},
		{"background writer", []string{"modernc.org/sqlite/lib._sqlite3Step", m + "answer/state.(*DB).writer"}, StageState},
		{"response JSON", []string{"encoding/json.Marshal", "github.com/gin-gonic/gin/render.WriteJSON", m + "api.(*Server).postAnswer", "net/http.(*conn).serve"}, StageAPI},
		{"reading a request", []string{"syscall.Read", "net/http.(*conn).readRequest", "net/http.(*conn).serve"}, StageAPI},
		{"garbage collector", []string{"runtime.scanobject", "runtime.gcDrain", "runtime.gcBgMarkWorker"}, StageRuntime},
		{"the profiler's own handler", []string{"runtime/pprof.writeHeapInternal", "net/http/pprof.handler.ServeHTTP", "net/http.(*conn).serve"}, StageRuntime},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := classify(tc.stack); got != tc.want {
				t.Errorf("classify = %s, want %s", got, tc.want)
			}
		})
	}
}

// burn spins until the process has used at least cpu more CPU time.
//
//go:noinline
func burn(tb testing.TB, cpu time.Duration) uint64 {
	tb.Helper()
	used := func() time.Duration {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			tb.Fatal(err)
		}
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	start := used()
	x := uint64(1)
	for used()-start < cpu {
		for i := 0; i < 1e6; i++ {
			x = x*6364136223846793005 + 1442695040888963407
		}
	}
	return x
}

// TestParseCPUProfile reads a real CPU profile of this process: the
// function that burnt the CPU is on the samples' stacks and the samples'
// time is about the CPU burnt.
func TestParseCPUProfile(t *testing.T) {
	var buf bytes.Buffer
	if err := rpprof.StartCPUProfile(&buf); err != nil {
		t.Skipf("a CPU profile is running already: %v", err)
	}
	burn(t, 300*time.Millisecond)
	rpprof.StopCPUProfile()
	samples, err := parseCPUProfile(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	var total, inBurn time.Duration
	for _, s := range samples {
		total += time.Duration(s.cpu)
		for _, f := range s.funcs {
			if strings.HasSuffix(f, "apibench.burn") {
				inBurn += time.Duration(s.cpu)
				break
			}
		}
	}
	// The profiler samples at 100 Hz: 300 ms of CPU is about 30 samples.
	if inBurn < 100*time.Millisecond || total < inBurn {
		t.Errorf("profile: %s in apibench.burn, %s in all, want most of the 300 ms burnt", inBurn, total)
	}
	if _, err := parseCPUProfile([]byte{0x0a, 0xff}); err == nil {
		t.Error("a truncated profile parsed without an error")
	}
}

func TestFetchAllocs(t *testing.T) {
	srv := httptest.NewServer(pprof.Handler("allocs"))
	defer srv.Close()
	ctx := context.Background()
	a0, err := fetchAllocs(ctx, srv.Client(), srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	keep := make([]*[64]byte, 10000)
	for i := range keep {
		keep[i] = new([64]byte)
	}
	runtime.KeepAlive(keep)
	a1, err := fetchAllocs(ctx, srv.Client(), srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if a1.Objects-a0.Objects < 10000 || a1.Bytes-a0.Bytes < 640000 {
		t.Errorf("allocations %+v then %+v: want at least the 10,000 objects of 64 B in between", a0, a1)
	}
	if _, err := parseAllocs([]byte("heap profile: 0: 0 [0: 0] @ heap/1048576\n")); err == nil {
		t.Error("a profile without MemStats parsed without an error")
	}
}

// TestReportSplitsServerCPU runs the report against an answer server in
// this process with its pprof listener: the per-stage columns are filled,
// and the answers' handler (API) has CPU time.
func TestReportSplitsServerCPU(t *testing.T) {
	srv, _ := answerServer(t, "k")
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	prof := httptest.NewServer(mux)
	defer prof.Close()
	var out strings.Builder
	err := Report(context.Background(), &out, Options{URL: srv.URL, Key: "k", Questions: []string{"a?"},
		Clients: []int{2}, Duration: time.Second, Warmup: 10 * time.Millisecond, Pprof: prof.URL})
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	head, row := strings.Fields(lines[0]), strings.Fields(lines[len(lines)-1])
	if len(row) != len(head) {
		t.Fatalf("report:\n%s\nwant a value per column", out.String())
	}
	for i, h := range head {
		if (strings.HasPrefix(h, "cpu_") || strings.HasPrefix(h, "alloc")) && row[i] == "-" {
			t.Errorf("column %s empty with a pprof listener:\n%s", h, out.String())
		}
	}
}
