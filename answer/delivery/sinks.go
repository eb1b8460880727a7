package delivery

import (
	"context"
	"log/slog"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/answer/state"
)

// Sinks are where tickets are delivered besides the local queue; a nil
// sink is not configured.
type Sinks struct {
	Webhook *Webhook
	Zendesk *Zendesk
}

// Names are the state's names of the configured sinks, in a fixed order:
// the ticket store gives every new ticket an outbox row for each
// (state.Config.Sinks), and NewWorker delivers them.
func (s Sinks) Names() []string {
	var names []string
	if s.Webhook != nil {
		names = append(names, state.SinkWebhook)
	}
	if s.Zendesk != nil {
		names = append(names, state.SinkZendesk)
	}
	return names
}

// Enqueuer delivers a ticket to the local queue, the state database's
// tickets (state.TicketStore implements it: the ticket is there once
// stored).
type Enqueuer interface {
	Enqueue(ctx context.Context, t answer.Ticket) error
}

// NewWorker returns a worker delivering the rows of ob to the local queue
// q and to the configured sinks.
func NewWorker(ob Outbox, q Enqueuer, s Sinks, o Options, log *slog.Logger) *Worker {
	sinks := map[string]Sink{state.SinkQueue: Queue{Q: q}}
	if s.Webhook != nil {
		sinks[state.SinkWebhook] = s.Webhook
	}
	if s.Zendesk != nil {
		sinks[state.SinkZendesk] = s.Zendesk
	}
	return New(ob, sinks, o, log)
}
