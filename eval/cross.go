package eval

import (
	"context"
	"fmt"
	"io"
	"math"
	"sort"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/eval/suite"
)

// CrossSuites builds cross-lingual suites from parallel ones (suites that
// translate each other, like xquad-en, xquad-ru and xquad-zh): for every
// ordered pair of them, the questions of the first against the corpus of
// the second (suite.Parallel), keeping the questions keep accepts given the
// language of the pair's documents. Pairs left without a question are
// dropped. They are built at run time from the suites as they are, so no
// data is copied.
func CrossSuites(suites []*Suite, keep func(q Query, docLang string) bool) ([]*Suite, error) {
	var out []*Suite
	for _, q := range suites {
		for _, c := range suites {
			if q == c {
				continue
			}
			lang, err := DocumentLang(c)
			if err != nil {
				return nil, err
			}
			p, err := suite.Parallel(q, c)
			if err != nil {
				return nil, err
			}
			kept := p.Queries[:0:0]
			for _, x := range p.Queries {
				if keep == nil || keep(x, lang) {
					kept = append(kept, x)
				}
			}
			if len(kept) > 0 {
				p.Queries = kept
				out = append(out, p)
			}
		}
	}
	return out, nil
}

// DocumentLang is the one language of s's documents; documents of several
// languages, or of none recorded, are an error.
func DocumentLang(s *Suite) (string, error) {
	langs, err := s.DocumentLangs()
	if err != nil {
		return "", err
	}
	lang := ""
	for _, l := range langs {
		if l == "" || lang != "" && l != lang {
			return "", fmt.Errorf("%w: suite %s: its documents are not all of one recorded language", ErrBadSuite, s.Name)
		}
		lang = l
	}
	if lang == "" {
		return "", fmt.Errorf("%w: suite %s has no documents", ErrBadSuite, s.Name)
	}
	return lang, nil
}

// WriteHeldOut prints the figures of model m on runs that nothing was
// fitted on (suites held out of a cross-lingual calibration), beside the
// engine's confidence during the run (before, at its threshold): whole
// suite and by language.
func WriteHeldOut(w io.Writer, m, before answer.ConfidenceModel, runs []SuiteRun, target float64) error {
	t := newTable(w)
	t.row("held out", "n", "AUROC", "AUROC-ans", "ECE", "precision@thr", "answered@thr", fmt.Sprintf("best answer rate@%.0f%%", target*100))
	line := func(name string, h HeldOut) {
		t.row(name, fmt.Sprint(h.N), fmtMetric(h.AUROC), fmtMetric(h.AUROCAnswerable), fmtMetric(h.ECE), fmtMetric(h.Precision), fmtMetric(h.Coverage), fmtMetric(h.AnswerRateAtTarget))
	}
	engine := func(s Sample) float64 { return s.Confidence }
	if math.IsNaN(before.Threshold) {
		before.Threshold = 1
	}
	for _, r := range runs {
		ss := Samples(r.Suite.Name, r.Results)
		byLang := map[string][]Sample{}
		for _, s := range ss {
			byLang[s.Lang] = append(byLang[s.Lang], s)
		}
		line(r.Suite.Name+": engine", heldOut(before, ss, target, engine))
		line(r.Suite.Name+": fitted", heldOut(m, ss, target, nil))
		langs := make([]string, 0, len(byLang))
		for l := range byLang {
			langs = append(langs, l)
		}
		sort.Strings(langs)
		if len(langs) < 2 {
			continue
		}
		for _, l := range langs {
			line("  "+l+": engine", heldOut(before, byLang[l], target, engine))
			line("  "+l+": fitted", heldOut(m, byLang[l], target, nil))
		}
	}
	return t.flush()
}

// CrossHoldOut is what a cross-language calibration measures and never
// fits on (CalibrateCross).
type CrossHoldOut struct {
	// Dirs are cross-lingual suites measured, whose language pairs are
	// left out of the fit.
	Dirs []string
	// Lang, when set, is a language no question of the fit is in; the
	// held-out suites are measured on their questions in it only.
	Lang string
	// Split, when set, splits the documents by article (SplitDocuments
	// with SplitSeed): the fit pairs keep the articles of one half, the
	// held-out suites those of the other, so that no translation of a
	// measured question or paragraph is fitted on.
	Split     bool
	SplitSeed uint64
}

// CalibrateCross fits the cross-language model (answer.Config.CrossConfidence,
// the prior) on the parallel suites of dirs paired across languages
// (CrossSuites), without what h holds out, writes it to out
// (CalibrateRuns), and prints its figures on the held-out suites beside
// the engine's confidence during the run (WriteHeldOut). The held-out
// suites are never fitted on.
func (e *EngineHarness) CalibrateCross(ctx context.Context, w io.Writer, dirs []string, h CrossHoldOut, o CalibrateOptions, loso bool, out string) error {
	o.Prior = &e.Config.CrossConfidence
	leaveOut := h.Lang
	load := func(dirs []string) ([]*Suite, error) {
		var ss []*Suite
		for _, d := range dirs {
			s, err := LoadSuite(d)
			if err != nil {
				return nil, err
			}
			ss = append(ss, s)
		}
		return ss, nil
	}
	parallel, err := load(dirs)
	if err != nil {
		return err
	}
	heldOut, err := load(h.Dirs)
	if err != nil {
		return err
	}
	// A held-out suite's language pairs (question language → document
	// language) are not fitted on: the pair of suites that translates it
	// would be the held-out suite itself.
	pairs := map[[2]string]bool{}
	for i, s := range heldOut {
		lang, err := DocumentLang(s)
		if err != nil {
			return fmt.Errorf("held-out suite: %w", err)
		}
		kept := s.Queries[:0:0]
		for _, q := range s.Queries {
			pairs[[2]string{q.Lang, lang}] = true
			if leaveOut == "" || q.Lang == leaveOut {
				kept = append(kept, q)
			}
		}
		if len(kept) == 0 {
			return fmt.Errorf("%w: held-out suite %s has no question in %q", ErrBadSuite, s.Name, leaveOut)
		}
		c := *s
		c.Queries = kept
		heldOut[i] = &c
		if h.Split {
			if heldOut[i], err = suite.SplitDocuments(&c, h.SplitSeed, 1); err != nil {
				return fmt.Errorf("held-out suite: %w", err)
			}
		}
	}
	fit, err := CrossSuites(parallel, func(q Query, docLang string) bool {
		return !pairs[[2]string{q.Lang, docLang}] && q.Lang != leaveOut
	})
	if err != nil {
		return fmt.Errorf("pair suites across languages: %w", err)
	}
	if h.Split {
		for i, s := range fit {
			if fit[i], err = suite.SplitDocuments(s, h.SplitSeed, 0); err != nil {
				return fmt.Errorf("fit pairs: %w", err)
			}
		}
	}
	if len(fit) == 0 {
		return fmt.Errorf("%w: no cross-lingual pair of the suites is left to fit on", ErrCalibrate)
	}
	fmt.Fprintln(w, "fitted on (questions of one suite against the corpus of another):")
	runs := make([]SuiteRun, 0, len(fit))
	for _, s := range fit {
		r, err := e.RunSuite(ctx, s)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "  %s: %d questions\n", s.Name, len(s.Queries))
		runs = append(runs, r)
	}
	m, err := CalibrateRuns(w, runs, o, loso, out)
	if err != nil {
		return err
	}
	if len(heldOut) == 0 {
		return nil
	}
	var held []SuiteRun
	for _, s := range heldOut {
		r, err := e.RunSuite(ctx, s)
		if err != nil {
			return err
		}
		held = append(held, r)
	}
	never := "never fitted on"
	if leaveOut != "" {
		never += ", nor any question in " + leaveOut
	}
	if h.Split {
		never += fmt.Sprintf(", nor any article of theirs in any language: document split seed %d", h.SplitSeed)
	}
	fmt.Fprintf(w, "\nheld out (%s); engine = the model in use during the run:\n", never)
	return WriteHeldOut(w, m, e.Config.CrossConfidence, held, o.TargetPrecision)
}
