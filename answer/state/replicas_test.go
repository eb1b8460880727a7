package state

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/google/go-cmp/cmp"
)

// Conformance tests of what several processes on one database rely on:
// two handles of one database stand for two replicas (on SQLite, two
// processes sharing a file).

// TestConcurrentClaimers: two replicas claiming the outbox at once never
// get the same row, and between them get every row.
func TestConcurrentClaimers(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk testBackend) {
		ctx := context.Background()
		now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		a, loc := bk.open(t, Options{Now: func() time.Time { return now }}, SinkWebhook)
		b := openAt(t, loc, Options{Now: func() time.Time { return now }}, SinkWebhook)
		defer b.db.Close()
		const tickets = 200
		for i := 0; i < tickets; i++ {
			if _, err := a.tickets.CreateTicket(ctx, answer.Ticket{Tenant: "acme", Subject: fmt.Sprintf("s%d", i)}); err != nil {
				t.Fatal(err)
			}
		}
		var mu sync.Mutex
		claimedBy := map[string][]string{}
		var wg sync.WaitGroup
		for r, st := range []stores{a, b, a, b} {
			owner := fmt.Sprintf("replica-%d", r)
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					// A lease of an hour: nothing is claimed twice by expiry.
					items, err := st.outbox.Claim(ctx, owner, now, time.Hour, 7)
					if err != nil {
						t.Error(err)
						return
					}
					if len(items) == 0 {
						return
					}
					mu.Lock()
					for _, it := range items {
						claimedBy[it.TicketID+"/"+it.Sink] = append(claimedBy[it.TicketID+"/"+it.Sink], owner)
					}
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if len(claimedBy) != tickets {
			t.Errorf("claimed %d rows, want %d", len(claimedBy), tickets)
		}
		owners := map[string]int{}
		for row, by := range claimedBy {
			if len(by) != 1 {
				t.Errorf("%s claimed %d times: %v", row, len(by), by)
			}
			owners[by[0]]++
		}
		t.Logf("rows per claimer: %v", owners)
	})
}

// TestKeysAcrossReplicas: a key created through one replica authenticates
// through the other, and its revocation is seen there.
func TestKeysAcrossReplicas(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk testBackend) {
		ctx := context.Background()
		a, loc := bk.open(t, Options{})
		b := openAt(t, loc, Options{})
		defer b.db.Close()
		secret, k, err := a.keys.CreateKey(ctx, "acme", "support", []string{ScopeAsk})
		if err != nil {
			t.Fatal(err)
		}
		got, err := b.keys.Authenticate(ctx, secret)
		if err != nil || got.ID != k.ID || got.Tenant != "acme" {
			t.Fatalf("authenticate through the other replica: %+v, %v", got, err)
		}
		if err := b.keys.RevokeKey(ctx, k.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := a.keys.Authenticate(ctx, secret); !errors.Is(err, ErrRevoked) {
			t.Errorf("revoked through one replica, the other authenticates: %v", err)
		}
		if err := a.keys.RevokeKey(ctx, k.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("revoking twice: %v, want ErrNotFound", err)
		}
	})
}

// TestConcurrentOpen: replicas starting at once on a new database migrate
// it once, and both work.
func TestConcurrentOpen(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk testBackend) {
		ctx := context.Background()
		loc := bk.location(t)
		dbs := make([]*DB, 4)
		errs := make([]error, len(dbs))
		var wg sync.WaitGroup
		for i := range dbs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				dbs[i], errs[i] = Open(ctx, loc, Options{})
			}()
		}
		wg.Wait()
		for i, db := range dbs {
			if errs[i] != nil {
				t.Fatalf("open %d: %v", i, errs[i])
			}
			defer db.Close()
		}
		for i, db := range dbs {
			if _, err := NewTicketStore(db, nil, nil).CreateTicket(ctx, answer.Ticket{Tenant: "acme", Subject: fmt.Sprint(i)}); err != nil {
				t.Errorf("replica %d: %v", i, err)
			}
		}
		got, err := NewTicketStore(dbs[0], nil, nil).Tickets(ctx, TicketFilter{Tenant: "acme"})
		if err != nil || len(got) != len(dbs) {
			t.Errorf("tickets: %d, %v", len(got), err)
		}
	})
}

// TestFAQCandidates: a correction and a solved ticket become candidates
// once each; a decision is final.
func TestFAQCandidates(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk testBackend) {
		ctx := context.Background()
		st, _ := bk.open(t, Options{})
		faq := NewFAQStore(st.db)
		if err := st.convs.LogAnswer(ctx, "acme", answer.Answer{ID: "ans_1", Question: "How do I reset the hub?", Decision: answer.Answered, Lang: "en"}); err != nil {
			t.Fatal(err)
		}
		fb, err := st.feedback.AddFeedback(ctx, Feedback{Tenant: "acme", AnswerID: "ans_1", Thumbs: -1, Correction: "Hold reset for 10 s."})
		if err != nil {
			t.Fatal(err)
		}
		if fb.ID == 0 {
			t.Errorf("feedback id not returned")
		}
		tk := answer.Ticket{Tenant: "acme", Status: StatusSolved, Subject: "Refund for order 7", Lang: "en",
			Transcript: []answer.Message{{Role: answer.RoleCustomer, Text: "I want a refund"}, {Role: answer.RoleAgent, Text: "Refunds take 5 days."}}}
		tk, err = st.tickets.CreateTicket(ctx, tk)
		if err != nil {
			t.Fatal(err)
		}
		for i, want := range []bool{true, false} {
			if added, err := faq.AddTicketCandidate(ctx, tk); err != nil || added != want {
				t.Errorf("ticket candidate, try %d: added %v, %v; want %v", i+1, added, err, want)
			}
		}
		cs, err := faq.Candidates(ctx, CandidateFilter{Tenant: "acme"})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range cs {
			got = append(got, c.Source+": "+c.Question+" → "+c.Answer+" ("+c.Status+")")
		}
		want := []string{"ticket: Refund for order 7 → Refunds take 5 days. (pending)", "correction: How do I reset the hub? → Hold reset for 10 s. (pending)"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("candidates (-want +got):\n%s", diff)
		}
		if other, _ := faq.Candidates(ctx, CandidateFilter{Tenant: "beta"}); len(other) != 0 {
			t.Errorf("another tenant's candidates: %v", other)
		}
		c, err := faq.Decide(ctx, "acme", cs[1].ID, CandidateApproved, ActorCLI, "faq_1")
		if err != nil || c.Status != CandidateApproved || c.DocumentID != "faq_1" || c.Decided.IsZero() {
			t.Fatalf("approve: %+v, %v", c, err)
		}
		if _, err := faq.Decide(ctx, "acme", cs[1].ID, CandidateApproved, ActorCLI, "faq_1"); err != nil {
			t.Errorf("approving again: %v, want no change", err)
		}
		if _, err := faq.Decide(ctx, "acme", cs[1].ID, CandidateRejected, ActorCLI, ""); !errors.Is(err, ErrConflict) {
			t.Errorf("rejecting an approved candidate: %v, want ErrConflict", err)
		}
		if _, err := faq.Decide(ctx, "beta", cs[0].ID, CandidateRejected, ActorCLI, ""); !errors.Is(err, ErrNotFound) {
			t.Errorf("another tenant decides: %v, want ErrNotFound", err)
		}
		pending, err := faq.Candidates(ctx, CandidateFilter{Tenant: "acme", Status: CandidatePending})
		if err != nil || len(pending) != 1 || pending[0].Source != SourceTicket {
			t.Errorf("pending after the decision: %+v, %v", pending, err)
		}
	})
}

// TestRetentionPrunes: one janitor pass deletes the answer log, turns and
// delivered outbox rows older than their retention, and nothing else.
func TestRetentionPrunes(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk testBackend) {
		ctx := context.Background()
		clock, advance := testClock(time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC))
		st, _ := bk.open(t, Options{Now: clock}, SinkWebhook)
		write := func(tag string) string {
			if err := st.convs.LogAnswer(ctx, "acme", answer.Answer{ID: "ans_" + tag, ConversationID: "c_" + tag, Question: "q", Decision: answer.Answered}); err != nil {
				t.Fatal(err)
			}
			if err := st.convs.Append(ctx, "acme", "c_"+tag, answer.Message{Role: answer.RoleCustomer, Text: "q " + tag}); err != nil {
				t.Fatal(err)
			}
			tk, err := st.tickets.CreateTicket(ctx, answer.Ticket{Tenant: "acme", Subject: tag})
			if err != nil {
				t.Fatal(err)
			}
			return tk.ID
		}
		old := write("old")
		dead := write("dead")
		items, err := st.outbox.Claim(ctx, "r", clock(), time.Minute, 10)
		if err != nil || len(items) != 2 {
			t.Fatalf("claim: %d, %v", len(items), err)
		}
		for _, it := range items {
			if it.TicketID == dead {
				err = st.outbox.Failed(ctx, it.TicketID, it.Sink, "410", time.Time{}, true)
			} else {
				err = st.outbox.Delivered(ctx, it.TicketID, it.Sink, clock())
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		advance(48 * time.Hour)
		fresh := write("fresh")
		p, err := NewJanitor(st.db, st.convs, st.outbox, st.feedback, Retention{AnswerLog: 24 * time.Hour, Turns: 24 * time.Hour, Delivered: 24 * time.Hour}).Prune(ctx, clock())
		if err != nil {
			t.Fatal(err)
		}
		// Two old answers, two old turns; old's webhook and both old queue
		// rows were delivered (dead's webhook row is dead: kept).
		if p.Answers != 2 || p.Turns != 2 || p.Delivered != 3 {
			t.Errorf("pruned %+v, want 2 answers, 2 turns, 3 deliveries", p)
		}
		if _, err := st.convs.Answer(ctx, "acme", "ans_old"); !errors.Is(err, ErrNotFound) {
			t.Errorf("old answer after pruning: %v", err)
		}
		if _, err := st.convs.Answer(ctx, "acme", "ans_fresh"); err != nil {
			t.Errorf("fresh answer pruned: %v", err)
		}
		if turns, _ := st.convs.Turns(ctx, "acme", "c_fresh"); len(turns) != 1 {
			t.Errorf("fresh turns: %d", len(turns))
		}
		for id, want := range map[string]int{old: 0, dead: 1, fresh: 2} {
			tk, err := st.tickets.Ticket(ctx, "acme", id)
			if err != nil {
				t.Fatalf("ticket pruned: %v", err)
			}
			if len(tk.Deliveries) != want {
				t.Errorf("ticket %s: %d deliveries left, want %d", tk.Subject, len(tk.Deliveries), want)
			}
		}
	})
}

// TestAnswerLogAcrossReplicas: two replicas logging answers at once (their
// group commits count in the same rollup rows) lose none of them: on
// PostgreSQL they would deadlock without taking turns.
func TestAnswerLogAcrossReplicas(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk testBackend) {
		ctx := context.Background()
		var mu sync.Mutex
		var bgErrs []error
		o := Options{OnError: func(err error) { mu.Lock(); bgErrs = append(bgErrs, err); mu.Unlock() }}
		a, loc := bk.open(t, o)
		b := openAt(t, loc, o)
		defer b.db.Close()
		t0 := time.Now().UTC().Truncate(time.Hour)
		const writers, each = 8, 150
		var wg sync.WaitGroup
		for w := 0; w < writers; w++ {
			st := []stores{a, b}[w%2]
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < each; i++ {
					d, reason := answer.Answered, answer.Reason("")
					if i%3 == 0 {
						d, reason = answer.Escalated, answer.ReasonLowConfidence
					}
					an := answer.Answer{ID: fmt.Sprintf("ans_%d_%d", w, i), ConversationID: fmt.Sprintf("c_%d", i%7), Question: "q",
						Decision: d, Reason: reason, Created: t0.Add(time.Duration(i) * time.Second),
						Timings:   answer.Timings{Total: time.Duration(1+i%40) * time.Millisecond},
						Citations: []answer.Citation{{DocumentID: fmt.Sprintf("doc_%d", i%5)}}}
					if err := st.convs.LogAnswer(ctx, "acme", an); err != nil {
						t.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
		for _, st := range []stores{a, b} {
			if err := st.db.flush(ctx); err != nil {
				t.Fatal(err)
			}
		}
		r, err := NewAnalyticsStore(a.db).Analytics(ctx, AnalyticsQuery{Tenant: "acme", From: t0.Add(-time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if r.Volume != writers*each || r.Escalated != writers*50 {
			t.Errorf("analytics count %d answers (%d escalated), want %d (%d)", r.Volume, r.Escalated, writers*each, writers*50)
		}
		mu.Lock()
		defer mu.Unlock()
		for _, err := range bgErrs {
			t.Errorf("background write: %v", err)
		}
	})
}
