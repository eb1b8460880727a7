package eval_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/eval"
	"github.com/answerdesk/answerdesk/eval/suite"
	"github.com/answerdesk/answerdesk/ingest"
)

// manualsQA loads testdata/manuals-qa (hand-written customer questions)
// over the shared Markdown manuals it asks about, which are not in the
// repository.
func manualsQA(t *testing.T) *eval.Suite {
	t.Helper()
	shared := suite.SharedDir(t, "never-fitted check over the product manuals")
	s, err := eval.LoadSuiteOver(filepath.Join("..", "testdata", "manuals-qa"), filepath.Join(shared, "datasets", "manuals", "md"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// sparseEngine is the engine `eval run` measures without an embedder: the
// default configuration and the shipped confidence models.
func sparseEngine(t *testing.T) *eval.EngineHarness {
	t.Helper()
	h, err := eval.NewEngineHarness(eval.EngineOptions{Config: answer.DefaultConfig(), OpenStore: eval.OpenEmbedded, StoreName: "embedded",
		Loaders: ingest.CoreLoaders(), Options: eval.Options{Workers: 2, MaxFailures: 200}})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// TestManualsQA is the never-fitted check of docs/eval.md ("Never-fitted
// check: product manuals"), sparse: on questions no model was fitted on,
// with in-domain unanswerables and sibling versions, whatever the engine
// answers must be right — no unanswerable question answered, and at least
// 90% of the answers citing the manual that answers them — in every
// language. The figures are logged; none is fitted or tuned on this set.
func TestManualsQA(t *testing.T) {
	s := manualsQA(t)
	kinds := map[string]map[string]int{}
	for _, q := range s.Queries {
		k, _ := q.Meta["kind"].(string)
		if kinds[q.Lang] == nil {
			kinds[q.Lang] = map[string]int{}
		}
		kinds[q.Lang][k]++
	}
	for _, lang := range []string{"en", "ru", "zh"} {
		for _, k := range []string{"answerable", "sibling", "unanswerable"} {
			if kinds[lang][k] < 9 {
				t.Errorf("%s: %d questions of kind %q, want at least 9 (the set lost questions)", lang, kinds[lang][k], k)
			}
		}
	}

	run, err := sparseEngine(t).RunSuite(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	r := run.Report
	if r.Documents != 30 || r.UnknownRelevant != 0 {
		t.Fatalf("%d manuals ingested, %d relevant ids that are no manual: the labels and the manuals disagree", r.Documents, r.UnknownRelevant)
	}
	for _, lang := range []string{"all", "en", "ru", "zh"} {
		b := r.Breakdown
		if lang != "all" {
			b = r.ByLanguage[lang]
		}
		d := b.Decision
		t.Logf("%-3s %3d questions: answered %.3f, precision %.3f, AUROC %.3f, ECE %.3f, answer rate at 95%% precision %.3f, hit@1 %.3f",
			lang, b.Queries, d.AnswerRate, d.AnswerPrecision, d.AUROC, d.ECE, d.AnswerRateAt95, b.Retrieval.Hit1)
	}
	answered, right := map[string]int{}, map[string]int{}
	for _, res := range run.Results {
		if !res.Answered() {
			continue
		}
		answered[res.Query.Lang]++
		switch {
		case !res.Query.Answerable:
			t.Errorf("%s answered at confidence %.2f, but no manual answers it: %q (cited %v)", res.Query.ID, res.Confidence, res.Query.Text, res.Cited)
		case res.CitedRelevant:
			right[res.Query.Lang]++
		default:
			t.Logf("%s answered at confidence %.2f citing %v, relevant %v: %q", res.Query.ID, res.Confidence, res.Cited, res.Query.Relevant, res.Query.Text)
		}
	}
	total := 0
	for lang, n := range answered {
		total += n
		if p := float64(right[lang]) / float64(n); p < 0.9 {
			t.Errorf("%s: %d of %d answers cite a relevant manual (%.2f < 0.90)", lang, right[lang], n, p)
		}
	}
	if total == 0 {
		t.Error("no question answered: the precision checks above are vacuous")
	}
}

// TestManualsQASiblingKnockout takes out one manual of each sibling pair
// (ripples, tides, veils, shades; first the older versions, then the newer)
// so that the questions naming that version have only its sibling's manual
// to tempt the engine: none of them may be answered.
func TestManualsQASiblingKnockout(t *testing.T) {
	s := manualsQA(t)
	h := sparseEngine(t)
	for _, side := range [][]string{
		{"ripples_original", "tides_original", "veils_original", "shades_original"},
		{"ripples_2020", "tides_2018", "veils_2020", "shades_2020"},
	} {
		ko := eval.KnockOut(s, side...)
		run, err := h.RunSuite(context.Background(), ko)
		if err != nil {
			t.Fatal(err)
		}
		knocked := 0
		for i, res := range run.Results {
			if !s.Queries[i].Answerable || res.Query.Answerable {
				continue
			}
			knocked++
			if res.Answered() {
				t.Errorf("without %v: %s answered at confidence %.2f from %v, but its manual is gone: %q", side, res.Query.ID, res.Confidence, res.Cited, res.Query.Text)
			}
		}
		if knocked < 10 {
			t.Errorf("without %v: %d questions became unanswerable, want at least 10 (the sibling questions)", side, knocked)
		}
		t.Logf("without %v: %d questions lost their manual; escalation recall %.3f, precision of answered %.3f at %.3f answered",
			side, knocked, run.Report.Decision.EscalationRecall, run.Report.Decision.AnswerPrecision, run.Report.Decision.AnswerRate)
	}
}
