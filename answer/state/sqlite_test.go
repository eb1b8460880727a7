package state

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/ingest"
	"github.com/google/go-cmp/cmp"
)

// stores are the per-concern stores of one test database.
type stores struct {
	db       *DB
	tickets  *TicketStore
	outbox   *Outbox
	convs    *ConversationStore
	feedback *FeedbackStore
	keys     *KeyStore
	jobs     *JobStore
}

func newStores(db *DB, sinks ...string) stores {
	convs := NewConversationStore(db)
	return stores{db: db, tickets: NewTicketStore(db, sinks, nil), outbox: NewOutbox(db), convs: convs,
		feedback: NewFeedbackStore(db, convs), keys: NewKeyStore(db), jobs: NewJobStore(db)}
}

// TestTicketWithOutbox: a ticket is stored as given (the engine redacted
// it: answer.redactTicket) with one outbox row per sink.
func TestTicketWithOutbox(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk testBackend) {
		ctx := context.Background()
		db, _ := bk.open(t, Options{}, SinkWebhook)
		in := answer.Ticket{
			Tenant:     "acme",
			Subject:    "Refund for jane.doe@example.com",
			Summary:    "call me at +1 415 555 0100",
			Customer:   map[string]string{"email": "jane.doe@example.com"},
			Transcript: []answer.Message{{Role: "customer", Text: "my card 4111 1111 1111 1111 was charged twice"}},
			Reason:     answer.ReasonHumanRequested,
		}
		got, err := db.tickets.CreateTicket(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID == "" || got.Created.IsZero() || got.Status != StatusOpen {
			t.Fatalf("ticket not filled: %+v", got)
		}
		stored, err := db.tickets.Ticket(ctx, "acme", got.ID)
		if err != nil {
			t.Fatal(err)
		}
		if stored.Subject != in.Subject || stored.Customer["email"] != in.Customer["email"] || stored.Transcript[0].Text != in.Transcript[0].Text {
			t.Errorf("stored ticket differs from the one given: %+v", stored)
		}
		var sinks []string
		for _, d := range stored.Deliveries {
			sinks = append(sinks, d.Sink+":"+d.State)
		}
		if diff := cmp.Diff([]string{"queue:delivered", "webhook:pending"}, sinks); diff != "" {
			t.Errorf("deliveries (-want +got):\n%s", diff)
		}
		if _, err := db.tickets.Ticket(ctx, "other", got.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("other tenant sees ticket: %v", err)
		}
	})
}

// TestLocalQueueIsTheTickets: the local queue is the tickets: a stored
// ticket is delivered there as it is stored, and a queue delivery left
// pending (by a version that kept a queue table) is delivered by finding
// the ticket; one of no stored ticket, or of another tenant's, is not.
func TestLocalQueueIsTheTickets(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk testBackend) {
		ctx := context.Background()
		db, _ := bk.open(t, Options{})
		tk, err := db.tickets.CreateTicket(ctx, answer.Ticket{Tenant: "acme", Subject: "refund?"})
		if err != nil {
			t.Fatal(err)
		}
		if len(tk.Deliveries) != 1 || tk.Deliveries[0].Sink != SinkQueue || tk.Deliveries[0].State != DeliveryDelivered {
			t.Errorf("deliveries %+v: want the local queue's, delivered", tk.Deliveries)
		}
		if list, err := db.tickets.Tickets(ctx, TicketFilter{Tenant: "acme"}); err != nil || len(list) != 1 || list[0].ID != tk.ID {
			t.Errorf("the queue lists %+v, %v; want the ticket", list, err)
		}
		if err := db.tickets.Enqueue(ctx, tk); err != nil {
			t.Errorf("enqueue a stored ticket: %v", err)
		}
		for name, other := range map[string]answer.Ticket{
			"unknown ticket": {ID: "tkt_000000000000000000000000", Tenant: "acme"},
			"other tenant":   {ID: tk.ID, Tenant: "beta"},
		} {
			if err := db.tickets.Enqueue(ctx, other); !errors.Is(err, ErrNotFound) {
				t.Errorf("%s: enqueue = %v, want ErrNotFound", name, err)
			}
		}
	})
}

// TestClaimUsesTheDueIndex: the delivery worker's claim reads the index
// of pending rows (outbox_due, partial), not every delivered row.
func TestClaimUsesTheDueIndex(t *testing.T) {
	st, _ := openTest(t, Options{})
	if plan := queryPlan(t, st, claimSQL(backendSQLite), 1, 1, 10); !strings.Contains(plan, "INDEX outbox_due") {
		t.Errorf("claim plan %q: want the outbox_due index", plan)
	}
}

// queryPlan is SQLite's EXPLAIN QUERY PLAN of q with args in st's
// database, its steps' details joined by "; ".
func queryPlan(t *testing.T, st stores, q string, args ...any) string {
	t.Helper()
	rows, err := st.db.db.Query(`EXPLAIN QUERY PLAN `+q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(plan, "; ")
}

func TestTicketAtomicOnFailure(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk testBackend) {
		ctx := context.Background()
		db, _ := bk.open(t, Options{})
		tk, err := db.tickets.CreateTicket(ctx, answer.Ticket{Tenant: "a", Subject: "x"})
		if err != nil {
			t.Fatal(err)
		}
		// Same id again: the insert fails and nothing of the second write remains.
		if _, err := db.tickets.CreateTicket(ctx, answer.Ticket{ID: tk.ID, Tenant: "a", Subject: "y"}); err == nil {
			t.Fatal("duplicate id accepted")
		}
		var n int
		if err := db.db.db.QueryRow(`SELECT COUNT(*) FROM outbox WHERE ticket_id=?`, tk.ID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("outbox rows = %d, want 1", n)
		}
		if _, err := db.tickets.CreateTicket(ctx, answer.Ticket{Tenant: ""}); !errors.Is(err, ErrInvalid) {
			t.Errorf("empty tenant: %v", err)
		}
	})
}

func TestOutboxLifecycle(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk testBackend) {
		ctx := context.Background()
		now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		db, path := bk.open(t, Options{Now: func() time.Time { return now }}, SinkWebhook)
		tk, err := db.tickets.CreateTicket(ctx, answer.Ticket{Tenant: "a", Subject: "s"})
		if err != nil {
			t.Fatal(err)
		}
		items, err := db.outbox.Claim(ctx, "test", now, time.Minute, 10)
		if err != nil {
			t.Fatal(err)
		}
		// The local queue was delivered by the creating transaction: only the
		// webhook row is due.
		if len(items) != 1 || items[0].Ticket.ID != tk.ID || items[0].Sink != SinkWebhook {
			t.Fatalf("claimed %+v", items)
		}
		// Leased rows are not claimed twice.
		if again, _ := db.outbox.Claim(ctx, "test", now, time.Minute, 10); len(again) != 0 {
			t.Fatalf("claimed leased rows again: %d", len(again))
		}
		if err := db.outbox.Failed(ctx, tk.ID, SinkWebhook, "503", now.Add(time.Second), false); err != nil {
			t.Fatal(err)
		}
		// A crash: the row is claimed, then the process dies; reopen and wait out the lease.
		items, _ = db.outbox.Claim(ctx, "test", now.Add(time.Second), time.Minute, 10)
		if len(items) != 1 || items[0].Attempts != 1 {
			t.Fatalf("retry claim: %+v", items)
		}
		db.db.Close()
		db2 := openAt(t, path, Options{})
		defer db2.db.Close()
		if got, _ := db2.outbox.Claim(ctx, "test", now.Add(30*time.Second), time.Minute, 10); len(got) != 0 {
			t.Fatalf("claimed within lease: %d", len(got))
		}
		got, _ := db2.outbox.Claim(ctx, "test", now.Add(2*time.Minute), time.Minute, 10)
		if len(got) != 1 {
			t.Fatalf("lease did not expire: %d", len(got))
		}
		if err := db2.outbox.Failed(ctx, tk.ID, SinkWebhook, "gone", time.Time{}, true); err != nil {
			t.Fatal(err)
		}
		tk2, err := db2.tickets.Ticket(ctx, "a", tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := []answer.Delivery{
			{Sink: SinkQueue, State: DeliveryDelivered, Attempts: 1, Delivered: now},
			{Sink: SinkWebhook, State: DeliveryDead, Attempts: 2, LastError: "gone"},
		}
		if diff := cmp.Diff(want, tk2.Deliveries); diff != "" {
			t.Errorf("deliveries (-want +got):\n%s", diff)
		}
		if got, _ := db2.outbox.Claim(ctx, "test", now.Add(time.Hour), time.Minute, 10); len(got) != 0 {
			t.Errorf("dead row claimed")
		}
	})
}

func TestTicketsListAndStatus(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk testBackend) {
		ctx := context.Background()
		clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		db, _ := bk.open(t, Options{Now: func() time.Time { clock = clock.Add(time.Second); return clock }})
		var ids []string
		for i := 0; i < 5; i++ {
			tk, err := db.tickets.CreateTicket(ctx, answer.Ticket{Tenant: "a", Subject: "s"})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, tk.ID)
		}
		if _, err := db.tickets.CreateTicket(ctx, answer.Ticket{Tenant: "b"}); err != nil {
			t.Fatal(err)
		}
		page, err := db.tickets.Tickets(ctx, TicketFilter{Tenant: "a", Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		page2, err := db.tickets.Tickets(ctx, TicketFilter{Tenant: "a", Limit: 10, Before: page[1].ID})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, tk := range append(page, page2...) {
			got = append(got, tk.ID)
		}
		want := []string{ids[4], ids[3], ids[2], ids[1], ids[0]}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("pages (-want +got):\n%s", diff)
		}
		if _, err := db.tickets.SetTicketStatus(ctx, "a", ids[0], "bogus"); !errors.Is(err, ErrInvalid) {
			t.Errorf("bogus status: %v", err)
		}
		if _, err := db.tickets.SetTicketStatus(ctx, "b", ids[0], StatusSolved); !errors.Is(err, ErrNotFound) {
			t.Errorf("cross-tenant status: %v", err)
		}
		tk, err := db.tickets.SetTicketStatus(ctx, "a", ids[0], StatusSolved)
		if err != nil || tk.Status != StatusSolved {
			t.Fatalf("set status: %v %q", err, tk.Status)
		}
		solved, _ := db.tickets.Tickets(ctx, TicketFilter{Tenant: "a", Status: StatusSolved})
		if len(solved) != 1 || solved[0].ID != ids[0] {
			t.Errorf("filter by status: %d", len(solved))
		}
	})
}

func TestConversations(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk testBackend) {
		ctx := context.Background()
		db, _ := bk.open(t, Options{})
		if err := db.convs.Append(ctx, "a", "c1", answer.Message{Role: "customer", Text: "hi"}, answer.Message{Role: "assistant", Text: "hello"}); err != nil {
			t.Fatal(err)
		}
		if err := db.convs.Append(ctx, "a", "c1", answer.Message{Role: "customer", Text: "again"}); err != nil {
			t.Fatal(err)
		}
		got, err := db.convs.Turns(ctx, "a", "c1")
		if err != nil {
			t.Fatal(err)
		}
		var texts []string
		for _, m := range got {
			texts = append(texts, m.Role+":"+m.Text)
		}
		if diff := cmp.Diff([]string{"customer:hi", "assistant:hello", "customer:again"}, texts); diff != "" {
			t.Errorf("turns (-want +got):\n%s", diff)
		}
		if err := db.convs.Append(ctx, "a", "c2", answer.Message{Role: "customer", Text: "write to jane.doe@example.com"}); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.convs.Turns(ctx, "a", "c2"); len(got) != 1 || strings.Contains(got[0].Text, "jane.doe") {
			t.Errorf("stored turn keeps personal data: %+v", got)
		}
		if other, _ := db.convs.Turns(ctx, "b", "c1"); len(other) != 0 {
			t.Errorf("tenant b sees tenant a's conversation")
		}
	})
}

func TestConcurrentAppend(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk testBackend) {
		ctx := context.Background()
		db, _ := bk.open(t, Options{})
		var wg sync.WaitGroup
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := db.convs.Append(ctx, "a", "c", answer.Message{Role: "customer", Text: "x"}); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		got, _ := db.convs.Turns(ctx, "a", "c")
		if len(got) != 8 {
			t.Errorf("turns = %d, want 8", len(got))
		}
	})
}

func TestFeedback(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk testBackend) {
		ctx := context.Background()
		db, _ := bk.open(t, Options{})
		if err := db.convs.LogAnswer(ctx, "a", answer.Answer{ID: "ans_1", Question: "mail me at x@example.com", Decision: answer.Answered}); err != nil {
			t.Fatal(err)
		}
		la, err := db.convs.Answer(ctx, "a", "ans_1")
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(la.Question, "x@example.com") {
			t.Errorf("answer log keeps personal data: %q", la.Question)
		}
		tests := []struct {
			name string
			f    Feedback
			want error
		}{
			{"thumbs up", Feedback{Tenant: "a", AnswerID: "ans_1", Thumbs: 1}, nil},
			{"rating", Feedback{Tenant: "a", AnswerID: "ans_1", Rating: 4, Comment: "ok"}, nil},
			{"rating too high", Feedback{Tenant: "a", AnswerID: "ans_1", Rating: 6}, ErrInvalid},
			{"empty", Feedback{Tenant: "a", AnswerID: "ans_1"}, ErrInvalid},
			{"unknown answer", Feedback{Tenant: "a", AnswerID: "nope", Thumbs: 1}, ErrNotFound},
			{"other tenant", Feedback{Tenant: "b", AnswerID: "ans_1", Thumbs: -1}, ErrNotFound},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				_, err := db.feedback.AddFeedback(ctx, tc.f)
				if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
					t.Errorf("err = %v, want %v", err, tc.want)
				}
			})
		}
	})
}

func TestKeys(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk testBackend) {
		ctx := context.Background()
		db, _ := bk.open(t, Options{})
		key, k, err := db.keys.CreateKey(ctx, "acme", "bot", []string{ScopeAsk})
		if err != nil {
			t.Fatal(err)
		}
		var stored int
		db.db.db.QueryRow(`SELECT COUNT(*) FROM api_keys WHERE hash=? OR prefix=?`, key, key).Scan(&stored)
		if stored != 0 {
			t.Errorf("key stored in clear")
		}
		got, err := db.keys.Authenticate(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		if got.Tenant != "acme" || !got.Has(ScopeAsk) || got.Has(ScopeIngest) {
			t.Errorf("key = %+v", got)
		}
		if _, err := db.keys.Authenticate(ctx, key+"x"); !errors.Is(err, ErrNotFound) {
			t.Errorf("wrong key: %v", err)
		}
		if err := db.keys.RevokeKey(ctx, k.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.keys.Authenticate(ctx, key); !errors.Is(err, ErrRevoked) {
			t.Errorf("revoked key: %v", err)
		}
		if err := db.keys.RevokeKey(ctx, k.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("revoke twice: %v", err)
		}
		if _, _, err := db.keys.CreateKey(ctx, "acme", "", []string{"root"}); !errors.Is(err, ErrInvalid) {
			t.Errorf("bad scope: %v", err)
		}
		admin := Key{Scopes: []string{ScopeAdmin}}
		if !admin.Has(ScopeIngest) {
			t.Errorf("admin lacks ingest")
		}
	})
}

// TestJobLeases: a queued or running job carries a lease that its process
// renews; while the lease holds, other processes opening the database
// (replicas, a restart) leave the job alone, and once it has expired —
// the process died — the job reads as failed ("replica stopped") at once
// and is recorded failed by the next process to start. A finished job is
// never touched.
func TestJobLeases(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk testBackend) {
		ctx := context.Background()
		t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		var clock atomic.Int64 // one clock for every process of the test
		clock.Store(t0.UnixNano())
		at := func(d time.Duration) { clock.Store(t0.Add(d).UnixNano()) }
		o := Options{JobLease: time.Minute, Now: func() time.Time { return time.Unix(0, clock.Load()) }}
		a, loc := bk.open(t, o) // the replica running the jobs
		newJob := func(state string) ingest.Job {
			t.Helper()
			j, err := a.jobs.CreateJob(ctx, "a", []string{"faq.csv"})
			if err != nil {
				t.Fatal(err)
			}
			if state != ingest.JobQueued {
				j.State = state
				if err := a.jobs.UpdateJob(ctx, j); err != nil {
					t.Fatal(err)
				}
			}
			return j
		}
		running, queued, done := newJob(ingest.JobRunning), newJob(ingest.JobQueued), newJob(ingest.JobSucceeded)
		check := func(st stores, when string, want map[string]string) {
			t.Helper()
			for id, state := range want {
				got, err := st.jobs.Job(ctx, "a", id)
				if err != nil {
					t.Fatalf("%s: %v", when, err)
				}
				if got.State != state || (state == ingest.JobFailed) != (got.Error == errReplicaStopped) {
					t.Errorf("%s: job %s is %q %q, want %q", when, id, got.State, got.Error, state)
				}
			}
		}
		// stored is the state column itself, not Job's reading of it.
		stored := func(st stores, id string) string {
			t.Helper()
			var state string
			if err := st.db.db.QueryRowContext(ctx, `SELECT state FROM jobs WHERE id=?`, id).Scan(&state); err != nil {
				t.Fatal(err)
			}
			return state
		}
		live := map[string]string{running.ID: ingest.JobRunning, queued.ID: ingest.JobQueued, done.ID: ingest.JobSucceeded}

		// Another replica starts while the leases hold (until t0+1m).
		at(30 * time.Second)
		b := openAt(t, loc, o)
		defer b.db.Close()
		check(b, "another replica starting at t0+30s", live)

		// The running replica renews its leases (until t0+1m50s): past the
		// first lease, the jobs are still its.
		at(50 * time.Second)
		if err := a.jobs.heartbeat(ctx); err != nil {
			t.Fatal(err)
		}
		at(90 * time.Second)
		c := openAt(t, loc, o)
		c.db.Close()
		check(b, "renewed, at t0+1m30s", live)

		// The running replica dies: nothing renews the leases any more.
		a.db.Close()
		at(111 * time.Second)
		stopped := map[string]string{running.ID: ingest.JobFailed, queued.ID: ingest.JobFailed, done.ID: ingest.JobSucceeded}
		check(b, "lease expired, before anything recorded it", stopped)
		if got := stored(b, running.ID); got != ingest.JobRunning {
			t.Errorf("the running job's row is %q before any process recorded its end", got)
		}
		d := openAt(t, loc, o) // the next start records it
		defer d.db.Close()
		for id, state := range stopped {
			if got := stored(d, id); got != state {
				t.Errorf("after the next start the row of job %s is %q, want %q", id, got, state)
			}
		}
		check(d, "after the next start", stopped)
		if _, err := d.jobs.Job(ctx, "b", running.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("other tenant's job: %v", err)
		}
	})
}

func TestParseScopes(t *testing.T) {
	got, err := ParseScopes("ask, ingest,ask")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"ask", "ingest"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for _, bad := range []string{"", ",", "root", "ask,root"} {
		if _, err := ParseScopes(bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("ParseScopes(%q) = %v", bad, err)
		}
	}
}

// TestQueuedWritesSurviveClose: the answer log and turns are queued; Close
// writes them before closing.
func TestQueuedWritesSurviveClose(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk testBackend) {
		ctx := context.Background()
		path := filepath.Join(t.TempDir(), "state.db")
		db := openAt(t, path, Options{})
		for i := 0; i < 300; i++ {
			if err := db.convs.Append(ctx, "a", "c", answer.Message{Role: "customer", Text: "q"}); err != nil {
				t.Fatal(err)
			}
			if err := db.convs.LogAnswer(ctx, "a", answer.Answer{ID: "ans_" + strings.Repeat("x", i%3) + string(rune('a'+i%26)) + time.Duration(i).String()}); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.db.Close(); err != nil {
			t.Fatal(err)
		}
		if err := db.convs.Append(ctx, "a", "c", answer.Message{Text: "late"}); err == nil {
			t.Errorf("append after close accepted")
		}
		db2 := openAt(t, path, Options{})
		defer db2.db.Close()
		turns, err := db2.convs.Turns(ctx, "a", "c")
		if err != nil || len(turns) != 300 {
			t.Fatalf("turns after reopen: %d, %v", len(turns), err)
		}
		var n int
		db2.db.db.QueryRow(`SELECT COUNT(*) FROM answers`).Scan(&n)
		if n != 300 {
			t.Errorf("answers after reopen: %d, want 300", n)
		}
	})
}
