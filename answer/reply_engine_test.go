package answer_test

import (
	"strings"
	"testing"

	"github.com/answerdesk/answerdesk/answer"
)

// TestEmailQuotedThreadIsNotTheQuestion: a question sent by email, with a
// signature and the support team's earlier reply quoted below it, gets the
// bare question's answer; when it escalates, the ticket keeps the whole
// message for the agent.
func TestEmailQuotedThreadIsNotTheQuestion(t *testing.T) {
	const bare = "Does the Lumen Hub support 5 GHz Wi-Fi?"
	const email = "Hi,\n\n" + bare + "\n\nThanks,\nAnna\n-- \nAnna Smith | Acme Corp | +1 555 0100\n\n" +
		"On Mon, 1 Dec 2026 at 10:00, Lumen Support <support@lumen.example> wrote:\n" +
		"> Hello Anna, to factory reset the hub press and hold the reset button for 15 seconds.\n" +
		"> Automations keep running on the hub itself when the internet is down; geofencing needs the app.\n> Kind regards"
	r := newRig(t, answer.DefaultConfig(), nil)
	want := ask(t, r, bare)
	if want.Decision != answer.Answered {
		t.Fatalf("the bare question: %s (%s) at %.3f; the test needs it answered", want.Decision, want.Reason, want.Confidence)
	}
	got := ask(t, r, email)
	if got.Decision != answer.Answered || len(got.Citations) == 0 || got.Citations[0].DocumentID != want.Citations[0].DocumentID {
		t.Errorf("the emailed question: %s (%s) at %.3f citing %v; want it answered from %s as the bare one (%.3f)",
			got.Decision, got.Reason, got.Confidence, got.Citations, want.Citations[0].DocumentID, want.Confidence)
	}

	// The same email as a mail client's HTML body.
	html := `<div dir="ltr">Hi,<br><br>` + bare + `<br><br>Thanks,<br>Anna</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">` +
		`On Mon, 1 Dec 2026 at 10:00, Lumen Support &lt;support@lumen.example&gt; wrote:<br></div><blockquote class="gmail_quote">` +
		`Hello Anna, to factory reset the hub press and hold the reset button for 15 seconds.<br>Automations keep running on the hub itself when the internet is down; geofencing needs the app.</blockquote></div>`
	got = ask(t, r, html)
	if got.Decision != answer.Answered || len(got.Citations) == 0 || got.Citations[0].DocumentID != want.Citations[0].DocumentID {
		t.Errorf("the HTML email: %s (%s) at %.3f citing %v; want it answered from %s as the bare one",
			got.Decision, got.Reason, got.Confidence, got.Citations, want.Citations[0].DocumentID)
	}

	cfg := answer.DefaultConfig()
	cfg.Confidence = answer.ConfidenceModel{Intercept: 0, Threshold: 0.9}
	r = newRig(t, cfg, nil)
	ask(t, r, email)
	if tk := r.tickets.Tickets(); len(tk) != 1 || len(tk[0].Transcript) != 1 || !strings.Contains(tk[0].Transcript[0].Text, "Kind regards") {
		t.Errorf("the ticket of an escalated email does not keep the whole message: %+v", tk)
	}
}
