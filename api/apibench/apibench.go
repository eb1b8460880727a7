// Package apibench is the load harness of the HTTP API: closed-loop
// clients, each sending POST /v1/answer one question after another, and a
// report of latency percentiles, answers per second, the escalation rate
// and the server's own timings. `answerdesk bench load` runs it against a
// running server (see docs/benchmarks.md).
//
// It imports api for the wire types only, and nothing else of answerdesk.
package apibench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/answerdesk/answerdesk/api"
)

// Options describe a load run.
type Options struct {
	// URL is the server, "http://127.0.0.1:8080", or several replicas
	// separated by commas: each client sends its requests to them in turn.
	URL string
	Key string // an API key with the ask scope
	// Questions are asked in turn; at least one.
	Questions []string
	// Clients are the client counts to measure, one after another.
	Clients []int
	// Duration of each measurement, after Warmup at the same client count.
	Duration time.Duration
	Warmup   time.Duration
	// PID, when not zero, is the server's process id: the report then has
	// its CPU time per answer (Linux /proc).
	PID int
	// Pprof, when set, is the base URL of the server's pprof listener
	// (ANSWERDESK_PPROF, "http://127.0.0.1:6060"): the report then splits
	// the server's CPU time per answer by stage (from a CPU profile taken
	// over each measurement) and has its heap allocations per answer.
	Pprof string
}

// Result is one measurement at one client count.
type Result struct {
	Latencies []time.Duration // of the answered requests, sorted
	Errors    int             // failed requests and non-200 answers
	Escalated int
	// Sums of the server-reported timings: retrieval, and the whole answer
	// path (total − retrieve is the engine's own cost).
	RetrieveMS, TotalMS float64
	Elapsed             time.Duration
}

// Percentile is the p-th percentile latency in milliseconds (0 when
// nothing was answered).
func (r Result) Percentile(p float64) float64 {
	if len(r.Latencies) == 0 {
		return 0
	}
	i := int(float64(len(r.Latencies)-1) * p / 100)
	return float64(r.Latencies[i].Microseconds()) / 1000
}

// ErrRejected is returned when the server refuses the key (401 or 403):
// the run stops at once instead of measuring refusals.
var ErrRejected = errors.New("the server refused the API key")

// Report measures every client count of o and writes one table row per
// count to w.
func Report(ctx context.Context, w io.Writer, o Options) error {
	if len(o.Questions) == 0 {
		return errors.New("apibench: no questions")
	}
	bodies := make([][]byte, len(o.Questions))
	for i, q := range o.Questions {
		bodies[i], _ = json.Marshal(api.AnswerRequest{Question: q}) // strings always marshal
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 256}}
	head := []any{"clients", "answers", "p50_ms", "p90_ms", "p99_ms", "answers/s", "escal%", "errors", "retrieve_ms", "engine_ms", "server_cpu_ms"}
	for s := range numStages {
		head = append(head, "cpu_"+s.String())
	}
	head = append(head, "allocs", "alloc_KB")
	fmt.Fprintf(w, "%-8s %9s %8s %8s %8s %10s %7s %6s %12s %12s %13s %12s %10s %9s %7s %7s %7s %8s\n", head...)
	for _, n := range o.Clients {
		if _, err := run(ctx, client, o, bodies, n, o.Warmup); err != nil {
			return err
		}
		r, srv, err := measure(ctx, client, o, bodies, n)
		if err != nil {
			return err
		}
		answers := float64(max(len(r.Latencies), 1))
		cols := []any{n, len(r.Latencies), r.Percentile(50), r.Percentile(90), r.Percentile(99),
			float64(len(r.Latencies)) / r.Elapsed.Seconds(), 100 * float64(r.Escalated) / answers, r.Errors,
			r.RetrieveMS / answers, (r.TotalMS - r.RetrieveMS) / answers}
		perAnswer := func(ok bool, v float64, prec int) string {
			if !ok {
				return "-"
			}
			return strconv.FormatFloat(v/answers, 'f', prec, 64)
		}
		cols = append(cols, perAnswer(o.PID > 0, srv.cpu.Seconds()*1000, 3))
		for _, d := range srv.split {
			cols = append(cols, perAnswer(o.Pprof != "", d.Seconds()*1000, 3))
		}
		cols = append(cols, perAnswer(o.Pprof != "", float64(srv.allocs.Objects), 0), perAnswer(o.Pprof != "", float64(srv.allocs.Bytes)/1024, 1))
		fmt.Fprintf(w, "%-8d %9d %8.2f %8.2f %8.2f %10.0f %6.1f%% %6d %12.3f %12.3f %13s %12s %10s %9s %7s %7s %7s %8s\n", cols...)
	}
	return nil
}

// serverCost is what the server spent during a measurement: CPU time
// (from /proc), its CPU profile split by stage and its heap allocations.
type serverCost struct {
	cpu    time.Duration
	split  CPUSplit
	allocs Allocs
}

// measure runs n clients for o.Duration and reads the server's cost of it,
// as far as o gives the means (PID, Pprof).
func measure(ctx context.Context, client *http.Client, o Options, bodies [][]byte, n int) (Result, serverCost, error) {
	var cost serverCost
	var a0 Allocs
	type profile struct {
		b   []byte
		err error
	}
	prof := make(chan profile, 1)
	if o.Pprof != "" {
		var err error
		if a0, err = fetchAllocs(ctx, client, o.Pprof); err != nil {
			return Result{}, cost, fmt.Errorf("apibench: %w", err)
		}
		go func() {
			b, err := fetchCPUProfile(ctx, client, o.Pprof, o.Duration)
			prof <- profile{b, err}
		}()
	}
	cpu0 := ProcessCPU(o.PID)
	r, err := run(ctx, client, o, bodies, n, o.Duration)
	cost.cpu = ProcessCPU(o.PID) - cpu0
	if o.Pprof == "" {
		return r, cost, err
	}
	var a1, a2 Allocs
	if err == nil {
		// Read twice: the second reading's increase is what one reading
		// allocates in the server, taken off the measurement's.
		a1, err = fetchAllocs(ctx, client, o.Pprof)
		if err == nil {
			a2, err = fetchAllocs(ctx, client, o.Pprof)
		}
		if err != nil {
			err = fmt.Errorf("apibench: %w", err)
		}
	}
	p := <-prof
	if err != nil {
		return r, cost, err
	}
	if p.err != nil {
		return r, cost, fmt.Errorf("apibench: CPU profile: %w", p.err)
	}
	if cost.split, err = splitProfile(p.b); err != nil {
		return r, cost, fmt.Errorf("apibench: CPU profile: %w", err)
	}
	self := Allocs{Objects: a2.Objects - a1.Objects, Bytes: a2.Bytes - a1.Bytes}
	cost.allocs = Allocs{Objects: a1.Objects - a0.Objects - min(self.Objects, a1.Objects-a0.Objects),
		Bytes: a1.Bytes - a0.Bytes - min(self.Bytes, a1.Bytes-a0.Bytes)}
	return r, cost, nil
}

// run measures n clients for d.
func run(ctx context.Context, client *http.Client, o Options, bodies [][]byte, n int, d time.Duration) (Result, error) {
	// Requests run under ctx, not under the measurement's deadline: the
	// last request of each client completes instead of counting as an error.
	window, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var (
		mu    sync.Mutex
		res   Result
		next  atomic.Int64
		fatal atomic.Value
		wg    sync.WaitGroup
	)
	bases := strings.Split(o.URL, ",")
	start := time.Now()
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var own Result
			for window.Err() == nil {
				i := int(next.Add(1))
				body := bodies[i%len(bodies)]
				el, a, status, err := ask(ctx, client, strings.TrimSpace(bases[i%len(bases)]), o.Key, body)
				switch {
				case err != nil:
					own.Errors++
				case status == http.StatusUnauthorized || status == http.StatusForbidden:
					own.Errors++
					fatal.Store(fmt.Errorf("apibench: %w: status %d", ErrRejected, status))
					cancel()
				case status != http.StatusOK:
					own.Errors++
				default:
					if a.Decision == "escalated" {
						own.Escalated++
					}
					own.RetrieveMS += a.TimingsMS.Retrieve
					own.TotalMS += a.TimingsMS.Total
					own.Latencies = append(own.Latencies, el)
				}
			}
			mu.Lock()
			res.Latencies = append(res.Latencies, own.Latencies...)
			res.Errors += own.Errors
			res.Escalated += own.Escalated
			res.RetrieveMS += own.RetrieveMS
			res.TotalMS += own.TotalMS
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	slices.Sort(res.Latencies)
	if err, ok := fatal.Load().(error); ok {
		return res, err
	}
	return res, nil
}

// ask sends one question to the server at base and returns the latency,
// the decoded answer and the status.
func ask(ctx context.Context, client *http.Client, base, key string, body []byte) (time.Duration, api.AnswerResponse, int, error) {
	var a api.AnswerResponse
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/v1/answer", bytes.NewReader(body))
	if err != nil {
		return 0, a, 0, err
	}
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	t0 := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return 0, a, 0, err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	el := time.Since(t0)
	if err != nil || resp.StatusCode != http.StatusOK {
		return el, a, resp.StatusCode, err
	}
	if err := json.Unmarshal(b, &a); err != nil {
		return el, a, resp.StatusCode, fmt.Errorf("decode answer: %w", err)
	}
	return el, a, resp.StatusCode, nil
}

// ProcessCPU is the user+system CPU time of process pid, 0 when unknown
// (pid 0, not Linux, no such process).
func ProcessCPU(pid int) time.Duration {
	if pid <= 0 {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// Fields after the command name (which may hold spaces) start after ')'.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	const clkTck = 100 // USER_HZ on Linux
	return time.Duration(ut+st) * time.Second / clkTck
}
