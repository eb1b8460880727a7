package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"testing"

	"github.com/answerdesk/answerdesk/answer"
)

// BenchmarkLoneEscalationDurable: the time until a lone escalation is
// durable: its ticket committed (CreateTicket returns after the commit)
// and its queued answer log entry and turns committed by the writer,
// observed by reading the log without a flush.
func BenchmarkLoneEscalationDurable(b *testing.B) {
	ctx := context.Background()
	st, _ := openTest(b, Options{}, SinkQueue)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		id := fmt.Sprintf("ans_%d", i)
		conv := fmt.Sprintf("c_%d", i)
		tkt, err := st.tickets.CreateTicket(ctx, answer.Ticket{Tenant: "a", ConversationID: conv, Subject: "refund?"})
		if err != nil {
			b.Fatal(err)
		}
		if err := st.convs.Append(ctx, "a", conv, answer.Message{Role: answer.RoleCustomer, Text: "refund?"}); err != nil {
			b.Fatal(err)
		}
		if err := st.convs.LogAnswer(ctx, "a", answer.Answer{ID: id, ConversationID: conv, Decision: "escalate", TicketID: tkt.ID}); err != nil {
			b.Fatal(err)
		}
		for {
			var one int
			err := st.db.db.QueryRowContext(ctx, `SELECT 1 FROM answers WHERE id=?`, id).Scan(&one)
			if err == nil {
				break
			}
			if !errors.Is(err, sql.ErrNoRows) {
				b.Fatal(err)
			}
			runtime.Gosched()
		}
	}
}

// BenchmarkCreateTicketConcurrent: tickets created by 16 goroutines at
// once (escalations of concurrent requests), each with the queue sink;
// ns/op is wall time per ticket on whatever cores the machine has.
func BenchmarkCreateTicketConcurrent(b *testing.B) {
	ctx := context.Background()
	st, _ := openTest(b, Options{}, SinkQueue)
	tk := answer.Ticket{Tenant: "a", Subject: "refund?", Summary: "Escalated: the customer asked for a person (human_requested).",
		Transcript: []answer.Message{{Role: answer.RoleCustomer, Text: "I want a refund, please get me a person"}},
		Citations:  []answer.Citation{{N: 1, ChunkID: "c1", DocumentID: "refunds.md", Title: "Refunds", Quote: "Refunds take five days."}}}
	b.SetParallelism(8) // 16 goroutines on 2 cores
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := st.tickets.CreateTicket(ctx, tk); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
