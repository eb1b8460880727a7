package main

import (
	"io"
	"net/http"
	"regexp"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// TestE2EMetrics: serve with ANSWERDESK_METRICS_ADDR serves Prometheus
// metrics on a listener of its own (the API's does not have /metrics):
// requests by route and status, answers by decision and reason, stage
// latencies, the outbox and deliveries of the escalations' tickets, and
// the Go runtime.
func TestE2EMetrics(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	// A webhook receiver that fails its first delivery.
	var posts atomic.Int64
	rcv := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if posts.Add(1) == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	})
	env := webhookEnv(t, rcv, map[string]string{"ANSWERDESK_METRICS_ADDR": "127.0.0.1:0", "ANSWERDESK_WEBHOOK_BACKOFF": "20ms"})
	key := createKey(t, env, "acme", "ask,admin")
	s := startServe(t, env)
	metricsURL := s.printed(t, "metrics: ")

	s.ask(t, key, "How do I factory reset the hub?")
	s.ask(t, key, "I want to talk to a human agent right now")
	if r := s.do(t, http.MethodGet, "/v1/tickets/nope", key, nil); r.status != http.StatusNotFound {
		t.Fatalf("GET unknown ticket: %d", r.status)
	}
	if r := s.do(t, http.MethodGet, "/metrics", "", nil); r.status != http.StatusNotFound {
		t.Errorf("the API listener serves /metrics: %d, want 404", r.status)
	}

	scrape := func() string {
		t.Helper()
		resp, err := http.Get(metricsURL)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", metricsURL, resp.StatusCode)
		}
		return string(b)
	}
	value := func(body, series string) float64 {
		m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`).FindStringSubmatch(body)
		if m == nil {
			return -1
		}
		v, _ := strconv.ParseFloat(m[1], 64)
		return v
	}
	// The human request's ticket goes to the webhook: one failure, then delivered.
	var body string
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		body = scrape()
		if value(body, `answerdesk_delivery_attempts_total{result="delivered",sink="webhook"}`) >= 1 || time.Now().After(deadline) {
			break
		}
	}
	for series, want := range map[string]float64{
		`answerdesk_http_requests_total{method="POST",route="/v1/answer",status="200"}`:     2,
		`answerdesk_http_requests_total{method="GET",route="/v1/tickets/:id",status="404"}`: 1,
		`answerdesk_http_requests_total{method="GET",route="unmatched",status="404"}`:       1,
		`answerdesk_http_request_duration_seconds_count{method="POST",route="/v1/answer"}`:  2,
		`answerdesk_answers_total{decision="answered",reason=""}`:                           1,
		`answerdesk_answers_total{decision="escalated",reason="human_requested"}`:           1,
		`answerdesk_answer_confidence_count`:                                                2,
		`answerdesk_answer_stage_seconds_count{stage="retrieve"}`:                           2,
		`answerdesk_delivery_attempts_total{result="failed",sink="webhook"}`:                1,
		`answerdesk_delivery_attempts_total{result="delivered",sink="webhook"}`:             1,
		`answerdesk_outbox_rows{state="pending"}`:                                           0,
		`answerdesk_outbox_rows{state="dead"}`:                                              0,
	} {
		if got := value(body, series); got != want {
			t.Errorf("%s = %v, want %v", series, got, want)
		}
	}
	for _, name := range []string{"go_goroutines", "go_memstats_heap_alloc_bytes", "process_resident_memory_bytes"} {
		if value(body, name) < 0 {
			t.Errorf("%s missing from /metrics", name)
		}
	}
}
