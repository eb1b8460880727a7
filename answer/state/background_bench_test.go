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
