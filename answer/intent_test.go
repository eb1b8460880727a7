package answer_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/answer/intent"
	"github.com/answerdesk/answerdesk/retrieval"
	"github.com/google/go-cmp/cmp"
)

// trainedIntents returns a directory holding a real model for tenant acme
// that tells hub resets from billing questions.
func trainedIntents(t *testing.T) *intent.Dir {
	t.Helper()
	var ex []intent.Example
	add := func(label string, words, frames []string) {
		for _, greet := range []string{"", "hi, ", "hello ", "please: "} {
			for _, w := range words {
				for _, f := range frames {
					ex = append(ex, intent.Example{Text: greet + strings.Replace(f, "%s", w, 1), Label: label})
				}
			}
		}
	}
	add("hub_reset", []string{"reset", "restart", "reboot", "factory settings", "wipe"},
		[]string{"how do I %s the hub", "%s my hub please", "hub %s steps", "need to %s the device", "can I %s it"})
	add("billing_issue", []string{"invoice", "refund", "price", "subscription", "payment"},
		[]string{"question about my %s", "where is my %s", "%s is wrong", "I need a %s", "change the %s"})
	m, err := intent.Train(context.Background(), ex, intent.Options{})
	if err != nil {
		t.Fatal(err)
	}
	d := intent.NewDir(t.TempDir(), "")
	if err := d.Save("acme", m); err != nil {
		t.Fatal(err)
	}
	return d
}

func TestTrainedIntentLabelsAnswers(t *testing.T) {
	cfg := answer.DefaultConfig()
	cfg.Routes = append([]answer.Route{{Intent: "hub_reset", Queue: "devices"}}, cfg.Routes...)
	r := newRig(t, cfg, func(d *answer.Deps) { d.Intents = trainedIntents(t) })

	a := ask(t, r, "How do I factory reset the Lumen hub?")
	if a.Intent != "hub_reset" || a.IntentScore <= 0.5 || a.IntentScore > 1 {
		t.Errorf("intent %q score %v, want hub_reset from the model", a.Intent, a.IntentScore)
	}
	// Routing rules use the model's labels.
	h := ask(t, r, "how do I reset the hub? talk to a human")
	if h.Decision != answer.Escalated || h.Intent != "hub_reset" || h.Queue != "devices" {
		t.Errorf("escalation: intent %q queue %q decision %s, want hub_reset routed to devices", h.Intent, h.Queue, h.Decision)
	}
	if tk := r.tickets.Tickets(); len(tk) != 1 || tk[0].Intent != "hub_reset" || tk[0].Queue != "devices" {
		t.Errorf("tickets %+v", tk)
	}
	// A must-escalate topic keeps its name.
	if l := ask(t, r, "If the hub is not reset I will contact my lawyer"); l.Intent != "legal_threat" || l.IntentScore != 0 {
		t.Errorf("legal threat labelled %q (%v)", l.Intent, l.IntentScore)
	}
}

func TestTrainedIntentFallsBackToKeywords(t *testing.T) {
	dir := trainedIntents(t)
	r := newRig(t, answer.DefaultConfig(), func(d *answer.Deps) { d.Intents = dir })
	// Another tenant has no model: the keyword intents decide.
	a, err := r.eng.Answer(context.Background(), answer.Request{Tenant: "other", Question: "How do I factory reset the Lumen hub?"})
	if err != nil {
		t.Fatal(err)
	}
	if a.Intent != "technical" || a.IntentScore != 0 {
		t.Errorf("tenant without a model: intent %q (%v), want the keyword intent technical", a.Intent, a.IntentScore)
	}
	// Out of scope for the model: the keywords decide.
	if a := ask(t, r, "zigbee mesh wifi error"); a.Intent != "technical" || a.IntentScore != 0 {
		t.Errorf("out-of-scope question: intent %q (%v), want the keyword intent technical", a.Intent, a.IntentScore)
	}
}

// intentFunc is a scripted answer.IntentClassifier.
type intentFunc func(tenant, text string, vec []float32) (string, float64, bool, error)

func (f intentFunc) Classify(_ context.Context, tenant, text string, _ []string, vec []float32) (string, float64, bool, error) {
	return f(tenant, text, vec)
}

// analyzedIntents records the analysis the classifier is handed.
type analyzedIntents struct {
	text  string
	terms []string
}

func (c *analyzedIntents) Classify(_ context.Context, _, text string, terms []string, _ []float32) (string, float64, bool, error) {
	c.text, c.terms = text, terms
	return "", 0, false, nil
}

// TestIntentClassifierGetsTheAnalysis: the classifier is handed the
// question's terms as the engine analyzed them (the standalone question of
// a follow-up), not left to analyze the text again.
func TestIntentClassifierGetsTheAnalysis(t *testing.T) {
	cls := &analyzedIntents{}
	r := newRig(t, answer.DefaultConfig(), func(d *answer.Deps) { d.Intents = cls })
	q := "How do I factory reset the Lumen hub?"
	ask(t, r, q)
	if cls.text != q {
		t.Fatalf("classifier text %q, want %q", cls.text, q)
	}
	if diff := cmp.Diff(retrieval.DefaultAnalyzer.Terms(q), cls.terms); diff != "" {
		t.Errorf("classifier terms (-analyzer +got):\n%s", diff)
	}
	if diff := cmp.Diff(r.kb.queries[len(r.kb.queries)-1].Terms, cls.terms); diff != "" {
		t.Errorf("classifier and store got different analyses (-store +classifier):\n%s", diff)
	}
}

func TestIntentClassifierGetsTheQueryVector(t *testing.T) {
	var got []float32
	var gotTenant string
	fail := false
	cls := intentFunc(func(tenant, text string, vec []float32) (string, float64, bool, error) {
		got, gotTenant = vec, tenant
		if fail {
			return "", 0, false, errors.New("model file corrupt")
		}
		return "hub_reset", 0.9, true, nil
	})
	emb := embedderFunc(func(string) ([]float32, error) { return []float32{0.6, 0.8}, nil })
	r := newRig(t, answer.DefaultConfig(), func(d *answer.Deps) { d.Intents, d.Embedder = cls, emb })
	a := ask(t, r, "How do I factory reset the Lumen hub?")
	if len(got) != 2 || len(r.kb.queries[0].Dense) != 2 || gotTenant != "acme" {
		t.Errorf("classifier vector %v tenant %q, retrieval vector %v: both want the question's embedding", got, gotTenant, r.kb.queries[0].Dense)
	}
	if a.Intent != "hub_reset" || a.IntentScore != 0.9 {
		t.Errorf("intent %q %v", a.Intent, a.IntentScore)
	}
	fail = true
	b := ask(t, r, "How do I factory reset the Lumen hub?")
	if b.Intent != "technical" || b.Decision != answer.Answered || !strings.Contains(r.logs.String(), "intent model unavailable") {
		t.Errorf("failing model: intent %q decision %s; want the keyword intent, answered, and a warning", b.Intent, b.Decision)
	}
}
