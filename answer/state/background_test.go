package state

import (
	"context"
	"path/filepath"
	"testing"
	"testing/synctest"
	"time"

	"github.com/answerdesk/answerdesk/answer"
)

// TestLoneWriteCommitsWithoutLinger: a lone queued write is committed
// without any flush and without waiting on a timer. Inside a synctest
// bubble the clock only moves when every goroutine waits on it, so once
// the writer is idle again the answer must be in the database with the
// clock unmoved; a writer that lingers for more writes would still be
// waiting on its timer with the answer uncommitted.
func TestLoneWriteCommitsWithoutLinger(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		st := openAt(t, filepath.Join(t.TempDir(), "state.db"), Options{})
		defer st.db.Close()
		start := time.Now()
		if err := st.convs.LogAnswer(ctx, "a", answer.Answer{ID: "ans_lone", Decision: "escalate"}); err != nil {
			t.Fatal(err)
		}
		synctest.Wait() // the writer committed and waits for the queue again
		var n int
		if err := st.db.db.QueryRow(`SELECT COUNT(*) FROM answers WHERE id='ans_lone'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("lone answer not committed once the writer is idle (rows %d): the writer waits on a timer", n)
		}
		if waited := time.Since(start); waited != 0 {
			t.Errorf("the writer waited %v on the clock", waited)
		}
	})
}

// TestWritesQueuedDuringCommitShareTheNext: writes queued while a commit
// runs are committed together in the next transaction, in queue order.
func TestWritesQueuedDuringCommitShareTheNext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		st := openAt(t, filepath.Join(t.TempDir(), "state.db"), Options{})
		defer st.db.Close()
		release := make(chan struct{})
		released := false
		defer func() { // before Close, which waits for the writer
			if !released {
				close(release)
			}
		}()
		var first *batch
		if err := st.db.later(ctx, func(b *batch) error {
			first = b
			<-release // a slow commit
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		synctest.Wait() // the writer is inside the first commit
		if first == nil {
			t.Fatal("the first write did not start without a flush")
		}
		var batches []*batch
		for i := range 3 {
			id := "ans_" + string(rune('a'+i))
			if err := st.db.later(ctx, func(b *batch) error {
				batches = append(batches, b)
				return b.exec(`INSERT INTO answers(id, tenant, conversation_id, question, decision, reason, confidence, ticket_id, lang, intent, queue, customer_id, created)
					VALUES (?,'a','','','answer','',0,'','','','','','')`, id)
			}); err != nil {
				t.Fatal(err)
			}
		}
		close(release)
		released = true
		if err := st.db.flush(ctx); err != nil {
			t.Fatal(err)
		}
		if len(batches) != 3 {
			t.Fatalf("%d of 3 writes ran", len(batches))
		}
		for i, b := range batches {
			if b == first || b != batches[0] {
				t.Errorf("write %d ran in its own transaction: the writes queued during a commit must share the next", i)
			}
		}
		rows, err := st.db.db.Query(`SELECT id FROM answers ORDER BY rowid`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var ids []string
		for rows.Next() {
			var id string
			rows.Scan(&id)
			ids = append(ids, id)
		}
		if want := []string{"ans_a", "ans_b", "ans_c"}; len(ids) != 3 || ids[0] != want[0] || ids[1] != want[1] || ids[2] != want[2] {
			t.Errorf("committed %v, want %v in queue order", ids, want)
		}
	})
}
