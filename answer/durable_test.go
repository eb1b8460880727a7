package answer_test

import (
	"context"
	"errors"
	"testing"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/retrieval"
)

// leavingRetriever simulates a customer who closes the chat tab while the
// engine retrieves: the request's context ends during Search.
type leavingRetriever struct{ cancel context.CancelFunc }

func (l leavingRetriever) Search(ctx context.Context, q retrieval.Query) (retrieval.Result, error) {
	l.cancel()
	<-ctx.Done()
	return retrieval.Result{}, ctx.Err()
}

// TestEscalationSurvivesClientLeaving: once the engine has decided to
// escalate, the ticket and the conversation turn are written even though
// the request's context ended; before the decision, the engine stops.
func TestEscalationSurvivesClientLeaving(t *testing.T) {
	for _, tc := range []struct {
		name       string
		question   string
		wantTicket bool
	}{
		{"human requested before retrieval", "I want to talk to a human about my order", true},
		{"no decision yet", "How do I factory reset the Lumen hub?", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			r := newRig(t, answer.Config{}, func(d *answer.Deps) {
				d.Retriever = leavingRetriever{cancel: cancel}
			})
			a, err := r.eng.Answer(ctx, answer.Request{Tenant: "acme", Question: tc.question, ConversationID: "c1", Channel: "test"})
			got := r.tickets.Tickets()
			if !tc.wantTicket {
				if !errors.Is(err, context.Canceled) || len(got) != 0 {
					t.Fatalf("err = %v, %d tickets; want context.Canceled and none", err, len(got))
				}
				return
			}
			if err != nil {
				t.Fatalf("Answer: %v", err)
			}
			if a.Decision != answer.Escalated || a.Reason != answer.ReasonHumanRequested || len(got) != 1 || a.TicketID != got[0].ID {
				t.Fatalf("decision %s/%s ticket %q, stored %d tickets", a.Decision, a.Reason, a.TicketID, len(got))
			}
			turns, _ := r.convs.Turns(context.Background(), "acme", "c1")
			if len(turns) != 2 {
				t.Errorf("conversation has %d turns, want 2 (question and notice)", len(turns))
			}
		})
	}
}
