package state

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/answerdesk/answerdesk/answer"
)

// seedCustomer writes, for tenant, an answer, a conversation, feedback and
// an escalation ticket of customer id (e-mail and phone in its customer
// fields).
func seedCustomer(t *testing.T, st stores, tenant, id, email, phone string, at time.Time) {
	t.Helper()
	ctx := context.Background()
	conv := "conv-" + tenant + "-" + id
	a := answer.Answer{ID: "ans-" + tenant + "-" + id, ConversationID: conv, Question: "where is my order, write to " + email,
		Decision: answer.Answered, CustomerID: id, Created: at}
	if err := st.convs.LogAnswer(ctx, tenant, a); err != nil {
		t.Fatal(err)
	}
	if err := st.convs.Append(ctx, tenant, conv, answer.Message{Role: answer.RoleCustomer, Text: "where is my order", At: at},
		answer.Message{Role: answer.RoleAssistant, Text: "It ships in 2 days.", At: at}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.feedback.AddFeedback(ctx, Feedback{Tenant: tenant, AnswerID: a.ID, Rating: 2, Comment: "too slow",
		Correction: "Orders ship within 2 days."}); err != nil {
		t.Fatal(err)
	}
	tk, err := st.tickets.CreateTicket(ctx, answer.Ticket{Tenant: tenant, Subject: "order for " + id, Summary: "customer wants a human",
		ConversationID: conv, Customer: map[string]string{"id": id, "email": email, "phone": phone, "tier": "gold"},
		Transcript: []answer.Message{{Role: answer.RoleCustomer, Text: "talk to a human", At: at}}, Reason: answer.ReasonHumanRequested,
		Queue: "support", Created: at})
	if err != nil {
		t.Fatal(err)
	}
	// The ticket as solved by an agent: an FAQ candidate whose question
	// (the subject) names the customer.
	tk.Status = StatusSolved
	tk.Transcript = append(tk.Transcript, answer.Message{Role: answer.RoleAgent, Text: "Your order ships today."})
	if ok, err := NewFAQStore(st.db).AddTicketCandidate(ctx, tk); err != nil || !ok {
		t.Fatalf("ticket candidate: %v %v", ok, err)
	}
}

func TestCustomerExportErase(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk testBackend) {
		ctx := context.Background()
		t0 := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
		st, path := bk.open(t, Options{Now: func() time.Time { return t0 }})
		cs := NewCustomerStore(st.db, st.tickets, st.convs)
		seedCustomer(t, st, "acme", "cust-4242", "jane.doe@example.com", "+1 415 555 0100", t0)
		seedCustomer(t, st, "acme", "cust-7", "bob@example.org", "+1 212 555 0199", t0.Add(time.Hour))
		seedCustomer(t, st, "beta", "cust-1313", "kim@example.net", "+44 20 7946 0958", t0)

		d, err := cs.Export(ctx, "acme", "cust-4242")
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Answers) != 1 || len(d.Conversations["conv-acme-cust-4242"]) != 2 || len(d.Feedback) != 1 || len(d.Tickets) != 1 ||
			d.Tickets[0].Customer["email"] != "jane.doe@example.com" {
			t.Fatalf("export %+v", d)
		}
		// The candidates made from the customer's correction and solved ticket
		// hold the customer's questions: they are the customer's data too.
		if len(d.FAQCandidates) != 2 || d.FAQCandidates[0].Source != SourceCorrection || d.FAQCandidates[1].Source != SourceTicket ||
			d.FAQCandidates[1].Question != "order for cust-4242" || d.Feedback[0].Correction != "Orders ship within 2 days." {
			t.Errorf("export's candidates %+v and feedback %+v, want the correction's and the ticket's, with the correction", d.FAQCandidates, d.Feedback)
		}
		if other, _ := cs.Export(ctx, "beta", "cust-4242"); len(other.Answers)+len(other.Tickets)+len(other.Feedback)+len(other.FAQCandidates) != 0 {
			t.Errorf("beta's export of acme's customer: %+v", other)
		}

		traces := []string{"cust-4242", "jane.doe@example.com", "+1 415 555 0100"}
		// On SQLite: the bytes of state.db and its WAL. On PostgreSQL,
		// whose files are the server's: every row of every table as text.
		files := func() []byte {
			if bk.name == "postgres" {
				return allRows(t, st.db)
			}
			var all []byte
			for _, f := range []string{path, path + "-wal"} {
				b, err := os.ReadFile(f)
				if err != nil && !os.IsNotExist(err) {
					t.Fatal(err)
				}
				all = append(all, b...)
			}
			return all
		}
		before := files()
		for _, tr := range traces[:2] {
			if !bytes.Contains(before, []byte(tr)) {
				t.Fatalf("%q not in state.db before erasure: the check below would prove nothing", tr)
			}
		}

		e, err := cs.Erase(ctx, "acme", "cust-4242")
		if err != nil {
			t.Fatal(err)
		}
		if e != (Erasure{Answers: 1, Turns: 2, Feedback: 1, Tickets: 1, FAQCandidates: 2}) {
			t.Errorf("erasure %+v", e)
		}
		after := files()
		for _, tr := range traces {
			if i := bytes.Index(after, []byte(tr)); i >= 0 {
				t.Errorf("%q still in state.db or its WAL at byte %d after erasure", tr, i)
			}
		}
		if wal, err := os.Stat(path + "-wal"); err == nil && wal.Size() != 0 {
			t.Errorf("WAL is %d bytes after erasure, want truncated", wal.Size())
		}
		if d, _ := cs.Export(ctx, "acme", "cust-4242"); len(d.Answers)+len(d.Tickets)+len(d.Feedback)+len(d.Conversations)+len(d.FAQCandidates) != 0 {
			t.Errorf("export after erasure %+v", d)
		}
		// The ticket stays, anonymized.
		tks, err := st.tickets.Tickets(ctx, TicketFilter{Tenant: "acme"})
		if err != nil || len(tks) != 2 {
			t.Fatalf("tickets %v %v", tks, err)
		}
		for _, tk := range tks {
			if tk.Customer["id"] == "cust-7" {
				if tk.Customer["email"] != "bob@example.org" || len(tk.Transcript) != 1 {
					t.Errorf("the other customer's ticket changed: %+v", tk)
				}
				continue
			}
			if len(tk.Customer) != 0 || len(tk.Transcript) != 0 || tk.Subject != "" || tk.ConversationID != "" || tk.Queue != "support" || tk.Status != "open" {
				t.Errorf("erased customer's ticket %+v: want it kept without personal fields", tk)
			}
		}
		// Others keep everything.
		for _, c := range []struct{ tenant, id string }{{"acme", "cust-7"}, {"beta", "cust-1313"}} {
			if d, _ := cs.Export(ctx, c.tenant, c.id); len(d.Answers) != 1 || len(d.Tickets) != 1 || len(d.Feedback) != 1 || len(d.Conversations) != 1 {
				t.Errorf("%s/%s after another customer's erasure: %+v", c.tenant, c.id, d)
			}
		}
		if _, err := cs.Erase(ctx, "acme", " "); !errors.Is(err, ErrInvalid) {
			t.Errorf("empty id: %v", err)
		}
		if e, err := cs.Erase(ctx, "acme", "nobody"); err != nil || e != (Erasure{}) {
			t.Errorf("unknown customer: %+v %v", e, err)
		}
	})
}

// allRows is every row of every table of db as text (PostgreSQL).
func allRows(t *testing.T, db *DB) []byte {
	t.Helper()
	ctx := context.Background()
	rows, err := db.db.QueryContext(ctx, `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`)
	if err != nil {
		t.Fatal(err)
	}
	tables, err := scanStrings(rows)
	if err != nil || len(tables) < 10 {
		t.Fatalf("tables %v: %v", tables, err)
	}
	var all []byte
	for _, table := range tables {
		rows, err := db.db.QueryContext(ctx, `SELECT t::text FROM `+table+` t`)
		if err != nil {
			t.Fatal(err)
		}
		texts, err := scanStrings(rows)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range texts {
			all = append(all, s...)
		}
	}
	return all
}

// TestCustomerErasureUsesTheIndex: erasure finds a customer's answers
// through the index of the answers logged with a customer id
// (answers_tenant_customer, partial), not by reading the tenant's log.
func TestCustomerErasureUsesTheIndex(t *testing.T) {
	st, _ := openTest(t, Options{})
	ctx := context.Background()
	for i := range 300 {
		a := answer.Answer{ID: fmt.Sprintf("a%d", i), ConversationID: fmt.Sprintf("c%d", i), Question: "q", Decision: answer.Answered}
		if i%10 == 0 {
			a.CustomerID = fmt.Sprintf("cust%d", i%30)
		}
		if err := st.convs.LogAnswer(ctx, "acme", a); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.db.flush(ctx); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`DELETE FROM answers WHERE tenant=? AND ` + ofCustomer(""),
		`SELECT id FROM answers WHERE tenant=? AND ` + ofCustomer(""),
	} {
		if plan := queryPlan(t, st, q, "acme", "cust0"); !strings.Contains(plan, "INDEX answers_tenant_customer") {
			t.Errorf("%s: plan %q, want the answers_tenant_customer index", q, plan)
		}
	}
}
