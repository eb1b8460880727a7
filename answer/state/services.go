package state

import (
	"context"
	"path/filepath"
)

// File is the state database's file name inside a data directory, where it
// lives unless Config.Location says otherwise.
const File = "state.db"

// Config says where the state lives and where its tickets go.
type Config struct {
	// Location is "" (File in DataDir), an SQLite file, or a postgres://
	// URL shared by replicas.
	Location string
	DataDir  string
	// Sinks are the delivery sinks besides the local queue
	// (SinkWebhook, SinkZendesk): every new ticket gets an outbox row for
	// each, in the transaction that stores it.
	Sinks []string
	Options
}

// Services are the state's stores, one per concern, on one database
// handle: tickets with their outbox and queue (and the Notifier, created
// before both the ticket store and the delivery worker, which wakes the
// worker on a new ticket), conversations with the answer log, feedback,
// keys, ingest jobs, analytics, the audit log, customers' data, FAQ
// candidates and console sessions. Close closes the handle they share.
type Services struct {
	DB            *DB
	Notifier      *Notifier
	Tickets       *TicketStore
	Outbox        *Outbox
	Conversations *ConversationStore
	Feedback      *FeedbackStore
	Keys          *KeyStore
	Jobs          *JobStore
	Analytics     *AnalyticsStore
	Audit         *AuditStore
	Customers     *CustomerStore
	FAQ           *FAQStore
	Sessions      *SessionStore
}

// OpenServices opens (and migrates) the database c locates and returns
// its stores.
func OpenServices(ctx context.Context, c Config) (*Services, error) {
	loc := c.Location
	if loc == "" {
		loc = filepath.Join(c.DataDir, File)
	}
	db, err := Open(ctx, loc, c.Options)
	if err != nil {
		return nil, err
	}
	s := &Services{DB: db, Notifier: NewNotifier(), Outbox: NewOutbox(db), Conversations: NewConversationStore(db),
		Keys: NewKeyStore(db), Jobs: NewJobStore(db), Analytics: NewAnalyticsStore(db), Audit: NewAuditStore(db),
		FAQ: NewFAQStore(db), Sessions: NewSessionStore(db)}
	s.Tickets = NewTicketStore(db, c.Sinks, s.Notifier)
	s.Feedback = NewFeedbackStore(db, s.Conversations)
	s.Customers = NewCustomerStore(db, s.Tickets, s.Conversations)
	return s, nil
}

// Close closes the database handle the stores share.
func (s *Services) Close() error { return s.DB.Close() }
