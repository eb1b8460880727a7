package state

import (
	"context"
	"database/sql"
	"testing"

	"github.com/answerdesk/answerdesk/answer"
)

// SQLite's synchronous levels (PRAGMA synchronous).
const (
	syncNormal = 1
	syncFull   = 2
)

// syncLevel reads the synchronous level of the batch's connection.
func syncLevel(level *int) func(b *batch) error {
	return func(b *batch) error {
		return b.tx.QueryRowContext(b.ctx, `PRAGMA synchronous`).Scan(level)
	}
}

// TestTicketCommitIsSynced: the group commit that carries a ticket (and
// its outbox rows) runs with synchronous=FULL, which syncs the write-ahead
// log at the commit, so that a power loss cannot lose a ticket the
// customer was promised; so does a synced transaction (inTxSynced, the
// outbox update of AppendToTicket); a group of queued writes alone (the
// answer log) keeps NORMAL, synced by the next checkpoint; and every
// connection of the pool is back to NORMAL afterwards.
func TestTicketCommitIsSynced(t *testing.T) {
	ctx := context.Background()
	st, _ := openTest(t, Options{}, SinkQueue, SinkWebhook)

	release := holdWriter(t, st.db)
	created := make(chan error, 1)
	go func() {
		_, err := st.tickets.CreateTicket(ctx, answer.Ticket{Tenant: "a", ConversationID: "c1", Subject: "refund?"})
		created <- err
	}()
	waitQueued(t, st.db, 1)
	var withTicket int // read in the ticket's transaction
	if err := st.db.later(ctx, syncLevel(&withTicket)); err != nil {
		t.Fatal(err)
	}
	waitQueued(t, st.db, 2)
	release()
	if err := <-created; err != nil {
		t.Fatal(err)
	}
	var alone int
	if err := st.db.later(ctx, syncLevel(&alone)); err != nil {
		t.Fatal(err)
	}
	if err := st.db.flush(ctx); err != nil {
		t.Fatal(err)
	}
	var appended int
	err := st.db.inTxSynced(ctx, true, func(tx sqlTx) error {
		return tx.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&appended)
	})
	if err != nil {
		t.Fatal(err)
	}
	if withTicket != syncFull || appended != syncFull || alone != syncNormal {
		t.Errorf("synchronous: %d in the ticket's group commit, %d in a synced transaction, %d in a group without a ticket; want %d, %d, %d",
			withTicket, appended, alone, syncFull, syncFull, syncNormal)
	}

	// The pool's connections (at most 4) are all back to NORMAL.
	var conns []*sql.Conn
	for range 4 {
		c, err := st.db.db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns = append(conns, c)
	}
	for i, c := range conns {
		var level int
		if err := c.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&level); err != nil {
			t.Fatal(err)
		}
		if level != syncNormal {
			t.Errorf("connection %d: synchronous=%d after the synced commits, want %d", i, level, syncNormal)
		}
	}
}
