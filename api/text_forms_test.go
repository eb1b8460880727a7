package api

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/answer/state"
	"github.com/answerdesk/answerdesk/ingest"
	"github.com/google/go-cmp/cmp"
)

// contains fails t for each of wants missing from got, and for each of
// absent present in it.
func contains(t *testing.T, what, got string, wants []string, absent ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, got)
		}
	}
	for _, a := range absent {
		if strings.Contains(got, a) {
			t.Errorf("%s has %q:\n%s", what, a, got)
		}
	}
}

func TestSnippet(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"short\n  text", 40, "short text"},
		{"abcdef", 3, "abc…"},
		{"Привет", 3, "П…"}, // never cut inside a rune
	} {
		if got := Snippet(tc.in, tc.n); got != tc.want {
			t.Errorf("Snippet(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}

// TestWriteAnswerText: an answer shows its sources with heading, page and
// link; an escalation shows the notice, the ticket's routing and the
// attempt kept for the agent, never the attempt as the answer.
func TestWriteAnswerText(t *testing.T) {
	var b bytes.Buffer
	ans := answer.Answer{Decision: answer.Answered, Text: "Hold the button [1].", Question: "reset?", Standalone: "how do I reset the hub?",
		Confidence: 0.91, Threshold: 0.5, Lang: "en", Intent: "hub_reset", IntentScore: 0.8, Sentiment: "neutral", ConversationID: "c1",
		Citations: []answer.Citation{{N: 1, Title: "Guide", DocumentID: "guide", Heading: "Reset", Page: 3, URL: "https://x.example/g", Quote: "Hold\nthe button"}},
		Features:  []answer.Feature{{Name: "top_score", Value: 1.5, Contribution: 0.25}}}
	if err := WriteAnswerText(&b, ans); err != nil {
		t.Fatal(err)
	}
	contains(t, "answer", b.String(), []string{"Hold the button [1].\n\nsources:", `[1] Guide — guide › Reset (page 3) https://x.example/g`,
		`"Hold the button"`, "decision:   answered\n", "confidence: 0.910 (threshold 0.500)", "intent hub_reset (model, 0.80)",
		"read as:    how do I reset the hub?", "conversation: c1", "top_score            1.500 → +0.250"}, "ticket:", "attempted")

	b.Reset()
	esc := answer.Answer{Decision: answer.Escalated, Notice: "A person will reply.", Reason: answer.ReasonLowConfidence, TicketID: "tkt_1",
		Priority: answer.PriorityHigh, Queue: "billing", Attempted: "Maybe refund.", Text: "Maybe refund.", Question: "q", Standalone: "q",
		Articles: []answer.Article{{DocumentID: "refunds", Title: "Refunds", URL: "https://x.example/r"}}}
	if err := WriteAnswerText(&b, esc); err != nil {
		t.Fatal(err)
	}
	contains(t, "escalation", b.String(), []string{"A person will reply.\n\narticles offered:\n  Refunds — refunds https://x.example/r\n\ndecision:   escalated (low_confidence)",
		"ticket:     tkt_1 (priority high, queue billing)", "attempted answer (on the ticket, not shown to the customer):\n  Maybe refund."},
		"sources:", "read as:")
}

// TestWriteTicketText: a ticket's list line and full form carry each
// sink's delivery; a pending one shows its next attempt and last error.
func TestWriteTicketText(t *testing.T) {
	at := time.Date(2026, 3, 1, 10, 20, 30, 0, time.UTC)
	tk := answer.Ticket{ID: "tkt_1", Status: state.StatusOpen, Subject: "refund\nplease", Reason: answer.ReasonHumanRequested,
		Priority: answer.PriorityUrgent, Queue: "billing", Lang: "en", Intent: "billing_issue", Created: at, ConversationID: "c1",
		Transcript: []answer.Message{{Role: answer.RoleCustomer, Text: "refund please"}}, Attempted: "See billing [1].", Confidence: 0.2,
		Citations: []answer.Citation{{N: 1, Title: "Billing", DocumentID: "billing"}},
		Deliveries: []answer.Delivery{{Sink: state.SinkQueue, State: state.DeliveryDelivered, Attempts: 1, Delivered: at},
			{Sink: state.SinkWebhook, State: state.DeliveryPending, Attempts: 2, NextAt: at.Add(time.Minute), LastError: "503"}}}
	var b bytes.Buffer
	if err := WriteTicketsText(&b, []answer.Ticket{tk}); err != nil {
		t.Fatal(err)
	}
	contains(t, "ticket list", b.String(), []string{"ID ", "tkt_1", "2026-03-01 10:20", "urgent", "queue:delivered webhook:pending", "refund please"})
	b.Reset()
	if err := WriteTicketText(&b, tk); err != nil {
		t.Fatal(err)
	}
	contains(t, "ticket", b.String(), []string{"ticket:     tkt_1 (open)", "reason:     human_requested · priority urgent · queue billing · language en · intent billing_issue",
		"  customer: refund please", "attempted answer (confidence 0.200):\n  See billing [1].", "[1] Billing — billing",
		"queue    delivered attempts 1 · delivered 2026-03-01 10:20:30", "webhook  pending   attempts 2 · next 10:21:30 · last error: 503"})
}

// TestAssistText: the similar tickets (or that there are none), and a
// suggestion that was withheld shows why and its unverified attempt
// before the similar tickets.
func TestAssistText(t *testing.T) {
	var b bytes.Buffer
	if err := (SimilarTickets{}).WriteText(&b); err != nil || b.String() != "no similar solved ticket\n" {
		t.Errorf("no similar: %q, %v", b.String(), err)
	}
	b.Reset()
	s := Suggestion{Reason: "low_confidence", Attempted: "Try a reset.", Lang: "en", Confidence: 0.3, Threshold: 0.5,
		Citations: []Citation{{N: 1, Title: "Guide", DocumentID: "guide"}},
		Similar:   []SimilarTicket{{ID: "tkt_9", Subject: "hub resets", Resolution: "Replace the adapter.", Score: 0.75}}}
	if err := s.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	contains(t, "suggestion", b.String(), []string{"no reply suggested (low_confidence; confidence 0.300, threshold 0.500); the unverified attempt:\n\nTry a reset.\n",
		"  [1] Guide — guide\n\nsimilar solved tickets:\n  0.750  tkt_9  hub resets\n         reply: Replace the adapter."}, "suggested reply")
}

func TestWriteIngestText(t *testing.T) {
	var b bytes.Buffer
	s := ingest.Summary{Files: 3, Added: 1, Unchanged: 1, Chunks: 4, Failed: []ingest.Failure{{Path: "a.pdf", Err: errors.New("encrypted")}},
		Skipped: []ingest.Failure{{Path: "b.bin", Err: ingest.ErrUnsupported}}, Losses: []ingest.FileLosses{{Path: "c.html", Losses: []ingest.Loss{{Where: "row 2", Reason: "empty"}}}}}
	if err := WriteIngestText(&b, s, 1500*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	contains(t, "ingest summary", b.String(), []string{"files: 3  added: 1  updated: 0  unchanged: 1  deleted: 0  failed: 1  chunks written: 4  (1.5s)",
		"FAILED  a.pdf: encrypted", "skipped b.bin: ", "dropped c.html row 2: empty"})
}

// TestListText: the feedback, audit and key tables, with the next page's
// cursor when there is one and a revoked key's date.
func TestListText(t *testing.T) {
	at := time.Date(2026, 3, 1, 10, 20, 30, 0, time.UTC)
	var b bytes.Buffer
	if err := (FeedbackList{Feedback: []FeedbackEntry{{ID: 7, AnswerID: "a1", Thumbs: "down", Rating: 2, Comment: "wrong", Created: at}}, Next: 7}).WriteText(&b); err != nil {
		t.Fatal(err)
	}
	contains(t, "feedback", b.String(), []string{"CORRECTION", "7   2026-03-01 10:20  a1      down    2       wrong", "(more: --before 7)"})
	b.Reset()
	if err := (AuditList{Entries: []AuditEntry{{ID: 3, Actor: "cli", Action: "key.create", Target: "k1", At: at}}}).WriteText(&b); err != nil {
		t.Fatal(err)
	}
	contains(t, "audit", b.String(), []string{"3   2026-03-01 10:20:30  cli    key.create  k1"}, "more:")
	b.Reset()
	keys := []state.Key{{ID: "k1", Prefix: "ak_12", Tenant: "acme", Scopes: []string{"ask", "ingest"}, Created: at, Revoked: at.Add(time.Hour)},
		{ID: "k2", Prefix: "pk_34", Tenant: "acme", Scopes: []string{"ask"}, Created: at, Origins: []string{"https://shop.example"}}}
	if err := WriteKeysText(&b, keys); err != nil {
		t.Fatal(err)
	}
	contains(t, "keys", b.String(), []string{"ak_12…", "ask,ingest", "revoked 2026-03-01 11:20", "active", "https://shop.example"})
}

func TestDemoOrigins(t *testing.T) {
	for url, want := range map[string][]string{
		"http://localhost:8080":  {"http://localhost:8080", "http://127.0.0.1:8080"},
		"http://127.0.0.1:41234": {"http://127.0.0.1:41234", "http://localhost:41234"},
		"http://10.0.0.5:8080":   {"http://10.0.0.5:8080"},
	} {
		if diff := cmp.Diff(want, DemoOrigins(url)); diff != "" {
			t.Errorf("DemoOrigins(%q) (-want +got):\n%s", url, diff)
		}
	}
}
