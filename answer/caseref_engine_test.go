package answer_test

import (
	"context"
	"strings"
	"testing"

	"github.com/answerdesk/answerdesk/answer"
)

// TestCaseReferenceEscalates: a message about the customer's own order goes
// to a person even when the engine would answer the topic confidently, the
// ticket names the order and carries the answer the engine would have
// given; without the number the same question is answered; with the case
// nouns turned off it is answered too. A constant model (an intercept
// alone) sets the confidence above the threshold.
func TestCaseReferenceEscalates(t *testing.T) {
	const question = "How do I factory reset the Lumen hub?"
	cfg := answer.DefaultConfig()
	cfg.Confidence = answer.ConfidenceModel{Intercept: 5, Threshold: 0.9}
	if a := ask(t, newRig(t, cfg, nil), question); a.Decision != answer.Answered {
		t.Fatalf("without a reference: %s (%s), want answered", a.Decision, a.Reason)
	}
	r := newRig(t, cfg, nil)
	a := ask(t, r, question+" It came with order SWP-48213 last week.")
	if a.Decision != answer.Escalated || a.Reason != answer.ReasonCaseReference {
		t.Fatalf("with order SWP-48213: %s (%s), want escalated for %s", a.Decision, a.Reason, answer.ReasonCaseReference)
	}
	if a.Attempted == "" {
		t.Errorf("no attempted answer: the agent should see what the engine would have said")
	}
	if tk := r.tickets.Tickets(); len(tk) != 1 {
		t.Fatalf("%d tickets, want 1", len(tk))
	} else if want := "Case references: order SWP-48213."; !strings.Contains(tk[0].Summary, want) {
		t.Errorf("ticket summary %q does not say %q", tk[0].Summary, want)
	}
	// A number with a phone's or a postcode's shape is the case's: the
	// summary shows it whole.
	r = newRig(t, cfg, nil)
	ask(t, r, question+"\nЛицевой счёт 5512 0873\nOrder 100482")
	if tk := r.tickets.Tickets(); len(tk) != 1 || !strings.Contains(tk[0].Summary, "Case references: счёт 5512 0873; Order 100482.") {
		t.Errorf("tickets %+v: want one whose summary names счёт 5512 0873 and Order 100482", tk)
	}
	// The reference in the quoted thread of an email counts too: the
	// customer writes about that order.
	email := "How do I factory reset the Lumen hub?\n\nOn Tue, 3 Nov 2026 at 09:41, Lumen Support <help@lumen.example> wrote:\n> Your order SWP-48213 has shipped."
	if a := ask(t, newRig(t, cfg, nil), email); a.Reason != answer.ReasonCaseReference {
		t.Errorf("reference in the quoted reply: %s (%s), want %s", a.Decision, a.Reason, answer.ReasonCaseReference)
	}
	// A draft for an agent is answered: the agent has the case open.
	dr, err := newRig(t, cfg, nil).eng.Answer(context.Background(), answer.Request{Tenant: "acme", Question: question + " Order SWP-48213.", Draft: true})
	if err != nil || dr.Decision != answer.Answered {
		t.Errorf("draft: %s (%s), %v; want answered", dr.Decision, dr.Reason, err)
	}
	off := cfg
	off.CaseNouns = map[string][]string{}
	if a := ask(t, newRig(t, off, nil), question+" It came with order SWP-48213 last week."); a.Decision != answer.Answered {
		t.Errorf("case nouns off: %s (%s), want answered", a.Decision, a.Reason)
	}
}
