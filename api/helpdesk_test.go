package api

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/answer/delivery"
	"github.com/answerdesk/answerdesk/answer/state"
)

var (
	zendeskSecret = []byte("zd-signing-secret")
	genericSecret = []byte("helpdesk-secret")
)

// helpdeskHarness is a server taking inbound helpdesk events with secrets,
// over a state database holding the tickets.
type helpdeskHarness struct {
	*harness
	tickets *state.TicketStore
	audit   *state.AuditStore
}

func newHelpdeskHarness(t *testing.T, sec HelpdeskSecrets, lim Limits) *helpdeskHarness {
	t.Helper()
	d := Deps{}
	db := withState(t, &d)
	t.Cleanup(func() { db.Close() })
	h := &helpdeskHarness{harness: &harness{db: db, logs: &syncBuffer{}}, tickets: state.NewTicketStore(db, nil, nil), audit: state.NewAuditStore(db)}
	if lim.RatePerSecond == 0 {
		lim.RatePerSecond = -1
	}
	if lim.AuthFailuresPerSecond == 0 {
		lim.AuthFailuresPerSecond = -1
	}
	d.Engine, d.Limits, d.Audit = &fakeEngine{tickets: h.tickets}, lim, h.audit
	d.Logger = slog.New(slog.NewTextHandler(h.logs, nil))
	d.HandBacks, d.Helpdesk = h.tickets, sec
	h.srv = NewServer(d)
	h.ts = httptest.NewServer(h.srv.Handler())
	t.Cleanup(h.ts.Close)
	return h
}

// handedOver opens a ticket of tenant acme that holds conversation conv.
func (h *helpdeskHarness) handedOver(t *testing.T, conv string) answer.Ticket {
	t.Helper()
	tk, err := h.tickets.CreateTicket(context.Background(), answer.Ticket{Tenant: "acme", ConversationID: conv, Subject: "help"})
	if err != nil {
		t.Fatal(err)
	}
	if id, _ := h.tickets.HandedOver(context.Background(), "acme", conv); id != tk.ID {
		t.Fatalf("conversation %s not handed over: %q", conv, id)
	}
	return tk
}

// zendesk posts body signed as a Zendesk webhook at time at.
func (h *helpdeskHarness) zendesk(t *testing.T, body string, at time.Time, secret []byte) reply {
	t.Helper()
	ts := at.UTC().Format(time.RFC3339)
	return h.post(t, "/v1/helpdesk/events", "", body,
		delivery.HeaderZendeskSignature, delivery.SignZendesk(secret, ts, []byte(body)), delivery.HeaderZendeskTimestamp, ts)
}

// generic posts body signed like answerdesk's own webhooks.
func (h *helpdeskHarness) generic(t *testing.T, body string, at time.Time, secret []byte) reply {
	t.Helper()
	ts := strconv.FormatInt(at.Unix(), 10)
	return h.post(t, "/v1/helpdesk/events", "", body,
		delivery.HeaderSignature, delivery.Sign(secret, ts, []byte(body)), delivery.HeaderTimestamp, ts)
}

func result(t *testing.T, r reply) HelpdeskEventResult {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	var out HelpdeskEventResult
	if err := json.Unmarshal(r.body, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func statusChanged(externalID, current string) string {
	return `{"type":"zen:event-type:ticket.status_changed","account_id":123,"id":"5d0c8f2a","subject":"zen:ticket:35436",` +
		`"time":"2026-12-04T10:00:00Z","zendesk_event_version":"2022-11-06",` +
		`"detail":{"id":"35436","external_id":"` + externalID + `","status":"` + current + `","priority":"HIGH","tags":["answerdesk"]},` +
		`"event":{"current":"` + current + `","previous":"OPEN"}}`
}

// TestHelpdeskSolvedHandsBack: a signed "solved" from Zendesk (event or
// trigger body) or from a generic helpdesk ends the handover; a repeat is
// idempotent and audited once.
func TestHelpdeskSolvedHandsBack(t *testing.T) {
	h := newHelpdeskHarness(t, HelpdeskSecrets{Zendesk: zendeskSecret, Generic: genericSecret}, Limits{})
	ctx := context.Background()
	now := time.Now()
	cases := []struct {
		name string
		send func(id string) reply
		want string // the ticket's status after
	}{
		{"zendesk status_changed event", func(id string) reply { return h.zendesk(t, statusChanged(id, "SOLVED"), now, zendeskSecret) }, state.StatusSolved},
		{"zendesk trigger body", func(id string) reply {
			return h.zendesk(t, `{"ticket_id":35437,"external_id":"`+id+`","status":"Closed"}`, now, zendeskSecret)
		}, state.StatusClosed},
		{"generic helpdesk", func(id string) reply {
			return h.generic(t, `{"ticket_id":"`+id+`","status":"solved"}`, now, genericSecret)
		}, state.StatusSolved},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			conv := "conv-" + strconv.Itoa(i)
			tk := h.handedOver(t, conv)
			got := result(t, tc.send(tk.ID))
			if got.Result != HelpdeskHandedBack || got.Status != tc.want || got.TicketID != tk.ID {
				t.Errorf("first event: %+v", got)
			}
			if id, _ := h.tickets.HandedOver(ctx, "acme", conv); id != "" {
				t.Errorf("conversation still handed over to %s", id)
			}
			if again := result(t, tc.send(tk.ID)); again.Result != HelpdeskUnchanged || again.Status != tc.want {
				t.Errorf("repeated event: %+v", again)
			}
			entries, err := h.audit.Entries(ctx, state.AuditFilter{Tenant: "acme"})
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, e := range entries {
				if e.Target == tk.ID {
					n++
					if !strings.HasPrefix(e.Actor, "helpdesk:") || e.Action != state.AuditTicketUpdate {
						t.Errorf("audit entry %+v", e)
					}
				}
			}
			if n != 1 {
				t.Errorf("%d audit entries for %s, want 1", n, tk.ID)
			}
		})
	}
}

// TestHelpdeskIgnoredAndUnknown: events that do not end a handover change
// nothing and say why; an unknown ticket is a clear 404.
func TestHelpdeskIgnoredAndUnknown(t *testing.T) {
	h := newHelpdeskHarness(t, HelpdeskSecrets{Zendesk: zendeskSecret, Generic: genericSecret}, Limits{})
	tk := h.handedOver(t, "conv-i")
	now := time.Now()
	for name, body := range map[string]string{
		"pending":             statusChanged(tk.ID, "PENDING"),
		"no external_id":      statusChanged("", "SOLVED"),
		"another event type":  strings.Replace(statusChanged(tk.ID, "SOLVED"), "ticket.status_changed", "ticket.comment_added", 1),
		"trigger with status": `{"external_id":"` + tk.ID + `","status":"Open"}`,
	} {
		t.Run(name, func(t *testing.T) {
			if got := result(t, h.zendesk(t, body, now, zendeskSecret)); got.Result != HelpdeskIgnored || got.Reason == "" {
				t.Errorf("got %+v", got)
			}
			if id, _ := h.tickets.HandedOver(context.Background(), "acme", "conv-i"); id != tk.ID {
				t.Errorf("the handover ended: %q", id)
			}
		})
	}
	for name, r := range map[string]reply{
		"zendesk":       h.zendesk(t, statusChanged("tkt_nosuchticket", "SOLVED"), now, zendeskSecret),
		"generic":       h.generic(t, `{"ticket_id":"tkt_nosuchticket","status":"solved"}`, now, genericSecret),
		"not an id":     h.zendesk(t, statusChanged("no such/ticket", "SOLVED"), now, zendeskSecret),
		"not an answer": h.generic(t, `{"ticket_id":"../etc","status":"closed"}`, now, genericSecret),
	} {
		if r.status != http.StatusNotFound || r.code() != CodeNotFound || !strings.Contains(string(r.body), "no answerdesk ticket") {
			t.Errorf("%s: %d %s", name, r.status, r.body)
		}
	}
	for name, r := range map[string]reply{
		"not JSON":     h.generic(t, `solved`, now, genericSecret),
		"no ticket_id": h.generic(t, `{"status":"solved"}`, now, genericSecret),
	} {
		if r.status != http.StatusBadRequest {
			t.Errorf("%s: %d %s", name, r.status, r.body)
		}
	}
}

// TestHelpdeskSignatures: a missing, forged, stale or cross-scheme
// signature is a 401 that changes nothing.
func TestHelpdeskSignatures(t *testing.T) {
	h := newHelpdeskHarness(t, HelpdeskSecrets{Zendesk: zendeskSecret, Generic: genericSecret}, Limits{})
	tk := h.handedOver(t, "conv-s")
	body := statusChanged(tk.ID, "SOLVED")
	now := time.Now()
	ts := now.UTC().Format(time.RFC3339)
	for name, r := range map[string]reply{
		"unsigned":           h.post(t, "/v1/helpdesk/events", "", body),
		"wrong secret":       h.zendesk(t, body, now, []byte("guess")),
		"stale":              h.zendesk(t, body, now.Add(-10*time.Minute), zendeskSecret),
		"future":             h.zendesk(t, body, now.Add(10*time.Minute), zendeskSecret),
		"generic secret":     h.zendesk(t, body, now, genericSecret),
		"zendesk on generic": h.generic(t, `{"ticket_id":"`+tk.ID+`","status":"solved"}`, now, zendeskSecret),
		"body changed": h.post(t, "/v1/helpdesk/events", "", strings.Replace(body, "SOLVED", "CLOSED", 2),
			delivery.HeaderZendeskSignature, delivery.SignZendesk(zendeskSecret, ts, []byte(body)), delivery.HeaderZendeskTimestamp, ts),
		"an API key instead": h.post(t, "/v1/helpdesk/events", "ak_whatever", body),
	} {
		if r.status != http.StatusUnauthorized || r.code() != CodeUnauthorized {
			t.Errorf("%s: %d %s", name, r.status, r.body)
		}
	}
	if id, _ := h.tickets.HandedOver(context.Background(), "acme", "conv-s"); id != tk.ID {
		t.Errorf("a refused event ended the handover: %q", id)
	}
	if got := result(t, h.zendesk(t, body, now, zendeskSecret)); got.Result != HelpdeskHandedBack {
		t.Errorf("the genuine event after the refused ones: %+v", got)
	}
}

// TestHelpdeskOnlyConfiguredSchemes: a scheme without a secret is not
// accepted, and without any secret the route is not there.
func TestHelpdeskOnlyConfiguredSchemes(t *testing.T) {
	now := time.Now()
	h := newHelpdeskHarness(t, HelpdeskSecrets{Generic: genericSecret}, Limits{})
	tk := h.handedOver(t, "conv-c")
	if r := h.zendesk(t, statusChanged(tk.ID, "SOLVED"), now, nil); r.status != http.StatusUnauthorized {
		t.Errorf("zendesk event with no zendesk secret configured: %d %s", r.status, r.body)
	}
	off := newHelpdeskHarness(t, HelpdeskSecrets{}, Limits{})
	tk = off.handedOver(t, "conv-c")
	if r := off.generic(t, `{"ticket_id":"`+tk.ID+`","status":"solved"}`, now, nil); r.status != http.StatusNotFound || !strings.Contains(string(r.body), "not configured") {
		t.Errorf("no secrets: %d %s", r.status, r.body)
	}
}

// TestHelpdeskBadSignaturesAreLimited: failed signatures count against the
// address like failed API keys do.
func TestHelpdeskBadSignaturesAreLimited(t *testing.T) {
	h := newHelpdeskHarness(t, HelpdeskSecrets{Zendesk: zendeskSecret}, Limits{AuthFailuresPerSecond: 0.001, AuthFailureBurst: 3})
	tk := h.handedOver(t, "conv-l")
	body := statusChanged(tk.ID, "SOLVED")
	for i := 0; i < 3; i++ {
		if r := h.zendesk(t, body, time.Now(), []byte("guess")); r.status != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d", i, r.status)
		}
	}
	r := h.zendesk(t, body, time.Now(), zendeskSecret)
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" {
		t.Errorf("after the burst of failures: %d %s", r.status, r.body)
	}
}
