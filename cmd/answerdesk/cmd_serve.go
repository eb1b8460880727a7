package main

import (
	"go.opentelemetry.io/otel/trace"

	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/answerdesk/answerdesk/answer/delivery"
	"github.com/answerdesk/answerdesk/answer/state"
	"github.com/answerdesk/answerdesk/api"
	"github.com/answerdesk/answerdesk/ingest"
)

// apiConfig is the "api" section of the config file.
type apiConfig struct {
	RatePerSecond float64 `json:"rate_per_second"` // per API key; negative disables
	Burst         int     `json:"burst"`
	// PublicIPRate and PublicIPBurst limit each publishable key per client
	// address (the web widget); negative disables.
	PublicIPRate  float64 `json:"public_ip_rate"`
	PublicIPBurst int     `json:"public_ip_burst"`
	// MovedMaxQuestion is refused with a pointer to answer.max_question,
	// the engine's limit, which the API publishes.
	MovedMaxQuestion int   `json:"max_question"`
	MaxBodyKB        int64 `json:"max_body_kb"`   // JSON bodies
	MaxUploadMB      int64 `json:"max_upload_mb"` // multipart uploads
	// AuthFailuresPerSecond and AuthFailureBurst limit failed
	// authentications per client address; negative disables.
	AuthFailuresPerSecond float64 `json:"auth_failures_per_second"`
	AuthFailureBurst      int     `json:"auth_failure_burst"`
	AnswerTimeout         string  `json:"answer_timeout"`   // "30s"
	ShutdownGrace         string  `json:"shutdown_timeout"` // "30s"
}

// quotaConfig is the "quota" section: limits of uploads and of each
// tenant's index (ingest.DefaultQuota for zero values; negative disables).
type quotaConfig struct {
	UploadMB     int64 `json:"upload_mb"`     // one upload, archives expanded
	UploadChunks int   `json:"upload_chunks"` // chunks one upload writes
	Documents    int   `json:"documents"`     // per tenant
	Chunks       int   `json:"chunks"`        // per tenant
	TextMB       int64 `json:"text_mb"`       // chunk text per tenant
}

func (q quotaConfig) quota() ingest.Quota {
	mib := func(n int64) int64 {
		if n > 0 {
			return n << 20
		}
		return n
	}
	return ingest.Quota{UploadBytes: mib(q.UploadMB), UploadChunks: q.UploadChunks, Documents: q.Documents, Chunks: q.Chunks, Bytes: mib(q.TextMB)}
}

// webhookConfig is the "webhook" section: the generic webhook sink.
// Environment: ANSWERDESK_WEBHOOK_URL, ANSWERDESK_WEBHOOK_SECRET,
// ANSWERDESK_WEBHOOK_MAX_ATTEMPTS, ANSWERDESK_WEBHOOK_BACKOFF.
type webhookConfig struct {
	URL         string `json:"url"`
	Secret      string `json:"secret"`
	MaxAttempts int    `json:"max_attempts"`
	Backoff     string `json:"backoff"`     // first retry delay, "2s"
	MaxBackoff  string `json:"max_backoff"` // "15m"
	Timeout     string `json:"timeout"`     // per attempt, "20s"
	Poll        string `json:"poll"`        // outbox poll interval, "1s"
	Concurrency int    `json:"concurrency"` // deliveries in flight [4]
	// Instance names this process for outbox leases (env
	// ANSWERDESK_INSTANCE) [the host name]: restarted under the same name
	// after a crash, it retries its unfinished deliveries at once.
	Instance string `json:"instance"`
}

func runServe(ctx context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	addr := fs.String("addr", ":8080", "listen address")
	metricsAddr := fs.String("metrics-addr", a.getenv("ANSWERDESK_METRICS_ADDR"), "serve Prometheus GET /metrics on this separate address, e.g. 127.0.0.1:9464 (env ANSWERDESK_METRICS_ADDR; off when empty)")
	if err := a.parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("serve: unexpected argument %q", fs.Arg(0))
	}
	return a.serve(ctx, *addr, serveOptions{metricsAddr: *metricsAddr})
}

// serveOptions are what demo adds to serve.
type serveOptions struct {
	// onListen, when set, runs once the listener is bound, before the
	// first request is served (demo creates its widget key for the URL).
	onListen func(url string) error
	// demoKey, when set, makes / serve the demo page with the widget on
	// the publishable key it returns.
	demoKey func() string
	// metricsAddr, when set, serves /metrics on a listener of its own.
	metricsAddr string
}

// serve runs the API over the data dir until ctx ends.
func (a *app) serve(ctx context.Context, addr string, o serveOptions) error {
	var ac apiConfig
	if err := a.configSection("api", &ac); err != nil {
		return err
	}
	if v := a.getenv("ANSWERDESK_RATE_LIMIT"); v != "" {
		if v == "off" {
			ac.RatePerSecond, ac.PublicIPRate = -1, -1
		} else if r, err := strconv.ParseFloat(v, 64); err == nil && r > 0 {
			ac.RatePerSecond = r
		} else {
			return usagef("ANSWERDESK_RATE_LIMIT must be a positive number or off, not %q", v)
		}
	}
	if ac.MovedMaxQuestion != 0 {
		return usagef("api.max_question moved to answer.max_question (characters): the engine enforces it and the API publishes it")
	}
	lim := api.Limits{RatePerSecond: ac.RatePerSecond, Burst: ac.Burst,
		MaxBody: ac.MaxBodyKB << 10, MaxUpload: ac.MaxUploadMB << 20,
		AuthFailuresPerSecond: ac.AuthFailuresPerSecond, AuthFailureBurst: ac.AuthFailureBurst,
		PublicIPRate: ac.PublicIPRate, PublicIPBurst: ac.PublicIPBurst}
	var err error
	if lim.AnswerTimeout, err = parseDur("api.answer_timeout", ac.AnswerTimeout); err != nil {
		return err
	}
	grace, err := parseDur("api.shutdown_timeout", ac.ShutdownGrace)
	if err != nil {
		return err
	}
	if grace == 0 {
		grace = 30 * time.Second
	}
	if a.watchIndex == 0 {
		a.watchIndex = indexWatch
	}
	if o.metricsAddr != "" {
		// Before the parts it observes are built.
		a.metrics = api.NewMetrics()
		murl, stop, err := serveMetrics(o.metricsAddr, a.metrics)
		if err != nil {
			return err
		}
		defer stop()
		fmt.Fprintf(a.stdout, "metrics: %s\n", murl)
	}
	tp, shutdownTracing, err := a.tracerProvider(ctx)
	if err != nil {
		return err
	}
	a.tracer = tp
	defer func() {
		// Flush the spans still buffered, bounded: an absent collector
		// must not hold the shutdown.
		fctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := shutdownTracing(fctx); err != nil {
			a.log.Warn("trace export", "err", err)
		}
	}()
	eng, err := a.answerEngine(ctx)
	if err != nil {
		return err
	}
	store, err := a.indexStore(ctx)
	if err != nil {
		return err
	}
	st, err := a.state(ctx)
	if err != nil {
		return err
	}
	pipeline, err := a.ingestPipeline(ctx)
	if err != nil {
		return err
	}
	// Upload jobs outlive their request: the runner is shut down after the
	// HTTP server, below.
	var uc uploadsConfig
	if err := a.configSection("uploads", &uc); err != nil {
		return err
	}
	if uc.Workers < 0 || uc.Queue < 0 {
		return usagef("uploads.workers and uploads.queue must be positive")
	}
	jobs, err := ingest.NewJobRunner(a.metrics.JobStore(st.jobs), pipeline, ingest.RunnerOptions{Workers: uc.Workers, MaxQueued: uc.Queue,
		SpoolDir: filepath.Join(a.data, spoolDir)}, a.log)
	if err != nil {
		return err
	}
	defer jobs.Shutdown(context.Background()) // stops the workers when serve fails before its graceful stop
	var qc quotaConfig
	if err := a.configSection("quota", &qc); err != nil {
		return err
	}
	jobs.SetQuota(qc.quota())
	worker, err := a.deliveryWorker(ctx)
	if err != nil {
		return err
	}
	keep, pruneEvery, err := a.retention()
	if err != nil {
		return err
	}
	loaders := a.loaders()
	deps := api.Deps{
		Engine: eng, MaxQuestion: eng.Config().MaxQuestion, Docs: store, Ingest: jobs, Limits: lim, Logger: a.log, Version: version(), Metrics: a.metrics, Tracer: tp,
		Accepts: func(ext string) bool { _, ok := loaders[ext]; return ok },
	}
	st.apiDeps(&deps)
	deps.FAQIngest = pipeline
	if deps.Gaps, err = a.gapFinder(ctx); err != nil {
		return err
	}
	deps.DemoKey = o.demoKey
	srv := api.NewServer(deps)

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	url := "http://" + displayAddr(ln.Addr())
	fmt.Fprintf(a.stdout, "url: %s\n", url)
	if o.onListen != nil {
		if err := o.onListen(url); err != nil {
			ln.Close()
			return err
		}
	}
	answerTimeout := lim.AnswerTimeout
	if answerTimeout == 0 {
		answerTimeout = 30 * time.Second
	}
	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       60 * time.Second, // uploads of up to max_upload_mb
		WriteTimeout:      answerTimeout + 10*time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
	}
	workerCtx, stopWorker := context.WithCancel(context.Background())
	workerDone := make(chan struct{})
	go func() { worker.Run(workerCtx); close(workerDone) }()
	janitorDone := make(chan struct{})
	go func() {
		state.NewJanitor(st.db, st.convs, st.outbox, keep).Run(workerCtx, pruneEvery)
		close(janitorDone)
	}()
	serveErr := make(chan error, 1)
	go func() { serveErr <- hs.Serve(ln) }()
	if pa := a.getenv("ANSWERDESK_PPROF"); pa != "" {
		// Profiling on its own listener (e.g. 127.0.0.1:6060), never on the API's.
		mux := http.NewServeMux()
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
		ps := &http.Server{Addr: pa, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
		go ps.ListenAndServe()
		defer ps.Close()
		a.log.Info("pprof", "addr", pa)
	}
	a.log.Info("serving", "url", url, "data", a.data)

	select {
	case err = <-serveErr:
		// The listener failed: stop the rest and report it.
	case <-ctx.Done():
	}
	// Graceful stop: refuse new work, finish in-flight answers (their
	// tickets and outbox rows commit), wait for ingest jobs, then let the
	// worker finish the deliveries it has in flight.
	a.log.Info("shutting down", "grace", grace)
	srv.Drain()
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if serr := hs.Shutdown(sctx); serr != nil {
		a.log.Warn("http shutdown", "err", serr)
		hs.Close()
	}
	if jerr := jobs.Shutdown(sctx); jerr != nil {
		a.log.Warn("ingest jobs cut short", "err", jerr)
	}
	stopWorker()
	<-workerDone
	<-janitorDone
	a.log.Info("stopped")
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// uploadsConfig is the "uploads" section: the background ingestion of
// uploaded files.
type uploadsConfig struct {
	Workers int `json:"workers"` // files ingested at once [1]
	Queue   int `json:"queue"`   // jobs accepted and not finished [64]
}

// spoolDir holds queued uploads inside the data directory.
const spoolDir = "spool"

// indexWatch is how often serve looks for index writes by other
// processes (a CLI ingest or docs delete on the same data dir).
const indexWatch = time.Second

func displayAddr(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok {
		return a.String()
	}
	host := tcp.IP.String()
	if tcp.IP == nil || tcp.IP.IsUnspecified() {
		host = "localhost"
	}
	return net.JoinHostPort(host, strconv.Itoa(tcp.Port))
}

func (a *app) webhookConfig() (webhookConfig, error) {
	var wh webhookConfig
	if err := a.configSection("webhook", &wh); err != nil {
		return wh, err
	}
	a.override(&wh.URL, "ANSWERDESK_WEBHOOK_URL")
	a.override(&wh.Secret, "ANSWERDESK_WEBHOOK_SECRET")
	a.override(&wh.Backoff, "ANSWERDESK_WEBHOOK_BACKOFF")
	a.override(&wh.Poll, "ANSWERDESK_OUTBOX_POLL")
	a.override(&wh.Instance, "ANSWERDESK_INSTANCE")
	if v := a.getenv("ANSWERDESK_WEBHOOK_MAX_ATTEMPTS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return wh, usagef("ANSWERDESK_WEBHOOK_MAX_ATTEMPTS must be a positive integer, not %q", v)
		}
		wh.MaxAttempts = n
	}
	if wh.URL != "" {
		if !strings.HasPrefix(wh.URL, "http://") && !strings.HasPrefix(wh.URL, "https://") {
			return wh, usagef("webhook url must be http:// or https://, not %q", wh.URL)
		}
		if wh.Secret == "" {
			return wh, usagef("webhook: a secret is required to sign deliveries (ANSWERDESK_WEBHOOK_SECRET or webhook.secret)")
		}
	}
	return wh, nil
}

// newDeliveryWorker is the outbox worker over tickets with the queue sink
// and, when configured, the webhook sink; notify wakes it.
func newDeliveryWorker(outbox *state.Outbox, tickets *state.TicketStore, notify *state.Notifier, wh webhookConfig, log *slog.Logger, m *api.Metrics, tp trace.TracerProvider) (*delivery.Worker, error) {
	o := delivery.Options{Tracer: tp}
	if m != nil {
		o.Observe = m.DeliveryAttempt
	}
	var err error
	if o.BaseBackoff, err = parseDur("webhook.backoff", wh.Backoff); err != nil {
		return nil, err
	}
	if o.MaxBackoff, err = parseDur("webhook.max_backoff", wh.MaxBackoff); err != nil {
		return nil, err
	}
	if o.Timeout, err = parseDur("webhook.timeout", wh.Timeout); err != nil {
		return nil, err
	}
	if o.Poll, err = parseDur("webhook.poll", wh.Poll); err != nil {
		return nil, err
	}
	o.MaxAttempts = wh.MaxAttempts
	if wh.Concurrency < 0 {
		return nil, usagef("webhook.concurrency must be positive, not %d", wh.Concurrency)
	}
	o.Concurrency = wh.Concurrency
	o.Instance = wh.Instance
	if o.Instance == "" {
		o.Instance, _ = os.Hostname()
	}
	o.Wake = notify.C()
	sinks := map[string]delivery.Sink{state.SinkQueue: delivery.Queue{Q: tickets}}
	if wh.URL != "" {
		sinks[state.SinkWebhook] = &delivery.Webhook{URL: wh.URL, Secret: []byte(wh.Secret),
			Client: &http.Client{Timeout: 30 * time.Second}}
	}
	return delivery.New(outbox, sinks, o, log), nil
}
