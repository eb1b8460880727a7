package delivery

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/answer/state"
)

// Webhook headers.
const (
	HeaderSignature   = "X-Answerdesk-Signature" // "sha256=" + hex HMAC-SHA256(secret, timestamp + "." + body)
	HeaderTimestamp   = "X-Answerdesk-Timestamp" // Unix seconds
	HeaderAttempt     = "X-Answerdesk-Attempt"
	HeaderIdempotency = "Idempotency-Key" // the ticket id; "<id>:<revision>" for an update
)

// Webhook posts tickets as JSON to URL, signed with Secret.
type Webhook struct {
	URL    string
	Secret []byte
	Client *http.Client // http.DefaultClient when nil
	// Now is the clock for the signature timestamp (time.Now when nil).
	Now func() time.Time
}

// WebhookTicket is the JSON body of a webhook delivery.
type WebhookTicket struct {
	// Event is "ticket.created", or "ticket.updated" when the customer
	// wrote again on a handed-over conversation (the transcript then
	// ends with the new messages).
	Event          string            `json:"event"`
	Revision       int               `json:"revision,omitempty"`
	ID             string            `json:"id"`
	Tenant         string            `json:"tenant"`
	Status         string            `json:"status"`
	Subject        string            `json:"subject"`
	Summary        string            `json:"summary"`
	Lang           string            `json:"lang,omitempty"`
	Intent         string            `json:"intent,omitempty"`
	Priority       string            `json:"priority,omitempty"`
	Queue          string            `json:"queue,omitempty"`
	Reason         string            `json:"reason"`
	ConversationID string            `json:"conversation_id,omitempty"`
	Customer       map[string]string `json:"customer,omitempty"`
	Transcript     []WebhookMessage  `json:"transcript"`
	Attempted      string            `json:"attempted_answer,omitempty"`
	Sources        []WebhookSource   `json:"sources,omitempty"`
	Confidence     float64           `json:"confidence"`
	Created        time.Time         `json:"created"`
}

// WebhookMessage is one turn of the transcript.
type WebhookMessage struct {
	Role string    `json:"role"`
	Text string    `json:"text"`
	At   time.Time `json:"at,omitzero"`
}

// WebhookSource is a passage behind the attempted answer.
type WebhookSource struct {
	N          int    `json:"n"`
	DocumentID string `json:"document_id"`
	Title      string `json:"title,omitempty"`
	URL        string `json:"url,omitempty"`
	Page       int    `json:"page,omitempty"`
	Quote      string `json:"quote,omitempty"`
}

func webhookBody(t answer.Ticket, ev Event) ([]byte, error) {
	if ev.Name == "" {
		ev.Name = state.EventTicketCreated
	}
	w := WebhookTicket{
		Event: ev.Name, Revision: ev.Revision, ID: t.ID, Tenant: t.Tenant, Status: t.Status, Subject: t.Subject, Summary: t.Summary,
		Lang: t.Lang, Intent: t.Intent, Priority: string(t.Priority), Queue: t.Queue, Reason: string(t.Reason),
		ConversationID: t.ConversationID, Customer: t.Customer, Attempted: t.Attempted, Confidence: t.Confidence,
		Created: t.Created, Transcript: []WebhookMessage{},
	}
	for _, m := range t.Transcript {
		w.Transcript = append(w.Transcript, WebhookMessage{Role: m.Role, Text: m.Text, At: m.At})
	}
	for _, c := range t.Citations {
		w.Sources = append(w.Sources, WebhookSource{N: c.N, DocumentID: c.DocumentID, Title: c.Title, URL: c.URL, Page: c.Page, Quote: c.Quote})
	}
	return json.Marshal(w)
}

// Sign returns the signature header value for body sent at timestamp ts.
func Sign(secret []byte, ts string, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(ts))
	m.Write([]byte("."))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// ErrBadSignature: Verify rejected a webhook.
var ErrBadSignature = errors.New("bad webhook signature")

// Verify checks a received webhook's signature and that its timestamp is
// within tolerance of now (replay protection). Receivers written in Go can
// use it as is.
func Verify(secret []byte, ts, signature string, body []byte, now time.Time, tolerance time.Duration) error {
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: timestamp %q", ErrBadSignature, ts)
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return fmt.Errorf("%w: timestamp outside tolerance", ErrBadSignature)
	}
	if !hmac.Equal([]byte(Sign(secret, ts, body)), []byte(signature)) {
		return ErrBadSignature
	}
	return nil
}

// Deliver posts t. 2xx is success; 408, 425, 429 and 5xx are retried (with
// the receiver's Retry-After when present); other statuses are permanent.
func (w *Webhook) Deliver(ctx context.Context, t answer.Ticket, ev Event, attempt int) error {
	body, err := webhookBody(t, ev)
	if err != nil {
		return fmt.Errorf("%w: encode ticket %s: %v", ErrPermanent, t.ID, err)
	}
	now := time.Now
	if w.Now != nil {
		now = w.Now
	}
	ts := strconv.FormatInt(now().Unix(), 10)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("%w: webhook request: %v", ErrPermanent, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "answerdesk-webhook/1")
	req.Header.Set(HeaderTimestamp, ts)
	req.Header.Set(HeaderSignature, Sign(w.Secret, ts, body))
	key := t.ID
	if ev.Revision > 0 {
		key += ":" + strconv.Itoa(ev.Revision)
	}
	req.Header.Set(HeaderIdempotency, key)
	req.Header.Set(HeaderAttempt, strconv.Itoa(attempt))
	client := w.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("webhook post: %w", err)
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 256))
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	herr := fmt.Errorf("webhook status %d: %s", resp.StatusCode, strings.TrimSpace(string(snippet)))
	switch {
	case resp.StatusCode == http.StatusRequestTimeout, resp.StatusCode == http.StatusTooEarly,
		resp.StatusCode == http.StatusTooManyRequests, resp.StatusCode >= 500:
		if d, ok := ParseRetryAfter(resp.Header.Get("Retry-After"), now()); ok {
			return &RetryAfterError{After: d, Err: herr}
		}
		return herr
	default:
		return fmt.Errorf("%w: %v", ErrPermanent, herr)
	}
}

// ParseRetryAfter reads a Retry-After header: delay-seconds or an HTTP-date.
func ParseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		if n > 1<<31 {
			n = 1 << 31
		}
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}
