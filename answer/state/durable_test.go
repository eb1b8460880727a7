package state

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/answerdesk/answerdesk/answer"
)

// holdWriter queues a write that keeps the writer inside its commit until
// the returned release is called (at the latest at cleanup, before the
// database closes), and waits until it is there: what is queued next
// forms the next group. The tests of this file run outside a synctest
// bubble: a write that waited on the write lock instead of the queue
// would block the bubble for good, where here it fails waitQueued.
func holdWriter(t *testing.T, db *DB) (release func()) {
	t.Helper()
	entered, hold := make(chan struct{}), make(chan struct{})
	var once sync.Once
	release = func() { once.Do(func() { close(hold) }) }
	t.Cleanup(release)
	if err := db.later(context.Background(), func(*batch) error { close(entered); <-hold; return nil }); err != nil {
		t.Fatal(err)
	}
	<-entered
	return release
}

// waitQueued waits until n writes are queued behind the writer's commit.
func waitQueued(t *testing.T, db *DB, n int) {
	t.Helper()
	// A generous bound for a loaded machine, not a timing assertion.
	for deadline := time.Now().Add(time.Minute); len(db.queue) < n; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d writes queued behind the commit, want %d: a durable write did not join the writer's queue", len(db.queue), n)
		}
	}
}

func countRows(t *testing.T, db *DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.db.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestTicketsShareTheGroupCommit: tickets created while the writer
// commits join its queue and the next group with the queued writes (one
// transaction for all of them), and each CreateTicket returns only once
// that group has committed.
func TestTicketsShareTheGroupCommit(t *testing.T) {
	ctx := context.Background()
	st := openAt(t, filepath.Join(t.TempDir(), "state.db"), Options{})
	defer st.db.Close()
	release := holdWriter(t, st.db)
	var txs []sqlTx
	inTx := -1 // tickets the write queued after them sees in its transaction
	if err := st.db.later(ctx, func(b *batch) error { txs = append(txs, b.tx); return nil }); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	ids := make([]string, 3)
	errs := make([]error, 3)
	for i := range ids {
		wg.Go(func() {
			tk, err := st.tickets.CreateTicket(ctx, answer.Ticket{Tenant: "a", Subject: "refund?"})
			ids[i], errs[i] = tk.ID, err
		})
	}
	waitQueued(t, st.db, 4)
	if err := st.db.later(ctx, func(b *batch) error {
		if err := b.tx.QueryRowContext(b.ctx, `SELECT COUNT(*) FROM tickets`).Scan(&inTx); err != nil {
			return err
		}
		txs = append(txs, b.tx)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, st.db, `SELECT COUNT(*) FROM tickets`); n != 0 {
		t.Fatalf("%d tickets committed while the writer was still in the previous commit", n)
	}
	release()
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("ticket %d: %v", i, err)
		}
		// Durable when CreateTicket returns: read on another connection.
		if n := countRows(t, st.db, `SELECT COUNT(*) FROM tickets t JOIN outbox o ON o.ticket_id=t.id WHERE t.id=?`, ids[i]); n != 1 {
			t.Errorf("ticket %d (%s) with its outbox row: %d rows once CreateTicket returned, want 1", i, ids[i], n)
		}
	}
	if err := st.db.flush(ctx); err != nil {
		t.Fatal(err)
	}
	if len(txs) != 2 || txs[0].Tx != txs[1].Tx || inTx != 3 {
		t.Errorf("the writes queued around the tickets ran in %d transaction(s), the second seeing %d tickets in its own; want one transaction, shared with the 3 tickets", len(txs), inTx)
	}
}

// TestFailingDurableWriteRollsBackAlone: a durable write that fails is
// rolled back (its group runs again without it) and gets its error; the
// queued and durable writes of its group commit, once.
func TestFailingDurableWriteRollsBackAlone(t *testing.T) {
	ctx := context.Background()
	st := openAt(t, filepath.Join(t.TempDir(), "state.db"), Options{})
	defer st.db.Close()
	release := holdWriter(t, st.db)
	insert := func(id string) func(b *batch) error {
		return func(b *batch) error {
			return b.exec(`INSERT INTO answers(id, tenant, conversation_id, question, decision, reason, confidence, ticket_id, lang, intent, queue, customer_id, created)
					VALUES (?,'a','','','answer','',0,'','','','','','')`, id)
		}
	}
	if err := st.db.later(ctx, insert("ans_queued")); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	var failed, ok error
	var wg sync.WaitGroup
	wg.Go(func() {
		failed = st.db.durable(ctx, func(b *batch) error {
			if err := insert("ans_failed")(b); err != nil {
				return err
			}
			return boom
		})
	})
	waitQueued(t, st.db, 2)
	wg.Go(func() { ok = st.db.durable(ctx, insert("ans_durable")) })
	waitQueued(t, st.db, 3)
	release()
	wg.Wait()
	if !errors.Is(failed, boom) || ok != nil {
		t.Fatalf("durable writes returned %v and %v, want boom and nil", failed, ok)
	}
	for id, want := range map[string]int{"ans_queued": 1, "ans_failed": 0, "ans_durable": 1} {
		if n := countRows(t, st.db, `SELECT COUNT(*) FROM answers WHERE id=?`, id); n != want {
			t.Errorf("%s: %d rows, want %d", id, n, want)
		}
	}
}

// TestBadQueuedWriteDoesNotLoseATicket: a queued write that fails rolls
// back its group, as before, and is reported to OnError; the ticket that
// shared the group is written again on its own and committed.
func TestBadQueuedWriteDoesNotLoseATicket(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	var reported []error
	st := openAt(t, filepath.Join(t.TempDir(), "state.db"), Options{OnError: func(err error) {
		mu.Lock()
		defer mu.Unlock()
		reported = append(reported, err)
	}})
	defer st.db.Close()
	release := holdWriter(t, st.db)
	bad := errors.New("bad queued write")
	if err := st.db.later(ctx, func(*batch) error { return bad }); err != nil {
		t.Fatal(err)
	}
	var tk answer.Ticket
	var err error
	var wg sync.WaitGroup
	wg.Go(func() { tk, err = st.tickets.CreateTicket(ctx, answer.Ticket{Tenant: "a", Subject: "refund?"}) })
	waitQueued(t, st.db, 2)
	release()
	wg.Wait()
	if err != nil {
		t.Fatalf("CreateTicket: %v; a failing queued write of its group must not fail it", err)
	}
	if n := countRows(t, st.db, `SELECT COUNT(*) FROM tickets WHERE id=?`, tk.ID); n != 1 {
		t.Errorf("ticket %s: %d rows, want 1", tk.ID, n)
	}
	st.db.flush(ctx)
	mu.Lock()
	defer mu.Unlock()
	if len(reported) != 1 || !errors.Is(reported[0], bad) {
		t.Errorf("OnError got %v, want the bad queued write's error", reported)
	}
}

// TestTicketNotWrittenWhenContextEndsInTheQueue: a ticket whose context
// ends while it waits in the queue is not written, and CreateTicket says
// so.
func TestTicketNotWrittenWhenContextEndsInTheQueue(t *testing.T) {
	st := openAt(t, filepath.Join(t.TempDir(), "state.db"), Options{})
	defer st.db.Close()
	release := holdWriter(t, st.db)
	ctx, cancel := context.WithCancel(context.Background())
	var err error
	var wg sync.WaitGroup
	wg.Go(func() { _, err = st.tickets.CreateTicket(ctx, answer.Ticket{Tenant: "a", Subject: "refund?"}) })
	waitQueued(t, st.db, 1)
	cancel()
	release()
	wg.Wait()
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("CreateTicket: %v, want context.Canceled", err)
	}
	if n := countRows(t, st.db, `SELECT COUNT(*) FROM tickets`); n != 0 {
		t.Errorf("%d tickets written for a canceled request", n)
	}
}

// TestTicketIDsSortByCreation: ticket ids begin with their creation time,
// so that tickets created one after the other are inserted at the end of
// the tickets' primary key and the queue's and outbox's ticket indexes
// (one page for a whole group commit) rather than at random pages.
func TestTicketIDsSortByCreation(t *testing.T) {
	ctx := context.Background()
	clock := time.Date(2026, 12, 4, 19, 0, 0, 0, time.UTC)
	st, _ := openTest(t, Options{Now: func() time.Time { clock = clock.Add(time.Millisecond); return clock }}, SinkQueue)
	var ids []string
	for range 20 {
		tk, err := st.tickets.CreateTicket(ctx, answer.Ticket{Tenant: "a", Subject: "refund?"})
		if err != nil {
			t.Fatal(err)
		}
		if len(tk.ID) != len("tkt_")+24 {
			t.Fatalf("ticket id %q: want tkt_ and 24 hex digits", tk.ID)
		}
		ids = append(ids, tk.ID)
	}
	if !slices.IsSorted(ids) {
		t.Errorf("ticket ids created a millisecond apart do not sort by creation: %v", ids)
	}
}
