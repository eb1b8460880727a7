package answer_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/retrieval"
)

// TestArticlesOfferedWithLowConfidenceEscalations: an escalation for low
// confidence at or above the floor offers the hits' distinct documents,
// best first, up to Config.Articles; below the floor, with articles turned
// off, for an answer and for a request for a person it offers none. The
// constant models (an intercept alone) set the confidence.
func TestArticlesOfferedWithLowConfidenceEscalations(t *testing.T) {
	const question = "How do I factory reset the Lumen hub?"
	model := func(intercept float64) answer.ConfidenceModel {
		return answer.ConfidenceModel{Intercept: intercept, Threshold: 0.9}
	}
	cfg := answer.DefaultConfig()
	cfg.Confidence = model(0) // 0.5: above the floor, below the threshold
	cfg.Articles = 2
	a := ask(t, newRig(t, cfg, nil), question)
	if a.Decision != answer.Escalated || a.Reason != answer.ReasonLowConfidence {
		t.Fatalf("%s (%s) at confidence %.3f; want a low-confidence escalation", a.Decision, a.Reason, a.Confidence)
	}
	var docs []string
	for _, h := range a.Hits {
		if len(docs) == 0 || docs[len(docs)-1] != h.DocumentID {
			docs = append(docs, h.DocumentID)
		}
	}
	if len(a.Articles) != 2 || a.Articles[0].DocumentID != a.Hits[0].DocumentID || a.Articles[0].DocumentID == a.Articles[1].DocumentID {
		t.Fatalf("articles %+v; want the 2 best distinct documents of the hits %v", a.Articles, docs)
	}
	for _, ar := range a.Articles {
		if ar.Title == "" {
			t.Errorf("article %+v has no title", ar)
		}
	}
	// The agent's ticket says what the customer was given to read.
	r := newRig(t, cfg, nil)
	ask(t, r, question)
	if tk := r.tickets.Tickets(); len(tk) != 1 {
		t.Errorf("%d tickets, want 1", len(tk))
	} else if want := "Articles offered: " + a.Articles[0].Title + "; " + a.Articles[1].Title + "."; !strings.Contains(tk[0].Summary, want) {
		t.Errorf("ticket summary %q does not say %q", tk[0].Summary, want)
	}

	for _, tc := range []struct {
		name     string
		question string
		edit     func(*answer.Config)
	}{
		{"below the floor", question, func(c *answer.Config) { c.Confidence = model(-2) }},
		{"turned off", question, func(c *answer.Config) { c.Articles = -1 }},
		{"answered", question, func(c *answer.Config) { c.Confidence = model(5) }},
		{"a person asked for", "I want to talk to a real person about resetting the hub", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := cfg
			if tc.edit != nil {
				tc.edit(&c)
			}
			if a := ask(t, newRig(t, c, nil), tc.question); len(a.Articles) != 0 {
				t.Errorf("%s (%s) at confidence %.3f offers %+v; want no articles", a.Decision, a.Reason, a.Confidence, a.Articles)
			}
		})
	}
}

// TestArticlesNotOfferedWhenVetoed: a veto says the passage is about
// another sibling, so its escalation offers no articles, though the vetoed
// confidence (half the threshold) is above the floor; the same question
// escalated without the veto offers them.
func TestArticlesNotOfferedWhenVetoed(t *testing.T) {
	const question = "Какая скорость интернета на Волна 50, когда закончится пакет?"
	cfg := answer.DefaultConfig()
	cfg.ArticleFloor = 0.3
	cfg.Confidence = answer.ConfidenceModel{Intercept: 5, Threshold: 0.9, Vetoes: []string{answer.FeatureSiblingMiss}}
	a := ask(t, newRig(t, cfg, func(d *answer.Deps) { d.Retriever = volnaKB() }), question)
	if a.Reason != answer.ReasonLowConfidence || a.Confidence < cfg.ArticleFloor || len(a.Articles) != 0 {
		t.Errorf("vetoed: %s (%s) at confidence %.3f offers %+v; want a low-confidence escalation above the floor with no articles",
			a.Decision, a.Reason, a.Confidence, a.Articles)
	}
	cfg.Confidence = answer.ConfidenceModel{Intercept: 1, Threshold: 0.9}
	a = ask(t, newRig(t, cfg, func(d *answer.Deps) { d.Retriever = volnaKB() }), question)
	if a.Reason != answer.ReasonLowConfidence || len(a.Articles) != 2 || a.Articles[0].DocumentID != a.Hits[0].DocumentID {
		t.Errorf("not vetoed: %s (%s) at confidence %.3f offers %+v; want both documents offered, the best hit's first", a.Decision, a.Reason, a.Confidence, a.Articles)
	}
}

// TestArticlesInTheCustomersLanguage: a document in another language than
// the question's is not offered, though it was retrieved.
func TestArticlesInTheCustomersLanguage(t *testing.T) {
	m := &memIndex{}
	m.add(
		retrieval.Chunk{ID: "en", DocumentID: "en/reset.md", Lang: "en", Tenant: "acme", Title: "Resetting the Lumen hub",
			Text: "To reset the Lumen hub, hold the reset button for ten seconds."},
		retrieval.Chunk{ID: "ru", DocumentID: "ru/reset.md", Lang: "ru", Tenant: "acme", Title: "Сброс Lumen hub",
			Text: "Чтобы сбросить Lumen hub, удерживайте кнопку reset десять секунд."},
	)
	cfg := answer.DefaultConfig()
	cfg.Confidence = answer.ConfidenceModel{Intercept: 0, Threshold: 0.9}
	a := ask(t, newRig(t, cfg, func(d *answer.Deps) { d.Retriever = m }), "How do I reset the Lumen hub reset button?")
	var retrieved []string
	for _, h := range a.Hits {
		retrieved = append(retrieved, h.DocumentID)
	}
	if !slices.Contains(retrieved, "ru/reset.md") {
		t.Fatalf("the Russian document was not retrieved (hits %v): the test needs it", retrieved)
	}
	if len(a.Articles) != 1 || a.Articles[0].DocumentID != "en/reset.md" {
		t.Errorf("articles %+v for an English question; want the English document only", a.Articles)
	}
}
