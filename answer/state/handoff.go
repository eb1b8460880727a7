package state

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/answerdesk/answerdesk/answer"
)

// Outbox events: what a delivery tells the sink.
const (
	EventTicketCreated = "ticket.created"
	EventTicketUpdated = "ticket.updated"
)

var _ answer.Handoffs = (*TicketStore)(nil)

// handoffV9 finds a conversation's tickets, and lets an outbox row carry a
// ticket's updates: the event it delivers and the ticket's revision, so
// that an update arriving while a delivery is in flight is not lost
// (Delivered re-arms a row whose revision moved after its claim).
const handoffV9 = `
CREATE INDEX IF NOT EXISTS tickets_by_conversation ON tickets(tenant, conversation_id, created DESC);
ALTER TABLE outbox ADD COLUMN event TEXT NOT NULL DEFAULT 'ticket.created';
ALTER TABLE outbox ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN claimed_revision INTEGER NOT NULL DEFAULT 0;
`

// HandedOver returns the id of the conversation's newest ticket that is
// neither solved nor closed, "" when there is none: while there is one, a
// person has the conversation.
func (s *TicketStore) HandedOver(ctx context.Context, tenant, conversationID string) (string, error) {
	if tenant == "" || conversationID == "" {
		return "", nil
	}
	var id string
	err := s.db.db.QueryRowContext(ctx, `SELECT id FROM tickets WHERE tenant=? AND conversation_id=? AND status IN (?,?)
		ORDER BY created DESC, id DESC LIMIT 1`, tenant, conversationID, StatusOpen, StatusPending).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("conversation %q: open ticket: %w", conversationID, err)
	}
	return id, nil
}

// AppendToTicket adds msgs (redacted by the engine) to the transcript of
// tenant's ticket id and queues a ticket.updated delivery to every sink
// beside the local queue, in one transaction. A pending ticket (waiting on
// the customer) opens again. A solved or closed ticket is not changed:
// answer.ErrTicketClosed.
func (s *TicketStore) AppendToTicket(ctx context.Context, tenant, id string, msgs ...answer.Message) error {
	now := s.db.now().UTC()
	pending := false
	// Synced: the customer's messages and the outbox rows that carry them
	// to the helpdesk must survive a power loss.
	err := s.db.inTxSynced(ctx, true, func(tx sqlTx) error {
		var status, transcript string
		err := tx.QueryRowContext(ctx, `SELECT status, transcript FROM tickets WHERE id=? AND tenant=?`+tx.b.lockRows("tickets", false), id, tenant).
			Scan(&status, &transcript)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if status != StatusOpen && status != StatusPending {
			return fmt.Errorf("%w: the ticket is %s", answer.ErrTicketClosed, status)
		}
		var rows []messageRow
		if err := json.Unmarshal([]byte(transcript), &rows); err != nil {
			return fmt.Errorf("decode transcript: %w", err)
		}
		for _, m := range msgs {
			at := m.At
			if at.IsZero() {
				at = now
			}
			rows = append(rows, messageRow{Role: m.Role, Text: m.Text, At: ts(at)})
		}
		b, err := json.Marshal(rows)
		if err != nil {
			return err
		}
		if _, err := s.db.txExec(ctx, tx, `UPDATE tickets SET transcript=?, updated=?, status=? WHERE id=? AND tenant=?`,
			string(b), ts(now), StatusOpen, id, tenant); err != nil {
			return err
		}
		for _, sink := range s.sinks {
			if sink == SinkQueue {
				continue // the queue lists the ticket, which is now updated in place
			}
			// A delivered row is re-armed for the update; a pending one
			// (not sent yet, or in flight) sends the ticket as it is when
			// claimed, and its revision tells Delivered to send again; a
			// dead one stays for the operator. A row pruned by retention
			// comes back as an update.
			if _, err := s.db.txExec(ctx, tx, `INSERT INTO outbox(ticket_id, sink, state, next_at, event, revision) VALUES (?,?,?,?,?,1)
				ON CONFLICT(ticket_id, sink) DO UPDATE SET revision=outbox.revision+1,
					event=CASE WHEN outbox.state=? THEN excluded.event ELSE outbox.event END,
					attempts=CASE WHEN outbox.state=? THEN 0 ELSE outbox.attempts END,
					next_at=CASE WHEN outbox.state=? THEN excluded.next_at ELSE outbox.next_at END,
					state=CASE WHEN outbox.state=? THEN excluded.state ELSE outbox.state END`,
				id, sink, DeliveryPending, ts(now), EventTicketUpdated,
				DeliveryDelivered, DeliveryDelivered, DeliveryDelivered, DeliveryDelivered); err != nil {
				return fmt.Errorf("outbox %s: %w", sink, err)
			}
			pending = true
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("append to ticket %q: %w", id, err)
	}
	if pending {
		s.notify.Notify()
	}
	return nil
}

// HandBack records that the helpdesk solved or closed ticket id, of
// whichever tenant — inbound helpdesk webhooks are signed for the
// deployment, not for a tenant — so that the conversation is the bot's
// again (HandedOver no longer returns the ticket). It reports whether the
// status changed: a repeated event changes nothing, and a closed ticket
// stays closed when a late "solved" arrives. status must be StatusSolved
// or StatusClosed.
func (s *TicketStore) HandBack(ctx context.Context, id, status string) (answer.Ticket, bool, error) {
	if status != StatusSolved && status != StatusClosed {
		return answer.Ticket{}, false, fmt.Errorf("hand back ticket %q: %w: status %q is neither solved nor closed", id, ErrInvalid, status)
	}
	var tenant string
	changed := false
	err := s.db.inTx(ctx, func(tx sqlTx) error {
		var cur string
		err := tx.QueryRowContext(ctx, `SELECT tenant, status FROM tickets WHERE id=?`+tx.b.lockRows("tickets", false), id).Scan(&tenant, &cur)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if cur == status || cur == StatusClosed {
			return nil
		}
		changed = true
		_, err = s.db.txExec(ctx, tx, `UPDATE tickets SET status=?, updated=? WHERE id=?`, status, ts(s.db.now()), id)
		return err
	})
	if err != nil {
		return answer.Ticket{}, false, fmt.Errorf("hand back ticket %q: %w", id, err)
	}
	t, err := s.Ticket(ctx, tenant, id)
	return t, changed, err
}
