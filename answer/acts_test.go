package answer_test

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/answerdesk/answerdesk/answer"
)

// actSample is one line of testdata/conversation-acts.tsv.
type actSample struct{ label, lang, text string }

func readActSet(t *testing.T) []actSample {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "testdata", "conversation-acts.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []actSample
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		p := strings.SplitN(line, "\t", 3)
		if len(p) != 3 {
			t.Fatalf("bad line %q", line)
		}
		out = append(out, actSample{p[0], p[1], p[2]})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestConversationActsLabelledSet runs every message of the labelled set
// through the engine: a real question must never be swallowed by an act
// reply, and the acts must be recognised with their labels. The figures
// are logged (go test -run ConversationActsLabelledSet -v ./answer).
func TestConversationActsLabelledSet(t *testing.T) {
	set := readActSet(t)
	r := newRig(t, answer.DefaultConfig(), nil)
	var questions, acts, swallowed, missed, mislabelled int
	for _, s := range set {
		a := ask(t, r, s.text)
		replied := a.Decision == answer.Replied
		if s.label == "question" {
			questions++
			if replied {
				swallowed++
				t.Errorf("question swallowed as %q: %q", a.Act, s.text)
			}
			continue
		}
		acts++
		switch {
		case !replied:
			missed++
			t.Logf("act %s not recognised: %q", s.label, s.text)
		case string(a.Act) != s.label:
			mislabelled++
			t.Logf("act %s read as %s: %q", s.label, a.Act, s.text)
		}
	}
	// Precision on questions: of the messages the engine treated as
	// questions, the share that were questions.
	treatedAsQuestion := questions - swallowed + missed
	t.Logf("%d messages: %d questions (%d swallowed), %d acts (%d missed, %d mislabelled)", len(set), questions, swallowed, acts, missed, mislabelled)
	t.Logf("questions: recall %.3f, precision %.3f; acts: recall %.3f, label accuracy %.3f",
		float64(questions-swallowed)/float64(questions), float64(questions-swallowed)/float64(treatedAsQuestion),
		float64(acts-missed)/float64(acts), float64(acts-missed-mislabelled)/float64(acts))
	if len(set) < 300 || questions*2 < len(set) {
		t.Errorf("the labelled set has %d messages, %d questions: want ≥ 300, half questions", len(set), questions)
	}
	if float64(acts-missed) < 0.95*float64(acts) {
		t.Errorf("acts recognised %d of %d, want ≥ 95%%", acts-missed, acts)
	}
	if float64(mislabelled) > 0.05*float64(acts) {
		t.Errorf("%d of %d acts mislabelled, want ≤ 5%%", mislabelled, acts)
	}
	if n := len(r.tickets.Tickets()); n == 0 {
		t.Error("no ticket at all: the questions never reached the answer path")
	}
}

// TestActReplyOpensNoTicket: small talk gets a reply in the customer's
// language, recorded in the conversation, and opens no ticket.
func TestActReplyOpensNoTicket(t *testing.T) {
	r := newRig(t, answer.DefaultConfig(), nil)
	for _, tc := range []struct {
		q, lang string
		act     answer.Act
	}{
		{"hi", "en", answer.ActGreeting},
		{"спасибо, помогло!", "ru", answer.ActHelped},
		{"谢谢！", "zh", answer.ActThanks},
		{"?", "en", answer.ActEmpty},
		{"that didn't help", "en", answer.ActNotHelped},
	} {
		var events []answer.Event
		a, err := r.eng.Stream(context.Background(), answer.Request{Tenant: "acme", Question: tc.q, ConversationID: "c1"},
			func(ev answer.Event) { events = append(events, ev) })
		if err != nil {
			t.Fatal(err)
		}
		if a.Decision != answer.Replied || a.Act != tc.act || a.Lang != tc.lang || a.Text == "" || a.TicketID != "" {
			t.Errorf("%q: decision %s act %q lang %s text %q ticket %q; want replied %s in %s", tc.q, a.Decision, a.Act, a.Lang, a.Text, a.TicketID, tc.act, tc.lang)
		}
		var deltas []string
		for _, ev := range events {
			if ev.Type == answer.EventDelta {
				deltas = append(deltas, ev.Delta)
			}
		}
		if len(deltas) != 1 || deltas[0] != a.Text || events[len(events)-1].Type != answer.EventFinal {
			t.Errorf("%q: events %+v, want the reply as one delta, then the final answer", tc.q, events)
		}
	}
	if n := len(r.tickets.Tickets()); n != 0 {
		t.Errorf("%d tickets for small talk, want 0", n)
	}
	turns, err := r.convs.Turns(context.Background(), "acme", "c1")
	if err != nil || len(turns) != 10 {
		t.Errorf("conversation has %d turns (%v), want 10: each act and its reply", len(turns), err)
	}
	if a := ask(t, r, "thanks, but it still doesn't work"); a.Decision == answer.Replied {
		t.Errorf("a problem report after thanks was swallowed as %s", a.Act)
	}
	if a := ask(t, r, "not helpful"); !strings.Contains(a.Text, "human") {
		t.Errorf("not_helped reply %q does not offer a person", a.Text)
	}
}
