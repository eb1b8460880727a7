package api

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/ingest"
	"github.com/answerdesk/answerdesk/retrieval"
)

// Metrics are the server's Prometheus metrics. The HTTP and answer metrics
// are recorded by the server itself (Deps.Metrics); the rest through the
// decorators and hooks below, which the composition root connects:
// Retriever and Generator count backend errors, JobStore counts ingest
// jobs, DeliveryAttempt is the delivery worker's hook and OutboxDepth
// reads the outbox at scrape time. A nil *Metrics records nothing.
type Metrics struct {
	reg        *prometheus.Registry
	requests   *prometheus.CounterVec
	latency    *prometheus.HistogramVec
	answers    *prometheus.CounterVec
	confidence prometheus.Histogram
	stages     *prometheus.HistogramVec
	jobs       *prometheus.CounterVec
	deliveries *prometheus.CounterVec
	backend    *prometheus.CounterVec
}

// NewMetrics creates the metrics on a registry of their own, with the Go
// runtime and process collectors.
func NewMetrics() *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		reg: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "answerdesk_http_requests_total",
			Help: "HTTP requests by route (the route pattern; \"unmatched\" for unknown paths), method and status."},
			[]string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "answerdesk_http_request_duration_seconds",
			Help: "HTTP request latency by route and method (streamed answers: until the stream ends).", Buckets: prometheus.ExponentialBuckets(0.001, 2.5, 12)},
			[]string{"route", "method"}),
		answers: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "answerdesk_answers_total",
			Help: "Answers by decision (answered, escalated) and escalation reason (\"\" when answered)."},
			[]string{"decision", "reason"}),
		confidence: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "answerdesk_answer_confidence",
			Help: "Calibrated confidence of answers and escalations.", Buckets: prometheus.LinearBuckets(0.1, 0.1, 10)}),
		stages: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "answerdesk_answer_stage_seconds",
			Help: "Time of each stage of the answer path: triage, retrieve, generate (LLM, with verification), total.", Buckets: prometheus.ExponentialBuckets(0.0005, 2.5, 12)},
			[]string{"stage"}),
		jobs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "answerdesk_ingest_jobs_total",
			Help: "Upload ingestion jobs entering each state (queued, running, done, failed)."},
			[]string{"state"}),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "answerdesk_delivery_attempts_total",
			Help: "Ticket delivery attempts by sink and result (delivered, failed, dead)."},
			[]string{"sink", "result"}),
		backend: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "answerdesk_backend_errors_total",
			Help: "Errors of the index store (qdrant or embedded) and the LLM, by backend and kind (unavailable, other)."},
			[]string{"backend", "kind"}),
	}
	reg.MustRegister(m.requests, m.latency, m.answers, m.confidence, m.stages, m.jobs, m.deliveries, m.backend,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Gatherer is what a /metrics handler serves (promhttp.HandlerFor).
func (m *Metrics) Gatherer() prometheus.Gatherer { return m.reg }

// ServeMetrics serves GET /metrics of m on a listener of its own at addr
// (never on the API's: operators scrape it from inside their network)
// until stop is called; url is where it is scraped.
func ServeMetrics(addr string, m *Metrics) (url string, stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, fmt.Errorf("metrics listener: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.Gatherer(), promhttp.HandlerOpts{}))
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, WriteTimeout: 30 * time.Second}
	go hs.Serve(ln)
	return "http://" + displayAddr(ln.Addr()) + "/metrics", func() { hs.Close() }, nil
}

// observe records every request's route, status and latency.
func (s *Server) observe(c *gin.Context) {
	start := time.Now()
	c.Next()
	route := c.FullPath()
	if route == "" {
		route = "unmatched" // unknown paths must not make a label each
	}
	s.metrics.requests.WithLabelValues(route, c.Request.Method, strconv.Itoa(c.Writer.Status())).Inc()
	s.metrics.latency.WithLabelValues(route, c.Request.Method).Observe(time.Since(start).Seconds())
}

// answered records an answer's decision, confidence and stage timings.
func (m *Metrics) answered(a answer.Answer) {
	if m == nil {
		return
	}
	m.answers.WithLabelValues(string(a.Decision), string(a.Reason)).Inc()
	m.confidence.Observe(a.Confidence)
	m.stages.WithLabelValues("triage").Observe(a.Timings.Triage.Seconds())
	m.stages.WithLabelValues("retrieve").Observe(a.Timings.Retrieve.Seconds())
	if a.Timings.Generate > 0 {
		m.stages.WithLabelValues("generate").Observe(a.Timings.Generate.Seconds())
	}
	m.stages.WithLabelValues("total").Observe(a.Timings.Total.Seconds())
}

func (m *Metrics) backendError(backend string, err error) {
	kind := "other"
	if errors.Is(err, retrieval.ErrUnavailable) {
		kind = "unavailable"
	}
	m.backend.WithLabelValues(backend, kind).Inc()
}

// Retriever counts r's errors as backend's (a caller going away is not an
// error of the backend).
func (m *Metrics) Retriever(backend string, r answer.Retriever) answer.Retriever {
	if m == nil {
		return r
	}
	return countedRetriever{r, m, backend}
}

type countedRetriever struct {
	answer.Retriever
	m       *Metrics
	backend string
}

func (r countedRetriever) Search(ctx context.Context, q retrieval.Query) (retrieval.Result, error) {
	res, err := r.Retriever.Search(ctx, q)
	if err != nil && ctx.Err() == nil {
		r.m.backendError(r.backend, err)
	}
	return res, err
}

// Generator counts g's errors as the LLM's.
func (m *Metrics) Generator(g answer.Generator) answer.Generator {
	if m == nil || g == nil {
		return g
	}
	return countedGenerator{g, m}
}

type countedGenerator struct {
	answer.Generator
	m *Metrics
}

func (g countedGenerator) Generate(ctx context.Context, in answer.GenerateInput, onToken func(string)) (answer.Generation, error) {
	out, err := g.Generator.Generate(ctx, in, onToken)
	if err != nil && ctx.Err() == nil {
		g.m.backendError("llm", err)
	}
	return out, err
}

// JobStore counts the states ingest jobs enter.
func (m *Metrics) JobStore(js ingest.JobStore) ingest.JobStore {
	if m == nil {
		return js
	}
	return countedJobs{js, m}
}

type countedJobs struct {
	ingest.JobStore
	m *Metrics
}

func (j countedJobs) CreateJob(ctx context.Context, tenant string, files []string) (ingest.Job, error) {
	job, err := j.JobStore.CreateJob(ctx, tenant, files)
	if err == nil {
		j.m.jobs.WithLabelValues(job.State).Inc()
	}
	return job, err
}

func (j countedJobs) UpdateJob(ctx context.Context, job ingest.Job) error {
	err := j.JobStore.UpdateJob(ctx, job)
	if err == nil {
		j.m.jobs.WithLabelValues(job.State).Inc()
	}
	return err
}

// DeliveryAttempt records one delivery attempt (delivery.Options.Observe).
func (m *Metrics) DeliveryAttempt(sink string, err error, dead bool) {
	if m == nil {
		return
	}
	result := "delivered"
	switch {
	case dead:
		result = "dead"
	case err != nil:
		result = "failed"
	}
	m.deliveries.WithLabelValues(sink, result).Inc()
}

// OutboxDepth registers answerdesk_outbox_rows{state="pending"|"dead"},
// read by depth at each scrape (bounded by a 5 s timeout; -1 when the
// read fails).
func (m *Metrics) OutboxDepth(depth func(ctx context.Context) (pending, dead int, err error)) {
	if m == nil {
		return
	}
	read := func(dead bool) func() float64 {
		return func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			p, d, err := depth(ctx)
			switch {
			case err != nil:
				return -1
			case dead:
				return float64(d)
			}
			return float64(p)
		}
	}
	for _, st := range []string{"pending", "dead"} {
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "answerdesk_outbox_rows",
			Help: "Outbox rows not delivered: pending (due or waiting to retry) and dead-lettered.", ConstLabels: prometheus.Labels{"state": st}},
			read(st == "dead")))
	}
}
