package answer

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"
)

// MemoryTickets is a TicketWriter that keeps tickets in memory, for tests,
// evaluation and the CLI when no app-state database is configured. Like
// the SQLite one it stores what it is given (the engine redacted it). Safe
// for concurrent use.
type MemoryTickets struct {
	mu      sync.Mutex
	tickets []Ticket
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

var _ TicketWriter = (*MemoryTickets)(nil)

// CreateTicket stores t with a sequential id ("T-1", "T-2", …).
func (m *MemoryTickets) CreateTicket(ctx context.Context, t Ticket) (Ticket, error) {
	if err := ctx.Err(); err != nil {
		return Ticket{}, err
	}
	now := time.Now
	if m.Now != nil {
		now = m.Now
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	t.ID = fmt.Sprintf("T-%d", len(m.tickets)+1)
	if t.Created.IsZero() {
		t.Created = now()
	}
	t.Updated = t.Created
	t.Deliveries = []Delivery{{Sink: "queue", State: "delivered", Attempts: 1, Delivered: t.Created}}
	m.tickets = append(m.tickets, t)
	return t, nil
}

// Tickets returns the stored tickets, oldest first.
func (m *MemoryTickets) Tickets() []Ticket {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.tickets)
}

// MemoryConversations keeps conversations in memory, per tenant. Safe for
// concurrent use.
type MemoryConversations struct {
	mu    sync.Mutex
	turns map[[2]string][]Message
}

var _ Conversations = (*MemoryConversations)(nil)

// Turns returns a conversation's turns, oldest first.
func (m *MemoryConversations) Turns(ctx context.Context, tenant, id string) ([]Message, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.turns[[2]string{tenant, id}]), nil
}

// Append adds turns to a conversation.
func (m *MemoryConversations) Append(ctx context.Context, tenant, id string, turns ...Message) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.turns == nil {
		m.turns = map[[2]string][]Message{}
	}
	k := [2]string{tenant, id}
	m.turns[k] = append(m.turns[k], turns...)
	return nil
}
