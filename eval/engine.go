package eval

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"reflect"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/ingest"
	"github.com/answerdesk/answerdesk/retrieval"
)

// Embedder embeds the passages of a suite's corpus and its questions for
// hybrid retrieval (answer/llm's Embedder and its cache are ones).
type Embedder interface {
	ingest.Embedder
	answer.QueryEmbedder
	EmbedQueries(ctx context.Context, texts []string) ([][]float32, error)
}

// DegradeDropTopHit is EngineOptions.Degrade losing the best hit of every
// search (DropTopHit).
const DegradeDropTopHit = "drop-top-hit"

// EngineOptions say how NewEngineHarness assembles a Harness over the
// real answer.Engine. The command line resolves them from its flags and
// configuration; the store is the caller's choice (OpenStore).
type EngineOptions struct {
	// Config is the engine's configuration. Its K is raised to 20: the
	// retrieval metrics go to rank 10 of distinct documents, and a
	// document may have several passages.
	Config answer.Config
	// ConfigFile names the file Config was read from, for the report.
	ConfigFile string
	// ConfidenceFile, when set, is a confidence model (JSON) that replaces
	// the model of the run's retrieval mode.
	ConfidenceFile string
	// CrossConfidenceFile, when set, is a confidence model (JSON) that
	// replaces the cross-language one (answer.Config.CrossConfidence).
	CrossConfidenceFile string
	// Deps are the engine's collaborators besides the retriever, tickets,
	// embedder and logger, which the harness sets: generator, rewriter,
	// intent models.
	Deps answer.Deps
	// Generator describes Deps.Generator for the report ("" when answers
	// are extractive).
	Generator string
	// Embedder, when set, embeds passages and questions (hybrid
	// retrieval); retrieval is sparse only otherwise.
	Embedder Embedder
	// EmbedCache, when set, is where Embedder keeps its vectors: each
	// suite's questions are embedded in batches before any is asked, so
	// that the cache holds them.
	EmbedCache string
	// OpenStore opens a suite's store (required); StoreName names it in
	// the report.
	OpenStore StoreOpener
	StoreName string
	// Loaders parse the corpus files by extension.
	Loaders map[string]ingest.Loader
	// CacheDir, when set, keeps each corpus's index (Harness.CacheDir).
	CacheDir string
	// Knockout relabels a seeded share of the answerable questions.
	Knockout Knockout
	// AnswerKnockout cuts the answers of a seeded share of the answerable
	// questions out of their documents and relabels them.
	AnswerKnockout AnswerKnockout
	// Chat rewrites a seeded share of the questions as chat messages.
	Chat Chat
	// Email rewrites a seeded share of the questions as emails.
	Email Email
	// Degrade, when DegradeDropTopHit, deliberately worsens the engine to
	// show that the gate catches it.
	Degrade string
	// Options of each run (workers, failures kept).
	Options Options
	// Log receives the engine's and ingestion's messages (discarded when
	// nil): the engine logs every answer at info level.
	Log *slog.Logger
	// Progress, when set, shows the suites' phases and the questions asked.
	Progress *Progress
}

// EngineHarness is a Harness over answer.Engine, with the engine's
// description its reports carry.
type EngineHarness struct {
	*Harness
	// Engine describes the engine measured (Report.Engine).
	Engine map[string]string
	// Config is the engine's configuration, ConfidenceFile and K applied.
	Config answer.Config
	embed  Embedder
}

// NewEngineHarness assembles the harness o describes.
func NewEngineHarness(o EngineOptions) (*EngineHarness, error) {
	if o.OpenStore == nil {
		return nil, errors.New("eval: no store opener")
	}
	if o.Degrade != "" && o.Degrade != DegradeDropTopHit {
		return nil, fmt.Errorf("eval: unknown degradation %q", o.Degrade)
	}
	cfg := o.Config
	info := map[string]string{"store": o.StoreName + " (throwaway)", "confidence": "shipped (answer/confidence.json)",
		"generator": "extractive", "retrieval": "sparse"}
	if !reflect.DeepEqual(cfg.Confidence, answer.DefaultConfidenceModel()) {
		info["confidence"] = "config " + o.ConfigFile
	}
	if o.Embedder != nil && o.ConfidenceFile == "" {
		info["confidence"] = "shipped (answer/confidence-hybrid.json)"
		if !reflect.DeepEqual(cfg.HybridConfidence, answer.DefaultHybridConfidenceModel()) {
			info["confidence"] = "config " + o.ConfigFile
		}
	}
	if o.Embedder != nil {
		info["cross confidence"] = "shipped (answer/confidence-cross.json)"
		if !reflect.DeepEqual(cfg.CrossConfidence, answer.DefaultCrossConfidenceModel()) {
			info["cross confidence"] = "config " + o.ConfigFile
		}
	}
	if o.ConfidenceFile != "" {
		m, err := readConfidenceModel(o.ConfidenceFile)
		if err != nil {
			return nil, err
		}
		// The file replaces the model of the retrieval mode the run uses.
		cfg.Confidence, cfg.HybridConfidence = m, m
		info["confidence"] = o.ConfidenceFile
	}
	if o.CrossConfidenceFile != "" {
		m, err := readConfidenceModel(o.CrossConfidenceFile)
		if err != nil {
			return nil, err
		}
		cfg.CrossConfidence = m
		info["cross confidence"] = o.CrossConfidenceFile
	}
	cfg.K = max(cfg.K, 20)
	info["k"] = fmt.Sprint(cfg.K)
	if o.Generator != "" {
		info["generator"] = o.Generator
	}
	info["threshold"] = fmt.Sprintf("%.4g", cfg.Confidence.Threshold)
	log := o.Log
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	deps := o.Deps
	deps.Logger, deps.Tickets, deps.Embedder = log, NullTickets{}, nil
	h := &Harness{OpenStore: o.OpenStore, Loaders: o.Loaders, CacheDir: o.CacheDir, Knockout: o.Knockout, AnswerKnockout: o.AnswerKnockout, Chat: o.Chat, Email: o.Email, Options: o.Options, Log: log}
	if e := o.Embedder; e != nil {
		h.Embedder, h.CacheKey, deps.Embedder = e, e.Model(), e
		info["retrieval"] = "hybrid " + e.Model()
		info["threshold"] = fmt.Sprintf("%.4g", cfg.HybridConfidence.Threshold)
		if o.EmbedCache != "" {
			h.Prefetch = func(ctx context.Context, texts []string) error {
				_, err := e.EmbedQueries(ctx, texts)
				return err
			}
			info["embedding cache"] = o.EmbedCache
		}
	}
	if o.Degrade != "" {
		info["degraded"] = o.Degrade
	}
	if o.Knockout.Fraction > 0 {
		info["knockout"] = fmt.Sprintf("%g seed %d", o.Knockout.Fraction, o.Knockout.Seed)
		if o.Knockout.KeepVocabulary {
			info["knockout"] += ", vocabulary kept"
		}
	}
	if o.AnswerKnockout.Fraction > 0 {
		info["answer knockout"] = fmt.Sprintf("%g seed %d", o.AnswerKnockout.Fraction, o.AnswerKnockout.Seed)
	}
	if o.Chat.Fraction > 0 {
		info["chat"] = fmt.Sprintf("%g seed %d", o.Chat.Fraction, o.Chat.Seed)
	}
	if o.Email.Fraction > 0 {
		info["email"] = fmt.Sprintf("%g seed %d", o.Email.Fraction, o.Email.Seed)
	}
	if o.CacheDir != "" {
		info["store"] = o.StoreName + " (cached in " + o.CacheDir + ")"
	}
	if p := o.Progress; p != nil {
		h.Phase, h.Options.Progress = p.Phase, p.Update
	}
	h.NewAnswerer = func(ctx context.Context, store retrieval.Store) (Answerer, error) {
		d := deps
		d.Retriever = store
		if o.Degrade == DegradeDropTopHit {
			d.Retriever = DropTopHit(store)
		}
		return answer.New(cfg, d)
	}
	return &EngineHarness{Harness: h, Engine: info, Config: cfg, embed: o.Embedder}, nil
}

// readConfidenceModel reads and validates a confidence model file.
func readConfidenceModel(path string) (answer.ConfidenceModel, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return answer.ConfidenceModel{}, fmt.Errorf("eval: %w", err)
	}
	m, err := answer.ParseConfidenceModel(data)
	if err != nil {
		return answer.ConfidenceModel{}, fmt.Errorf("eval: %s: %w", path, err)
	}
	return m, nil
}

// Hybrid reports whether the engine retrieves with an embedder too.
func (e *EngineHarness) Hybrid() bool { return e.embed != nil }

// Report runs the suites of dirs and reports on them.
func (e *EngineHarness) Report(ctx context.Context, dirs ...string) (*Report, error) {
	runs, err := e.Run(ctx, dirs...)
	if err != nil {
		return nil, err
	}
	rep := &Report{Version: ReportVersion, Engine: e.Engine}
	for _, r := range runs {
		rep.Suites = append(rep.Suites, r.Report)
	}
	return rep, nil
}

// ErrNoEmbedder reports a measurement of hybrid retrieval without an
// embedder.
var ErrNoEmbedder = errors.New("no embedder: fusion compares hybrid retrieval")

// Fusion measures nDCG@10 of each suite of dirs by sparse retrieval and by
// every fusion of FusionGrid, and writes the table with the fusion chosen
// leave one suite out to w.
func (e *EngineHarness) Fusion(ctx context.Context, w io.Writer, dirs ...string) error {
	if e.embed == nil {
		return ErrNoEmbedder
	}
	grid := FusionGrid()
	var scores []FusionScores
	for _, d := range dirs {
		s, err := LoadSuite(d)
		if err != nil {
			return err
		}
		sc, err := e.ScoreFusions(ctx, s, e.embed.EmbedQueries, grid)
		if err != nil {
			return err
		}
		scores = append(scores, sc)
	}
	return WriteFusionTable(w, grid, scores, ChooseFusion(scores))
}

// Calibrate fits the confidence model of the engine's retrieval mode on
// runs, starting from the engine's model (see CalibrateRuns), on the
// answers that model scores: not those of the cross-language model.
func (e *EngineHarness) Calibrate(w io.Writer, runs []SuiteRun, o CalibrateOptions, loso bool, out string) error {
	o.LeaveOutCross = true
	o.Prior = e.model()
	_, err := CalibrateRuns(w, runs, o, loso, out)
	return err
}

// model is the engine's confidence model for its retrieval mode: the
// hybrid one with an embedder, else the sparse one.
func (e *EngineHarness) model() *answer.ConfidenceModel {
	if e.embed != nil {
		return &e.Config.HybridConfidence
	}
	return &e.Config.Confidence
}

// Recalibrate refits the Platt scaling and threshold of the engine's model
// for its retrieval mode on runs, keeping its weights (RecalibrateRuns).
func (e *EngineHarness) Recalibrate(w io.Writer, runs []SuiteRun, o CalibrateOptions, folds int, out string) error {
	o.LeaveOutCross = true
	_, err := RecalibrateRuns(w, runs, *e.model(), folds, o, out)
	return err
}
