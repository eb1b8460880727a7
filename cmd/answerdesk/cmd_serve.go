package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"path/filepath"
	"time"

	"github.com/answerdesk/answerdesk/answer/state"
	"github.com/answerdesk/answerdesk/api"
	"github.com/answerdesk/answerdesk/cmd/internal/cli"
	"github.com/answerdesk/answerdesk/cmd/internal/config"
	"github.com/answerdesk/answerdesk/cmd/internal/telemetry"
	"github.com/answerdesk/answerdesk/eval"
	"github.com/answerdesk/answerdesk/ingest"
)

func runServe(ctx context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	addr := fs.String("addr", ":8080", "listen address")
	metricsAddr := fs.String("metrics-addr", a.getenv("ANSWERDESK_METRICS_ADDR"), "serve Prometheus GET /metrics on this separate address, e.g. 127.0.0.1:9464 (env ANSWERDESK_METRICS_ADDR; off when empty)")
	if err := a.parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return cli.Usagef("serve: unexpected argument %q", fs.Arg(0))
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
	lim, grace, err := config.API(a.conf())
	if err != nil {
		return err
	}
	if a.watchIndex == 0 {
		a.watchIndex = indexWatch
	}
	if o.metricsAddr != "" {
		// Before the parts it observes are built.
		a.metrics = api.NewMetrics()
		murl, stop, err := api.ServeMetrics(o.metricsAddr, a.metrics)
		if err != nil {
			return err
		}
		defer stop()
		fmt.Fprintf(a.stdout, "metrics: %s\n", murl)
	}
	tp, shutdownTracing, err := telemetry.TracerProvider(ctx, a.getenv, version())
	if errors.Is(err, telemetry.ErrProtocol) {
		return cli.Usagef("%v", err)
	}
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
	store, err := a.IndexStore(ctx)
	if err != nil {
		return err
	}
	st, err := a.State(ctx)
	if err != nil {
		return err
	}
	pipeline, err := a.Pipeline(ctx)
	if err != nil {
		return err
	}
	// Upload jobs outlive their request: the runner is shut down after the
	// HTTP server, below.
	ro, err := config.Uploads(a.conf())
	if err != nil {
		return err
	}
	ro.SpoolDir = filepath.Join(a.data, spoolDir)
	jobs, err := ingest.NewJobRunner(a.metrics.JobStore(st.Jobs), pipeline, ro, a.log)
	if err != nil {
		return err
	}
	defer jobs.Shutdown(context.Background()) // stops the workers when serve fails before its graceful stop
	quota, err := config.Quota(a.conf())
	if err != nil {
		return err
	}
	jobs.SetQuota(quota)
	worker, err := a.deliveryWorker(ctx)
	if err != nil {
		return err
	}
	keep, pruneEvery, err := config.Retention(a.conf())
	if err != nil {
		return err
	}
	deps := api.StateDeps(st)
	deps.Engine, deps.Docs, deps.Ingest, deps.FAQIngest = eng, store, jobs, pipeline
	deps.MaxQuestion, deps.MaxMessage = eng.Config().MaxQuestion, eng.Config().MaxMessage
	deps.Limits, deps.Logger, deps.Version, deps.Metrics, deps.Tracer = lim, a.log, version(), a.metrics, tp
	deps.Accepts = pipeline.Accepts
	if deps.Gaps, err = a.GapFinder(ctx); err != nil {
		return err
	}
	deps.DemoKey = o.demoKey
	deps.EvalReports = eval.Published(a.data)
	if deps.Helpdesk, err = config.Helpdesk(a.conf()); err != nil {
		return err
	}
	srv := api.NewServer(deps)

	ln, url, err := api.Listen(addr)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "url: %s\n", url)
	if o.onListen != nil {
		if err := o.onListen(url); err != nil {
			ln.Close()
			return err
		}
	}
	a.log.Info("serving", "url", url, "data", a.data)
	janitor := state.NewJanitor(st.DB, st.Conversations, st.Outbox, st.Feedback, keep)
	return srv.Serve(ctx, ln, api.ServeOptions{Grace: grace, Jobs: jobs, Pprof: a.getenv("ANSWERDESK_PPROF"),
		Background: []func(context.Context){func(ctx context.Context) { worker.Run(ctx) }, func(ctx context.Context) { janitor.Run(ctx, pruneEvery) }}})
}

// spoolDir holds queued uploads inside the data directory.
const spoolDir = "spool"

// indexWatch is how often serve looks for index writes by other
// processes (a CLI ingest or docs delete on the same data dir).
const indexWatch = time.Second
