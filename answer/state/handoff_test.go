package state

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/answerdesk/answerdesk/answer"
)

// TestHandoffUpdates: a conversation's open ticket is found, messages go to
// it, and each update reaches the webhook sink as ticket.updated, including
// one appended while the previous delivery was in flight.
func TestHandoffUpdates(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk testBackend) {
		ctx := context.Background()
		now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		db, _ := bk.open(t, Options{Now: func() time.Time { return now }}, SinkWebhook)
		tk, err := db.tickets.CreateTicket(ctx, answer.Ticket{Tenant: "a", ConversationID: "c1", Subject: "s",
			Transcript: []answer.Message{{Role: answer.RoleCustomer, Text: "help"}}})
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct{ tenant, conv, want string }{{"a", "c1", tk.ID}, {"a", "c2", ""}, {"b", "c1", ""}} {
			if got, err := db.tickets.HandedOver(ctx, tc.tenant, tc.conv); err != nil || got != tc.want {
				t.Errorf("HandedOver(%s, %s) = %q, %v; want %q", tc.tenant, tc.conv, got, err, tc.want)
			}
		}
		claim := func() OutboxItem {
			t.Helper()
			items, err := db.outbox.Claim(ctx, "test", now, time.Minute, 10)
			if err != nil || len(items) != 1 {
				t.Fatalf("claim: %+v, %v", items, err)
			}
			return items[0]
		}
		// The creation is in flight when the customer writes again.
		it := claim()
		if it.Event != EventTicketCreated || it.Revision != 0 {
			t.Fatalf("first delivery: %s rev %d", it.Event, it.Revision)
		}
		if err := db.tickets.AppendToTicket(ctx, "a", tk.ID, answer.Message{Role: answer.RoleCustomer, Text: "still there?"}); err != nil {
			t.Fatal(err)
		}
		if err := db.outbox.Delivered(ctx, it.TicketID, it.Sink, now); err != nil {
			t.Fatal(err)
		}
		// What was sent is outdated: the update goes out next.
		it = claim()
		if it.Event != EventTicketUpdated || it.Revision != 1 || len(it.Ticket.Transcript) != 2 || it.Ticket.Transcript[1].Text != "still there?" {
			t.Fatalf("update after an in-flight creation: %s rev %d %+v", it.Event, it.Revision, it.Ticket.Transcript)
		}
		if err := db.outbox.Delivered(ctx, it.TicketID, it.Sink, now); err != nil {
			t.Fatal(err)
		}
		if items, _ := db.outbox.Claim(ctx, "test", now, time.Minute, 10); len(items) != 0 {
			t.Fatalf("nothing is due after the update: %+v", items)
		}
		// A delivered row is re-armed by the next message; a pending ticket opens again.
		if _, err := db.tickets.SetTicketStatus(ctx, "a", tk.ID, StatusPending); err != nil {
			t.Fatal(err)
		}
		if err := db.tickets.AppendToTicket(ctx, "a", tk.ID, answer.Message{Role: answer.RoleCustomer, Text: "hello?"}); err != nil {
			t.Fatal(err)
		}
		if it = claim(); it.Event != EventTicketUpdated || it.Revision != 2 || it.Ticket.Status != StatusOpen || it.Attempts != 0 {
			t.Fatalf("second update: %s rev %d status %s attempts %d", it.Event, it.Revision, it.Ticket.Status, it.Attempts)
		}
		// Solved: the conversation is the bot's again, and the ticket takes nothing more.
		if _, err := db.tickets.SetTicketStatus(ctx, "a", tk.ID, StatusSolved); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.tickets.HandedOver(ctx, "a", "c1"); got != "" {
			t.Errorf("solved ticket still holds the conversation: %q", got)
		}
		if err := db.tickets.AppendToTicket(ctx, "a", tk.ID, answer.Message{Role: answer.RoleCustomer, Text: "late"}); !errors.Is(err, answer.ErrTicketClosed) {
			t.Errorf("append to a solved ticket: %v, want ErrTicketClosed", err)
		}
		if err := db.tickets.AppendToTicket(ctx, "b", tk.ID, answer.Message{Role: answer.RoleCustomer, Text: "x"}); !errors.Is(err, ErrNotFound) {
			t.Errorf("append to another tenant's ticket: %v, want ErrNotFound", err)
		}
	})
}

// TestHandBack: a helpdesk's solved or closed ends the handover of the
// ticket's conversation, whatever its tenant; repeats change nothing and a
// late "solved" does not reopen a closed ticket.
func TestHandBack(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk testBackend) {
		ctx := context.Background()
		db, _ := bk.open(t, Options{})
		tk, err := db.tickets.CreateTicket(ctx, answer.Ticket{Tenant: "a", ConversationID: "c1", Subject: "s"})
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := db.tickets.HandedOver(ctx, "a", "c1"); got != tk.ID {
			t.Fatalf("HandedOver before = %q", got)
		}
		steps := []struct {
			status, want string
			changed      bool
		}{
			{StatusSolved, StatusSolved, true},
			{StatusSolved, StatusSolved, false},
			{StatusClosed, StatusClosed, true},
			{StatusSolved, StatusClosed, false},
		}
		for _, st := range steps {
			got, changed, err := db.tickets.HandBack(ctx, tk.ID, st.status)
			if err != nil || got.Status != st.want || changed != st.changed || got.Tenant != "a" {
				t.Errorf("HandBack(%s) = %s changed=%v tenant=%q, %v; want %s changed=%v", st.status, got.Status, changed, got.Tenant, err, st.want, st.changed)
			}
			if h, _ := db.tickets.HandedOver(ctx, "a", "c1"); h != "" {
				t.Errorf("after HandBack(%s) the conversation is still handed over to %q", st.status, h)
			}
		}
		if _, _, err := db.tickets.HandBack(ctx, "tkt_missing", StatusSolved); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown ticket: %v, want ErrNotFound", err)
		}
		if _, _, err := db.tickets.HandBack(ctx, tk.ID, StatusOpen); !errors.Is(err, ErrInvalid) {
			t.Errorf("status open: %v, want ErrInvalid", err)
		}
	})
}
