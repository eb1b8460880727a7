package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/eval"
	"github.com/answerdesk/answerdesk/ingest"
	"github.com/answerdesk/answerdesk/retrieval"
	"github.com/answerdesk/answerdesk/retrieval/embedded"
)

// evalSubcommands are the subcommands of eval, in the order help lists them.
var evalSubcommands = []*command{
	{name: "eval run", usage: "eval run [--json F] [--html F] [--workers N] [--knockout F --seed N] [--baseline F --max-drop X] SUITE_DIR…",
		summary: "Ingest each suite's corpus (corpus.jsonl or docs/) into a throwaway index, ask every query through the\n" +
			"answer engine, and print retrieval, decision, calibration, citation and latency metrics by language.\n" +
			"With --baseline, exit 1 when a metric regressed by more than --max-drop.",
		run: runEvalRun},
	{name: "eval compare", usage: "eval compare [--max-drop X] BASE.json NEW.json",
		summary: "Print the metric deltas of NEW against BASE; exit 1 when a metric regressed by more than --max-drop.",
		run:     runEvalCompare},
	{name: "eval calibrate", usage: "eval calibrate [--loso] [--knockout 0.3 --seed N] [--target-precision 0.95] [--method platt|isotonic] -o confidence.json SUITE_DIR…",
		summary: "Run the suites (with --knockout, a seeded 30% of each suite's answerable questions lose their documents\n" +
			"and become in-domain unanswerables), fit the confidence model (logistic regression over the engine's\n" +
			"features with Platt or isotonic calibration), pick the threshold reaching the target precision, print\n" +
			"held-out figures only, and write the model the engine loads. With --loso, each suite is measured by a\n" +
			"model fitted on the other suites, and the written model is fitted on all of them. Paths that are not\n" +
			"suites (no queries.jsonl) are skipped, so DATASETS/* takes every suite there.",
		run: runEvalCalibrate},
}

func runEval(ctx context.Context, a *app, args []string) error {
	if len(args) == 0 {
		return usagef("eval: missing subcommand: run, compare or calibrate")
	}
	switch args[0] {
	case "-h", "--help", "help":
		fmt.Fprintf(a.stdout, "usage: answerdesk %s\n\n", a.cmd.usage)
		for _, c := range evalSubcommands {
			fmt.Fprintf(a.stdout, "  answerdesk %s\n", c.usage)
		}
		fmt.Fprintln(a.stdout, "\nRun 'answerdesk eval SUBCOMMAND --help' for its flags.")
		return errHelp
	}
	for _, c := range evalSubcommands {
		if c.name == "eval "+args[0] {
			a.cmd = c
			return c.run(ctx, a, args[1:])
		}
	}
	return usagef("eval: unknown subcommand %q: use run, compare or calibrate", args[0])
}

// evalCommon are the flags of the subcommands that run suites.
type evalCommon struct {
	knockout   float64
	seed       uint64
	workers    int
	cache      bool
	confidence string
	quiet      bool
	failures   int
	degrade    string
}

func (o *evalCommon) register(fs *flag.FlagSet, knockout float64) {
	fs.Float64Var(&o.knockout, "knockout", knockout, "remove the relevant documents of this seeded share of the answerable questions from each index and relabel them unanswerable (in-domain near-misses)")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the --knockout draw")
	fs.IntVar(&o.workers, "workers", runtime.NumCPU(), "queries asked concurrently (results do not depend on it)")
	fs.BoolVar(&o.cache, "cache", false, "keep each corpus's index under DATA/eval-cache, keyed by the corpus hash, and reuse it")
	fs.StringVar(&o.confidence, "confidence", "", "confidence model JSON to use instead of the configured or shipped one")
	fs.BoolVar(&o.quiet, "quiet", false, "no progress on stderr")
	fs.IntVar(&o.failures, "failures", 25, "worst failures kept per suite")
	fs.StringVar(&o.degrade, "degrade", "", "deliberately degrade the engine to test the gate: drop-top-hit")
}

// evalHarness wires the harness: the configured loaders and embedder, and
// an answer.Engine over each suite's store with the configured generator.
// It returns the engine configuration too (calibrate starts from its model)
// and a description of the engine for the report.
func (a *app) evalHarness(ctx context.Context, o evalCommon) (*eval.Harness, map[string]string, answer.Config, error) {
	cfg := answer.DefaultConfig()
	if o.workers < 1 || o.workers > 256 {
		return nil, nil, cfg, usagef("eval: --workers must be between 1 and 256")
	}
	if o.degrade != "" && o.degrade != "drop-top-hit" {
		return nil, nil, cfg, usagef("eval: --degrade must be drop-top-hit")
	}
	if !(o.knockout >= 0 && o.knockout < 1) {
		return nil, nil, cfg, usagef("eval: --knockout must be in [0,1)")
	}
	if err := a.configSection("answer", &cfg); err != nil {
		return nil, nil, cfg, err
	}
	info := map[string]string{"store": "embedded (throwaway)", "confidence": "shipped (answer/confidence.json)"}
	if !reflect.DeepEqual(cfg.Confidence, answer.DefaultConfidenceModel()) {
		info["confidence"] = "config " + a.config
	}
	if o.confidence != "" {
		data, err := os.ReadFile(o.confidence)
		if err != nil {
			return nil, nil, cfg, fmt.Errorf("eval: %w", err)
		}
		m, err := answer.ParseConfidenceModel(data)
		if err != nil {
			return nil, nil, cfg, fmt.Errorf("eval: %s: %w", o.confidence, err)
		}
		cfg.Confidence = m
		info["confidence"] = o.confidence
	}
	// Retrieval metrics go to rank 10 of distinct documents: ask for enough
	// passages that ten documents are there when a document has several.
	cfg.K = max(cfg.K, 20)
	info["k"] = fmt.Sprint(cfg.K)
	info["threshold"] = fmt.Sprintf("%.4g", cfg.Confidence.Threshold)

	deps, err := a.engineDeps()
	if err != nil {
		return nil, nil, cfg, err
	}
	info["generator"] = "extractive"
	if deps.Generator != nil {
		info["generator"] = "llm " + a.getenv("ANSWERDESK_LLM_PROVIDER")
	}
	emb, err := a.embedder()
	if err != nil {
		return nil, nil, cfg, err
	}
	var demb ingest.Embedder
	info["retrieval"] = "sparse"
	cacheKey := ""
	if emb != nil {
		demb = emb
		info["retrieval"] = "hybrid " + emb.Model()
		cacheKey = emb.Model()
	}
	if o.degrade != "" {
		info["degraded"] = o.degrade
	}
	if o.knockout > 0 {
		info["knockout"] = fmt.Sprintf("%g seed %d", o.knockout, o.seed)
	}
	// The engine logs every answer at info level: keep warnings only.
	engineLog := slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	engineCfg := cfg
	deps.Logger, deps.Tickets = engineLog, eval.NullTickets{}
	h := &eval.Harness{
		OpenStore: func(ctx context.Context, dir string) (retrieval.Store, error) {
			return embedded.Open(ctx, dir, embedded.Options{})
		},
		Loaders:  a.loaders(),
		Embedder: demb,
		CacheKey: cacheKey,
		NewAnswerer: func(ctx context.Context, store retrieval.Store) (eval.Answerer, error) {
			d := deps
			d.Retriever = store
			if o.degrade == "drop-top-hit" {
				d.Retriever = eval.DropTopHit(store)
			}
			return answer.New(engineCfg, d)
		},
		Knockout: eval.Knockout{Fraction: o.knockout, Seed: o.seed},
		Options:  eval.Options{Workers: o.workers, MaxFailures: o.failures},
		Log:      engineLog,
	}
	if o.cache {
		h.CacheDir = filepath.Join(a.data, "eval-cache")
		info["store"] = "embedded (cached in " + h.CacheDir + ")"
		if emb != nil {
			qc, err := eval.OpenQueryCache(h.CacheDir, emb.Model(), emb)
			if err != nil {
				return nil, nil, cfg, err
			}
			deps.Embedder, h.Prefetch = qc, qc.Prefetch
		}
	}
	if !o.quiet {
		p := newEvalProgress(a.stderr)
		h.Phase = p.phase
		h.Options.Progress = p.update
	}
	return h, info, cfg, nil
}

func runEvalRun(ctx context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("eval run", flag.ContinueOnError)
	var o evalCommon
	o.register(fs, 0)
	jsonOut := fs.String("json", "", "write the report as JSON to this file")
	htmlOut := fs.String("html", "", "write a self-contained HTML report to this file")
	baseline := fs.String("baseline", "", "compare against this JSON report; exit 1 on regression")
	maxDrop := fs.Float64("max-drop", 0.01, "with --baseline: largest tolerated worsening of a metric")
	overall := fs.Bool("overall-only", false, "with --baseline: gate whole suites only, not each language")
	allowMissing := fs.Bool("allow-missing", false, "with --baseline: skip baseline suites that were not run")
	minQueries := fs.Int("min-queries", 50, "with --baseline: gate a language only when the baseline has at least this many of its queries")
	if err := a.parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usagef("eval run: no SUITE_DIR given")
	}
	if *maxDrop < 0 || *maxDrop > 1 {
		return usagef("eval run: --max-drop must be between 0 and 1")
	}
	var base *eval.Report
	if *baseline != "" {
		var err error
		if base, err = eval.ReadReport(*baseline); err != nil {
			return err
		}
	}
	dirs, err := a.suiteDirs("eval run", fs.Args())
	if err != nil {
		return err
	}
	h, info, _, err := a.evalHarness(ctx, o)
	if err != nil {
		return err
	}
	runs, err := h.Run(ctx, dirs...)
	if err != nil {
		return err
	}
	rep := &eval.Report{Version: eval.ReportVersion, Engine: info}
	for _, r := range runs {
		rep.Suites = append(rep.Suites, r.Report)
	}
	if err := eval.WriteTable(a.stdout, rep); err != nil {
		return err
	}
	if err := writeEvalOutputs(rep, *jsonOut, *htmlOut); err != nil {
		return err
	}
	for _, f := range []string{*jsonOut, *htmlOut} {
		if f != "" {
			fmt.Fprintf(a.stdout, "wrote %s\n", f)
		}
	}
	if base == nil {
		return nil
	}
	return evalGate(a.stdout, base, rep, eval.CompareOptions{MaxDrop: *maxDrop, Overall: *overall, AllowMissing: *allowMissing, MinQueries: *minQueries}, *baseline)
}

func writeEvalOutputs(rep *eval.Report, jsonOut, htmlOut string) error {
	if jsonOut != "" {
		var buf bytes.Buffer
		if err := eval.WriteJSON(&buf, rep); err != nil {
			return err
		}
		if err := eval.WriteFile(jsonOut, buf.Bytes()); err != nil {
			return err
		}
	}
	if htmlOut != "" {
		var buf bytes.Buffer
		if err := eval.WriteHTML(&buf, rep); err != nil {
			return err
		}
		if err := eval.WriteFile(htmlOut, buf.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

func evalGate(w io.Writer, base, cur *eval.Report, o eval.CompareOptions, baseName string) error {
	deltas, err := eval.Compare(base, cur, o)
	fmt.Fprintf(w, "\ncompared with %s (max drop %.4g):\n", baseName, o.MaxDrop)
	if werr := eval.WriteDeltas(w, deltas); werr != nil {
		return werr
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "no regression")
	return nil
}

func runEvalCompare(ctx context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("eval compare", flag.ContinueOnError)
	maxDrop := fs.Float64("max-drop", 0.01, "largest tolerated worsening of a metric")
	overall := fs.Bool("overall-only", false, "gate whole suites only, not each language")
	allowMissing := fs.Bool("allow-missing", false, "skip suites of BASE that NEW lacks")
	minQueries := fs.Int("min-queries", 50, "gate a language only when the baseline has at least this many of its queries")
	if err := a.parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return usagef("eval compare: want BASE.json NEW.json")
	}
	if *maxDrop < 0 || *maxDrop > 1 {
		return usagef("eval compare: --max-drop must be between 0 and 1")
	}
	base, err := eval.ReadReport(fs.Arg(0))
	if err != nil {
		return err
	}
	cur, err := eval.ReadReport(fs.Arg(1))
	if err != nil {
		return err
	}
	return evalGate(a.stdout, base, cur, eval.CompareOptions{MaxDrop: *maxDrop, Overall: *overall, AllowMissing: *allowMissing, MinQueries: *minQueries}, fs.Arg(0))
}

func runEvalCalibrate(ctx context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("eval calibrate", flag.ContinueOnError)
	var o evalCommon
	o.register(fs, 0.3)
	loso := fs.Bool("loso", false, "report leave-one-suite-out figures (each suite measured by a model fitted on the others), then fit the written model on every suite")
	target := fs.Float64("target-precision", 0.95, "precision the answer threshold must reach")
	method := fs.String("method", "platt", "calibration of the logistic output: platt or isotonic")
	l2 := fs.Float64("l2", 1, "ridge penalty on standardized weights")
	out := fs.String("o", "", "write the fitted confidence model (JSON) to this file")
	exclude := fs.String("exclude", defaultExclude, "comma-separated features the model must not use (weight 0; \"\" for none)")
	if err := a.parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case fs.NArg() == 0:
		return usagef("eval calibrate: no SUITE_DIR given")
	case *out == "":
		return usagef("eval calibrate: -o FILE is required")
	case !(*target > 0 && *target < 1):
		return usagef("eval calibrate: --target-precision must be in (0,1)")
	case *method != "platt" && *method != "isotonic":
		return usagef("eval calibrate: --method must be platt or isotonic")
	case !(*l2 > 0):
		return usagef("eval calibrate: --l2 must be positive")
	}
	dirs, err := a.suiteDirs("eval calibrate", fs.Args())
	if err != nil {
		return err
	}
	h, _, cfg, err := a.evalHarness(ctx, o)
	if err != nil {
		return err
	}
	runs, err := h.Run(ctx, dirs...)
	if err != nil {
		return err
	}
	var samples []eval.Sample
	var names []string
	ndcg := map[string]map[string]eval.Metric{}
	for _, r := range runs {
		samples = append(samples, eval.Samples(r.Suite.Name, r.Results)...)
		names = append(names, r.Suite.Name)
		ndcg[r.Suite.Name] = map[string]eval.Metric{"": r.Report.Retrieval.NDCG10}
		for lang, b := range r.Report.ByLanguage {
			ndcg[r.Suite.Name][lang] = b.Retrieval.NDCG10
		}
	}
	opts := eval.CalibrateOptions{TargetPrecision: *target, Method: *method, L2: *l2, FittedOn: names, Prior: &cfg.Confidence}
	if *exclude != "" {
		opts.Exclude = strings.Split(*exclude, ",")
	}
	if *loso {
		return a.calibrateLOSO(samples, opts, ndcg, *out)
	}
	cal, err := eval.Calibrate(samples, opts)
	if err != nil {
		return err
	}
	if err := cal.Model.Validate(); err != nil {
		return fmt.Errorf("eval calibrate: fitted model: %w", err)
	}
	if err := eval.WriteCalibration(a.stdout, cal, *target); err != nil {
		return err
	}
	if !cal.Reached {
		return fmt.Errorf("eval calibrate: no threshold reaches precision %.3f on the calibration split; %s not written", *target, *out)
	}
	data, err := eval.MarshalModel(cal.Model)
	if err != nil {
		return err
	}
	if err := eval.WriteFile(*out, data); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "wrote %s\n", *out)
	return nil
}

// defaultExclude are the features calibration leaves out (weight 0), chosen
// leave one suite out: the question's language and language match identify
// a suite (xquad is the only source of Russian and Chinese) rather than
// describe the evidence, and coverage, top_score_ratio and critical_miss
// repeat idf_coverage and margin (fitted with them, they take weights of
// the wrong sign). Without them the held-out AUROC and ECE are better.
const defaultExclude = "lang_ru,lang_zh,lang_match,coverage,top_score_ratio,critical_miss"

// calibrateLOSO prints the leave-one-suite-out table, then fits the model
// on every suite and writes it.
func (a *app) calibrateLOSO(samples []eval.Sample, o eval.CalibrateOptions, ndcg map[string]map[string]eval.Metric, out string) error {
	l, err := eval.LeaveOneSuiteOut(samples, o)
	if err != nil {
		return err
	}
	if err := eval.WriteLOSO(a.stdout, l, o.TargetPrecision, ndcg); err != nil {
		return err
	}
	m, reached, err := eval.FitAll(samples, o)
	if err != nil {
		return err
	}
	if err := m.Validate(); err != nil {
		return fmt.Errorf("eval calibrate: fitted model: %w", err)
	}
	fmt.Fprintf(a.stdout, "\nmodel fitted on every suite: %s\n", describeModel(m))
	if !reached {
		return fmt.Errorf("eval calibrate: no threshold reaches precision %.3f on the calibration split; %s not written", o.TargetPrecision, out)
	}
	data, err := eval.MarshalModel(m)
	if err != nil {
		return err
	}
	if err := eval.WriteFile(out, data); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "wrote %s\n", out)
	return nil
}

// describeModel is a model's coefficients on one line.
func describeModel(m answer.ConfidenceModel) string {
	var b strings.Builder
	fmt.Fprintf(&b, "intercept %.4f", m.Intercept)
	names := make([]string, 0, len(m.Weights))
	for k := range m.Weights {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		fmt.Fprintf(&b, ", %s %.4f", k, m.Weights[k])
	}
	if m.Platt != nil {
		fmt.Fprintf(&b, "; platt a %.4f b %.4f", m.Platt.A, m.Platt.B)
	}
	fmt.Fprintf(&b, "; threshold %.4f", m.Threshold)
	return b.String()
}

// suiteDirs keeps the suite directories of args, telling stderr which
// existing paths were skipped as not suites (so that ../shared/datasets/*
// picks up every suite there and nothing else). A path that does not exist
// is an error (a typo), and so is having no suite left.
func (a *app) suiteDirs(cmd string, args []string) ([]string, error) {
	var dirs []string
	for _, p := range args {
		if _, err := os.Stat(p); err != nil {
			return nil, fmt.Errorf("%s: %w", cmd, err)
		}
		if eval.IsSuite(p) {
			dirs = append(dirs, p)
			continue
		}
		fmt.Fprintf(a.stderr, "%s: skipping %s: not a suite (no queries.jsonl)\n", cmd, p)
	}
	if len(dirs) == 0 {
		return nil, fmt.Errorf("%s: %w: none of the %d paths given is a suite directory (with queries.jsonl)", cmd, eval.ErrBadSuite, len(args))
	}
	return dirs, nil
}

// evalProgress draws a progress bar per suite on a terminal, and one line
// per phase otherwise.
type evalProgress struct {
	w     io.Writer
	tty   bool
	mu    sync.Mutex
	suite string
	start time.Time
	last  time.Time
	drawn bool
}

func newEvalProgress(w io.Writer) *evalProgress {
	p := &evalProgress{w: w}
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
		}
	}
	return p
}

func (p *evalProgress) phase(suite, phase string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprint(p.w, "\r"+strings.Repeat(" ", 79)+"\r")
		p.drawn = false
	}
	p.suite, p.start = suite, time.Now()
	if phase == "ingest" && p.tty {
		fmt.Fprintf(p.w, "\r%s: ingesting…", suite)
		p.drawn = true
	}
}

func (p *evalProgress) update(done, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if done == total {
		if p.drawn {
			fmt.Fprint(p.w, "\r")
		}
		fmt.Fprintf(p.w, "%s: %d/%d queries in %.1fs%s\n", p.suite, done, total, now.Sub(p.start).Seconds(), strings.Repeat(" ", 30))
		p.drawn = false
		return
	}
	if !p.tty || now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last = now
	const width = 30
	filled := width * done / max(total, 1)
	el := now.Sub(p.start).Seconds()
	eta := el / float64(max(done, 1)) * float64(total-done)
	fmt.Fprintf(p.w, "\r%s [%s%s] %d/%d queries, %.0fs left ", p.suite, strings.Repeat("#", filled), strings.Repeat(".", width-filled), done, total, eta)
	p.drawn = true
}
