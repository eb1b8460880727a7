package state

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/answerdesk/answerdesk/answer"
)

// CustomerStore exports and erases what is stored about one customer of a
// tenant: the answers logged for them (a request's customer["id"]), their
// conversations' turns, feedback on their answers, and their tickets
// (matched by the ticket's customer "id").
//
// Erasure deletes the answer log rows, turns and feedback, and anonymizes
// the tickets: the ticket stays (status, queue, reason, the attempted
// answer and its sources) without its customer fields, transcript,
// subject, summary or conversation. The database zeroes deleted content
// (secure_delete) and the write-ahead log is checkpointed and truncated
// afterwards, so no copy of the erased data remains in state.db or its WAL.
type CustomerStore struct {
	db      *DB
	tickets *TicketStore
	answers *ConversationStore
}

// NewCustomerStore returns the customer data of db.
func NewCustomerStore(db *DB, tickets *TicketStore, answers *ConversationStore) *CustomerStore {
	return &CustomerStore{db: db, tickets: tickets, answers: answers}
}

const customersSchemaV8 = `
ALTER TABLE answers ADD COLUMN customer_id TEXT NOT NULL DEFAULT '';
CREATE INDEX IF NOT EXISTS answers_tenant_customer ON answers(tenant, customer_id);
`

// customerAnswersV14 indexes only the answers logged with a customer id:
// most are logged without one, and each was one more B-tree page in the
// answer log's commits. The customer queries repeat the index's
// condition (ofCustomer), which lets SQLite read this partial index.
const customerAnswersV14 = `
DROP INDEX IF EXISTS answers_tenant_customer;
CREATE INDEX answers_tenant_customer ON answers(tenant, customer_id) WHERE customer_id<>'';
`

// ofCustomer is the condition that an answer (of table alias "a." or
// "") is one customer's, whose id it takes as its argument. It repeats
// the partial index's condition, so that SQLite may read the index
// (TestCustomerErasureUsesTheIndex).
func ofCustomer(alias string) string {
	return alias + "customer_id=? AND " + alias + "customer_id<>''"
}

// CustomerRef names a customer id without revealing it (for the audit
// log, which must not keep what erasure removes).
func CustomerRef(id string) string {
	h := sha256.Sum256([]byte(id))
	return "sha256:" + hex.EncodeToString(h[:8])
}

// CustomerData is everything stored about a customer.
type CustomerData struct {
	Answers       []LoggedAnswer
	Conversations map[string][]answer.Message
	Feedback      []Feedback
	Tickets       []answer.Ticket
	// FAQCandidates made from the customer's feedback (corrections of
	// their answers) or solved tickets: their question is the customer's.
	FAQCandidates []FAQCandidate
}

// Erasure counts what an erasure removed.
type Erasure struct {
	Answers, Turns, Feedback, Tickets int
	// FAQCandidates made from the customer's feedback or tickets (an
	// approved one's FAQ entry stays: it is the company's text).
	FAQCandidates int
}

// customerConversations is the SQL of the conversation ids of a
// customer's answers and tickets; it takes tenant, id, tenant, id.
func customerConversations(b backend) string {
	return `SELECT conversation_id FROM answers WHERE tenant=? AND ` + ofCustomer("") + ` AND conversation_id<>''
	UNION SELECT conversation_id FROM tickets WHERE tenant=? AND ` + b.jsonText("customer", "id") + `=? AND conversation_id<>''`
}

// customerCandidates is the SQL condition on faq_candidates of the
// candidates made from a customer's feedback or tickets; it takes tenant,
// id, tenant, id.
func customerCandidates(b backend) string {
	return `((source='` + SourceCorrection + `' AND source_id IN (SELECT CAST(f.id AS TEXT) FROM feedback f JOIN answers a ON a.id=f.answer_id AND a.tenant=f.tenant
		WHERE f.tenant=? AND ` + ofCustomer("a.") + `))
	OR (source='` + SourceTicket + `' AND source_id IN (SELECT id FROM tickets WHERE tenant=? AND ` + b.jsonText("customer", "id") + `=?)))`
}

func checkCustomer(tenant, id string) error {
	if tenant == "" || strings.TrimSpace(id) == "" {
		return fmt.Errorf("%w: empty tenant or customer id", ErrInvalid)
	}
	return nil
}

// Export returns everything stored about customer id of tenant.
func (s *CustomerStore) Export(ctx context.Context, tenant, id string) (CustomerData, error) {
	if err := checkCustomer(tenant, id); err != nil {
		return CustomerData{}, fmt.Errorf("export customer: %w", err)
	}
	if err := s.db.flush(ctx); err != nil {
		return CustomerData{}, fmt.Errorf("export customer: %w", err)
	}
	d := CustomerData{Conversations: map[string][]answer.Message{}, Answers: []LoggedAnswer{}, Feedback: []Feedback{}, Tickets: []answer.Ticket{},
		FAQCandidates: []FAQCandidate{}}
	rows, err := s.db.db.QueryContext(ctx, `SELECT id FROM answers WHERE tenant=? AND `+ofCustomer("")+` ORDER BY created`, tenant, id)
	if err != nil {
		return d, fmt.Errorf("export customer: %w", err)
	}
	ids, err := scanStrings(rows)
	if err != nil {
		return d, fmt.Errorf("export customer: %w", err)
	}
	for _, aid := range ids {
		a, err := s.answers.Answer(ctx, tenant, aid)
		if err != nil {
			return d, fmt.Errorf("export customer: %w", err)
		}
		d.Answers = append(d.Answers, a)
	}
	rows, err = s.db.db.QueryContext(ctx, customerConversations(s.db.b), tenant, id, tenant, id)
	if err != nil {
		return d, fmt.Errorf("export customer: %w", err)
	}
	convs, err := scanStrings(rows)
	if err != nil {
		return d, fmt.Errorf("export customer: %w", err)
	}
	for _, c := range convs {
		if d.Conversations[c], err = s.answers.Turns(ctx, tenant, c); err != nil {
			return d, fmt.Errorf("export customer: %w", err)
		}
	}
	rows, err = s.db.db.QueryContext(ctx, `SELECT f.id, f.answer_id, f.thumbs, f.rating, f.comment, f.correction, f.created FROM feedback f
		JOIN answers a ON a.id=f.answer_id AND a.tenant=f.tenant WHERE a.tenant=? AND `+ofCustomer("a.")+` ORDER BY f.id`, tenant, id)
	if err != nil {
		return d, fmt.Errorf("export customer: %w", err)
	}
	for rows.Next() {
		f := Feedback{Tenant: tenant}
		var created int64
		if err := rows.Scan(&f.ID, &f.AnswerID, &f.Thumbs, &f.Rating, &f.Comment, &f.Correction, &created); err != nil {
			rows.Close()
			return d, fmt.Errorf("export customer: %w", err)
		}
		f.Created = fromTS(created)
		d.Feedback = append(d.Feedback, f)
	}
	rows.Close()
	rows, err = s.db.db.QueryContext(ctx, `SELECT id FROM tickets WHERE tenant=? AND `+s.db.b.jsonText("customer", "id")+`=? ORDER BY created`, tenant, id)
	if err != nil {
		return d, fmt.Errorf("export customer: %w", err)
	}
	tids, err := scanStrings(rows)
	if err != nil {
		return d, fmt.Errorf("export customer: %w", err)
	}
	for _, tid := range tids {
		t, err := s.tickets.Ticket(ctx, tenant, tid)
		if err != nil {
			return d, fmt.Errorf("export customer: %w", err)
		}
		d.Tickets = append(d.Tickets, t)
	}
	rows, err = s.db.db.QueryContext(ctx, `SELECT `+candidateColumns+` FROM faq_candidates WHERE tenant=? AND `+customerCandidates(s.db.b)+` ORDER BY id`,
		tenant, tenant, id, tenant, id)
	if err != nil {
		return d, fmt.Errorf("export customer: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		c, err := scanCandidate(rows)
		if err != nil {
			return d, fmt.Errorf("export customer: %w", err)
		}
		d.FAQCandidates = append(d.FAQCandidates, c)
	}
	if err := rows.Err(); err != nil {
		return d, fmt.Errorf("export customer: %w", err)
	}
	return d, nil
}

// Erase removes customer id's data of tenant in one transaction, then
// checkpoints the write-ahead log into the database and truncates it.
func (s *CustomerStore) Erase(ctx context.Context, tenant, id string) (Erasure, error) {
	var e Erasure
	if err := checkCustomer(tenant, id); err != nil {
		return e, fmt.Errorf("erase customer: %w", err)
	}
	if err := s.db.flush(ctx); err != nil {
		return e, fmt.Errorf("erase customer: %w", err)
	}
	cid := s.db.b.jsonText("customer", "id")
	err := s.db.inTx(ctx, func(tx sqlTx) error {
		steps := []struct {
			n    *int
			q    string
			args []any
		}{
			// Turns first: the conversations are found through the answers
			// and tickets that the next steps erase.
			// Candidates before the feedback and tickets they are found through.
			{&e.FAQCandidates, `DELETE FROM faq_candidates WHERE tenant=? AND ` + customerCandidates(s.db.b),
				[]any{tenant, tenant, id, tenant, id}},
			{&e.Turns, `DELETE FROM turns WHERE tenant=? AND conversation_id IN (` + customerConversations(s.db.b) + `)`, []any{tenant, tenant, id, tenant, id}},
			{&e.Feedback, `DELETE FROM feedback WHERE tenant=? AND answer_id IN (SELECT id FROM answers WHERE tenant=? AND ` + ofCustomer("") + `)`, []any{tenant, tenant, id}},
			{&e.Answers, `DELETE FROM answers WHERE tenant=? AND ` + ofCustomer(""), []any{tenant, id}},
			{&e.Tickets, `UPDATE tickets SET customer='{}', transcript='[]', subject='', summary='', conversation_id=''
				WHERE tenant=? AND ` + cid + `=?`, []any{tenant, id}},
		}
		for _, st := range steps {
			res, err := tx.ExecContext(ctx, st.q, st.args...)
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			*st.n = int(n)
		}
		return nil
	})
	if err != nil {
		return e, fmt.Errorf("erase customer: %w", err)
	}
	// Copy the log into the database (where secure_delete has zeroed the
	// erased rows) and truncate it, so that no old page survives in it.
	if err := s.db.checkpointTruncate(ctx); err != nil {
		return e, fmt.Errorf("erase customer: erased, but the log was not checkpointed: %w", err)
	}
	return e, nil
}

func scanStrings(rows *sql.Rows) ([]string, error) {
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
