package state

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/ingest"
	"github.com/google/go-cmp/cmp"
)

// loadDump creates a database at path from an sqlite3 .dump.
func loadDump(tb testing.TB, path, dump string) {
	tb.Helper()
	script, err := os.ReadFile(dump)
	if err != nil {
		tb.Fatal(err)
	}
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		tb.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(string(script)); err != nil {
		tb.Fatalf("load %s: %v", dump, err)
	}
}

// TestMigrateV1 opens a database written by the version that stored
// tickets as json.Marshal(answer.Ticket) (testdata/state-v1.sql, an
// sqlite3 .dump of it) and reads everything back.
func TestMigrateV1(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "state.db")
	loadDump(t, path, filepath.Join("testdata", "state-v1.sql"))
	at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	st := openAt(t, path, Options{Now: func() time.Time { return at }}, SinkWebhook)
	defer st.db.Close()

	var version int
	if err := st.db.db.QueryRow(`PRAGMA user_version`).Scan(&version); err != nil || version != SchemaVersion() {
		t.Fatalf("user_version = %d (%v), want %d", version, err, SchemaVersion())
	}
	got, err := st.tickets.Ticket(ctx, "acme", "tkt_v1")
	if err != nil {
		t.Fatal(err)
	}
	want := answer.Ticket{
		ID: "tkt_v1", Tenant: "acme", Status: StatusOpen, Subject: "Refund for order 1234", Summary: "Customer asks for a refund.",
		Lang: "en", Intent: "billing", Priority: "high", Queue: "billing", Reason: answer.ReasonLowConfidence,
		ConversationID: "conv-1", Customer: map[string]string{"plan": "pro"},
		Transcript: []answer.Message{{Role: "customer", Text: "I want a refund", At: at.Add(-time.Minute)}, {Role: "assistant", Text: "Let me check", At: at}},
		Attempted:  "Refunds take 5 days [1].",
		Citations: []answer.Citation{{N: 1, ChunkID: "c1", DocumentID: "guides/billing", Title: "Billing", URL: "https://example.com/billing",
			Page: 2, Heading: "Refunds", Quote: "Refunds take 5 days.", Score: 0.75}},
		Confidence: 0.42, Created: at, Updated: at,
		Deliveries: []answer.Delivery{
			{Sink: SinkQueue, State: DeliveryDelivered, Attempts: 1, Delivered: at},
			{Sink: SinkWebhook, State: DeliveryPending, NextAt: at},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("migrated ticket (-want +got):\n%s", diff)
	}
	bare, err := st.tickets.Ticket(ctx, "acme", "tkt_v1b")
	if err != nil || bare.Subject != "Bare" || bare.Customer != nil || len(bare.Transcript) != 0 || bare.Citations != nil {
		t.Errorf("bare ticket = %+v, %v", bare, err)
	}
	// The outbox survives: the pending webhook rows are still due.
	items, err := st.outbox.Claim(ctx, "test", at, time.Minute, 10)
	if err != nil || len(items) != 2 || items[0].Ticket.Subject == "" {
		t.Errorf("claim after migration: %+v, %v", items, err)
	}
	// The other concerns' rows are untouched.
	if a, err := st.convs.Answer(ctx, "acme", "ans_v1"); err != nil || a.TicketID != "tkt_v1" {
		t.Errorf("answer log after migration: %+v, %v", a, err)
	}
	if turns, err := st.convs.Turns(ctx, "acme", "conv-1"); err != nil || len(turns) != 1 {
		t.Errorf("turns after migration: %+v, %v", turns, err)
	}
	// New tickets go to the migrated table.
	if _, err := st.tickets.CreateTicket(ctx, answer.Ticket{Tenant: "acme", Subject: "new"}); err != nil {
		t.Fatal(err)
	}
	list, err := st.tickets.Tickets(ctx, TicketFilter{Tenant: "acme"})
	if err != nil || len(list) != 3 {
		t.Errorf("tickets after migration: %d, %v", len(list), err)
	}
	var body int
	st.db.db.QueryRow(`SELECT COUNT(*) FROM pragma_table_info('tickets') WHERE name='body'`).Scan(&body)
	if body != 0 {
		t.Errorf("the JSON body column is still there")
	}
	// The queue table (written, never read) is gone: the tickets are the
	// local queue, and the migrated tickets' queue deliveries stay.
	var queue int
	st.db.db.QueryRow(`SELECT COUNT(*) FROM sqlite_master WHERE name='queue'`).Scan(&queue)
	if queue != 0 {
		t.Errorf("the queue table is still there")
	}
	if got.Deliveries[0].Sink != SinkQueue || got.Deliveries[0].State != DeliveryDelivered {
		t.Errorf("migrated queue delivery: %+v", got.Deliveries)
	}
}

// TestMigrateIdempotent: reopening a migrated database changes nothing,
// and a database from a newer binary is refused, not damaged.
func TestMigrateIdempotent(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk testBackend) {
		ctx := context.Background()
		st, path := bk.open(t, Options{})
		tk, err := st.tickets.CreateTicket(ctx, answer.Ticket{Tenant: "a", Subject: "s", Customer: map[string]string{"plan": "pro"}})
		if err != nil {
			t.Fatal(err)
		}
		st.db.Close()
		st2 := openAt(t, path, Options{})
		got, err := st2.tickets.Ticket(ctx, "a", tk.ID)
		if err != nil || got.Customer["plan"] != "pro" {
			t.Fatalf("after reopen: %+v, %v", got, err)
		}
		future := `PRAGMA user_version = 99`
		if bk.name == "postgres" {
			future = `INSERT INTO schema_migrations(version, name) VALUES (99, 'from a newer binary')`
		}
		if _, err := st2.db.db.Exec(future); err != nil {
			t.Fatal(err)
		}
		st2.db.Close()
		_, err = Open(ctx, path, Options{})
		if err == nil || !strings.Contains(err.Error(), "newer") {
			t.Errorf("newer schema: %v", err)
		}
	})
}

// TestTicketRoundTrip: every field of a ticket survives the row type.
func TestTicketRoundTrip(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk testBackend) {
		ctx := context.Background()
		at := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
		st, _ := bk.open(t, Options{Now: func() time.Time { return at }})
		in := answer.Ticket{Tenant: "a", Subject: "s", Summary: "m", Lang: "ru", Intent: "i", Priority: "urgent", Queue: "q",
			Reason: answer.ReasonSensitiveTopic, ConversationID: "c", Customer: map[string]string{"k": "v"},
			Transcript: []answer.Message{{Role: "customer", Text: "t", At: at}}, Attempted: "a [1]",
			Citations:  []answer.Citation{{N: 1, ChunkID: "c1", DocumentID: "d", Title: "T", Quote: "q", Score: 1.5}},
			Confidence: 0.25, Created: at.Add(-time.Hour)}
		created, err := st.tickets.CreateTicket(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		got, err := st.tickets.Ticket(ctx, "a", created.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(created, got); diff != "" {
			t.Errorf("stored ticket (-created +read):\n%s", diff)
		}
	})
}

func TestNotifier(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk testBackend) {
		ctx := context.Background()
		n := NewNotifier()
		st, _ := bk.open(t, Options{})
		tickets := NewTicketStore(st.db, []string{SinkWebhook}, n)
		if _, err := tickets.CreateTicket(ctx, answer.Ticket{Tenant: "a"}); err != nil {
			t.Fatal(err)
		}
		if _, err := tickets.CreateTicket(ctx, answer.Ticket{Tenant: "a"}); err != nil {
			t.Fatal(err)
		}
		select {
		case <-n.C():
		default:
			t.Fatal("no signal after a ticket with a pending delivery")
		}
		select {
		case <-n.C():
			t.Fatal("signals did not coalesce")
		default:
		}
		// Only the local queue: delivered in the transaction, nothing to wake.
		queueOnly := NewTicketStore(st.db, nil, n)
		if _, err := queueOnly.CreateTicket(ctx, answer.Ticket{Tenant: "a"}); err != nil {
			t.Fatal(err)
		}
		select {
		case <-n.C():
			t.Fatal("signal without a pending delivery")
		default:
		}
		var none *Notifier
		none.Notify() // a nil notifier notifies nobody
		if none.C() != nil {
			t.Error("nil notifier has a channel")
		}
	})
}

// TestJobResultOldFormat: job results written with the Go field names of
// an earlier version read back.
func TestJobResultOldFormat(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk testBackend) {
		ctx := context.Background()
		st, _ := bk.open(t, Options{})
		_, err := st.db.db.Exec(`INSERT INTO jobs(id, tenant, state, files, result, error, created, updated) VALUES (?,?,?,?,?,?,?,?)`,
			"job_old", "a", ingest.JobSucceeded, `["faq.csv","x.pdf"]`,
			`{"Added":2,"Updated":1,"Unchanged":0,"Chunks":7,"Failed":[{"File":"x.pdf","Reason":"no text"}]}`, "", 1, 1)
		if err != nil {
			t.Fatal(err)
		}
		got, err := st.jobs.Job(ctx, "a", "job_old")
		if err != nil {
			t.Fatal(err)
		}
		want := ingest.JobResult{Added: 2, Updated: 1, Chunks: 7, Failed: []ingest.JobFailure{{File: "x.pdf", Reason: "no text"}}}
		if diff := cmp.Diff(want, got.Result); diff != "" {
			t.Errorf("result (-want +got):\n%s", diff)
		}
		got.Result.Failed = append(got.Result.Failed, ingest.JobFailure{File: "faq.csv", Reason: "internal error"})
		if err := st.jobs.UpdateJob(ctx, got); err != nil {
			t.Fatal(err)
		}
		again, err := st.jobs.Job(ctx, "a", "job_old")
		if err != nil || len(again.Result.Failed) != 2 || again.Result.Chunks != 7 {
			t.Errorf("after update: %+v, %v", again.Result, err)
		}
	})
}
