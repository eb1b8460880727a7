package evalcmd

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"github.com/answerdesk/answerdesk/answer/llm"
	"github.com/answerdesk/answerdesk/cmd/internal/cli"
	"github.com/answerdesk/answerdesk/eval"
	"github.com/answerdesk/answerdesk/retrieval"
	"github.com/answerdesk/answerdesk/retrieval/embedded"
)

// App is what the eval commands take from the composition root.
type App interface {
	// ParseFlags parses args into fs with the global flags (cli.Parse).
	ParseFlags(fs *flag.FlagSet, c cli.Command, args []string) error
	Stdout() io.Writer
	Stderr() io.Writer
	Getenv(key string) string
	// DataDir is the data directory (--data), once flags are parsed.
	DataDir() string
	// EvalEngine is the engine as configured: the config file's answer
	// section and name, the collaborators (generator, rewriter, intent
	// models), the generator's description, and the loaders.
	EvalEngine() (eval.EngineOptions, error)
	// Embedder is the configured embedder, nil when there is none.
	Embedder() (*llm.Embedder, error)
}

// subcommand is one of eval's subcommands.
type subcommand struct {
	cli.Command
	run func(ctx context.Context, a App, c cli.Command, args []string) error
}

// subcommands are eval's, in the order help lists them.
var subcommands = []subcommand{
	{cli.Command{Name: "eval run", Usage: "eval run [--json F] [--html F] [--publish] [--workers N] [--knockout F --seed N [--knockout-keep-vocabulary]] [--knockout-answers F] [--chat F] [--email F] [--docs DIR] [--without DOC,…] [--baseline F --max-drop X] SUITE_DIR…",
		Summary: "Ingest each suite's corpus (corpus.jsonl or docs/; --docs DIR instead) into a throwaway index, ask every query through the\n" +
			"answer engine, and print retrieval, decision, calibration, citation and latency metrics by language.\n" +
			"With --publish, the report becomes the data directory's latest eval report, which the admin console shows.\n" +
			"With --baseline, exit 1 when a metric regressed by more than --max-drop."},
		runEval},
	{cli.Command{Name: "eval compare", Usage: "eval compare [--max-drop X] BASE.json NEW.json",
		Summary: "Print the metric deltas of NEW against BASE; exit 1 when a metric regressed by more than --max-drop."},
		runCompare},
	{cli.Command{Name: "eval calibrate", Usage: "eval calibrate [--loso] [--cross [--held-out DIR]… [--leave-out-lang L] [--split-docs SEED]] [--knockout 0.3 --seed N [--knockout-keep-vocabulary]] [--knockout-answers F] [--chat F] [--email F] [--target-precision 0.95] [--method platt|isotonic] [--threshold-policy worst-suite|pooled] [--monotone=false] [--feature-table] [--recalibrate [--folds 5]] -o confidence.json SUITE_DIR…",
		Summary: "Run the suites (with --knockout, a seeded 30% of each suite's answerable questions lose their documents\n" +
			"and become in-domain unanswerables; with --knockout-answers, a seeded share of those with answer strings\n" +
			"lose the sentences stating their answers, the rest of the paragraph kept), fit the confidence model\n" +
			"(logistic regression over the engine's features, each weight held to the sign of its meaning, with Platt\n" +
			"or isotonic calibration), pick the threshold reaching the target precision in every suite, print\n" +
			"held-out figures only, and write the model the engine loads. With --loso, each suite is measured by a\n" +
			"model fitted on the other suites, and the written model is fitted on all of them. Paths that are not\n" +
			"suites (no queries.jsonl) are skipped, so DATASETS/* takes every suite there.\n" +
			"With --cross (an embedder configured), the suites are parallel translations of each other: the\n" +
			"cross-language model is fitted on the questions of each against the corpus of every other, leaving out\n" +
			"the language pairs of each --held-out suite (and with --leave-out-lang, every question in that\n" +
			"language), then measured on the held-out suites (only their questions in that language). --split-docs SEED\n" +
			"also splits the documents by article: the fit keeps the questions about one half, the held-out suites\n" +
			"are measured on the other, so no translation of a measured question or paragraph is fitted on.\n" +
			"With --recalibrate, the suites are your own labelled questions: the engine's model keeps its weights and\n" +
			"only its calibration and threshold are refitted on them, with figures cross-validated over --folds."},
		runCalibrate},
	{cli.Command{Name: "eval fusion", Usage: "eval fusion [--knockout F --seed N [--knockout-keep-vocabulary]] SUITE_DIR…",
		Summary: "With an embedder configured: measure nDCG@10 of each suite by sparse retrieval and by every hybrid fusion\n" +
			"of a grid (weighted RRF and min-max score combination, dense weight 0.1…0.9), and choose the fusion\n" +
			"leave one suite out: each suite's by the largest worst-suite gain over sparse on the other suites."},
		runFusion},
}

// Run runs the eval subcommand args name, with the rest of args; cmd is
// the command's line in the binary's usage, which its help prints.
func Run(ctx context.Context, a App, cmd cli.Command, args []string) error {
	if len(args) == 0 {
		return cli.Usagef("eval: missing subcommand: run, compare, calibrate or fusion")
	}
	switch args[0] {
	case "-h", "--help", "help":
		fmt.Fprintf(a.Stdout(), "usage: answerdesk %s\n\n", cmd.Usage)
		for _, c := range subcommands {
			fmt.Fprintf(a.Stdout(), "  answerdesk %s\n", c.Usage)
		}
		fmt.Fprintln(a.Stdout(), "\nRun 'answerdesk eval SUBCOMMAND --help' for its flags.")
		return cli.ErrHelp
	}
	for _, c := range subcommands {
		if c.Name == "eval "+args[0] {
			return c.run(ctx, a, c.Command, args[1:])
		}
	}
	return cli.Usagef("eval: unknown subcommand %q: use run, compare, calibrate or fusion", args[0])
}

// common are the flags of the subcommands that run suites.
type common struct {
	knockout   float64
	koAnswers  float64
	seed       uint64
	keepVocab  bool
	chat       float64
	email      float64
	workers    int
	cache      bool
	confidence string
	cross      string
	quiet      bool
	failures   int
	degrade    string
	embedCache string
}

func (o *common) register(fs *flag.FlagSet, knockout float64, embedCache string) {
	fs.Float64Var(&o.knockout, "knockout", knockout, "remove the relevant documents of this seeded share of the answerable questions from each index and relabel them unanswerable (in-domain near-misses)")
	fs.Float64Var(&o.koAnswers, "knockout-answers", 0, "cut from each index every sentence that states an answer (meta.answers) of this seeded share of the answerable questions whose answers are located in their documents, after --knockout, and relabel the questions left without one unanswerable (attribute near-misses: the topic stays, the fact asked goes)")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the --knockout, --knockout-answers, --chat and --email draws")
	fs.BoolVar(&o.keepVocab, "knockout-keep-vocabulary", false, "with --knockout: hide the knocked-out documents from every search instead of deleting them, so that their words stay in the index's statistics (near-misses about a sibling the knowledge base names)")
	fs.Float64Var(&o.chat, "chat", 0, "rewrite this seeded share of the questions as chat messages — a greeting, a sentence of context, thanks, no question mark — keeping their labels (seed: --seed)")
	fs.Float64Var(&o.email, "email", 0, "rewrite this seeded share of the questions as emails — a greeting, a sign-off, a signature and the support team's earlier reply quoted below — keeping their labels (seed: --seed)")
	fs.IntVar(&o.workers, "workers", runtime.NumCPU(), "queries asked concurrently (results do not depend on it)")
	fs.BoolVar(&o.cache, "cache", false, "keep each corpus's index under DATA/eval-cache, keyed by the corpus hash, the embedding model and this binary, and reuse it")
	fs.StringVar(&o.embedCache, "embed-cache", embedCache, "with an embedder: keep every question and passage vector in this directory, keyed by model and text, and embed only texts not there (\"\" for none)")
	fs.StringVar(&o.confidence, "confidence", "", "confidence model JSON to use instead of the configured or shipped one")
	fs.StringVar(&o.cross, "cross-confidence", "", "cross-language confidence model JSON (answers quoted from a passage in another language, with an embedder) to use instead of the configured or shipped one")
	fs.BoolVar(&o.quiet, "quiet", false, "no progress on stderr")
	fs.IntVar(&o.failures, "failures", 25, "worst failures kept per suite")
	fs.StringVar(&o.degrade, "degrade", "", "deliberately degrade the engine to test the gate: drop-top-hit")
}

// harness builds the harness of o over the engine the configuration
// describes, its generator and embedder, and the embedded store.
func harness(a App, o common) (*eval.EngineHarness, error) {
	switch {
	case o.workers < 1 || o.workers > 256:
		return nil, cli.Usagef("eval: --workers must be between 1 and 256")
	case o.degrade != "" && o.degrade != eval.DegradeDropTopHit:
		return nil, cli.Usagef("eval: --degrade must be drop-top-hit")
	case !(o.knockout >= 0 && o.knockout < 1):
		return nil, cli.Usagef("eval: --knockout must be in [0,1)")
	case !(o.koAnswers >= 0 && o.koAnswers < 1):
		return nil, cli.Usagef("eval: --knockout-answers must be in [0,1)")
	case !(o.chat >= 0 && o.chat <= 1):
		return nil, cli.Usagef("eval: --chat must be in [0,1]")
	case !(o.email >= 0 && o.email <= 1):
		return nil, cli.Usagef("eval: --email must be in [0,1]")
	}
	eo, err := a.EvalEngine()
	if err != nil {
		return nil, err
	}
	eo.ConfidenceFile, eo.CrossConfidenceFile = o.confidence, o.cross
	eo.StoreName, eo.OpenStore = "embedded", func(ctx context.Context, dir string) (retrieval.Store, error) {
		return embedded.Open(ctx, dir, embedded.Options{})
	}
	eo.Knockout, eo.Degrade = eval.Knockout{Fraction: o.knockout, Seed: o.seed, KeepVocabulary: o.keepVocab}, o.degrade
	eo.AnswerKnockout = eval.AnswerKnockout{Fraction: o.koAnswers, Seed: o.seed}
	eo.Chat = eval.Chat{Fraction: o.chat, Seed: o.seed}
	eo.Email = eval.Email{Fraction: o.email, Seed: o.seed}
	eo.Options = eval.Options{Workers: o.workers, MaxFailures: o.failures}
	// The engine logs every answer at info level: keep warnings only.
	eo.Log = slog.New(slog.NewTextHandler(a.Stderr(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	emb, err := a.Embedder()
	if err != nil {
		return nil, err
	}
	if emb != nil {
		eo.Embedder = emb
		if o.embedCache != "" {
			ce, err := llm.OpenCache(o.embedCache, emb.Identity(), emb)
			if err != nil {
				return nil, fmt.Errorf("eval: %w", err)
			}
			eo.Embedder, eo.EmbedCache = ce, ce.Path()
		}
	}
	if o.cache {
		eo.CacheDir = filepath.Join(a.DataDir(), "eval-cache")
	}
	if !o.quiet {
		eo.Progress = eval.NewProgress(a.Stderr(), cli.IsTerminal(a.Stderr()))
	}
	return eval.NewEngineHarness(eo)
}

// gateFlags registers the regression gate's flags on fs, their help
// prefixed with when; allowMissing is the help of --allow-missing.
func gateFlags(fs *flag.FlagSet, when, allowMissing string) *eval.CompareOptions {
	var o eval.CompareOptions
	fs.Float64Var(&o.MaxDrop, "max-drop", 0.01, when+"largest tolerated worsening of a metric")
	fs.BoolVar(&o.Overall, "overall-only", false, when+"gate whole suites only, not each language")
	fs.BoolVar(&o.AllowMissing, "allow-missing", false, allowMissing)
	fs.IntVar(&o.MinQueries, "min-queries", 50, when+"gate a language only when the baseline has at least this many of its queries")
	return &o
}

func runEval(ctx context.Context, a App, c cli.Command, args []string) error {
	fs := flag.NewFlagSet("eval run", flag.ContinueOnError)
	var o common
	o.register(fs, 0, embedCacheDir(a))
	jsonOut := fs.String("json", "", "write the report as JSON to this file")
	htmlOut := fs.String("html", "", "write a self-contained HTML report to this file")
	publish := fs.Bool("publish", false, "also store the report as DATA/"+eval.PublishedReport+", the latest eval report the admin console shows (GET /v1/eval/report)")
	baseline := fs.String("baseline", "", "compare against this JSON report; exit 1 on regression")
	docs := fs.String("docs", "", "knowledge base of every suite instead of its own corpus.jsonl or docs/: a folder of documents or a corpus file (questions kept apart from the documents they ask about, e.g. testdata/manuals-qa over the shared manuals)")
	without := fs.String("without", "", "comma-separated document ids to leave out of every suite's knowledge base; questions left with no relevant document become unanswerable (a chosen knock-out, e.g. one manual of a sibling pair)")
	gate := gateFlags(fs, "with --baseline: ", "with --baseline: skip baseline suites that were not run")
	if err := a.ParseFlags(fs, c, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return cli.Usagef("eval run: no SUITE_DIR given")
	}
	var leaveOut []string
	for _, id := range strings.Split(*without, ",") {
		if id = strings.TrimSpace(id); id != "" {
			leaveOut = append(leaveOut, id)
		}
	}
	if gate.MaxDrop < 0 || gate.MaxDrop > 1 {
		return cli.Usagef("eval run: --max-drop must be between 0 and 1")
	}
	var base *eval.Report
	if *baseline != "" {
		var err error
		if base, err = eval.ReadReport(*baseline); err != nil {
			return err
		}
	}
	dirs, err := suiteDirs(a.Stderr(), "eval run", fs.Args())
	if err != nil {
		return err
	}
	h, err := harness(a, o)
	if err != nil {
		return err
	}
	if *docs != "" {
		h.Docs, h.Engine["docs"] = *docs, *docs
	}
	if len(leaveOut) > 0 {
		h.Without, h.Engine["without"] = leaveOut, strings.Join(leaveOut, ",")
	}
	rep, err := h.Report(ctx, dirs...)
	if err != nil {
		return err
	}
	if err := eval.WriteTable(a.Stdout(), rep); err != nil {
		return err
	}
	if err := eval.WriteReportFiles(rep, *jsonOut, *htmlOut); err != nil {
		return err
	}
	for _, f := range []string{*jsonOut, *htmlOut} {
		if f != "" {
			fmt.Fprintf(a.Stdout(), "wrote %s\n", f)
		}
	}
	if *publish {
		path, err := eval.Publish(a.DataDir(), rep)
		if err != nil {
			return fmt.Errorf("eval run: %w", err)
		}
		fmt.Fprintf(a.Stdout(), "published %s (the console's eval report)\n", path)
	}
	if base == nil {
		return nil
	}
	return eval.Gate(a.Stdout(), base, rep, *gate, *baseline)
}

func runCompare(ctx context.Context, a App, c cli.Command, args []string) error {
	fs := flag.NewFlagSet("eval compare", flag.ContinueOnError)
	gate := gateFlags(fs, "", "skip suites of BASE that NEW lacks")
	if err := a.ParseFlags(fs, c, args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return cli.Usagef("eval compare: want BASE.json NEW.json")
	}
	if gate.MaxDrop < 0 || gate.MaxDrop > 1 {
		return cli.Usagef("eval compare: --max-drop must be between 0 and 1")
	}
	base, err := eval.ReadReport(fs.Arg(0))
	if err != nil {
		return err
	}
	cur, err := eval.ReadReport(fs.Arg(1))
	if err != nil {
		return err
	}
	return eval.Gate(a.Stdout(), base, cur, *gate, fs.Arg(0))
}

func runFusion(ctx context.Context, a App, c cli.Command, args []string) error {
	fs := flag.NewFlagSet("eval fusion", flag.ContinueOnError)
	var o common
	o.register(fs, 0, embedCacheDir(a))
	if err := a.ParseFlags(fs, c, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return cli.Usagef("eval fusion: no SUITE_DIR given")
	}
	dirs, err := suiteDirs(a.Stderr(), "eval fusion", fs.Args())
	if err != nil {
		return err
	}
	h, err := harness(a, o)
	if err != nil {
		return err
	}
	err = h.Fusion(ctx, a.Stdout(), dirs...)
	if errors.Is(err, eval.ErrNoEmbedder) {
		return cli.Usagef("eval fusion: no embedder configured (ANSWERDESK_EMBED_PROVIDER or the config's embed section): fusion compares hybrid retrieval")
	}
	return err
}

func runCalibrate(ctx context.Context, a App, c cli.Command, args []string) error {
	fs := flag.NewFlagSet("eval calibrate", flag.ContinueOnError)
	var o common
	o.register(fs, 0.3, embedCacheDir(a))
	loso := fs.Bool("loso", false, "report leave-one-suite-out figures (each suite measured by a model fitted on the others), then fit the written model on every suite")
	recalibrate := fs.Bool("recalibrate", false, "keep the engine's model's weights and refit only its calibration and threshold on these suites (your own labelled questions), with cross-validated figures")
	folds := fs.Int("folds", 5, "with --recalibrate: cross-validation folds")
	target := fs.Float64("target-precision", 0.95, "precision the answer threshold must reach")
	method := fs.String("method", "platt", "calibration of the logistic output: platt or isotonic")
	l2 := fs.Float64("l2", 1, "ridge penalty on standardized weights")
	monotone := fs.Bool("monotone", true, "leave out every feature whose fitted weight has the opposite sign of its meaning (answer.FeatureSign) and refit")
	policy := fs.String("threshold-policy", eval.ThresholdWorstSuite, "how the threshold is chosen on the calibration split: worst-suite (the target precision in every suite) or pooled")
	out := fs.String("o", "", "write the fitted confidence model (JSON) to this file")
	exclude := fs.String("exclude", strings.Join(eval.DefaultExclude(), ","), "comma-separated features the model must not use (weight 0; \"\" for none)")
	featureTable := fs.Bool("feature-table", false, "first print the AUROC of each feature's value alone against correctness, per suite (no fit)")
	cross := fs.Bool("cross", false, "fit the cross-language model: the SUITE_DIRs are parallel translations, paired across languages (needs an embedder)")
	var heldOutDirs []string
	fs.Func("held-out", "with --cross: a cross-lingual suite measured, never fitted on; its language pairs are left out of the fit (repeatable)", func(v string) error {
		heldOutDirs = append(heldOutDirs, v)
		return nil
	})
	leaveOut := fs.String("leave-out-lang", "", "with --cross: fit on no question in this language, and measure the held-out suites on their questions in it")
	var split eval.CrossHoldOut
	fs.Func("split-docs", "with --cross: split the documents by article with this seed: fit on the pairs' questions about one half, measure the held-out suites on the other half (no translation of a measured question or paragraph is fitted on)", func(v string) error {
		seed, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return fmt.Errorf("want a non-negative integer seed: %w", err)
		}
		split.Split, split.SplitSeed = true, seed
		return nil
	})
	if err := a.ParseFlags(fs, c, args); err != nil {
		return err
	}
	switch {
	case fs.NArg() == 0:
		return cli.Usagef("eval calibrate: no SUITE_DIR given")
	case *out == "":
		return cli.Usagef("eval calibrate: -o FILE is required")
	case !(*target > 0 && *target < 1):
		return cli.Usagef("eval calibrate: --target-precision must be in (0,1)")
	case *method != "platt" && *method != "isotonic":
		return cli.Usagef("eval calibrate: --method must be platt or isotonic")
	case !(*l2 > 0):
		return cli.Usagef("eval calibrate: --l2 must be positive")
	case *policy != eval.ThresholdWorstSuite && *policy != eval.ThresholdPooled:
		return cli.Usagef("eval calibrate: --threshold-policy must be %s or %s", eval.ThresholdWorstSuite, eval.ThresholdPooled)
	case !*cross && (len(heldOutDirs) > 0 || *leaveOut != "" || split.Split):
		return cli.Usagef("eval calibrate: --held-out, --leave-out-lang and --split-docs need --cross")
	case *recalibrate && (*loso || *cross || *featureTable || *method != "platt"):
		return cli.Usagef("eval calibrate: --recalibrate keeps the model's weights: it takes no --loso, --cross, --feature-table or --method isotonic")
	case *recalibrate && *folds < eval.MinRecalibrateFolds:
		return cli.Usagef("eval calibrate: --folds must be at least %d", eval.MinRecalibrateFolds)
	}
	dirs, err := suiteDirs(a.Stderr(), "eval calibrate", fs.Args())
	if err != nil {
		return err
	}
	h, err := harness(a, o)
	if err != nil {
		return err
	}
	if *cross {
		if !h.Hybrid() {
			return cli.Usagef("eval calibrate: --cross needs an embedder (ANSWERDESK_EMBED_PROVIDER or the config's embed section): the cross-language model scores dense retrieval")
		}
		opts := eval.CalibrateOptions{TargetPrecision: *target, Method: *method, L2: *l2, Monotone: *monotone, Threshold: *policy}
		// The default exclusions name lexical features the cross-language
		// model does not have; only an explicit --exclude applies.
		fs.Visit(func(f *flag.Flag) {
			if f.Name == "exclude" && *exclude != "" {
				opts.Exclude = strings.Split(*exclude, ",")
			}
		})
		if err := h.CalibrateCross(ctx, a.Stdout(), dirs, eval.CrossHoldOut{Dirs: heldOutDirs, Lang: *leaveOut, Split: split.Split, SplitSeed: split.SplitSeed}, opts, *loso, *out); err != nil {
			return fmt.Errorf("eval calibrate: %w", err)
		}
		return nil
	}
	runs, err := h.Run(ctx, dirs...)
	if err != nil {
		return err
	}
	if *recalibrate {
		opts := eval.CalibrateOptions{TargetPrecision: *target, Threshold: *policy}
		if err := h.Recalibrate(a.Stdout(), runs, opts, *folds, *out); err != nil {
			return fmt.Errorf("eval calibrate: %w", err)
		}
		return nil
	}
	opts := eval.CalibrateOptions{TargetPrecision: *target, Method: *method, L2: *l2, Monotone: *monotone, Threshold: *policy, FeatureTable: *featureTable}
	if *exclude != "" {
		opts.Exclude = strings.Split(*exclude, ",")
	}
	if err := h.Calibrate(a.Stdout(), runs, opts, *loso, *out); err != nil {
		return fmt.Errorf("eval calibrate: %w", err)
	}
	return nil
}

// suiteDirs keeps the suite directories of args, telling stderr which
// existing paths were skipped as not suites.
func suiteDirs(stderr io.Writer, cmd string, args []string) ([]string, error) {
	dirs, skipped, err := eval.SuiteDirs(args)
	for _, p := range skipped {
		fmt.Fprintf(stderr, "%s: skipping %s: not a suite (no queries.jsonl)\n", cmd, p)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cmd, err)
	}
	return dirs, nil
}

// embedCacheDir is the default --embed-cache, shared with the integration
// tests (llm.CacheDir); "" when neither XDG_CACHE_HOME nor HOME is set.
func embedCacheDir(a App) string {
	return llm.CacheDir(a.Getenv("XDG_CACHE_HOME"), a.Getenv("HOME"))
}
