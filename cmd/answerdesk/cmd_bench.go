package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/answerdesk/answerdesk/retrieval"
	"github.com/answerdesk/answerdesk/retrieval/bench"
	"github.com/answerdesk/answerdesk/retrieval/embedded"
)

func runBench(ctx context.Context, a *app, args []string) error {
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
		fmt.Fprintf(a.stdout, "usage: answerdesk %s\n\n%s\n", a.cmd.usage, a.cmd.summary)
		return errHelp
	}
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return usagef("bench: give manpages or load")
	}
	switch args[0] {
	case "manpages":
		return benchManpages(ctx, a, args[1:])
	case "load":
		return benchLoad(ctx, a, args[1:])
	default:
		return usagef("bench: unknown subcommand %q (manpages or load)", args[0])
	}
}

// benchManpages writes the machine's man pages, split into passages, into
// the data dir's embedded store (tenant "default"), and the pages'
// one-line descriptions into DATA/questions.txt for `bench load`.
func benchManpages(ctx context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("bench manpages", flag.ContinueOnError)
	passages := fs.Int("passages", 100000, "corpus size in passages (chunks)")
	root := fs.String("man", "/usr/share/man", "man page root")
	if err := a.parseFlags(fs, args); err != nil {
		return err
	}
	cache := filepath.Join(os.TempDir(), "answerdesk-bench")
	start := time.Now()
	corpus, err := bench.LoadCorpus(*root, cache, bench.Options{MaxPassages: *passages})
	if err != nil {
		return fmt.Errorf("bench manpages: %w", err)
	}
	st, err := embedded.Open(ctx, a.data, embedded.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	docs := corpus.Documents()
	for i := 0; i < len(docs); i += 500 {
		batch := docs[i:min(i+500, len(docs))]
		if br, ok := retrieval.Store(st).(retrieval.BatchReplacer); ok {
			err = br.ReplaceDocuments(ctx, batch)
		} else {
			for _, d := range batch {
				if err = st.ReplaceDocument(ctx, d.Document, d.Chunks); err != nil {
					break
				}
			}
		}
		if err != nil {
			return fmt.Errorf("bench manpages: %w", err)
		}
	}
	var qs []string
	for _, q := range corpus.Queries() {
		if !strings.ContainsAny(q.Text, "\n\r") {
			qs = append(qs, q.Text)
		}
	}
	qfile := filepath.Join(a.data, "questions.txt")
	if err := os.WriteFile(qfile, []byte(strings.Join(qs, "\n")+"\n"), 0o644); err != nil {
		return err
	}
	stats, _ := st.Stats(ctx)
	fmt.Fprintf(a.stdout, "man pages: %d documents, %d chunks in %s (%.1fs); %d questions in %s\n",
		stats.Documents, stats.Chunks, a.data, time.Since(start).Seconds(), len(qs), qfile)
	return nil
}

// benchLoad is a closed-loop load generator: C clients each send one
// question after another for the duration, cycling through the questions.
func benchLoad(ctx context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("bench load", flag.ContinueOnError)
	url := fs.String("url", "", "server URL (from serve's url: line)")
	key := fs.String("key", "", "API key with the ask scope")
	conc := fs.String("c", "1,16,64", "comma-separated client counts")
	dur := fs.Duration("d", 10*time.Second, "duration per client count")
	warm := fs.Duration("warmup", 2*time.Second, "warm-up before each measurement")
	qfile := fs.String("questions", "", "file of questions, one a line (default: one fixed question)")
	pid := fs.Int("pid", 0, "server process id: report its CPU time per answer (Linux /proc)")
	if err := a.parseFlags(fs, args); err != nil {
		return err
	}
	if *url == "" || *key == "" {
		return usagef("bench load: --url and --key are required")
	}
	questions := []string{"How do I factory reset my hub?"}
	if *qfile != "" {
		b, err := os.ReadFile(*qfile)
		if err != nil {
			return err
		}
		questions = strings.FieldsFunc(string(b), func(r rune) bool { return r == '\n' })
		if len(questions) == 0 {
			return usagef("bench load: %s holds no questions", *qfile)
		}
	}
	bodies := make([][]byte, len(questions))
	for i, q := range questions {
		bodies[i], _ = json.Marshal(map[string]string{"question": q})
	}
	var counts []int
	for _, s := range strings.Split(*conc, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return usagef("bench load: bad client count %q", s)
		}
		counts = append(counts, n)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 256}}
	fmt.Fprintf(a.stdout, "%-8s %9s %8s %8s %8s %10s %7s %6s %12s %12s %12s\n", "clients", "answers", "p50_ms", "p90_ms", "p99_ms", "answers/s", "escal%", "errors",
		"retrieve_ms", "engine_ms", "server_cpu_ms")
	for _, n := range counts {
		if _, err := loadRun(ctx, client, *url, *key, bodies, n, *warm); err != nil {
			return err
		}
		cpu0 := procCPU(*pid)
		r, err := loadRun(ctx, client, *url, *key, bodies, n, *dur)
		if err != nil {
			return err
		}
		answers := float64(max(len(r.lat), 1))
		cpu := "-"
		if *pid > 0 {
			cpu = fmt.Sprintf("%.3f", (procCPU(*pid)-cpu0).Seconds()*1000/answers)
		}
		fmt.Fprintf(a.stdout, "%-8d %9d %8.2f %8.2f %8.2f %10.0f %6.1f%% %6d %12.3f %12.3f %12s\n", n, len(r.lat), r.pct(50), r.pct(90), r.pct(99),
			float64(len(r.lat))/r.elapsed.Seconds(), 100*float64(r.escalated)/answers, r.errors,
			r.retrieveMS/answers, (r.totalMS-r.retrieveMS)/answers, cpu)
	}
	return nil
}

type loadResult struct {
	lat []time.Duration
	// Sums of the server-reported timings: retrieval, and the whole
	// answer path (total − retrieve is the engine's own cost).
	retrieveMS, totalMS float64
	errors              int
	escalated           int
	elapsed             time.Duration
}

func (r loadResult) pct(p float64) float64 {
	if len(r.lat) == 0 {
		return 0
	}
	i := int(float64(len(r.lat)-1) * p / 100)
	return float64(r.lat[i].Microseconds()) / 1000
}

func loadRun(ctx context.Context, client *http.Client, url, key string, bodies [][]byte, n int, d time.Duration) (loadResult, error) {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var mu sync.Mutex
	var res loadResult
	var next atomic.Int64
	var fatal atomic.Value
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < n; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lat []time.Duration
			errs, esc := 0, 0
			var retr, tot float64
			for ctx.Err() == nil {
				body := bodies[int(next.Add(1))%len(bodies)]
				req, _ := http.NewRequest(http.MethodPost, url+"/v1/answer", bytes.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+key)
				req.Header.Set("Content-Type", "application/json")
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					errs++
					continue
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				el := time.Since(t0)
				if resp.StatusCode != http.StatusOK {
					errs++
					if resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden {
						fatal.Store(fmt.Errorf("bench load: %d %s", resp.StatusCode, b))
						cancel()
					}
					continue
				}
				var a struct {
					Decision string `json:"decision"`
					Timings  struct {
						Retrieve float64 `json:"retrieve"`
						Total    float64 `json:"total"`
					} `json:"timings_ms"`
				}
				json.Unmarshal(b, &a)
				if a.Decision == "escalated" {
					esc++
				}
				retr += a.Timings.Retrieve
				tot += a.Timings.Total
				lat = append(lat, el)
			}
			mu.Lock()
			res.lat = append(res.lat, lat...)
			res.errors += errs
			res.escalated += esc
			res.retrieveMS += retr
			res.totalMS += tot
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	slices.Sort(res.lat)
	if err, ok := fatal.Load().(error); ok && err != nil {
		return res, err
	}
	return res, nil
}

// procCPU is the user+system CPU time of process pid (0 when unknown).
func procCPU(pid int) time.Duration {
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
