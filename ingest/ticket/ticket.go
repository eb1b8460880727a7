package ticket

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/answerdesk/answerdesk/ingest"
	"github.com/answerdesk/answerdesk/ingest/redact"
	"github.com/answerdesk/answerdesk/retrieval"
)

// Limits.
const (
	// DefaultMaxSize bounds one export file.
	DefaultMaxSize = 256 << 20
	// maxField bounds the problem and the resolution, in bytes.
	maxField = 8 << 10
)

// Loader loads ticket exports.
type Loader struct {
	// MaxSize rejects larger files with ingest.ErrTooLarge (DefaultMaxSize when zero).
	MaxSize int64
}

var _ ingest.Loader = (*Loader)(nil)

// Message is one message of a ticket in the answerdesk JSONL format.
type Message struct {
	Role   string `json:"role"`
	Author string `json:"author,omitempty"`
	Time   string `json:"time,omitempty"`
	Body   string `json:"body"`
	Public *bool  `json:"public,omitempty"`
}

// Ticket is one line of the answerdesk JSONL format.
type Ticket struct {
	ID        string    `json:"id"`
	Subject   string    `json:"subject"`
	Status    string    `json:"status"`
	Tags      []string  `json:"tags,omitempty"`
	Lang      string    `json:"lang,omitempty"`
	CreatedAt string    `json:"created_at,omitempty"`
	Messages  []Message `json:"messages"`
}

// zdTicket is the subset of a Zendesk ticket the loader reads.
type zdTicket struct {
	ID          json.Number `json:"id"`
	Subject     string      `json:"subject"`
	Description string      `json:"description"`
	Status      string      `json:"status"`
	Tags        []string    `json:"tags"`
	RequesterID json.Number `json:"requester_id"`
	CreatedAt   string      `json:"created_at"`
	Locale      string      `json:"locale"`
	Comments    []struct {
		AuthorID  json.Number `json:"author_id"`
		Body      string      `json:"body"`
		PlainBody string      `json:"plain_body"`
		Public    *bool       `json:"public"`
		CreatedAt string      `json:"created_at"`
	} `json:"comments"`
}

type zdUser struct {
	ID   json.Number `json:"id"`
	Role string      `json:"role"`
}

// Load implements ingest.Loader.
func (l *Loader) Load(ctx context.Context, src ingest.Source) ([]ingest.Document, error) {
	return ingest.LoadWhole(ctx, src, "tickets", l.MaxSize, DefaultMaxSize, Parse)
}

// Sniff reports whether data looks like a ticket export in either format:
// a JSON object with "tickets", or a first ticket object (alone, first in
// an array, or on the first JSONL line) with "messages", "comments" or
// "requester_id". data may be only the head of a file: the keys are read
// as a token stream and the first object's top-level keys decide.
func Sniff(data []byte) bool {
	data = bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), " \t\r\n")
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return false
	}
	switch tok {
	case json.Delim('['):
		if tok, err = dec.Token(); err != nil || tok != json.Delim('{') {
			return false
		}
	case json.Delim('{'):
	default:
		return false
	}
	// Walk the object's top-level keys, skipping nested values.
	depth, expectKey := 1, true
	for n := 0; n < 100_000; n++ {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		switch t := tok.(type) {
		case json.Delim:
			if t == '{' || t == '[' {
				depth++
				continue
			}
			depth--
			if depth == 0 {
				return false // the first object ended without a ticket key
			}
			if depth == 1 {
				expectKey = true
			}
		case string:
			if depth == 1 && expectKey {
				switch t {
				case "tickets", "messages", "comments", "requester_id":
					return true
				}
				expectKey = false
				continue
			}
			if depth == 1 {
				expectKey = true
			}
		default:
			if depth == 1 {
				expectKey = true
			}
		}
	}
	return false
}

// Parse reads an export held in memory into one document per solved ticket.
func Parse(ctx context.Context, data []byte, src ingest.Source) ([]ingest.Document, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, fmt.Errorf("empty export: %w", ingest.ErrEmpty)
	}
	var tickets []Ticket
	var err error
	switch {
	case trimmed[0] == '[':
		tickets, err = parseZendeskArray(trimmed)
	case trimmed[0] == '{' && isZendeskObject(trimmed):
		tickets, err = parseZendeskObject(trimmed)
	default:
		tickets, err = parseLines(ctx, trimmed)
	}
	if err != nil {
		return nil, err
	}
	return documents(src, tickets)
}

func isZendeskObject(data []byte) bool {
	var probe map[string]json.RawMessage
	if json.Unmarshal(data, &probe) != nil {
		return false
	}
	_, ok := probe["tickets"]
	return ok
}

// parseLines reads JSONL: answerdesk tickets or Zendesk tickets per line.
func parseLines(ctx context.Context, data []byte) ([]Ticket, error) {
	var out []Ticket
	for n, line := range bytes.Split(data, []byte("\n")) {
		if n%1000 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		var probe map[string]json.RawMessage
		if err := json.Unmarshal(line, &probe); err != nil {
			return nil, fmt.Errorf("line %d: %v: %w", n+1, err, ingest.ErrMalformed)
		}
		if _, ok := probe["messages"]; ok {
			var t Ticket
			if err := json.Unmarshal(line, &t); err != nil {
				return nil, fmt.Errorf("line %d: %v: %w", n+1, err, ingest.ErrMalformed)
			}
			if t.ID == "" {
				return nil, fmt.Errorf("line %d: ticket without \"id\": %w", n+1, ingest.ErrMalformed)
			}
			out = append(out, t)
			continue
		}
		var z zdTicket
		if err := json.Unmarshal(line, &z); err != nil || z.ID == "" {
			return nil, fmt.Errorf("line %d: neither an answerdesk ticket (\"messages\") nor a Zendesk ticket (\"id\", \"comments\"): %w", n+1, ingest.ErrMalformed)
		}
		out = append(out, fromZendesk(z, nil))
	}
	return out, nil
}

func parseZendeskArray(data []byte) ([]Ticket, error) {
	var zs []zdTicket
	if err := json.Unmarshal(data, &zs); err != nil {
		return nil, fmt.Errorf("zendesk ticket array: %v: %w", err, ingest.ErrMalformed)
	}
	out := make([]Ticket, 0, len(zs))
	for _, z := range zs {
		out = append(out, fromZendesk(z, nil))
	}
	return out, nil
}

func parseZendeskObject(data []byte) ([]Ticket, error) {
	var export struct {
		Tickets []zdTicket `json:"tickets"`
		Users   []zdUser   `json:"users"`
	}
	if err := json.Unmarshal(data, &export); err != nil {
		return nil, fmt.Errorf("zendesk export: %v: %w", err, ingest.ErrMalformed)
	}
	roles := map[string]string{}
	for _, u := range export.Users {
		roles[u.ID.String()] = u.Role
	}
	out := make([]Ticket, 0, len(export.Tickets))
	for _, z := range export.Tickets {
		out = append(out, fromZendesk(z, roles))
	}
	return out, nil
}

// fromZendesk maps a Zendesk ticket to the answerdesk form; roles (user id →
// Zendesk role) may be nil.
func fromZendesk(z zdTicket, roles map[string]string) Ticket {
	t := Ticket{ID: z.ID.String(), Subject: z.Subject, Status: z.Status, Tags: z.Tags, CreatedAt: z.CreatedAt, Lang: z.Locale}
	if len(z.Comments) == 0 && z.Description != "" {
		t.Messages = append(t.Messages, Message{Role: "customer", Body: z.Description})
	}
	for _, c := range z.Comments {
		role := "agent"
		switch r := roles[c.AuthorID.String()]; {
		case c.AuthorID.String() == z.RequesterID.String() || r == "end-user":
			role = "customer"
		case r == "agent" || r == "admin":
			role = "agent"
		}
		body := c.PlainBody
		if body == "" {
			body = c.Body
		}
		t.Messages = append(t.Messages, Message{Role: role, Body: body, Time: c.CreatedAt, Public: c.Public})
	}
	return t
}

func role(r string) string {
	switch strings.ToLower(strings.TrimSpace(r)) {
	case "customer", "end-user", "end_user", "requester", "user", "client":
		return "customer"
	case "agent", "admin", "support", "staff":
		return "agent"
	}
	return "internal"
}

// documents turns solved tickets into redacted Entry documents; skipped
// tickets are counted in the first document's losses.
func documents(src ingest.Source, tickets []Ticket) ([]ingest.Document, error) {
	skipped := map[string]int{}
	var docs []ingest.Document
	seen := map[string]bool{}
	for _, t := range tickets {
		status := strings.ToLower(strings.TrimSpace(t.Status))
		if status != "solved" && status != "closed" {
			if status == "" {
				status = "missing"
			}
			skipped["status "+status+": only solved tickets are indexed"]++
			continue
		}
		if seen[t.ID] {
			skipped["duplicate ticket id"]++
			continue
		}
		problem, resolution := conversation(t)
		if problem == "" && strings.TrimSpace(t.Subject) == "" {
			skipped["no customer message"]++
			continue
		}
		if resolution == "" {
			skipped["no agent reply to index as the resolution"]++
			continue
		}
		seen[t.ID] = true
		subject := redact.Text(clean(t.Subject))
		// Redact before truncating, so that a cut never leaves half a number.
		problem = truncate(redact.Text(problem), maxField)
		resolution = truncate(redact.Text(resolution), maxField)
		var b strings.Builder
		if subject != "" {
			b.WriteString(subject + "\n")
		}
		if problem != "" {
			b.WriteString("Problem: " + problem + "\n")
		}
		b.WriteString("Resolution: " + resolution)
		title := subject
		if title == "" {
			title = "Ticket " + t.ID
		}
		kind := src.Kind
		if kind == "" || kind == "auto" {
			kind = retrieval.KindTicket
		}
		lang := t.Lang
		if src.Lang != "" {
			lang = src.Lang
		}
		if len(lang) > 2 && (lang[2] == '-' || lang[2] == '_') {
			lang = lang[:2]
		}
		meta := map[string]string{"format": "tickets", "ticket_id": t.ID, "status": status}
		if len(t.Tags) > 0 {
			tags := append([]string(nil), t.Tags...)
			sort.Strings(tags)
			meta["tags"] = redact.Text(strings.Join(tags, ","))
		}
		docs = append(docs, ingest.Document{
			ID:       src.ID + "#" + t.ID,
			Kind:     kind,
			Title:    title,
			Lang:     strings.ToLower(lang),
			Meta:     meta,
			Sections: []ingest.Section{{Blocks: []ingest.Block{{Kind: ingest.Entry, Text: b.String()}}}},
		})
	}
	var losses []ingest.Loss
	reasons := make([]string, 0, len(skipped))
	for r := range skipped {
		reasons = append(reasons, r)
	}
	sort.Strings(reasons)
	for _, r := range reasons {
		losses = append(losses, ingest.Loss{Where: strconv.Itoa(skipped[r]) + " tickets", Reason: r})
	}
	if len(docs) == 0 {
		if len(losses) > 0 {
			return nil, fmt.Errorf("no solved ticket to index (%d skipped: %s): %w", len(tickets), losses[0].Reason, ingest.ErrEmpty)
		}
		return nil, fmt.Errorf("no tickets: %w", ingest.ErrEmpty)
	}
	docs[0].Losses = losses
	return docs, nil
}

// conversation returns the customer's problem (messages before the first
// agent reply) and the agent's last public reply.
func conversation(t Ticket) (problem, resolution string) {
	var parts []string
	agentSeen := false
	for _, m := range t.Messages {
		if m.Public != nil && !*m.Public {
			continue
		}
		switch role(m.Role) {
		case "customer":
			if !agentSeen {
				parts = append(parts, clean(m.Body))
			}
		case "agent":
			agentSeen = true
			if b := clean(m.Body); b != "" {
				resolution = b
			}
		}
	}
	return strings.Join(nonEmpty(parts), " "), resolution
}

// clean folds whitespace and drops control characters.
func clean(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && r != '\n' {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8Start(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

func nonEmpty(ss []string) []string {
	out := ss[:0]
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
