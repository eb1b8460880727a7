package state

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/answerdesk/answerdesk/answer"
)

// Errors callers branch on.
var (
	// ErrNotFound: no such ticket, answer, key or job for the tenant.
	ErrNotFound = errors.New("not found")
	// ErrInvalid: a value violates the contract (unknown status, bad rating, …).
	ErrInvalid = errors.New("invalid")
	// ErrRevoked: the API key exists but was revoked.
	ErrRevoked = errors.New("api key revoked")
)

// Ticket statuses.
const (
	StatusOpen    = "open"
	StatusPending = "pending"
	StatusSolved  = "solved"
	StatusClosed  = "closed"
)

// ValidStatus reports whether s is a ticket status.
func ValidStatus(s string) bool {
	switch s {
	case StatusOpen, StatusPending, StatusSolved, StatusClosed:
		return true
	}
	return false
}

// Delivery states of an outbox row.
const (
	DeliveryPending   = "pending"
	DeliveryDelivered = "delivered"
	DeliveryDead      = "dead"
)

// Sink names.
const (
	SinkQueue   = "queue"
	SinkWebhook = "webhook"
	SinkZendesk = "zendesk"
)

// Key scopes.
const (
	ScopeAsk    = "ask"
	ScopeIngest = "ingest"
	ScopeAdmin  = "admin"
)

// ParseScopes splits "ask,ingest" into scopes, rejecting unknown ones.
func ParseScopes(s string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		switch p {
		case ScopeAsk, ScopeIngest, ScopeAdmin:
		default:
			return nil, fmt.Errorf("%w: unknown scope %q (want ask, ingest or admin)", ErrInvalid, p)
		}
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: no scopes", ErrInvalid)
	}
	return out, nil
}

// Key is an API key as stored: never the key itself, only its hash.
type Key struct {
	ID      string
	Tenant  string
	Scopes  []string
	Name    string
	Prefix  string // the first characters of the key, to recognise it
	Created time.Time
	Revoked time.Time // zero when active
	// Origins are the browser origins ("https://shop.example") a
	// publishable key may be used from; empty for secret keys.
	Origins []string
}

// Publishable reports whether k is a publishable key: one that is embedded
// in web pages, may only ask and send feedback, and only from its Origins.
func (k Key) Publishable() bool { return len(k.Origins) > 0 }

// AuditDetail is how the audit log describes the key's creation: its
// scopes, or that it is publishable with its origins.
func (k Key) AuditDetail() string {
	if k.Publishable() {
		return "publishable, origins " + strings.Join(k.Origins, ",")
	}
	return "scopes " + strings.Join(k.Scopes, ",")
}

// Has reports whether the key grants scope; admin grants every scope.
func (k Key) Has(scope string) bool {
	for _, s := range k.Scopes {
		if s == scope || s == ScopeAdmin {
			return true
		}
	}
	return false
}

// TicketFilter selects tickets to list.
type TicketFilter struct {
	Tenant string // required
	Status string // optional
	Limit  int    // 0 = DefaultLimit
	// Before paginates: tickets created before the ticket with this id.
	Before string
}

// DefaultLimit bounds listings without a limit.
const DefaultLimit = 50

// OutboxItem is a claimed delivery: one ticket to one sink.
type OutboxItem struct {
	TicketID string
	Sink     string
	Attempts int // attempts made before this one
	// Event is EventTicketCreated or EventTicketUpdated; Revision counts
	// the ticket's updates, so that each update has its own idempotency key.
	Event    string
	Revision int
	Ticket   answer.Ticket
}

// Feedback is a customer's verdict on an answer.
type Feedback struct {
	ID       int64
	Tenant   string
	AnswerID string
	Thumbs   int // +1 up, -1 down, 0 none
	Rating   int // 1..5, 0 none
	Comment  string
	// Correction is the right answer, written by an agent; it makes the
	// question an FAQ candidate (FAQStore).
	Correction string
	Created    time.Time
}

// LoggedAnswer is an answer as recorded for feedback and review.
type LoggedAnswer struct {
	ID             string
	Tenant         string
	ConversationID string
	Question       string
	Decision       string
	Reason         string
	Confidence     float64
	TicketID       string
	Lang           string
	Intent         string
	Created        time.Time
}
