package answer_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/answer/state"
	"github.com/answerdesk/answerdesk/retrieval"
	"github.com/google/go-cmp/cmp"
)

// TestTicketRedactedOnceWhateverTheStore: the engine redacts a ticket
// before any store sees it, so the in-memory store (tests, eval) and the
// SQLite one (production) hold the same ticket: the customer's personal
// data masked, the attempted answer (the tenant's own knowledge base, here
// its published support address) kept. MemoryTickets used to redact the
// attempted answer too, and SQLite not.
func TestTicketRedactedOnceWhateverTheStore(t *testing.T) {
	ctx := context.Background()
	db, err := state.Open(ctx, filepath.Join(t.TempDir(), "state.db"), state.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	stores := map[string]answer.TicketWriter{"memory": &answer.MemoryTickets{}, "sqlite": state.NewTicketStore(db, nil, nil)}
	got := map[string]answer.Ticket{}
	for name, tickets := range stores {
		kb := lumenKB()
		kb.add(retrieval.Chunk{ID: "contact", DocumentID: "contact.md", Lang: "en", Title: "Contact",
			Text: "For warranty claims write to warranty@lumen.example with your order number."})
		eng, err := answer.New(answer.DefaultConfig(), answer.Deps{Retriever: kb, Tickets: tickets})
		if err != nil {
			t.Fatal(err)
		}
		a, err := eng.Answer(ctx, answer.Request{Tenant: "acme", Channel: "test",
			Question: "I want to talk to a human about my warranty claim, I am jane.doe@example.com, call +1 415 555 0100",
			Customer: map[string]string{"email": "jane.doe@example.com"}})
		if err != nil {
			t.Fatal(err)
		}
		if a.Decision != answer.Escalated || !strings.Contains(a.Attempted, "warranty@lumen.example") {
			t.Fatalf("%s: %s (%s), attempted %q; want an escalation quoting the support address", name, a.Decision, a.Reason, a.Attempted)
		}
		var tk answer.Ticket
		switch s := tickets.(type) {
		case *answer.MemoryTickets:
			tk = s.Tickets()[0]
		case *state.TicketStore:
			if tk, err = s.Ticket(ctx, "acme", a.TicketID); err != nil {
				t.Fatal(err)
			}
		}
		// The customer contact is the tenant's, for the agent to reply to:
		// kept as given. What the customer typed is masked.
		if tk.Customer["email"] != "jane.doe@example.com" {
			t.Errorf("%s: customer contact = %v, want the e-mail as given", name, tk.Customer)
		}
		for _, text := range []string{tk.Subject, tk.Summary, tk.Transcript[len(tk.Transcript)-1].Text} {
			if strings.Contains(text, "jane.doe") || strings.Contains(text, "555 0100") {
				t.Errorf("%s: personal data stored: %q", name, text)
			}
		}
		// One redaction of the question per answer: the ticket's turn is
		// what the answer log and the conversation turn are given.
		if q := tk.Transcript[len(tk.Transcript)-1].Text; a.QuestionRedacted != q {
			t.Errorf("%s: answer's redacted question %q, want the ticket's %q", name, a.QuestionRedacted, q)
		}
		got[name] = tk
	}
	m, s := got["memory"], got["sqlite"]
	if !strings.Contains(m.Attempted, "warranty@lumen.example") {
		t.Errorf("memory store redacted the attempted answer: %q", m.Attempted)
	}
	type stored struct {
		Subject, Summary, Attempted string
		Customer                    map[string]string
		Transcript                  []string
	}
	view := func(tk answer.Ticket) stored {
		v := stored{Subject: tk.Subject, Summary: tk.Summary, Attempted: tk.Attempted, Customer: tk.Customer}
		for _, m := range tk.Transcript {
			v.Transcript = append(v.Transcript, m.Role+": "+m.Text)
		}
		return v
	}
	if diff := cmp.Diff(view(m), view(s)); diff != "" {
		t.Errorf("memory and sqlite tickets differ (-memory +sqlite):\n%s", diff)
	}
}

// TestTicketSummaryRedactsPassageTitlesAndReadAs: a ticket's summary is
// composed of pieces redacted one by one, not redacted again as a whole,
// so each piece that can hold personal data must be redacted on its own:
// the titles of the passages tried (the tenant's documents: here one
// names a person with her phone number and e-mail) and the question as
// read after rewriting (here a rewriter that puts the customer's phone
// number into it). Dropping either piece's redaction fails this test.
func TestTicketSummaryRedactsPassageTitlesAndReadAs(t *testing.T) {
	ctx := context.Background()
	kb := lumenKB()
	kb.add(retrieval.Chunk{ID: "warranty-desk", DocumentID: "warranty.md", Lang: "en",
		Title: "Warranty claims: Jane Doe, +1 415 555 0199, jane.doe@lumen.example",
		Text:  "Warranty claims for the Lumen hub are handled by the warranty desk within five days."})
	tickets := &answer.MemoryTickets{}
	rw := rewriterFunc(func(h []answer.Message, q string) (string, error) {
		return "warranty claim for the Lumen hub, call me on +44 20 7946 0958", nil
	})
	eng, err := answer.New(answer.DefaultConfig(), answer.Deps{Retriever: kb, Tickets: tickets,
		Conversations: &answer.MemoryConversations{}, Rewriter: rw})
	if err != nil {
		t.Fatal(err)
	}
	first, err := eng.Answer(ctx, answer.Request{Tenant: "acme", Channel: "test", Question: "How are warranty claims for the Lumen hub handled?"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := eng.Answer(ctx, answer.Request{Tenant: "acme", Channel: "test", ConversationID: first.ConversationID,
		Question: "I want to talk to a human about my warranty claim"})
	if err != nil {
		t.Fatal(err)
	}
	if a.Decision != answer.Escalated {
		t.Fatalf("decision %s (%s), want an escalation", a.Decision, a.Reason)
	}
	all := tickets.Tickets()
	sum := all[len(all)-1].Summary
	if !strings.Contains(sum, "Read as:") || !strings.Contains(sum, "Sources tried:") || !strings.Contains(sum, "Warranty claims") {
		t.Fatalf("summary %q: want the question as read and the warranty desk among the sources tried", sum)
	}
	for _, raw := range []string{"555 0199", "jane.doe@lumen.example", "7946 0958"} {
		if strings.Contains(sum, raw) {
			t.Errorf("summary holds %q unredacted: %q", raw, sum)
		}
	}
	for _, mask := range []string{"[PHONE]", "[EMAIL]"} {
		if !strings.Contains(sum, mask) {
			t.Errorf("summary %q: want %s where the personal data was", sum, mask)
		}
	}
}
