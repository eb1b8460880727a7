package apibench

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/answerdesk/answerdesk/api"
)

// answerServer speaks POST /v1/answer as the API does: every other
// question escalated, retrieval 2 ms of a 5 ms total.
func answerServer(t *testing.T, key string) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/v1/answer" {
			http.NotFound(w, r)
			return
		}
		if r.Header.Get("Authorization") != "Bearer "+key {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var req api.AnswerRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Question == "" {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		a := api.AnswerResponse{Decision: "answered", TimingsMS: api.Timings{Retrieve: 2, Total: 5}}
		if n.Add(1)%2 == 0 {
			a.Decision = "escalated"
		}
		json.NewEncoder(w).Encode(a)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func TestReport(t *testing.T) {
	srv, served := answerServer(t, "k")
	var out strings.Builder
	err := Report(context.Background(), &out, Options{URL: srv.URL, Key: "k", Questions: []string{"a?", "b?"},
		Clients: []int{1, 4}, Duration: 300 * time.Millisecond, Warmup: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "clients") {
		t.Fatalf("report:\n%s\nwant a header and a row per client count", out.String())
	}
	var total int64
	for i, clients := range []string{"1", "4"} {
		f := strings.Fields(lines[i+1])
		answers, _ := strconv.ParseInt(f[1], 10, 64)
		total += answers
		escal, _ := strconv.ParseFloat(strings.TrimSuffix(f[6], "%"), 64)
		if f[0] != clients || answers == 0 || f[7] != "0" || escal < 40 || escal > 60 || f[8] != "2.000" || f[9] != "3.000" || f[10] != "-" {
			t.Errorf("row %q: want %s clients, answers, no errors, about half escalated, 2 ms retrieve and 3 ms engine", lines[i+1], clients)
		}
	}
	if got := served.Load(); got < total {
		t.Errorf("server answered %d, report counts %d measured answers", got, total)
	}
}

// TestReportReplicas: with several comma-separated URLs each replica gets
// its share of the requests.
func TestReportReplicas(t *testing.T) {
	a, servedA := answerServer(t, "k")
	b, servedB := answerServer(t, "k")
	var out strings.Builder
	err := Report(context.Background(), &out, Options{URL: a.URL + "," + b.URL, Key: "k", Questions: []string{"a?"},
		Clients: []int{4}, Duration: 300 * time.Millisecond, Warmup: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	na, nb := servedA.Load(), servedB.Load()
	if na == 0 || nb == 0 || 2*min(na, nb) < max(na, nb) {
		t.Errorf("replicas served %d and %d requests, want about half each", na, nb)
	}
}

func TestReportStopsOnRejectedKey(t *testing.T) {
	srv, _ := answerServer(t, "k")
	start := time.Now()
	err := Report(context.Background(), &strings.Builder{}, Options{URL: srv.URL, Key: "wrong", Questions: []string{"a?"},
		Clients: []int{4}, Duration: time.Minute, Warmup: time.Minute})
	if !errors.Is(err, ErrRejected) || time.Since(start) > 30*time.Second {
		t.Errorf("Report with a wrong key: %v after %s, want ErrRejected at once", err, time.Since(start))
	}
}

func TestPercentile(t *testing.T) {
	r := Result{Latencies: []time.Duration{1 * time.Millisecond, 2 * time.Millisecond, 3 * time.Millisecond, 4 * time.Millisecond, 100 * time.Millisecond}}
	for p, want := range map[float64]float64{0: 1, 50: 3, 99: 4, 100: 100} {
		if got := r.Percentile(p); got != want {
			t.Errorf("Percentile(%v) = %v, want %v", p, got, want)
		}
	}
	if got := (Result{}).Percentile(50); got != 0 {
		t.Errorf("Percentile of nothing = %v, want 0", got)
	}
}
