package answer_test

import (
	"context"
	"encoding/json"
	"hash/fnv"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/eval/metric"
	"github.com/answerdesk/answerdesk/eval/suite"
	"github.com/answerdesk/answerdesk/ingest"
	"github.com/answerdesk/answerdesk/retrieval"
	"github.com/answerdesk/answerdesk/retrieval/embedded"
)

// sharedDir returns ../shared (suite.SharedDir): skipped when absent,
// a failure when ANSWERDESK_REQUIRE_SHARED is set.
func sharedDir(tb testing.TB) string {
	tb.Helper()
	return suite.SharedDir(tb, "shared datasets")
}

// outcome is one query's result through the engine.
type outcome struct {
	suite      string
	id         string
	answerable bool
	correct    bool // answerable and the (attempted) answer cites a relevant document
	escalated  bool
	reason     answer.Reason
	confidence float64
	features   []answer.Feature
	goldInText bool // xquad: a gold answer string occurs in the answer text
	hasGold    bool
}

// runSuite ingests a suite's corpus into a fresh embedded store and asks
// every query through an engine built with cfg.
func runSuite(t *testing.T, dir string, cfg answer.Config) []outcome {
	t.Helper()
	ctx := context.Background()
	store, err := embedded.Open(ctx, t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	p := ingest.NewPipeline(store, ingest.CoreLoaders(), nil, nil)
	sum, err := p.IngestPaths(ctx, []string{filepath.Join(dir, "corpus.jsonl")}, ingest.Options{})
	if err != nil || len(sum.Failed) > 0 {
		t.Fatalf("ingest %s: %v %v", dir, err, sum.Failed)
	}
	eng, err := answer.New(cfg, answer.Deps{Retriever: store, Tickets: &answer.MemoryTickets{}})
	if err != nil {
		t.Fatal(err)
	}
	su, err := suite.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []outcome
	name := su.Name
	for _, q := range su.Queries {
		a, err := eng.Answer(ctx, answer.Request{Tenant: retrieval.DefaultTenant, Question: q.Text, Channel: "eval"})
		if err != nil {
			t.Fatalf("%s %s: %v", name, q.ID, err)
		}
		o := outcome{suite: name, id: q.ID, answerable: q.Answerable, escalated: a.Decision == answer.Escalated,
			reason: a.Reason, confidence: a.Confidence, features: a.Features}
		cites, text := a.Citations, a.Text
		if o.escalated {
			cites, text = a.AttemptedCitations, a.Attempted
		}
		if q.Answerable && len(cites) > 0 {
			for _, r := range q.Relevant {
				if cites[0].DocumentID == r {
					o.correct = true
				}
			}
		}
		if golds, ok := q.Meta["answers"].([]any); ok && o.correct {
			o.hasGold = true
			for _, g := range golds {
				if s, ok := g.(string); ok && s != "" && strings.Contains(text, s) {
					o.goldInText = true
				}
			}
		}
		out = append(out, o)
	}
	return out
}

// decisionStats are the figures reported per suite.
type decisionStats struct {
	N, Answerable, Correct        int
	AUROC, AUROCAnswerable        float64
	EscPrecision, EscRecall       float64
	AnswerRate, AnsweredPrecision float64
	AnswerRateAt95, ThresholdAt95 float64
	GoldInAnswer                  float64
	Reasons                       map[string]int
}

func stats(outs []outcome) decisionStats {
	s := decisionStats{N: len(outs), Reasons: map[string]int{}}
	esc, escGood, bad, answered, answeredGood, gold, goldN := 0, 0, 0, 0, 0, 0, 0
	for _, o := range outs {
		if o.answerable {
			s.Answerable++
		}
		if o.correct {
			s.Correct++
		} else {
			bad++
		}
		if o.escalated {
			esc++
			s.Reasons[string(o.reason)]++
			if !o.correct {
				escGood++
			}
		} else {
			answered++
			if o.correct {
				answeredGood++
			}
		}
		if o.hasGold && !o.escalated {
			goldN++
			if o.goldInText {
				gold++
			}
		}
	}
	s.EscPrecision = ratio(escGood, esc)
	s.EscRecall = ratio(escGood, bad)
	s.AnswerRate = ratio(answered, len(outs))
	s.AnsweredPrecision = ratio(answeredGood, answered)
	s.GoldInAnswer = ratio(gold, goldN)
	s.AUROC = auroc(outs, func(o outcome) bool { return o.correct })
	s.AUROCAnswerable = auroc(outs, func(o outcome) bool { return o.answerable })
	// Answer rate at 95% precision: the most answers, taken by confidence,
	// with at least 95% of them correct.
	sorted := append([]outcome(nil), outs...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].confidence > sorted[j].confidence })
	good := 0
	for i, o := range sorted {
		if o.correct {
			good++
		}
		// only cut between distinct confidences
		if i+1 < len(sorted) && sorted[i+1].confidence == o.confidence {
			continue
		}
		if float64(good) >= 0.95*float64(i+1) {
			s.AnswerRateAt95 = float64(i+1) / float64(len(sorted))
			s.ThresholdAt95 = o.confidence
		}
	}
	return s
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// auroc is the probability that a positive outcome has a higher confidence
// than a negative one (ties count half).
func auroc(outs []outcome, pos func(outcome) bool) float64 {
	scores := make([]float64, len(outs))
	labels := make([]bool, len(outs))
	for i, o := range outs {
		scores[i], labels[i] = o.confidence, pos(o)
	}
	return metric.AUROC(scores, labels)
}

var measuredSuites = []string{"stackfaq-en", "xquad-en", "xquad-ru", "xquad-zh"}

// TestSuites measures the escalation decision on the shared suites through
// the engine (extractive, sparse retrieval). It is a measurement, gated by
// ANSWERDESK_SUITES=1; its assertions are floors far below the reported
// figures. With ANSWERDESK_FIT=FILE it also fits the confidence model on
// half of the queries (by id hash) and writes it to FILE; figures are then
// reported on the other half too. ANSWERDESK_SUITE_NAMES=a,b picks other
// suites.
func TestSuites(t *testing.T) {
	if os.Getenv("ANSWERDESK_SUITES") == "" {
		t.Skip("set ANSWERDESK_SUITES=1 to measure the engine on ../shared/datasets")
	}
	shared := sharedDir(t)
	cfg := answer.DefaultConfig()
	if p := os.Getenv("ANSWERDESK_CONFIDENCE"); p != "" {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Confidence, err = answer.ParseConfidenceModel(data); err != nil {
			t.Fatal(err)
		}
	}
	suites := measuredSuites
	if v := os.Getenv("ANSWERDESK_SUITE_NAMES"); v != "" {
		suites = strings.Split(v, ",")
	}
	var all []outcome
	for _, name := range suites {
		outs := runSuite(t, filepath.Join(shared, "datasets", name), cfg)
		all = append(all, outs...)
		report(t, name, outs)
	}
	if out := os.Getenv("ANSWERDESK_FIT"); out != "" {
		var train, test []outcome
		for _, o := range all {
			if split(o.id) {
				train = append(train, o)
			} else {
				test = append(test, o)
			}
		}
		m := fit(train, cfg.Confidence, suites)
		data, _ := json.MarshalIndent(m, "", "  ")
		if err := os.WriteFile(out, append(data, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("fitted model written to %s", out)
		for _, name := range suites {
			var part []outcome
			for _, o := range test {
				if o.suite == name {
					o.confidence = m.Probability(o.features)
					o.escalated = o.escalated && o.reason != answer.ReasonLowConfidence || (o.reason == "" || o.reason == answer.ReasonLowConfidence) && o.confidence < m.Threshold
					part = append(part, o)
				}
			}
			report(t, name+" (held-out half, refitted model)", part)
		}
	}
}

func report(t *testing.T, name string, outs []outcome) {
	t.Helper()
	s := stats(outs)
	t.Logf("%s: n=%d answerable=%d correct-if-answered=%d | AUROC(correct)=%.3f AUROC(answerable)=%.3f | escalation P=%.3f R=%.3f | answer rate %.3f at precision %.3f | answer rate at 95%% precision %.3f (conf ≥ %.3f) | gold span in answer %.3f | reasons %v",
		name, s.N, s.Answerable, s.Correct, s.AUROC, s.AUROCAnswerable, s.EscPrecision, s.EscRecall, s.AnswerRate,
		s.AnsweredPrecision, s.AnswerRateAt95, s.ThresholdAt95, s.GoldInAnswer, s.Reasons)
	if s.N > 0 && !(s.AUROC > 0.6) {
		t.Errorf("%s: AUROC %.3f, want > 0.6", name, s.AUROC)
	}
}

// split puts about half of the queries in the training half.
func split(id string) bool {
	h := fnv.New32a()
	h.Write([]byte(id))
	return h.Sum32()%2 == 0
}

// fit fits the logistic model on outcomes that reached the confidence
// model (those with features), by gradient descent with a small L2
// penalty, and picks the threshold for the target answered precision on
// the training half.
func fit(outs []outcome, base answer.ConfidenceModel, suites []string) answer.ConfidenceModel {
	var names []string
	for _, o := range outs {
		if len(o.features) > 0 {
			for _, f := range o.features {
				names = append(names, f.Name)
			}
			break
		}
	}
	type row struct {
		x []float64
		y float64
	}
	var rows []row
	for _, o := range outs {
		if len(o.features) == 0 {
			continue
		}
		m := map[string]float64{}
		for _, f := range o.features {
			m[f.Name] = f.Value
		}
		r := row{x: make([]float64, len(names))}
		for i, n := range names {
			r.x[i] = m[n]
		}
		if o.correct {
			r.y = 1
		}
		rows = append(rows, r)
	}
	w := make([]float64, len(names))
	b := 0.0
	const lambda = 1e-3
	lr := 1.0
	for it := 0; it < 6000; it++ {
		gw := make([]float64, len(w))
		gb := 0.0
		for _, r := range rows {
			z := b
			for i, v := range r.x {
				z += w[i] * v
			}
			d := 1/(1+math.Exp(-z)) - r.y
			gb += d
			for i, v := range r.x {
				gw[i] += d * v
			}
		}
		n := float64(len(rows))
		b -= lr * gb / n
		for i := range w {
			w[i] -= lr * (gw[i]/n + lambda*w[i])
		}
	}
	m := answer.ConfidenceModel{Intercept: round(b), Weights: map[string]float64{}, FittedOn: suites}
	for i, n := range names {
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, r := range rows {
			lo, hi = math.Min(lo, r.x[i]), math.Max(hi, r.x[i])
		}
		if lo == hi {
			continue // constant on these suites (is_faq): keep the prior
		}
		m.Weights[n] = round(w[i])
	}
	for k, v := range base.Weights {
		if _, ok := m.Weights[k]; !ok {
			m.Weights[k] = v // features the suites do not exercise keep their prior
		}
	}
	// Threshold: the lowest that keeps the target precision (95% unless
	// ANSWERDESK_FIT_PRECISION says otherwise) on the training half.
	target := 0.95
	if v, err := strconv.ParseFloat(os.Getenv("ANSWERDESK_FIT_PRECISION"), 64); err == nil && v > 0 && v < 1 {
		target = v
	}
	var ps []outcome
	for _, o := range outs {
		if len(o.features) > 0 {
			o.confidence = m.Probability(o.features)
			ps = append(ps, o)
		}
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].confidence > ps[j].confidence })
	good := 0
	m.Threshold = 0.5
	for i, o := range ps {
		if o.correct {
			good++
		}
		if float64(good) >= target*float64(i+1) {
			m.Threshold = round(o.confidence)
		}
	}
	return m
}

func round(v float64) float64 { return math.Round(v*1e4) / 1e4 }
