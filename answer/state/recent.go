package state

import (
	"context"
	"fmt"
)

// RecentAnswers lists tenant's logged answers, newest first: the
// conversations a support lead reviews in the console. Before, when set,
// pages: answers logged before the answer with that id.
func (s *ConversationStore) RecentAnswers(ctx context.Context, tenant string, limit int, before string) ([]LoggedAnswer, error) {
	if limit <= 0 {
		limit = DefaultLimit
	}
	if err := s.db.flush(ctx); err != nil {
		return nil, fmt.Errorf("recent answers: %w", err)
	}
	q := `SELECT id, conversation_id, question, decision, reason, confidence, ticket_id, created FROM answers WHERE tenant=?`
	args := []any{tenant}
	if before != "" {
		q += ` AND (created, id) < (SELECT created, id FROM answers WHERE id=? AND tenant=?)`
		args = append(args, before, tenant)
	}
	q += ` ORDER BY created DESC, id DESC LIMIT ?`
	rows, err := s.db.db.QueryContext(ctx, q, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("recent answers: %w", err)
	}
	defer rows.Close()
	var out []LoggedAnswer
	for rows.Next() {
		a := LoggedAnswer{Tenant: tenant}
		var created int64
		if err := rows.Scan(&a.ID, &a.ConversationID, &a.Question, &a.Decision, &a.Reason, &a.Confidence, &a.TicketID, &created); err != nil {
			return nil, fmt.Errorf("recent answers: %w", err)
		}
		a.Created = fromTS(created)
		out = append(out, a)
	}
	return out, rows.Err()
}
