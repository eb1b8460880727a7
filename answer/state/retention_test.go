package state

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/answerdesk/answerdesk/answer"
)

// soak simulates hours of traffic on a database with retention r: each
// hour, perHour answers are logged with two conversation turns each, and a
// ticket for one answer in twenty is created and delivered to the webhook;
// the janitor runs at the end of the hour. It returns the size of state.db
// plus its write-ahead log after each hour, the log checkpointed and
// truncated first.
func soak(tb testing.TB, r Retention, hours, perHour int) []int64 {
	tb.Helper()
	var mu sync.Mutex
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	st, path := openTest(tb, Options{Now: clock}, SinkWebhook)
	j := NewJanitor(st.db, st.convs, st.outbox, st.feedback, r)
	ctx := context.Background()
	question := strings.Repeat("My Lumen hub keeps blinking amber after the update, what should I do? ", 3)
	reply := strings.Repeat("Hold the reset button for 10 seconds until the ring light blinks amber [1]. ", 3)
	var sizes []int64
	for h := 0; h < hours; h++ {
		for i := 0; i < perHour; i++ {
			id := fmt.Sprintf("a-%d-%d", h, i)
			conv := "c-" + id
			if err := st.convs.LogAnswer(ctx, "acme", answer.Answer{ID: id, ConversationID: conv, Question: question,
				Decision: answer.Answered, Confidence: 0.9, Created: clock()}); err != nil {
				tb.Fatal(err)
			}
			if err := st.convs.Append(ctx, "acme", conv, answer.Message{Role: answer.RoleCustomer, Text: question},
				answer.Message{Role: answer.RoleAssistant, Text: reply}); err != nil {
				tb.Fatal(err)
			}
			if i%20 == 0 {
				if _, err := st.tickets.CreateTicket(ctx, answer.Ticket{Tenant: "acme", Subject: question, Summary: reply}); err != nil {
					tb.Fatal(err)
				}
			}
		}
		items, err := st.outbox.Claim(ctx, "soak", clock(), time.Minute, perHour)
		if err != nil {
			tb.Fatal(err)
		}
		for _, it := range items {
			if err := st.outbox.Delivered(ctx, it.TicketID, it.Sink, clock()); err != nil {
				tb.Fatal(err)
			}
		}
		mu.Lock()
		now = now.Add(time.Hour)
		mu.Unlock()
		if _, err := j.Prune(ctx, clock()); err != nil {
			tb.Fatal(err)
		}
		// Measure the database's pages: a truncating checkpoint empties the
		// write-ahead log, whose file otherwise keeps the high-water mark of
		// whichever burst of group commits came last (bounded by SQLite's
		// auto-checkpoint, and varying by megabytes between runs).
		for try := 0; try < 50; try++ {
			if err = st.db.checkpointTruncate(ctx); err == nil {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		if err != nil {
			tb.Fatal(err)
		}
		sizes = append(sizes, fileSize(tb, path)+fileSize(tb, path+"-wal"))
	}
	return sizes
}

func fileSize(tb testing.TB, path string) int64 {
	fi, err := os.Stat(path)
	if os.IsNotExist(err) {
		return 0
	}
	if err != nil {
		tb.Fatal(err)
	}
	return fi.Size()
}

// TestRetentionKeepsStateFlat: under steady traffic with retention, the
// database stops growing once the longest retention has passed; without
// it, it grows with every hour.
func TestRetentionKeepsStateFlat(t *testing.T) {
	hours, perHour := 24, 1000
	if raceEnabled {
		perHour = 100
	}
	r := Retention{AnswerLog: 6 * time.Hour, Turns: 3 * time.Hour, Delivered: 2 * time.Hour}
	kept := soak(t, r, hours, perHour)
	mb := func(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }
	settled := kept[8] // two hours past the longest retention
	peak := settled
	for _, n := range kept[8:] {
		peak = max(peak, n)
	}
	t.Logf("with retention: hour 1 %s, hour 9 %s, hour %d %s, peak after hour 9 %s", mb(kept[0]), mb(settled), hours, mb(kept[hours-1]), mb(peak))
	forever := soak(t, Retention{}, hours, perHour)
	t.Logf("without retention: hour 9 %s, hour %d %s", mb(forever[8]), hours, mb(forever[hours-1]))
	if float64(forever[hours-1]) < 1.5*float64(forever[8]) {
		t.Fatalf("the soak does not load the database: %s at hour 9, %s at hour %d without retention", mb(forever[8]), mb(forever[hours-1]), hours)
	}
	// The tickets (never pruned) still grow, by a few KB an hour: the
	// growth after hour 9 must be a small part of what it is without
	// retention.
	if grew, unbounded := peak-settled, forever[hours-1]-forever[8]; 4*grew > unbounded {
		t.Errorf("with retention state grew by %s after hour 9, without by %s", mb(grew), mb(unbounded))
	}
}

// TestRetentionPrunesDeadAndFeedback: dead-lettered outbox rows and
// feedback older than their retention are deleted; the tickets stay. A row
// dead-lettered without a time (by an older version) is kept for the
// whole retention from the first pass that sees it.
func TestRetentionPrunesDeadAndFeedback(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk testBackend) {
		ctx := context.Background()
		clock, advance := testClock(time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC))
		st, _ := bk.open(t, Options{Now: clock}, SinkWebhook)
		const day = 24 * time.Hour
		j := NewJanitor(st.db, st.convs, st.outbox, st.feedback, Retention{Dead: 30 * day, Feedback: 30 * day})
		// deadTicket creates a ticket whose webhook delivery is dead-lettered now.
		deadTicket := func(tag string) string {
			tk, err := st.tickets.CreateTicket(ctx, answer.Ticket{Tenant: "acme", Subject: tag})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := st.outbox.Claim(ctx, "r", clock(), time.Minute, 10); err != nil {
				t.Fatal(err)
			}
			if err := st.outbox.Failed(ctx, tk.ID, SinkWebhook, "410", time.Time{}, true); err != nil {
				t.Fatal(err)
			}
			return tk.ID
		}
		feedback := func(tag string) {
			if err := st.convs.LogAnswer(ctx, "acme", answer.Answer{ID: "ans_" + tag, ConversationID: "c_" + tag, Question: "q", Decision: answer.Answered}); err != nil {
				t.Fatal(err)
			}
			if _, err := st.feedback.AddFeedback(ctx, Feedback{Tenant: "acme", AnswerID: "ans_" + tag, Thumbs: -1, Comment: tag}); err != nil {
				t.Fatal(err)
			}
		}
		old, legacy := deadTicket("old"), deadTicket("legacy")
		if _, err := st.db.exec(ctx, `UPDATE outbox SET next_at=0 WHERE ticket_id=?`, legacy); err != nil {
			t.Fatal(err)
		}
		feedback("old")
		advance(40 * day)
		fresh := deadTicket("fresh")
		feedback("fresh")

		p, err := j.Prune(ctx, clock())
		if err != nil {
			t.Fatal(err)
		}
		if p.Dead != 1 || p.Feedback != 1 {
			t.Errorf("first pass pruned %+v, want 1 dead delivery (old's) and 1 feedback", p)
		}
		for id, want := range map[string]bool{old: false, legacy: true, fresh: true} {
			tk, err := st.tickets.Ticket(ctx, "acme", id)
			if err != nil {
				t.Fatalf("ticket %s after pruning: %v (tickets are never pruned)", id, err)
			}
			dead := slices.ContainsFunc(tk.Deliveries, func(d answer.Delivery) bool { return d.Sink == SinkWebhook && d.State == DeliveryDead })
			if dead != want {
				t.Errorf("ticket %s lists a dead webhook delivery: %v, want %v (%+v)", id, dead, want, tk.Deliveries)
			}
		}
		fb, err := st.feedback.Feedback(ctx, FeedbackFilter{Tenant: "acme"})
		if err != nil || len(fb) != 1 || fb[0].AnswerID != "ans_fresh" {
			t.Errorf("feedback after pruning: %+v, %v; want the fresh one", fb, err)
		}

		advance(31 * day)
		if p, err = j.Prune(ctx, clock()); err != nil {
			t.Fatal(err)
		}
		if p.Dead != 2 || p.Feedback != 1 {
			t.Errorf("second pass pruned %+v, want 2 dead deliveries (legacy's, fresh's) and 1 feedback", p)
		}
		if _, err := st.tickets.Ticket(ctx, "acme", legacy); err != nil {
			t.Errorf("ticket after its delivery was pruned: %v", err)
		}
	})
}

// testClock is a clock for Options.Now that starts at start and moves only
// when advanced.
func testClock(start time.Time) (clock func() time.Time, advance func(time.Duration)) {
	var mu sync.Mutex
	now := start
	clock = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance = func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	return clock, advance
}

// TestPruneAnswersEveryTenant: the answer log is pruned tenant by tenant
// (it has no index by time alone): every tenant's old answers go, the
// newer stay, and an empty log prunes nothing.
func TestPruneAnswersEveryTenant(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk testBackend) {
		ctx := context.Background()
		t0 := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
		st, _ := bk.open(t, Options{})
		if n, err := st.convs.PruneAnswers(ctx, t0); n != 0 || err != nil {
			t.Fatalf("empty log: pruned %d, %v", n, err)
		}
		for _, tenant := range []string{"acme", "beta", "gamma"} {
			for i, at := range []time.Duration{-3 * time.Hour, -time.Hour, time.Hour} {
				a := answer.Answer{ID: fmt.Sprintf("%s-%d", tenant, i), ConversationID: "c", Question: "q", Decision: answer.Answered, Created: t0.Add(at)}
				if err := st.convs.LogAnswer(ctx, tenant, a); err != nil {
					t.Fatal(err)
				}
			}
		}
		n, err := st.convs.PruneAnswers(ctx, t0)
		if n != 6 || err != nil {
			t.Errorf("pruned %d, %v; want the 6 answers before t0", n, err)
		}
		for _, tenant := range []string{"acme", "beta", "gamma"} {
			for i := range 3 {
				_, err := st.convs.Answer(ctx, tenant, fmt.Sprintf("%s-%d", tenant, i))
				if kept := err == nil; kept != (i == 2) {
					t.Errorf("%s answer %d: %v; want only the answer after t0 kept", tenant, i, err)
				}
			}
		}
	})
}
