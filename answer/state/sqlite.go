package state

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/ingest/redact"

	_ "modernc.org/sqlite" // database/sql driver "sqlite"
)

// Options configure a DB.
type Options struct {
	// Sinks are the outbox sinks every new ticket is delivered to; SinkQueue
	// is always included.
	Sinks []string
	// OnTicket, when set, is called after a ticket is committed, so that a
	// delivery worker can wake up at once instead of at its next poll.
	OnTicket func()
	// OnError, when set, receives errors of background work (the answer
	// log writer, checkpoints), which have no caller to return them to.
	OnError func(error)
	// Now returns the current time (time.Now when nil); tests inject a clock.
	Now func() time.Time
}

// DB is the SQLite implementation of Store. It is safe for concurrent use.
type DB struct {
	db *sql.DB
	// wmu serializes this process's writes: SQLite has one writer at a
	// time, and waiting on a mutex is far cheaper than the driver's
	// busy-timeout polling when many requests write at once. Other
	// processes (the CLI) still meet the busy timeout.
	wmu   sync.Mutex
	sinks []string
	onT   func()
	now   func() time.Time

	logMu     sync.RWMutex // guards sending on logCh against Close
	logClosed bool
	logCh     chan logItem
	bgDone    chan struct{}
	stopCkpt  chan struct{}
	logErr    func(error)
	stmts     sync.Map // query → *sql.Stmt
	closeOnce sync.Once
	closeErr  error
}

var _ Store = (*DB)(nil)

const schema = `
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
CREATE TABLE IF NOT EXISTS turns (
	tenant TEXT NOT NULL,
	conversation_id TEXT NOT NULL,
	seq INTEGER NOT NULL,
	role TEXT NOT NULL,
	text TEXT NOT NULL,
	at INTEGER NOT NULL,
	PRIMARY KEY (tenant, conversation_id, seq)
);
CREATE TABLE IF NOT EXISTS answers (
	id TEXT PRIMARY KEY,
	tenant TEXT NOT NULL,
	conversation_id TEXT NOT NULL,
	question TEXT NOT NULL,
	decision TEXT NOT NULL,
	reason TEXT NOT NULL,
	confidence REAL NOT NULL,
	ticket_id TEXT NOT NULL,
	created INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS feedback (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	tenant TEXT NOT NULL,
	answer_id TEXT NOT NULL,
	thumbs INTEGER NOT NULL,
	rating INTEGER NOT NULL,
	comment TEXT NOT NULL,
	created INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS api_keys (
	id TEXT PRIMARY KEY,
	hash TEXT NOT NULL UNIQUE,
	prefix TEXT NOT NULL,
	tenant TEXT NOT NULL,
	scopes TEXT NOT NULL,
	name TEXT NOT NULL,
	created INTEGER NOT NULL,
	revoked INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS jobs (
	id TEXT PRIMARY KEY,
	tenant TEXT NOT NULL,
	state TEXT NOT NULL,
	files TEXT NOT NULL,
	result TEXT NOT NULL,
	error TEXT NOT NULL,
	created INTEGER NOT NULL,
	updated INTEGER NOT NULL
);
`

// Open opens (creating when absent) the state database at path.
func Open(ctx context.Context, path string, o Options) (*DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("open state %s: %w", path, err)
	}
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(ON)&_pragma=wal_autocheckpoint(0)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open state %s: %w", path, err)
	}
	db.SetMaxOpenConns(4)
	if _, err := db.ExecContext(ctx, schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("open state %s: schema: %w", path, err)
	}
	s := &DB{db: db, onT: o.OnTicket, now: o.Now}
	if s.now == nil {
		s.now = time.Now
	}
	s.sinks = []string{SinkQueue}
	for _, k := range o.Sinks {
		if k != SinkQueue && k != "" {
			s.sinks = append(s.sinks, k)
		}
	}
	s.logErr = o.OnError
	// Jobs that were running when the process died will never finish.
	if _, err := db.ExecContext(ctx, `UPDATE jobs SET state=?, error=?, updated=? WHERE state IN (?, ?)`,
		JobFailed, "interrupted by a restart; upload again", s.now().UnixNano(), JobQueued, JobRunning); err != nil {
		db.Close()
		return nil, fmt.Errorf("open state %s: %w", path, err)
	}
	s.startBackground()
	return s, nil
}

func (s *DB) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	st, err := s.stmt(ctx, q)
	if err != nil {
		return nil, err
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	return st.ExecContext(ctx, args...)
}

// stmt returns the prepared statement for q, preparing it once: the
// driver otherwise parses every statement on every call.
func (s *DB) stmt(ctx context.Context, q string) (*sql.Stmt, error) {
	if st, ok := s.stmts.Load(q); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := s.db.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	if prev, loaded := s.stmts.LoadOrStore(q, st); loaded {
		st.Close()
		return prev.(*sql.Stmt), nil
	}
	return st, nil
}

// txExec runs q in tx with the statement prepared once.
func (s *DB) txExec(ctx context.Context, tx *sql.Tx, q string, args ...any) (sql.Result, error) {
	st, err := s.stmt(ctx, q)
	if err != nil {
		return nil, err
	}
	return tx.StmtContext(ctx, st).ExecContext(ctx, args...)
}

// SetOnTicket sets the hook called after a ticket is committed.
func (s *DB) SetOnTicket(f func()) { s.onT = f }

// Ping checks that the database answers.
func (s *DB) Ping(ctx context.Context) error {
	var one int
	if err := s.db.QueryRowContext(ctx, `SELECT 1`).Scan(&one); err != nil {
		return fmt.Errorf("state ping: %w", err)
	}
	return nil
}

func newID(prefix string) string {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return prefix + hex.EncodeToString(b[:])
}

func ts(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromTS(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// redactTicket returns the copy of t that is stored and delivered: personal
// data masked in what the customer wrote (subject, summary, transcript,
// customer context). The attempted answer and its citations are the
// tenant's own knowledge base (ticket exports are redacted at ingestion),
// left as they are so that published contact details stay readable.
func redactTicket(t answer.Ticket) answer.Ticket {
	// The question is usually the subject, part of the summary and a turn
	// of the transcript: redact each distinct string once.
	seen := map[string]string{}
	text := func(s string) string {
		if r, ok := seen[s]; ok {
			return r
		}
		r := redact.Text(s)
		seen[s] = r
		return r
	}
	t.Subject = text(t.Subject)
	t.Summary = text(t.Summary)
	if t.Customer != nil {
		c := make(map[string]string, len(t.Customer))
		for k, v := range t.Customer {
			c[k] = text(v)
		}
		t.Customer = c
	}
	tr := make([]answer.Message, len(t.Transcript))
	for i, m := range t.Transcript {
		m.Text = text(m.Text)
		tr[i] = m
	}
	t.Transcript = tr
	t.Deliveries = nil
	return t
}

// CreateTicket stores a redacted copy of t and one outbox row per sink in
// one transaction and returns the stored copy.
func (s *DB) CreateTicket(ctx context.Context, t answer.Ticket) (answer.Ticket, error) {
	if t.Tenant == "" {
		return answer.Ticket{}, fmt.Errorf("create ticket: %w: empty tenant", ErrInvalid)
	}
	t = redactTicket(t)
	if t.ID == "" {
		t.ID = newID("tkt_")
	}
	now := s.now().UTC()
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
	body, err := json.Marshal(t)
	if err != nil {
		return answer.Ticket{}, fmt.Errorf("create ticket: %w", err)
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return answer.Ticket{}, fmt.Errorf("create ticket: %w", err)
	}
	defer tx.Rollback()
	if _, err := s.txExec(ctx, tx, `INSERT INTO tickets(id, tenant, status, created, updated, body) VALUES (?,?,?,?,?,?)`,
		t.ID, t.Tenant, t.Status, ts(t.Created), ts(t.Updated), string(body)); err != nil {
		return answer.Ticket{}, fmt.Errorf("create ticket %s: %w", t.ID, err)
	}
	pending := false
	for _, sink := range s.sinks {
		if sink == SinkQueue {
			// The local queue lives in this database: the transaction that
			// stores the ticket delivers it there.
			if _, err := s.txExec(ctx, tx, `INSERT INTO queue(ticket_id, tenant, enqueued) VALUES (?,?,?)`, t.ID, t.Tenant, ts(now)); err != nil {
				return answer.Ticket{}, fmt.Errorf("create ticket %s: queue: %w", t.ID, err)
			}
			if _, err := s.txExec(ctx, tx, `INSERT INTO outbox(ticket_id, sink, state, attempts, next_at, delivered) VALUES (?,?,?,1,?,?)`,
				t.ID, sink, DeliveryDelivered, ts(now), ts(now)); err != nil {
				return answer.Ticket{}, fmt.Errorf("create ticket %s: outbox %s: %w", t.ID, sink, err)
			}
			t.Deliveries = append(t.Deliveries, answer.Delivery{Sink: sink, State: DeliveryDelivered, Attempts: 1, Delivered: now})
			continue
		}
		if _, err := s.txExec(ctx, tx, `INSERT INTO outbox(ticket_id, sink, state, next_at) VALUES (?,?,?,?)`,
			t.ID, sink, DeliveryPending, ts(now)); err != nil {
			return answer.Ticket{}, fmt.Errorf("create ticket %s: outbox %s: %w", t.ID, sink, err)
		}
		t.Deliveries = append(t.Deliveries, answer.Delivery{Sink: sink, State: DeliveryPending, NextAt: now})
		pending = true
	}
	if err := tx.Commit(); err != nil {
		return answer.Ticket{}, fmt.Errorf("create ticket %s: commit: %w", t.ID, err)
	}
	if s.onT != nil && pending {
		s.onT()
	}
	return t, nil
}

func decodeTicket(body string, status string, updated int64) (answer.Ticket, error) {
	var t answer.Ticket
	if err := json.Unmarshal([]byte(body), &t); err != nil {
		return t, fmt.Errorf("decode ticket: %w", err)
	}
	t.Status = status
	t.Updated = fromTS(updated)
	return t, nil
}

// Ticket returns one ticket of tenant with its delivery states.
func (s *DB) Ticket(ctx context.Context, tenant, id string) (answer.Ticket, error) {
	var body, status string
	var updated int64
	err := s.db.QueryRowContext(ctx, `SELECT body, status, updated FROM tickets WHERE id=? AND tenant=?`, id, tenant).Scan(&body, &status, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return answer.Ticket{}, fmt.Errorf("ticket %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return answer.Ticket{}, fmt.Errorf("ticket %q: %w", id, err)
	}
	t, err := decodeTicket(body, status, updated)
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
func (s *DB) Tickets(ctx context.Context, f TicketFilter) ([]answer.Ticket, error) {
	if f.Tenant == "" {
		return nil, fmt.Errorf("list tickets: %w: empty tenant", ErrInvalid)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	q := `SELECT body, status, updated FROM tickets WHERE tenant=?`
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
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list tickets: %w", err)
	}
	defer rows.Close()
	var out []answer.Ticket
	var ids []string
	for rows.Next() {
		var body, status string
		var updated int64
		if err := rows.Scan(&body, &status, &updated); err != nil {
			return nil, fmt.Errorf("list tickets: %w", err)
		}
		t, err := decodeTicket(body, status, updated)
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

func (s *DB) deliveries(ctx context.Context, ids []string) (map[string][]answer.Delivery, error) {
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
	rows, err := s.db.QueryContext(ctx, q, args...)
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
func (s *DB) SetTicketStatus(ctx context.Context, tenant, id, status string) (answer.Ticket, error) {
	if !ValidStatus(status) {
		return answer.Ticket{}, fmt.Errorf("ticket %q: %w: status %q", id, ErrInvalid, status)
	}
	res, err := s.exec(ctx, `UPDATE tickets SET status=?, updated=? WHERE id=? AND tenant=?`, status, ts(s.now()), id, tenant)
	if err != nil {
		return answer.Ticket{}, fmt.Errorf("ticket %q: set status: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return answer.Ticket{}, fmt.Errorf("ticket %q: %w", id, ErrNotFound)
	}
	return s.Ticket(ctx, tenant, id)
}

// Claim leases due outbox rows.
func (s *DB) Claim(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]OutboxItem, error) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("claim: %w", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT o.ticket_id, o.sink, o.attempts, t.body, t.status, t.updated
		FROM outbox o JOIN tickets t ON t.id = o.ticket_id
		WHERE o.state=? AND o.next_at<=? AND o.claimed_until<=?
		ORDER BY o.next_at, o.ticket_id LIMIT ?`, DeliveryPending, ts(now), ts(now), limit)
	if err != nil {
		return nil, fmt.Errorf("claim: %w", err)
	}
	var items []OutboxItem
	for rows.Next() {
		var it OutboxItem
		var body, status string
		var updated int64
		if err := rows.Scan(&it.TicketID, &it.Sink, &it.Attempts, &body, &status, &updated); err != nil {
			rows.Close()
			return nil, fmt.Errorf("claim: %w", err)
		}
		if it.Ticket, err = decodeTicket(body, status, updated); err != nil {
			rows.Close()
			return nil, err
		}
		items = append(items, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("claim: %w", err)
	}
	until := ts(now.Add(lease))
	for _, it := range items {
		if _, err := s.txExec(ctx, tx, `UPDATE outbox SET claimed_until=? WHERE ticket_id=? AND sink=?`, until, it.TicketID, it.Sink); err != nil {
			return nil, fmt.Errorf("claim %s: %w", it.TicketID, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("claim: commit: %w", err)
	}
	return items, nil
}

// Delivered marks a row delivered.
func (s *DB) Delivered(ctx context.Context, ticketID, sink string, at time.Time) error {
	_, err := s.exec(ctx, `UPDATE outbox SET state=?, attempts=attempts+1, delivered=?, claimed_until=0, last_error=''
		WHERE ticket_id=? AND sink=? AND state=?`, DeliveryDelivered, ts(at), ticketID, sink, DeliveryPending)
	if err != nil {
		return fmt.Errorf("outbox %s/%s delivered: %w", ticketID, sink, err)
	}
	return nil
}

// Failed records a failed attempt.
func (s *DB) Failed(ctx context.Context, ticketID, sink, reason string, next time.Time, dead bool) error {
	st := DeliveryPending
	if dead {
		st = DeliveryDead
	}
	if len(reason) > 500 {
		reason = reason[:500]
	}
	_, err := s.exec(ctx, `UPDATE outbox SET state=?, attempts=attempts+1, last_error=?, next_at=?, claimed_until=0
		WHERE ticket_id=? AND sink=? AND state=?`, st, reason, ts(next), ticketID, sink, DeliveryPending)
	if err != nil {
		return fmt.Errorf("outbox %s/%s failed: %w", ticketID, sink, err)
	}
	return nil
}

// Release ends a lease without counting an attempt.
func (s *DB) Release(ctx context.Context, ticketID, sink string) error {
	_, err := s.exec(ctx, `UPDATE outbox SET claimed_until=0 WHERE ticket_id=? AND sink=?`, ticketID, sink)
	if err != nil {
		return fmt.Errorf("outbox %s/%s release: %w", ticketID, sink, err)
	}
	return nil
}

// Enqueue records the ticket on the local queue, once.
func (s *DB) Enqueue(ctx context.Context, t answer.Ticket) error {
	_, err := s.exec(ctx, `INSERT INTO queue(ticket_id, tenant, enqueued) VALUES (?,?,?) ON CONFLICT(ticket_id) DO NOTHING`,
		t.ID, t.Tenant, ts(s.now()))
	if err != nil {
		return fmt.Errorf("enqueue %s: %w", t.ID, err)
	}
	return nil
}

// Turns returns a conversation's turns, oldest first.
func (s *DB) Turns(ctx context.Context, tenant, conversationID string) ([]answer.Message, error) {
	if err := s.flushLog(ctx); err != nil {
		return nil, fmt.Errorf("conversation %q: %w", conversationID, err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT role, text, at FROM turns WHERE tenant=? AND conversation_id=? ORDER BY seq`, tenant, conversationID)
	if err != nil {
		return nil, fmt.Errorf("conversation %q: %w", conversationID, err)
	}
	defer rows.Close()
	var out []answer.Message
	for rows.Next() {
		var m answer.Message
		var at int64
		if err := rows.Scan(&m.Role, &m.Text, &at); err != nil {
			return nil, fmt.Errorf("conversation %q: %w", conversationID, err)
		}
		m.At = fromTS(at)
		out = append(out, m)
	}
	return out, rows.Err()
}

// Answer returns a logged answer of tenant.
func (s *DB) Answer(ctx context.Context, tenant, id string) (LoggedAnswer, error) {
	a := LoggedAnswer{ID: id, Tenant: tenant}
	if err := s.flushLog(ctx); err != nil {
		return a, fmt.Errorf("answer %q: %w", id, err)
	}
	var created int64
	err := s.db.QueryRowContext(ctx, `SELECT conversation_id, question, decision, reason, confidence, ticket_id, created FROM answers WHERE id=? AND tenant=?`, id, tenant).
		Scan(&a.ConversationID, &a.Question, &a.Decision, &a.Reason, &a.Confidence, &a.TicketID, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("answer %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return a, fmt.Errorf("answer %q: %w", id, err)
	}
	a.Created = fromTS(created)
	return a, nil
}

// AddFeedback records feedback on an answer of the same tenant.
func (s *DB) AddFeedback(ctx context.Context, f Feedback) (Feedback, error) {
	switch {
	case f.Thumbs < -1 || f.Thumbs > 1:
		return f, fmt.Errorf("feedback: %w: thumbs must be -1, 0 or 1", ErrInvalid)
	case f.Rating < 0 || f.Rating > 5:
		return f, fmt.Errorf("feedback: %w: rating must be 1..5", ErrInvalid)
	case f.Thumbs == 0 && f.Rating == 0 && strings.TrimSpace(f.Comment) == "":
		return f, fmt.Errorf("feedback: %w: give thumbs, a rating or a comment", ErrInvalid)
	}
	if _, err := s.Answer(ctx, f.Tenant, f.AnswerID); err != nil {
		return f, fmt.Errorf("feedback: %w", err)
	}
	f.Created = s.now().UTC()
	res, err := s.exec(ctx, `INSERT INTO feedback(tenant, answer_id, thumbs, rating, comment, created) VALUES (?,?,?,?,?,?)`,
		f.Tenant, f.AnswerID, f.Thumbs, f.Rating, redact.Text(f.Comment), ts(f.Created))
	if err != nil {
		return f, fmt.Errorf("feedback: %w", err)
	}
	f.ID, _ = res.LastInsertId()
	return f, nil
}

// KeyPrefix starts every API key, so that leaked keys are easy to scan for.
const KeyPrefix = "adk_"

func hashKey(key string) string {
	h := sha256.Sum256([]byte(key))
	return hex.EncodeToString(h[:])
}

// CreateKey makes a new random API key for tenant. The key is returned once;
// only its SHA-256 is stored (the key has 256 random bits, so a fast hash
// is enough).
func (s *DB) CreateKey(ctx context.Context, tenant, name string, scopes []string) (string, Key, error) {
	if strings.TrimSpace(tenant) == "" {
		return "", Key{}, fmt.Errorf("create key: %w: empty tenant", ErrInvalid)
	}
	if _, err := ParseScopes(strings.Join(scopes, ",")); err != nil {
		return "", Key{}, fmt.Errorf("create key: %w", err)
	}
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", Key{}, fmt.Errorf("create key: %w", err)
	}
	key := KeyPrefix + base64.RawURLEncoding.EncodeToString(b[:])
	k := Key{ID: newID("key_"), Tenant: tenant, Scopes: scopes, Name: name, Prefix: key[:len(KeyPrefix)+6], Created: s.now().UTC()}
	_, err := s.exec(ctx, `INSERT INTO api_keys(id, hash, prefix, tenant, scopes, name, created) VALUES (?,?,?,?,?,?,?)`,
		k.ID, hashKey(key), k.Prefix, k.Tenant, strings.Join(scopes, ","), name, ts(k.Created))
	if err != nil {
		return "", Key{}, fmt.Errorf("create key: %w", err)
	}
	return key, k, nil
}

func scanKey(sc interface{ Scan(...any) error }) (Key, error) {
	var k Key
	var scopes string
	var created, revoked int64
	if err := sc.Scan(&k.ID, &k.Prefix, &k.Tenant, &scopes, &k.Name, &created, &revoked); err != nil {
		return k, err
	}
	k.Scopes = strings.Split(scopes, ",")
	k.Created = fromTS(created)
	k.Revoked = fromTS(revoked)
	return k, nil
}

// Authenticate returns the key's record; ErrNotFound for an unknown key,
// ErrRevoked for a revoked one.
func (s *DB) Authenticate(ctx context.Context, key string) (Key, error) {
	if !strings.HasPrefix(key, KeyPrefix) || len(key) > 100 {
		return Key{}, ErrNotFound
	}
	k, err := scanKey(s.db.QueryRowContext(ctx, `SELECT id, prefix, tenant, scopes, name, created, revoked FROM api_keys WHERE hash=?`, hashKey(key)))
	if errors.Is(err, sql.ErrNoRows) {
		return Key{}, ErrNotFound
	}
	if err != nil {
		return Key{}, fmt.Errorf("authenticate: %w", err)
	}
	if !k.Revoked.IsZero() {
		return k, ErrRevoked
	}
	return k, nil
}

// Keys lists every key, oldest first.
func (s *DB) Keys(ctx context.Context) ([]Key, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, prefix, tenant, scopes, name, created, revoked FROM api_keys ORDER BY created, id`)
	if err != nil {
		return nil, fmt.Errorf("list keys: %w", err)
	}
	defer rows.Close()
	var out []Key
	for rows.Next() {
		k, err := scanKey(rows)
		if err != nil {
			return nil, fmt.Errorf("list keys: %w", err)
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// RevokeKey revokes a key by id (or by its prefix as listed).
func (s *DB) RevokeKey(ctx context.Context, id string) error {
	res, err := s.exec(ctx, `UPDATE api_keys SET revoked=? WHERE (id=? OR prefix=?) AND revoked=0`, ts(s.now()), id, id)
	if err != nil {
		return fmt.Errorf("revoke key %q: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("revoke key %q: %w", id, ErrNotFound)
	}
	return nil
}

// CreateJob records a queued ingest job.
func (s *DB) CreateJob(ctx context.Context, tenant string, files []string) (Job, error) {
	now := s.now().UTC()
	j := Job{ID: newID("job_"), Tenant: tenant, State: JobQueued, Files: files, Created: now, Updated: now}
	fb, _ := json.Marshal(files)
	rb, _ := json.Marshal(j.Result)
	if _, err := s.exec(ctx, `INSERT INTO jobs(id, tenant, state, files, result, error, created, updated) VALUES (?,?,?,?,?,?,?,?)`,
		j.ID, tenant, j.State, string(fb), string(rb), "", ts(now), ts(now)); err != nil {
		return Job{}, fmt.Errorf("create job: %w", err)
	}
	return j, nil
}

// UpdateJob stores a job's state, result and error.
func (s *DB) UpdateJob(ctx context.Context, j Job) error {
	rb, _ := json.Marshal(j.Result)
	res, err := s.exec(ctx, `UPDATE jobs SET state=?, result=?, error=?, updated=? WHERE id=? AND tenant=?`,
		j.State, string(rb), j.Error, ts(s.now()), j.ID, j.Tenant)
	if err != nil {
		return fmt.Errorf("update job %s: %w", j.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("update job %s: %w", j.ID, ErrNotFound)
	}
	return nil
}

// Job returns a job of tenant.
func (s *DB) Job(ctx context.Context, tenant, id string) (Job, error) {
	j := Job{ID: id, Tenant: tenant}
	var files, result string
	var created, updated int64
	err := s.db.QueryRowContext(ctx, `SELECT state, files, result, error, created, updated FROM jobs WHERE id=? AND tenant=?`, id, tenant).
		Scan(&j.State, &files, &result, &j.Error, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return j, fmt.Errorf("job %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return j, fmt.Errorf("job %q: %w", id, err)
	}
	if err := json.Unmarshal([]byte(files), &j.Files); err != nil {
		return j, fmt.Errorf("job %q: %w", id, err)
	}
	if err := json.Unmarshal([]byte(result), &j.Result); err != nil {
		return j, fmt.Errorf("job %q: %w", id, err)
	}
	j.Created, j.Updated = fromTS(created), fromTS(updated)
	return j, nil
}
