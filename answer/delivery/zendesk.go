package delivery

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/answer/state"
)

// Zendesk creates and updates tickets through the Zendesk Tickets API
// (https://developer.zendesk.com/api-reference/ticketing/tickets/tickets/):
//
//   - ticket.created: POST /api/v2/tickets.json with the requester from the
//     ticket's customer (name and email), the subject, the priority, tags
//     for intent, queue, language and reason, the answerdesk ticket id as
//     external_id, and a first comment holding the customer contact, the
//     transcript and the attempted answer with its sources;
//   - ticket.updated: the transcript messages Zendesk has not seen yet, as
//     one comment, with PUT /api/v2/tickets/{id}.json — "Ticket comments
//     are created by including a comment object in the ticket object when
//     creating or updating the ticket"
//     (https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_comments/).
//
// Comments are private notes ("public": false): they carry the bot's
// attempted answer and would otherwise be e-mailed to the customer, who
// wrote the messages they repeat.
//
// Idempotency: Zendesk has no idempotency key on these endpoints that this
// sink relies on, so before creating it lists the tickets whose
// external_id is the answerdesk ticket id (GET
// /api/v2/tickets.json?external_id=…, "Lists tickets by external id") and
// creates only when there is none; a retry after a lost response, or a
// process that died after the POST, finds the ticket instead of filing a
// second one. Every comment it writes ends with a marker line naming the
// transcript messages it holds ("[answerdesk tkt_… · messages 1-4]"); an
// update first reads the ticket's comments (GET
// /api/v2/tickets/{id}/comments.json) and sends only the messages after
// the last marker, so a repeated update adds nothing.
//
// Errors follow the documented codes: 429 carries Retry-After in seconds
// ("If the rate limit is exceeded, the API responds with a 429 Too Many
// Requests status code. The response also has a Retry-After header",
// https://developer.zendesk.com/api-reference/introduction/rate-limits/),
// which the worker honours; 409 (concurrent update), 5xx, 401 and 403 (a
// token an operator can fix) are retried with backoff; other 4xx — 400,
// 404, 422 RecordInvalid with its {"error", "description", "details"}
// body — are permanent.
//
// Authentication is the documented API-token form of basic auth: the user
// is "{email}/token" and the password the token. The token is never
// logged nor put in an error.
type Zendesk struct {
	// BaseURL is the account's URL, https://{subdomain}.zendesk.com.
	BaseURL string
	Email   string
	Token   string
	Client  *http.Client // http.DefaultClient when nil
	// Now is the clock for Retry-After dates (time.Now when nil).
	Now func() time.Time

	mu  sync.Mutex
	ids map[string]int64 // answerdesk ticket id → Zendesk ticket id
}

var _ Sink = (*Zendesk)(nil)

// ErrZendeskConfig: NewZendesk was given an unusable configuration.
var ErrZendeskConfig = errors.New("zendesk configuration")

// NewZendesk returns the sink for the account at baseURL, authenticated as
// email with API token token. It checks the configuration, never the
// account: the first delivery does.
func NewZendesk(baseURL, email, token string, client *http.Client) (*Zendesk, error) {
	u, err := url.Parse(strings.TrimRight(baseURL, "/"))
	switch {
	case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || u.RawQuery != "" || (u.Path != "" && u.Path != "/"):
		return nil, fmt.Errorf("%w: url %q: want https://SUBDOMAIN.zendesk.com", ErrZendeskConfig, baseURL)
	case !strings.Contains(email, "@") || strings.ContainsAny(email, " /:"):
		return nil, fmt.Errorf("%w: email %q is not the e-mail address of a Zendesk agent", ErrZendeskConfig, email)
	case strings.TrimSpace(token) == "":
		return nil, fmt.Errorf("%w: an API token is required", ErrZendeskConfig)
	}
	return &Zendesk{BaseURL: u.Scheme + "://" + u.Host, Email: email, Token: token, Client: client}, nil
}

// zendeskTicket is the part of the Zendesk ticket object this sink writes
// and reads.
type zendeskTicket struct {
	ID         int64             `json:"id,omitempty"`
	ExternalID string            `json:"external_id,omitempty"`
	Subject    string            `json:"subject,omitempty"`
	Priority   string            `json:"priority,omitempty"`
	Status     string            `json:"status,omitempty"`
	Tags       []string          `json:"tags,omitempty"`
	Requester  *zendeskRequester `json:"requester,omitempty"`
	Comment    *zendeskComment   `json:"comment,omitempty"`
}

// zendeskRequester creates or finds the end user by e-mail ("requester":
// {"name", "email"} on Create Ticket).
type zendeskRequester struct {
	Name  string `json:"name"`
	Email string `json:"email"`
}

type zendeskComment struct {
	Body   string `json:"body"`
	Public bool   `json:"public"`
}

// Deliver creates t in Zendesk (ticket.created) or adds its new messages
// to the Zendesk ticket (ticket.updated).
func (z *Zendesk) Deliver(ctx context.Context, t answer.Ticket, ev Event, _ int) error {
	zid, err := z.find(ctx, t.ID)
	if err != nil {
		return err
	}
	if zid == 0 {
		// Not in Zendesk yet: an update whose creation never arrived (its
		// outbox row was pruned) creates the ticket with the whole
		// transcript too.
		return z.create(ctx, t)
	}
	if ev.Name != state.EventTicketUpdated {
		return nil // created before: a retry after a lost response
	}
	return z.appendNew(ctx, zid, t)
}

// find returns the id of the Zendesk ticket whose external_id is id, 0
// when there is none.
func (z *Zendesk) find(ctx context.Context, id string) (int64, error) {
	z.mu.Lock()
	zid, ok := z.ids[id]
	z.mu.Unlock()
	if ok {
		return zid, nil
	}
	var list struct {
		Tickets []zendeskTicket `json:"tickets"`
	}
	if err := z.do(ctx, http.MethodGet, "/api/v2/tickets.json?external_id="+url.QueryEscape(id), nil, &list); err != nil {
		return 0, fmt.Errorf("zendesk: look up external_id %s: %w", id, err)
	}
	for _, zt := range list.Tickets {
		// External ids need not be unique in Zendesk: the oldest (lowest
		// id) ticket is the one this sink created.
		if zt.ExternalID == id && zt.ID > 0 && (zid == 0 || zt.ID < zid) {
			zid = zt.ID
		}
	}
	if zid != 0 {
		z.remember(id, zid)
	}
	return zid, nil
}

func (z *Zendesk) remember(id string, zid int64) {
	z.mu.Lock()
	defer z.mu.Unlock()
	if z.ids == nil {
		z.ids = map[string]int64{}
	}
	if len(z.ids) >= 10000 {
		clear(z.ids) // a cache, bounded: a miss costs one lookup
	}
	z.ids[id] = zid
}

func (z *Zendesk) create(ctx context.Context, t answer.Ticket) error {
	zt := zendeskTicket{
		ExternalID: t.ID,
		Subject:    zendeskSubject(t),
		Priority:   zendeskPriority(t.Priority),
		Tags:       zendeskTags(t),
		Comment:    &zendeskComment{Body: firstComment(t), Public: false},
	}
	if email := strings.TrimSpace(t.Customer["email"]); email != "" {
		name := strings.TrimSpace(t.Customer["name"])
		if name == "" {
			name = email
		}
		zt.Requester = &zendeskRequester{Name: name, Email: email}
	}
	var out struct {
		Ticket zendeskTicket `json:"ticket"`
	}
	if err := z.do(ctx, http.MethodPost, "/api/v2/tickets.json", map[string]any{"ticket": zt}, &out); err != nil {
		return fmt.Errorf("zendesk: create ticket %s: %w", t.ID, err)
	}
	if out.Ticket.ID > 0 {
		z.remember(t.ID, out.Ticket.ID)
	}
	return nil
}

// appendNew adds the transcript messages after the last one a comment of
// this sink holds.
func (z *Zendesk) appendNew(ctx context.Context, zid int64, t answer.Ticket) error {
	sent, err := z.sentMessages(ctx, zid, t.ID)
	if err != nil {
		return err
	}
	if sent >= len(t.Transcript) {
		return nil
	}
	body := transcriptText(t.Transcript[sent:], sent) + "\n" + marker(t.ID, sent+1, len(t.Transcript))
	req := map[string]any{"ticket": zendeskTicket{Comment: &zendeskComment{Body: body, Public: false}}}
	if err := z.do(ctx, http.MethodPut, "/api/v2/tickets/"+strconv.FormatInt(zid, 10)+".json", req, nil); err != nil {
		return fmt.Errorf("zendesk: add messages %d-%d of %s to ticket %d: %w", sent+1, len(t.Transcript), t.ID, zid, err)
	}
	return nil
}

// markerRE matches the marker line ending each comment this sink writes.
// Only a comment's last line counts: a customer's message quoted above it
// cannot forge one.
var markerRE = regexp.MustCompile(`^\[answerdesk (\S+) · messages (\d+)-(\d+)\]$`)

func marker(id string, from, to int) string {
	return fmt.Sprintf("[answerdesk %s · messages %d-%d]", id, from, to)
}

// maxCommentPages bounds how far back sentMessages reads.
const maxCommentPages = 20

// sentMessages returns how many transcript messages of answerdesk ticket id
// the comments of Zendesk ticket zid hold, newest comments first.
func (z *Zendesk) sentMessages(ctx context.Context, zid int64, id string) (int, error) {
	path := "/api/v2/tickets/" + strconv.FormatInt(zid, 10) + "/comments.json?sort_order=desc"
	for page := 0; page < maxCommentPages && path != ""; page++ {
		var list struct {
			Comments []struct {
				Body string `json:"body"`
			} `json:"comments"`
			NextPage string `json:"next_page"`
		}
		if err := z.do(ctx, http.MethodGet, path, nil, &list); err != nil {
			return 0, fmt.Errorf("zendesk: comments of ticket %d: %w", zid, err)
		}
		sent := -1
		for _, c := range list.Comments {
			body := strings.TrimSpace(c.Body)
			last := body[strings.LastIndexByte(body, '\n')+1:]
			if m := markerRE.FindStringSubmatch(strings.TrimSpace(last)); m != nil && m[1] == id {
				if n, err := strconv.Atoi(m[3]); err == nil && n > sent {
					sent = n
				}
			}
		}
		if sent >= 0 {
			return sent, nil
		}
		path = ""
		if next, err := url.Parse(list.NextPage); err == nil && list.NextPage != "" {
			path = next.RequestURI() // the same account: never follow another host
		}
	}
	return 0, nil
}

// do sends one API request with body as JSON and decodes a 2xx response
// into out (when not nil). A failure is a *RetryAfterError (429, or a 5xx
// with Retry-After), a plain error (retried with backoff) or wraps
// ErrPermanent.
func (z *Zendesk) do(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("%w: encode: %v", ErrPermanent, err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, z.BaseURL+path, rd)
	if err != nil {
		return fmt.Errorf("%w: request: %v", ErrPermanent, err)
	}
	req.SetBasicAuth(z.Email+"/token", z.Token)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "answerdesk-zendesk/1")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	client := z.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, redactPath(path), err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return fmt.Errorf("%s %s: read response: %w", method, redactPath(path), err)
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		if out == nil {
			return nil
		}
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("%s %s: decode response: %w", method, redactPath(path), err)
		}
		return nil
	}
	herr := fmt.Errorf("%s %s: status %d: %s", method, redactPath(path), resp.StatusCode, zendeskError(data))
	switch {
	case resp.StatusCode == http.StatusTooManyRequests, resp.StatusCode >= 500,
		resp.StatusCode == http.StatusConflict, resp.StatusCode == http.StatusRequestTimeout,
		resp.StatusCode == http.StatusUnauthorized, resp.StatusCode == http.StatusForbidden:
		now := time.Now
		if z.Now != nil {
			now = z.Now
		}
		if d, ok := ParseRetryAfter(resp.Header.Get("Retry-After"), now()); ok {
			return &RetryAfterError{After: d, Err: herr}
		}
		return herr
	default:
		return fmt.Errorf("%w: %v", ErrPermanent, herr)
	}
}

// redactPath drops the query (an external id) from a path in errors.
func redactPath(p string) string {
	if i := strings.IndexByte(p, '?'); i >= 0 {
		return p[:i]
	}
	return p
}

// zendeskError summarises an error body: Zendesk's {"error",
// "description", "details"} envelope when it is one, else the start of
// the text.
func zendeskError(data []byte) string {
	var e struct {
		Error       json.RawMessage `json:"error"`
		Description string          `json:"description"`
		Details     json.RawMessage `json:"details"`
	}
	if json.Unmarshal(data, &e) == nil && len(e.Error) > 0 {
		s := strings.Trim(string(e.Error), `"`)
		if e.Description != "" {
			s += ": " + e.Description
		}
		if len(e.Details) > 0 && string(e.Details) != "null" {
			s += " " + string(e.Details)
		}
		return truncRunes(s, 300)
	}
	return truncRunes(strings.TrimSpace(string(data)), 200)
}

func truncRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

// zendeskSubject is the ticket's subject, within Zendesk's 150 characters.
func zendeskSubject(t answer.Ticket) string {
	s := strings.Join(strings.Fields(t.Subject), " ")
	if s == "" {
		s = "Escalated conversation " + t.ID
	}
	return truncRunes(s, 149)
}

// zendeskPriority maps answerdesk's priorities to Zendesk's ("urgent",
// "high", "normal", "low": the same four names); anything else is left to
// Zendesk's default.
func zendeskPriority(p answer.Priority) string {
	switch p {
	case answer.PriorityLow, answer.PriorityNormal, answer.PriorityHigh, answer.PriorityUrgent:
		return string(p)
	}
	return ""
}

// zendeskTags are "answerdesk" and one tag per routing attribute. Zendesk
// tags are single words: everything but letters, digits, "_" and "-"
// becomes "_".
func zendeskTags(t answer.Ticket) []string {
	tags := []string{"answerdesk"}
	for _, kv := range [][2]string{{"intent", t.Intent}, {"queue", t.Queue}, {"lang", t.Lang}, {"reason", string(t.Reason)}} {
		if v := tagWord(kv[1]); v != "" {
			tags = append(tags, "answerdesk_"+kv[0]+"_"+v)
		}
	}
	return tags
}

func tagWord(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(s)) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return truncRunes(b.String(), 60)
}

// firstComment is the body of the ticket's first comment: the customer's
// contact, the transcript, and the answer the bot would have given with
// its sources.
func firstComment(t answer.Ticket) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Escalated by answerdesk (ticket %s, reason %s, confidence %.2f).\n", t.ID, t.Reason, t.Confidence)
	if t.ConversationID != "" {
		fmt.Fprintf(&b, "Conversation: %s\n", t.ConversationID)
	}
	if len(t.Customer) > 0 {
		b.WriteString("\nCustomer:\n")
		for _, k := range slices.Sorted(maps.Keys(t.Customer)) {
			fmt.Fprintf(&b, "  %s: %s\n", k, t.Customer[k])
		}
	}
	if t.Summary != "" {
		fmt.Fprintf(&b, "\nSummary: %s\n", t.Summary)
	}
	b.WriteString("\nTranscript:\n")
	b.WriteString(transcriptText(t.Transcript, 0))
	if t.Attempted != "" {
		b.WriteString("\nAttempted answer (not sent to the customer):\n")
		b.WriteString(t.Attempted)
		b.WriteString("\n")
		if len(t.Citations) > 0 {
			b.WriteString("\nSources:\n")
			for _, c := range t.Citations {
				fmt.Fprintf(&b, "[%d] %s", c.N, c.Title)
				if c.Page > 0 {
					fmt.Fprintf(&b, ", page %d", c.Page)
				}
				if c.URL != "" {
					fmt.Fprintf(&b, " <%s>", c.URL)
				} else if c.DocumentID != "" {
					fmt.Fprintf(&b, " (%s)", c.DocumentID)
				}
				b.WriteString("\n")
				if c.Quote != "" {
					fmt.Fprintf(&b, "    %q\n", truncRunes(c.Quote, 500))
				}
			}
		}
	}
	b.WriteString("\n")
	if len(t.Transcript) > 0 {
		b.WriteString(marker(t.ID, 1, len(t.Transcript)))
	} else {
		// No message yet: the marker still says none was sent.
		b.WriteString(marker(t.ID, 0, 0))
	}
	return b.String()
}

// transcriptText lists msgs, numbered from first+1.
func transcriptText(msgs []answer.Message, first int) string {
	var b strings.Builder
	for i, m := range msgs {
		fmt.Fprintf(&b, "%d. %s", first+i+1, m.Role)
		if !m.At.IsZero() {
			fmt.Fprintf(&b, " (%s)", m.At.UTC().Format(time.RFC3339))
		}
		fmt.Fprintf(&b, ": %s\n", m.Text)
	}
	return b.String()
}

// Zendesk webhook signature headers
// (https://developer.zendesk.com/documentation/webhooks/verifying/).
const (
	HeaderZendeskSignature = "X-Zendesk-Webhook-Signature"
	HeaderZendeskTimestamp = "X-Zendesk-Webhook-Signature-Timestamp"
)

// SignZendesk returns the signature Zendesk sends for body at timestamp
// ts: "base64(HMACSHA256(TIMESTAMP + BODY))" keyed with the webhook's
// signing secret.
func SignZendesk(secret []byte, ts string, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(ts))
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// VerifyZendesk checks a Zendesk webhook's signature and that its
// timestamp (ISO 8601, "2021-07-25T10:00:00Z") is within tolerance of
// now, so that a captured request cannot be replayed later.
func VerifyZendesk(secret []byte, ts, signature string, body []byte, now time.Time, tolerance time.Duration) error {
	at, err := time.Parse(time.RFC3339, strings.TrimSpace(ts))
	if err != nil {
		return fmt.Errorf("%w: timestamp %q", ErrBadSignature, truncRunes(ts, 40))
	}
	if d := now.Sub(at); d > tolerance || d < -tolerance {
		return fmt.Errorf("%w: timestamp outside tolerance", ErrBadSignature)
	}
	if !hmac.Equal([]byte(SignZendesk(secret, ts, body)), []byte(strings.TrimSpace(signature))) {
		return ErrBadSignature
	}
	return nil
}
