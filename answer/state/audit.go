package state

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"
)

// AuditStore is the append-only log of administrative actions: who (the
// API key, or "cli"), what, on what, when, per tenant. Entries are never
// updated or deleted by answerdesk.
type AuditStore struct{ db *DB }

// NewAuditStore returns the audit log of db.
func NewAuditStore(db *DB) *AuditStore { return &AuditStore{db: db} }

const auditSchemaV7 = `
CREATE TABLE IF NOT EXISTS audit (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	tenant TEXT NOT NULL,
	actor TEXT NOT NULL,
	action TEXT NOT NULL,
	target TEXT NOT NULL,
	detail TEXT NOT NULL,
	at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_tenant ON audit(tenant, id);
`

// Audited actions.
const (
	AuditKeyCreate      = "key.create"
	AuditKeyRevoke      = "key.revoke"
	AuditDocumentUpload = "document.upload"
	AuditDocumentDelete = "document.delete"
	AuditTicketUpdate   = "ticket.update"
	AuditIntentsTrain   = "intents.train"
	AuditFAQApprove     = "faq.approve"
	AuditFAQReject      = "faq.reject"
	// The customer actions' target is CustomerRef(id): the log keeps no
	// trace of an erased customer's id.
	AuditCustomerExport = "customer.export"
	AuditCustomerErase  = "customer.erase"
)

// ActorCLI is the actor of actions taken with the command line, which
// has no API key.
const ActorCLI = "cli"

// ActorKey is the actor of actions taken with an API key.
func ActorKey(id string) string { return "key:" + id }

// AuditEntry is one administrative action.
type AuditEntry struct {
	ID     int64
	Tenant string
	Actor  string // ActorKey(id) or ActorCLI
	Action string
	Target string // what was acted on: a key, document or ticket id
	Detail string
	At     time.Time
}

// maxAuditField bounds each text of an entry.
const maxAuditField = 1024

// Record appends an entry, stamped with the current time.
func (s *AuditStore) Record(ctx context.Context, e AuditEntry) (AuditEntry, error) {
	for name, v := range map[string]string{"tenant": e.Tenant, "actor": e.Actor, "action": e.Action} {
		if strings.TrimSpace(v) == "" {
			return e, fmt.Errorf("audit: %w: empty %s", ErrInvalid, name)
		}
	}
	for _, v := range []*string{&e.Target, &e.Detail} {
		*v = strings.ToValidUTF8(*v, "\uFFFD")
		if len(*v) > maxAuditField {
			cut := maxAuditField
			for cut > 0 && !utf8.RuneStart((*v)[cut]) {
				cut--
			}
			*v = (*v)[:cut]
		}
	}
	e.At = s.db.now().UTC()
	unlock := s.db.lockWrites()
	err := s.db.db.QueryRowContext(ctx, `INSERT INTO audit(tenant, actor, action, target, detail, at) VALUES (?,?,?,?,?,?) RETURNING id`,
		e.Tenant, e.Actor, e.Action, e.Target, e.Detail, ts(e.At)).Scan(&e.ID)
	unlock()
	if err != nil {
		return e, fmt.Errorf("audit: %w", err)
	}
	return e, nil
}

// AuditFilter selects entries of a tenant, newest first.
type AuditFilter struct {
	Tenant string // required
	Action string // optional
	Before int64  // pagination: entries with a smaller id; 0 = from the newest
	Limit  int    // 0 = DefaultLimit
}

// Entries lists a tenant's audit entries, newest first.
func (s *AuditStore) Entries(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	if f.Tenant == "" {
		return nil, fmt.Errorf("audit: %w: empty tenant", ErrInvalid)
	}
	if f.Limit <= 0 {
		f.Limit = DefaultLimit
	}
	before := int64(math.MaxInt64)
	if f.Before > 0 {
		before = f.Before
	}
	rows, err := s.db.db.QueryContext(ctx, `SELECT id, actor, action, target, detail, at FROM audit
		WHERE tenant=? AND id<? AND (?='' OR action=?) ORDER BY id DESC LIMIT ?`, f.Tenant, before, f.Action, f.Action, f.Limit)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	defer rows.Close()
	out := []AuditEntry{}
	for rows.Next() {
		e := AuditEntry{Tenant: f.Tenant}
		var at int64
		if err := rows.Scan(&e.ID, &e.Actor, &e.Action, &e.Target, &e.Detail, &at); err != nil {
			return nil, fmt.Errorf("audit: %w", err)
		}
		e.At = fromTS(at)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	return out, nil
}
