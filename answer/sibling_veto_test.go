package answer_test

import (
	"testing"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/retrieval"
)

// TestSiblingVeto: through the engine, a question about one tariff whose
// best passage is its sibling's escalates as low_confidence when the model
// vetoes sibling_miss, the feature showing in the answer; the question about
// the cited tariff is answered; without the veto the sibling's passage is
// answered (topic alone).
func TestSiblingVeto(t *testing.T) {
	cfg := answer.DefaultConfig()
	cfg.Confidence = answer.ConfidenceModel{Intercept: 5, Threshold: 0.9, Vetoes: []string{answer.FeatureSiblingMiss}}
	miss := func(a answer.Answer) float64 { return answerFeature(t, a, answer.FeatureSiblingMiss) }
	r := newRig(t, cfg, func(d *answer.Deps) { d.Retriever = volnaKB() })
	a := ask(t, r, "Какая скорость интернета на Волна 50, когда закончится пакет?")
	if a.Decision != answer.Escalated || a.Reason != answer.ReasonLowConfidence || a.Confidence > a.Threshold/2 || miss(a) != 1 {
		t.Errorf("Волна 50 asked, Волна 15 cited: %s (%s), confidence %.3f, threshold %v, %s %v, attempted citations %v; want a low-confidence escalation",
			a.Decision, a.Reason, a.Confidence, a.Threshold, answer.FeatureSiblingMiss, miss(a), a.AttemptedCitations)
	}
	if a = ask(t, r, "Какая скорость интернета на Волна 15, когда закончится пакет?"); a.Decision != answer.Answered || miss(a) != 0 {
		t.Errorf("Волна 15 asked of its own entry: %s (%s), confidence %.3f; want it answered", a.Decision, a.Reason, a.Confidence)
	}

	cfg.Confidence.Vetoes = nil
	r = newRig(t, cfg, func(d *answer.Deps) { d.Retriever = volnaKB() })
	if a = ask(t, r, "Какая скорость интернета на Волна 50, когда закончится пакет?"); a.Decision != answer.Answered || miss(a) != 1 {
		t.Errorf("without the veto: %s (%s), confidence %.3f; want the sibling's entry answered", a.Decision, a.Reason, a.Confidence)
	}
}

// volnaKB holds two sibling tariffs: an FAQ entry on Волна 15's speed
// once the data runs out, and a page on Волна 50 that says nothing of it.
func volnaKB() *memIndex {
	m := &memIndex{}
	m.add(
		retrieval.Chunk{ID: "v15", DocumentID: "faq.csv#v15", Kind: retrieval.KindFAQ, Lang: "ru", Tenant: "acme",
			Title: "Какая скорость интернета на Волна 15, когда закончится пакет?",
			Text:  "Какая скорость интернета на Волна 15, когда закончится пакет?\nНа тарифе Волна 15 скорость интернета снижается до 128 Кбит/с, когда закончится пакет."},
		retrieval.Chunk{ID: "v50", DocumentID: "tariffs.md", Lang: "ru", Tenant: "acme", Title: "Тариф Волна 50",
			Text: "Тариф Волна 50: 50 ГБ в месяц и безлимитные звонки."},
	)
	return m
}

// answerFeature is the value of a's feature name; the test fails when a
// has no such feature.
func answerFeature(t *testing.T, a answer.Answer, name string) float64 {
	t.Helper()
	for _, f := range a.Features {
		if f.Name == name {
			return f.Value
		}
	}
	t.Fatalf("no %s among the features %v", name, a.Features)
	return 0
}
