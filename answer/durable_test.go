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

// leavingEmbedder is the customer closing the tab while the question is
// embedded for hybrid retrieval.
type leavingEmbedder struct{ cancel context.CancelFunc }

func (l leavingEmbedder) EmbedQuery(ctx context.Context, text string) ([]float32, error) {
	l.cancel()
	<-ctx.Done()
	return nil, ctx.Err()
}

// TestEscalationSurvivesClientLeaving: once the engine has decided to
// escalate, the ticket and the conversation turn are written even though
// the request's context ended; before the decision, the engine stops.
func TestEscalationSurvivesClientLeaving(t *testing.T) {
	for _, tc := range []struct {
		name       string
		question   string
		embedding  bool // the customer leaves while the question is embedded, not during retrieval
		wantTicket bool
	}{
		{"human requested before retrieval", "I want to talk to a human about my order", false, true},
		{"no decision yet", "How do I factory reset the Lumen hub?", false, false},
		{"human requested, left while embedding", "I want to talk to a human about my order", true, true},
		{"no decision yet, left while embedding", "How do I factory reset the Lumen hub?", true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			r := newRig(t, answer.Config{}, func(d *answer.Deps) {
				if tc.embedding {
					d.Embedder = leavingEmbedder{cancel: cancel}
				} else {
					d.Retriever = leavingRetriever{cancel: cancel}
				}
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
