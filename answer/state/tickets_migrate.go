package state

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/answerdesk/answerdesk/answer"
)

// legacyTicket is the ticket body that schema version 1 stored: the JSON
// encoding of answer.Ticket as it was then, Go field names and all. It is
// frozen here so that old databases can be read whatever answer.Ticket
// becomes.
type legacyTicket struct {
	Subject, Summary, Lang, Intent, Priority, Queue, Reason, ConversationID string
	Customer                                                                map[string]string
	Transcript                                                              []struct {
		Role, Text string
		At         time.Time
	}
	Attempted string
	Citations []struct {
		N                               int
		ChunkID, DocumentID, Title, URL string
		Page                            int
		Heading, Quote                  string
		Score                           float64
	}
	Confidence float64
}

// migrateTicketsV2 moves every ticket from its JSON body into the columns
// of ticketRow and drops the body.
func migrateTicketsV2(ctx context.Context, tx *sql.Tx) error {
	for _, c := range []string{"subject", "summary", "lang", "intent", "priority", "queue", "reason", "conversation_id", "attempted"} {
		if _, err := tx.ExecContext(ctx, `ALTER TABLE tickets ADD COLUMN `+c+` TEXT NOT NULL DEFAULT ''`); err != nil {
			return err
		}
	}
	for _, c := range []string{"customer", "transcript", "citations"} {
		if _, err := tx.ExecContext(ctx, `ALTER TABLE tickets ADD COLUMN `+c+` TEXT NOT NULL DEFAULT 'null'`); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `ALTER TABLE tickets ADD COLUMN confidence REAL NOT NULL DEFAULT 0`); err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, body FROM tickets`)
	if err != nil {
		return err
	}
	bodies := map[string]string{}
	for rows.Next() {
		var id, body string
		if err := rows.Scan(&id, &body); err != nil {
			rows.Close()
			return err
		}
		bodies[id] = body
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for id, body := range bodies {
		var old legacyTicket
		if err := json.Unmarshal([]byte(body), &old); err != nil {
			return fmt.Errorf("ticket %s: %w", id, err)
		}
		t := answer.Ticket{ID: id, Subject: old.Subject, Summary: old.Summary, Lang: old.Lang, Intent: old.Intent,
			Priority: answer.Priority(old.Priority), Queue: old.Queue, Reason: answer.Reason(old.Reason), ConversationID: old.ConversationID,
			Customer: old.Customer, Attempted: old.Attempted, Confidence: old.Confidence}
		if old.Transcript != nil {
			t.Transcript = make([]answer.Message, len(old.Transcript))
		}
		for i, m := range old.Transcript {
			t.Transcript[i] = answer.Message{Role: m.Role, Text: m.Text, At: m.At}
		}
		if old.Citations != nil {
			t.Citations = make([]answer.Citation, len(old.Citations))
		}
		for i, c := range old.Citations {
			t.Citations[i] = answer.Citation{N: c.N, ChunkID: c.ChunkID, DocumentID: c.DocumentID, Title: c.Title,
				URL: c.URL, Page: c.Page, Heading: c.Heading, Quote: c.Quote, Score: c.Score}
		}
		r, err := rowOf(t)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE tickets SET subject=?, summary=?, lang=?, intent=?, priority=?, queue=?, reason=?,
			conversation_id=?, customer=?, transcript=?, attempted=?, citations=?, confidence=? WHERE id=?`,
			r.Subject, r.Summary, r.Lang, r.Intent, r.Priority, r.Queue, r.Reason, r.ConversationID,
			r.Customer, r.Transcript, r.Attempted, r.Citations, r.Confidence, id); err != nil {
			return fmt.Errorf("ticket %s: %w", id, err)
		}
	}
	_, err = tx.ExecContext(ctx, `ALTER TABLE tickets DROP COLUMN body`)
	return err
}
