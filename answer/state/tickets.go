package state

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/answerdesk/answerdesk/answer"
)

// TicketStore keeps escalation tickets, which are the local ticket queue,
// with their delivery outbox. A ticket and its outbox rows are written in
// one transaction.
type TicketStore struct {
	db     *DB
	sinks  []string
	notify *Notifier
}

var _ answer.TicketWriter = (*TicketStore)(nil)

// NewTicketStore returns the ticket store of db. Every new ticket gets an
// outbox row per sink (SinkQueue is always included); notify, when not
// nil, is signalled after a ticket with a pending delivery commits.
func NewTicketStore(db *DB, sinks []string, notify *Notifier) *TicketStore {
	s := &TicketStore{db: db, notify: notify, sinks: []string{SinkQueue}}
	for _, k := range sinks {
		if k != SinkQueue && k != "" && !contains(s.sinks, k) {
			s.sinks = append(s.sinks, k)
		}
	}
	return s
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

const ticketsSchemaV1 = `
CREATE TABLE IF NOT EXISTS tickets (
	id TEXT PRIMARY KEY,
	tenant TEXT NOT NULL,
	status TEXT NOT NULL,
	created INTEGER NOT NULL,
	updated INTEGER NOT NULL,
	body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS tickets_by_tenant ON tickets(tenant, created DESC, id DESC);
CREATE TABLE IF NOT EXISTS outbox (
	ticket_id TEXT NOT NULL REFERENCES tickets(id),
	sink TEXT NOT NULL,
	state TEXT NOT NULL,
	attempts INTEGER NOT NULL DEFAULT 0,
	last_error TEXT NOT NULL DEFAULT '',
	next_at INTEGER NOT NULL,
	claimed_until INTEGER NOT NULL DEFAULT 0,
	delivered INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (ticket_id, sink)
);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox(state, next_at);
CREATE TABLE IF NOT EXISTS queue (
	seq INTEGER PRIMARY KEY AUTOINCREMENT,
	ticket_id TEXT NOT NULL UNIQUE,
	tenant TEXT NOT NULL,
	enqueued INTEGER NOT NULL
);
`

// ticketRow is a ticket as stored: one column per field, the nested parts
// as JSON of the row types below, so that the database format is this
// file's to keep and not the Go field names of answer.Ticket.
type ticketRow struct {
	ID, Tenant, Status                                                      string
	Created, Updated                                                        int64
	Subject, Summary, Lang, Intent, Priority, Queue, Reason, ConversationID string
	Customer                                                                string // JSON object of strings
	Transcript                                                              string // JSON array of messageRow
	Attempted                                                               string
	Citations                                                               string // JSON array of citationRow
	Confidence                                                              float64
}

const ticketColumns = `id, tenant, status, created, updated, subject, summary, lang, intent, priority, queue, reason, conversation_id, customer, transcript, attempted, citations, confidence`

func (r *ticketRow) dest() []any {
	return []any{&r.ID, &r.Tenant, &r.Status, &r.Created, &r.Updated, &r.Subject, &r.Summary, &r.Lang, &r.Intent,
		&r.Priority, &r.Queue, &r.Reason, &r.ConversationID, &r.Customer, &r.Transcript, &r.Attempted, &r.Citations, &r.Confidence}
}

func (r *ticketRow) args() []any {
	return []any{r.ID, r.Tenant, r.Status, r.Created, r.Updated, r.Subject, r.Summary, r.Lang, r.Intent,
		r.Priority, r.Queue, r.Reason, r.ConversationID, r.Customer, r.Transcript, r.Attempted, r.Citations, r.Confidence}
}

type messageRow struct {
	Role string `json:"role"`
	Text string `json:"text"`
	At   int64  `json:"at"` // Unix nanoseconds, 0 for none
}

type citationRow struct {
	N          int     `json:"n"`
	ChunkID    string  `json:"chunk_id"`
	DocumentID string  `json:"document_id"`
	Title      string  `json:"title"`
	URL        string  `json:"url,omitempty"`
	Page       int     `json:"page,omitempty"`
	Heading    string  `json:"heading,omitempty"`
	Quote      string  `json:"quote"`
	Score      float64 `json:"score"`
}

// rowOf is the stored form of t.
func rowOf(t answer.Ticket) (ticketRow, error) {
	r := ticketRow{ID: t.ID, Tenant: t.Tenant, Status: t.Status, Created: ts(t.Created), Updated: ts(t.Updated),
		Subject: t.Subject, Summary: t.Summary, Lang: t.Lang, Intent: t.Intent, Priority: string(t.Priority), Queue: t.Queue,
		Reason: string(t.Reason), ConversationID: t.ConversationID, Attempted: t.Attempted, Confidence: t.Confidence}
	var msgs []messageRow
	if t.Transcript != nil {
		msgs = make([]messageRow, len(t.Transcript))
	}
	for i, m := range t.Transcript {
		msgs[i] = messageRow{Role: m.Role, Text: m.Text, At: ts(m.At)}
	}
	var cits []citationRow
	if t.Citations != nil {
		cits = make([]citationRow, len(t.Citations))
	}
	for i, c := range t.Citations {
		cits[i] = citationRow{N: c.N, ChunkID: c.ChunkID, DocumentID: c.DocumentID, Title: c.Title, URL: c.URL,
			Page: c.Page, Heading: c.Heading, Quote: c.Quote, Score: c.Score}
	}
	for _, f := range []struct {
		dst *string
		v   any
	}{{&r.Customer, t.Customer}, {&r.Transcript, msgs}, {&r.Citations, cits}} {
		b, err := json.Marshal(f.v)
		if err != nil {
			return r, fmt.Errorf("ticket %s: %w", t.ID, err)
		}
		*f.dst = string(b)
	}
	return r, nil
}

// ticket is the domain form of r, without deliveries.
func (r ticketRow) ticket() (answer.Ticket, error) {
	t := answer.Ticket{ID: r.ID, Tenant: r.Tenant, Status: r.Status, Created: fromTS(r.Created), Updated: fromTS(r.Updated),
		Subject: r.Subject, Summary: r.Summary, Lang: r.Lang, Intent: r.Intent, Priority: answer.Priority(r.Priority), Queue: r.Queue,
		Reason: answer.Reason(r.Reason), ConversationID: r.ConversationID, Attempted: r.Attempted, Confidence: r.Confidence}
	var msgs []messageRow
	var cits []citationRow
	for _, f := range []struct {
		src string
		dst any
	}{{r.Customer, &t.Customer}, {r.Transcript, &msgs}, {r.Citations, &cits}} {
		if err := json.Unmarshal([]byte(f.src), f.dst); err != nil {
			return t, fmt.Errorf("decode ticket %s: %w", r.ID, err)
		}
	}
	if msgs != nil {
		t.Transcript = make([]answer.Message, len(msgs))
	}
	for i, m := range msgs {
		t.Transcript[i] = answer.Message{Role: m.Role, Text: m.Text, At: fromTS(m.At)}
	}
	if cits != nil {
		t.Citations = make([]answer.Citation, len(cits))
	}
	for i, c := range cits {
		t.Citations[i] = answer.Citation{N: c.N, ChunkID: c.ChunkID, DocumentID: c.DocumentID, Title: c.Title, URL: c.URL,
			Page: c.Page, Heading: c.Heading, Quote: c.Quote, Score: c.Score}
	}
	return t, nil
}

// CreateTicket stores t (redacted by the engine) and one outbox row per
// sink in one transaction and returns the stored copy.
func (s *TicketStore) CreateTicket(ctx context.Context, t answer.Ticket) (answer.Ticket, error) {
	if t.Tenant == "" {
		return answer.Ticket{}, fmt.Errorf("create ticket: %w: empty tenant", ErrInvalid)
	}
	t.Deliveries = nil
	now := s.db.now().UTC()
	if t.ID == "" {
		t.ID = newID("tkt_", now)
	}
	if t.Created.IsZero() {
		t.Created = now
	}
	t.Updated = now
	if t.Status == "" {
		t.Status = StatusOpen
	}
	if !ValidStatus(t.Status) {
		return answer.Ticket{}, fmt.Errorf("create ticket: %w: status %q", ErrInvalid, t.Status)
	}
	row, err := rowOf(t)
	if err != nil {
		return answer.Ticket{}, fmt.Errorf("create ticket: %w", err)
	}
	pending := false
	insert := func(exec func(q string, args ...any) error) error {
		t.Deliveries, pending = nil, false
		if err := exec(`INSERT INTO tickets(`+ticketColumns+`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`, row.args()...); err != nil {
			return err
		}
		for _, sink := range s.sinks {
			if sink == SinkQueue {
				// The local queue is this database's tickets: storing the
				// ticket delivers it there.
				if err := exec(`INSERT INTO outbox(ticket_id, sink, state, attempts, next_at, delivered) VALUES (?,?,?,1,?,?)`,
					t.ID, sink, DeliveryDelivered, ts(now), ts(now)); err != nil {
					return fmt.Errorf("outbox %s: %w", sink, err)
				}
				t.Deliveries = append(t.Deliveries, answer.Delivery{Sink: sink, State: DeliveryDelivered, Attempts: 1, Delivered: now})
				continue
			}
			if err := exec(`INSERT INTO outbox(ticket_id, sink, state, next_at) VALUES (?,?,?,?)`,
				t.ID, sink, DeliveryPending, ts(now)); err != nil {
				return fmt.Errorf("outbox %s: %w", sink, err)
			}
			t.Deliveries = append(t.Deliveries, answer.Delivery{Sink: sink, State: DeliveryPending, NextAt: now})
			pending = true
		}
		return nil
	}
	if s.db.b == backendSQLite {
		// SQLite has one writer: the ticket joins the group commit, one
		// commit for the tickets of concurrent escalations and the queued
		// writes. PostgreSQL takes concurrent writers: there the ticket
		// commits on its own, not behind the writer's rollup lock.
		err = s.db.durable(ctx, func(b *batch) error { return insert(b.exec) })
	} else {
		err = s.db.inTx(ctx, func(tx sqlTx) error {
			return insert(func(q string, args ...any) error {
				_, err := s.db.txExec(ctx, tx, q, args...)
				return err
			})
		})
	}
	if err != nil {
		return answer.Ticket{}, fmt.Errorf("create ticket %s: %w", t.ID, err)
	}
	if pending {
		s.notify.Notify()
	}
	return t, nil
}

// Ticket returns one ticket of tenant with its delivery states.
func (s *TicketStore) Ticket(ctx context.Context, tenant, id string) (answer.Ticket, error) {
	var r ticketRow
	err := s.db.db.QueryRowContext(ctx, `SELECT `+ticketColumns+` FROM tickets WHERE id=? AND tenant=?`, id, tenant).Scan(r.dest()...)
	if errors.Is(err, sql.ErrNoRows) {
		return answer.Ticket{}, fmt.Errorf("ticket %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return answer.Ticket{}, fmt.Errorf("ticket %q: %w", id, err)
	}
	t, err := r.ticket()
	if err != nil {
		return t, err
	}
	ds, err := s.deliveries(ctx, []string{id})
	if err != nil {
		return t, err
	}
	t.Deliveries = ds[id]
	return t, nil
}

// Tickets lists tickets of a tenant, newest first, with delivery states.
func (s *TicketStore) Tickets(ctx context.Context, f TicketFilter) ([]answer.Ticket, error) {
	if f.Tenant == "" {
		return nil, fmt.Errorf("list tickets: %w: empty tenant", ErrInvalid)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	q := `SELECT ` + ticketColumns + ` FROM tickets WHERE tenant=?`
	args := []any{f.Tenant}
	if f.Status != "" {
		q += ` AND status=?`
		args = append(args, f.Status)
	}
	if f.Before != "" {
		q += ` AND (created, id) < (SELECT created, id FROM tickets WHERE id=? AND tenant=?)`
		args = append(args, f.Before, f.Tenant)
	}
	q += ` ORDER BY created DESC, id DESC LIMIT ?`
	args = append(args, limit)
	rows, err := s.db.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list tickets: %w", err)
	}
	defer rows.Close()
	var out []answer.Ticket
	var ids []string
	for rows.Next() {
		var r ticketRow
		if err := rows.Scan(r.dest()...); err != nil {
			return nil, fmt.Errorf("list tickets: %w", err)
		}
		t, err := r.ticket()
		if err != nil {
			return nil, err
		}
		out = append(out, t)
		ids = append(ids, t.ID)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list tickets: %w", err)
	}
	ds, err := s.deliveries(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Deliveries = ds[out[i].ID]
	}
	return out, nil
}

func (s *TicketStore) deliveries(ctx context.Context, ids []string) (map[string][]answer.Delivery, error) {
	out := map[string][]answer.Delivery{}
	if len(ids) == 0 {
		return out, nil
	}
	q := `SELECT ticket_id, sink, state, attempts, last_error, next_at, delivered FROM outbox WHERE ticket_id IN (?` +
		strings.Repeat(",?", len(ids)-1) + `) ORDER BY ticket_id, sink`
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := s.db.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("deliveries: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var d answer.Delivery
		var next, delivered int64
		if err := rows.Scan(&id, &d.Sink, &d.State, &d.Attempts, &d.LastError, &next, &delivered); err != nil {
			return nil, fmt.Errorf("deliveries: %w", err)
		}
		if d.State == DeliveryPending {
			d.NextAt = fromTS(next)
		}
		d.Delivered = fromTS(delivered)
		out[id] = append(out[id], d)
	}
	return out, rows.Err()
}

// SetTicketStatus changes a ticket's status.
func (s *TicketStore) SetTicketStatus(ctx context.Context, tenant, id, status string) (answer.Ticket, error) {
	if !ValidStatus(status) {
		return answer.Ticket{}, fmt.Errorf("ticket %q: %w: status %q", id, ErrInvalid, status)
	}
	res, err := s.db.exec(ctx, `UPDATE tickets SET status=?, updated=? WHERE id=? AND tenant=?`, status, ts(s.db.now()), id, tenant)
	if err != nil {
		return answer.Ticket{}, fmt.Errorf("ticket %q: set status: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return answer.Ticket{}, fmt.Errorf("ticket %q: %w", id, ErrNotFound)
	}
	return s.Ticket(ctx, tenant, id)
}

// outboxOwnerV4 records which instance holds a lease, so that a restarted
// instance can take its own leases back at once, and indexes delivered
// rows by time for retention.
const outboxOwnerV4 = `
ALTER TABLE outbox ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
CREATE INDEX IF NOT EXISTS outbox_delivered ON outbox(state, delivered);
`

// Enqueue delivers a ticket to the local queue, which is this database's
// tickets, where agents and `answerdesk tickets` list them: it checks that
// the ticket is stored (ErrNotFound when not) and writes nothing.
// CreateTicket delivers there as it stores the ticket; a queue delivery
// left pending (by a version that kept a separate queue table) ends here.
func (s *TicketStore) Enqueue(ctx context.Context, t answer.Ticket) error {
	var one int
	err := s.db.db.QueryRowContext(ctx, `SELECT 1 FROM tickets WHERE id=? AND tenant=?`, t.ID, t.Tenant).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("enqueue %s: %w", t.ID, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("enqueue %s: %w", t.ID, err)
	}
	return nil
}

// localQueueV13 drops the queue table, which CreateTicket and Enqueue
// wrote (a row per ticket: its id, tenant and time) and nothing read: the
// tickets are the local queue. The due outbox index keeps only pending
// rows, which the delivery worker claims, instead of every delivered one
// too (the local queue's row of every ticket is delivered as it is
// stored). Both were B-tree pages in the commit of every ticket: three
// for the queue (its table, its unique index and its sqlite_sequence
// row), one for the index.
const localQueueV13 = `
DROP TABLE IF EXISTS queue;
DROP INDEX IF EXISTS outbox_due;
CREATE INDEX outbox_due ON outbox(state, next_at) WHERE state='` + DeliveryPending + `';
`
