package state

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Outbox is the delivery outbox of tickets: one row per ticket and sink,
// written with the ticket (TicketStore.CreateTicket) and drained by the
// delivery worker, which leases due rows, records each outcome, and
// prunes what was delivered long ago.
type Outbox struct{ db *DB }

// NewOutbox returns the outbox of db.
func NewOutbox(db *DB) *Outbox { return &Outbox{db: db} }

// Claim leases up to limit due outbox rows to owner (an instance id) for
// lease; rows whose lease expires unfinished (a crash) are claimed again,
// by any instance, and at once by owner after ReleaseClaims.
func (o *Outbox) Claim(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]OutboxItem, error) {
	var items []OutboxItem
	err := o.db.inTx(ctx, func(tx sqlTx) error {
		items = nil
		// On PostgreSQL the rows are locked, skipping those another
		// replica is claiming, so that two claimers never get one row.
		rows, err := tx.QueryContext(ctx, claimSQL(tx.b), ts(now), ts(now), limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var it OutboxItem
			var r ticketRow
			if err := rows.Scan(append([]any{&it.TicketID, &it.Sink, &it.Attempts, &it.Event, &it.Revision}, r.dest()...)...); err != nil {
				return err
			}
			if it.Ticket, err = r.ticket(); err != nil {
				return err
			}
			items = append(items, it)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		until := ts(now.Add(lease))
		for _, it := range items {
			if _, err := o.db.txExec(ctx, tx, `UPDATE outbox SET claimed_until=?, claimed_by=?, claimed_revision=revision WHERE ticket_id=? AND sink=?`, until, owner, it.TicketID, it.Sink); err != nil {
				return fmt.Errorf("%s: %w", it.TicketID, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("claim: %w", err)
	}
	return items, nil
}

// claimSQL selects up to a limit of the pending outbox rows due at a time
// (given twice) with their tickets, from the index of pending rows
// (outbox_due, partial: TestClaimUsesTheDueIndex).
func claimSQL(b backend) string {
	return `SELECT o.ticket_id, o.sink, o.attempts, o.event, o.revision, ` + prefixed("t.", ticketColumns) + `
		FROM outbox o JOIN tickets t ON t.id = o.ticket_id
		WHERE o.state='` + DeliveryPending + `' AND o.next_at<=? AND o.claimed_until<=?
		ORDER BY o.next_at, o.ticket_id LIMIT ?` + b.lockRows("o", true)
}

// prefixed qualifies each of a comma-separated list of columns.
func prefixed(p, cols string) string {
	parts := strings.Split(cols, ", ")
	for i := range parts {
		parts[i] = p + parts[i]
	}
	return strings.Join(parts, ", ")
}

// Delivered marks a claimed row delivered. When the ticket was updated
// after the claim (AppendToTicket), what was sent is outdated: the row
// stays pending, due at once, to send the update.
func (o *Outbox) Delivered(ctx context.Context, ticketID, sink string, at time.Time) error {
	_, err := o.db.exec(ctx, `UPDATE outbox SET
			state=CASE WHEN revision=claimed_revision THEN ? ELSE ? END,
			event=CASE WHEN revision=claimed_revision THEN event ELSE ? END,
			attempts=CASE WHEN revision=claimed_revision THEN attempts+1 ELSE 0 END,
			delivered=?, next_at=?, claimed_until=0, last_error=''
		WHERE ticket_id=? AND sink=? AND state=?`, DeliveryDelivered, DeliveryPending, EventTicketUpdated, ts(at), ts(at), ticketID, sink, DeliveryPending)
	if err != nil {
		return fmt.Errorf("outbox %s/%s delivered: %w", ticketID, sink, err)
	}
	return nil
}

// Failed records a failed attempt: the row is retried at next, or it is
// dead (dead-lettered) since next, or since now when next is zero;
// retention counts from then.
func (o *Outbox) Failed(ctx context.Context, ticketID, sink, reason string, next time.Time, dead bool) error {
	st := DeliveryPending
	if dead {
		st = DeliveryDead
		if next.IsZero() {
			next = o.db.now()
		}
	}
	if len(reason) > 500 {
		reason = reason[:500]
	}
	_, err := o.db.exec(ctx, `UPDATE outbox SET state=?, attempts=attempts+1, last_error=?, next_at=?, claimed_until=0
		WHERE ticket_id=? AND sink=? AND state=?`, st, reason, ts(next), ticketID, sink, DeliveryPending)
	if err != nil {
		return fmt.Errorf("outbox %s/%s failed: %w", ticketID, sink, err)
	}
	return nil
}

// Release gives a claimed row back without counting an attempt.
func (o *Outbox) Release(ctx context.Context, ticketID, sink string) error {
	_, err := o.db.exec(ctx, `UPDATE outbox SET claimed_until=0 WHERE ticket_id=? AND sink=?`, ticketID, sink)
	if err != nil {
		return fmt.Errorf("outbox %s/%s release: %w", ticketID, sink, err)
	}
	return nil
}

// ReleaseClaims ends every lease owner holds, without counting an
// attempt: an instance restarted after a crash calls it before its first
// claim, so that the deliveries it had in flight are retried at once
// instead of after the lease. It returns how many rows it released.
func (o *Outbox) ReleaseClaims(ctx context.Context, owner string) (int, error) {
	res, err := o.db.exec(ctx, `UPDATE outbox SET claimed_until=0 WHERE claimed_by=? AND claimed_until>0 AND state=?`, owner, DeliveryPending)
	if err != nil {
		return 0, fmt.Errorf("release claims of %q: %w", owner, err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// OutboxDepth counts the outbox rows not delivered: pending (due, claimed
// or waiting to retry) and dead-lettered.
func (o *Outbox) OutboxDepth(ctx context.Context) (pending, dead int, err error) {
	err = o.db.db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM outbox WHERE state=?), (SELECT count(*) FROM outbox WHERE state=?)`,
		DeliveryPending, DeliveryDead).Scan(&pending, &dead)
	if err != nil {
		return 0, 0, fmt.Errorf("outbox depth: %w", err)
	}
	return pending, dead, nil
}

// PruneDelivered deletes outbox rows delivered before before; a ticket
// whose deliveries are all pruned lists none. Pending and dead rows stay.
func (o *Outbox) PruneDelivered(ctx context.Context, before time.Time) (int, error) {
	rowid := o.db.b.rowid()
	n, err := o.db.deleteBatches(ctx, `DELETE FROM outbox WHERE `+rowid+` IN
		(SELECT `+rowid+` FROM outbox WHERE state=? AND delivered>0 AND delivered<? LIMIT ?)`, DeliveryDelivered, ts(before))
	if err != nil {
		return n, fmt.Errorf("prune delivered outbox: %w", err)
	}
	return n, nil
}

// PruneDead deletes outbox rows dead-lettered before before; the ticket
// then lists no delivery to that sink. A row dead-lettered by an older
// version, which did not record when, counts from the first pass that
// sees it.
func (o *Outbox) PruneDead(ctx context.Context, before time.Time) (int, error) {
	if _, err := o.db.exec(ctx, `UPDATE outbox SET next_at=? WHERE state=? AND next_at=0`, ts(o.db.now()), DeliveryDead); err != nil {
		return 0, fmt.Errorf("prune dead outbox: %w", err)
	}
	rowid := o.db.b.rowid()
	n, err := o.db.deleteBatches(ctx, `DELETE FROM outbox WHERE `+rowid+` IN
		(SELECT `+rowid+` FROM outbox WHERE state=? AND next_at<? LIMIT ?)`, DeliveryDead, ts(before))
	if err != nil {
		return n, fmt.Errorf("prune dead outbox: %w", err)
	}
	return n, nil
}
