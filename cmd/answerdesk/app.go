package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/answer/delivery"
	"github.com/answerdesk/answerdesk/answer/gaps"
	"github.com/answerdesk/answerdesk/answer/llm"
	"github.com/answerdesk/answerdesk/answer/state"
	"github.com/answerdesk/answerdesk/api"
	"github.com/answerdesk/answerdesk/cmd/internal/cli"
	"github.com/answerdesk/answerdesk/cmd/internal/config"
	"github.com/answerdesk/answerdesk/ingest"
	"github.com/answerdesk/answerdesk/ingest/formats"
	"github.com/answerdesk/answerdesk/retrieval"
	"github.com/answerdesk/answerdesk/retrieval/embedded"
	"go.opentelemetry.io/otel/trace"
)

// app is the composition root of one run. It resolves the global flags,
// reads the config file once, and builds each part the first time a
// subcommand asks for it — index store, state, LLM client, embedder,
// engine, ingestion pipeline, delivery worker — with every dependency
// connected; close releases what was built. Nothing outlives the run, so a
// second run with other flags or another config file starts afresh.
//
// An app is used by one goroutine, the running command's.
type app struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	log    *slog.Logger

	// Global flags, resolved: flag, then environment, then default.
	data      string
	config    string
	store     string // "embedded" or qdrant://HOST:PORT?collection=NAME
	statePath string // the app state: "" (DATA/state.db), an SQLite file or postgres://…
	logFormat string // "text" or "json"
	// watchIndex, when set before the index store is opened, makes the
	// embedded store apply other processes' writes at this interval
	// (serve sets it: a CLI ingest or delete reaches the running server).
	watchIndex time.Duration

	cmd *command // the running command, for its help

	cfg      *config.Config // see conf
	index    lazy[retrieval.Store]
	db       lazy[*state.Services]
	chat     lazy[*llm.Client]   // nil when no LLM is configured
	embed    lazy[*llm.Embedder] // nil when no embedder is configured
	engine   lazy[*answer.Engine]
	pipeline lazy[*ingest.Pipeline]
	worker   lazy[*delivery.Worker]
	// deliverySinks are resolved once: the ticket store names them and the
	// worker delivers to them.
	deliverySinks lazy[delivery.Sinks]

	// metrics, when set (serve --metrics-addr), counts backend errors,
	// ingest jobs and deliveries through the parts built after it.
	metrics *api.Metrics
	// tracer, when set (OTEL_EXPORTER_OTLP_*), traces serve's requests and
	// deliveries.
	tracer trace.TracerProvider

	closers []io.Closer // in opening order; closed in reverse
}

// lazy holds a part built on first use, or the error building it gave.
type lazy[T any] struct {
	done bool
	v    T
	err  error
}

func (l *lazy[T]) get(build func() (T, error)) (T, error) {
	if !l.done {
		l.v, l.err = build()
		l.done = true
	}
	return l.v, l.err
}

func newApp(getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) *app {
	a := &app{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	a.log, _ = newLogger(stderr, "text", getenv("ANSWERDESK_DEBUG") != "")
	return a
}

// newLogger is the run's logger: slog's text or JSON handler on w, at
// debug level when debug is set, with every line logged in a request's
// context carrying its request_id (api.LogHandler).
func newLogger(w io.Writer, format string, debug bool) (*slog.Logger, error) {
	opts := &slog.HandlerOptions{Level: slog.LevelInfo}
	if debug {
		opts.Level = slog.LevelDebug
	}
	switch format {
	case "text":
		return slog.New(api.LogHandler(slog.NewTextHandler(w, opts))), nil
	case "json":
		return slog.New(api.LogHandler(slog.NewJSONHandler(w, opts))), nil
	}
	return nil, cli.Usagef("--log-format must be text or json, not %q", format)
}

// close releases the stores the run opened, the last opened first.
func (a *app) close() {
	for i := len(a.closers) - 1; i >= 0; i-- {
		if err := a.closers[i].Close(); err != nil {
			a.log.Warn("close", "err", err)
		}
	}
	a.closers = nil
}

// globalFlags registers --data, --store, --state and --config on fs; every
// subcommand's flag set calls it so that global flags work before or after
// the subcommand.
func (a *app) globalFlags(fs *flag.FlagSet) {
	for _, f := range []struct {
		p                    *string
		name, env, def, help string
	}{
		{&a.data, "data", "ANSWERDESK_DATA", "./answerdesk-data", "data directory (env ANSWERDESK_DATA)"},
		{&a.store, "store", "ANSWERDESK_STORE", "embedded", "index store: embedded, or qdrant://HOST:PORT?collection=NAME (env ANSWERDESK_STORE)"},
		{&a.config, "config", "ANSWERDESK_CONFIG", "", "config file (env ANSWERDESK_CONFIG)"},
		{&a.statePath, "state", "ANSWERDESK_STATE", "", "app state (tickets, keys, conversations, …): an SQLite file (default DATA/state.db), or postgres://USER:PASS@HOST:PORT/DB for replicas sharing one (env ANSWERDESK_STATE)"},
		{&a.logFormat, "log-format", "ANSWERDESK_LOG_FORMAT", "text", "log lines as text or json (env ANSWERDESK_LOG_FORMAT); either way a request's lines carry its request_id"},
	} {
		if *f.p == "" {
			*f.p = cmp.Or(a.getenv(f.env), f.def)
		}
		fs.StringVar(f.p, f.name, *f.p, f.help)
	}
}

// conf is the run's configuration: the config file (--config, env
// ANSWERDESK_CONFIG) overridden by the environment. It is made on first
// use, after every flag is parsed, and reads the file once.
func (a *app) conf() *config.Config {
	if a.cfg == nil {
		a.cfg = config.New(a.config, a.getenv)
	}
	return a.cfg
}

// IndexStore is the configured index store (--store).
func (a *app) IndexStore(ctx context.Context) (retrieval.Store, error) {
	return a.index.get(func() (retrieval.Store, error) { return a.OpenStore(ctx, a.store, 0) })
}

// OpenStore opens the index store spec names ("embedded": the data dir's;
// or a qdrant:// URL), to be closed with the app. avgLen, when not zero,
// fixes the BM25 average chunk length of a store that bakes it into its
// vectors, unless its URL or the config file sets one.
func (a *app) OpenStore(ctx context.Context, spec string, avgLen float64) (retrieval.Store, error) {
	var s retrieval.Store
	var err error
	switch {
	case spec == "" || spec == "embedded":
		s, err = embedded.Open(ctx, a.data, embedded.Options{Watch: a.watchIndex,
			OnError: func(err error) { a.log.Error("index refresh", "err", err) }})
	case strings.HasPrefix(spec, "qdrant://"):
		s, err = a.openQdrant(ctx, spec, avgLen)
	default:
		return nil, cli.Usagef("unknown store %q: use embedded or qdrant://HOST:PORT?collection=NAME", spec)
	}
	if err != nil {
		return nil, err
	}
	a.closers = append(a.closers, s)
	return s, nil
}

// State opens the app state (--state; DATA/state.db by default). Its
// ticket store has the configured sinks, so that every ticket — from
// serve or from ask — gets an outbox row per sink.
func (a *app) State(ctx context.Context) (*state.Services, error) {
	return a.db.get(func() (*state.Services, error) {
		sinks, err := a.sinks()
		if err != nil {
			return nil, err
		}
		deflection, err := config.DeflectionWindow(a.conf())
		if err != nil {
			return nil, err
		}
		s, err := state.OpenServices(ctx, state.Config{Location: a.statePath, DataDir: a.data, Sinks: sinks.Names(),
			Options: state.Options{DeflectionWindow: deflection, OnError: func(err error) { a.log.Error("state", "err", err) }}})
		if err != nil {
			return nil, err
		}
		a.closers = append(a.closers, s)
		return s, nil
	})
}

// sinks are the configured delivery sinks (webhook, Zendesk).
func (a *app) sinks() (delivery.Sinks, error) {
	return a.deliverySinks.get(func() (delivery.Sinks, error) { return config.Sinks(a.conf()) })
}

// engineDeps are the engine's collaborators that do not depend on the
// store: the LLM as generator and follow-up rewriter when one is
// configured (answers are extractive and follow-ups rewritten by a
// heuristic otherwise), the question embedder for hybrid retrieval
// when one is configured (retrieval is sparse only otherwise), and the
// tenants' trained intent models.
func (a *app) engineDeps() (answer.Deps, error) {
	d := answer.Deps{Logger: a.log}
	c, err := a.llmClient()
	if err != nil {
		return d, err
	}
	if c != nil {
		d.Generator, d.Rewriter = a.metrics.Generator(c), c
	}
	emb, err := a.Embedder()
	if err != nil {
		return d, err
	}
	if emb != nil {
		d.Embedder = emb
	}
	if d.Intents, err = a.intentModels(); err != nil {
		return d, err
	}
	return d, nil
}

// answerEngine is the engine over the index store, writing tickets and
// conversations to the state database.
func (a *app) answerEngine(ctx context.Context) (*answer.Engine, error) {
	return a.engine.get(func() (*answer.Engine, error) {
		cfg, err := config.Answer(a.conf())
		if err != nil {
			return nil, err
		}
		deps, err := a.engineDeps()
		if err != nil {
			return nil, err
		}
		store, err := a.IndexStore(ctx)
		if err != nil {
			return nil, err
		}
		deps.Retriever = a.metrics.Retriever(a.backendName(), store)
		st, err := a.State(ctx)
		if err != nil {
			return nil, err
		}
		deps.Tickets, deps.Conversations, deps.Handoffs, deps.Verdicts = st.Tickets, st.Conversations, st.Tickets, st.Feedback
		return answer.New(cfg, deps)
	})
}

// loaders are every document loader; PDFs are parsed in a child process of
// this binary (pdfChild), bounded in time and memory.
func (a *app) loaders() map[string]ingest.Loader {
	return formats.Loaders(formatOptions())
}

// Pipeline is the ingestion pipeline over the index store with every
// loader and the configured document embedder.
func (a *app) Pipeline(ctx context.Context) (*ingest.Pipeline, error) {
	return a.pipeline.get(func() (*ingest.Pipeline, error) {
		store, err := a.IndexStore(ctx)
		if err != nil {
			return nil, err
		}
		emb, err := a.Embedder()
		if err != nil {
			return nil, err
		}
		var demb ingest.Embedder
		if emb != nil {
			demb = emb
		}
		return ingest.NewPipeline(store, a.loaders(), demb, a.log), nil
	})
}

// deliveryWorker is the outbox worker over the state database, with the
// queue sink and the configured ones. New tickets wake it through the
// state's notifier.
func (a *app) deliveryWorker(ctx context.Context) (*delivery.Worker, error) {
	return a.worker.get(func() (*delivery.Worker, error) {
		st, err := a.State(ctx)
		if err != nil {
			return nil, err
		}
		sinks, err := a.sinks()
		if err != nil {
			return nil, err
		}
		wh, err := config.Webhook(a.conf())
		if err != nil {
			return nil, err
		}
		o, err := wh.Delivery()
		if err != nil {
			return nil, err
		}
		o.Tracer, o.Wake = a.tracer, st.Notifier.C()
		if a.metrics != nil {
			o.Observe = a.metrics.DeliveryAttempt
			a.metrics.OutboxDepth(st.Outbox.OutboxDepth)
		}
		return delivery.NewWorker(st.Outbox, st.Tickets, sinks, o, a.log), nil
	})
}

// llmClient is the chat client, or nil when none is configured.
func (a *app) llmClient() (*llm.Client, error) {
	return a.chat.get(func() (*llm.Client, error) {
		cfg, ok, err := config.LLM(a.conf())
		if err != nil || !ok {
			return nil, err
		}
		c, err := llm.New(cfg, llm.WithLogger(a.log))
		if err != nil {
			return nil, fmt.Errorf("llm: %w", err)
		}
		return c, nil
	})
}

// Embedder is the embedding client, or nil when none is configured.
func (a *app) Embedder() (*llm.Embedder, error) {
	return a.embed.get(func() (*llm.Embedder, error) {
		cfg, ok, err := config.Embed(a.conf())
		if err != nil || !ok {
			return nil, err
		}
		emb, err := llm.NewEmbedder(cfg, llm.WithLogger(a.log))
		if err != nil {
			return nil, fmt.Errorf("embed: %w", err)
		}
		return emb, nil
	})
}

// Audit records an administrative action taken with the command line. The
// action has happened; a failure to record it is the command's error.
func (a *app) Audit(ctx context.Context, tenant, action, target, detail string) error {
	st, err := a.State(ctx)
	if err != nil {
		return fmt.Errorf("%s done, but not audited: %w", action, err)
	}
	if _, err := st.Audit.Record(ctx, state.AuditEntry{Tenant: tenant, Actor: state.ActorCLI, Action: action, Target: target, Detail: detail}); err != nil {
		return fmt.Errorf("%s done, but not audited: %w", action, err)
	}
	return nil
}

// backendName names the index store in metrics.
func (a *app) backendName() string {
	if strings.HasPrefix(a.store, "qdrant://") {
		return "qdrant"
	}
	return "embedded"
}

// GapFinder builds the knowledge-gap finder over the answer log and the
// index store, with the embedder when one is configured.
func (a *app) GapFinder(ctx context.Context) (*gaps.Finder, error) {
	st, err := a.State(ctx)
	if err != nil {
		return nil, err
	}
	store, err := a.IndexStore(ctx)
	if err != nil {
		return nil, err
	}
	f := &gaps.Finder{Log: state.NewGapLog(st.Conversations), Search: store}
	emb, err := a.Embedder()
	if err != nil {
		return nil, err
	}
	if emb != nil {
		f.Embed = emb
	}
	return f, nil
}
