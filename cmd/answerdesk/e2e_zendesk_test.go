package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/answerdesk/answerdesk/answer/delivery"
	"github.com/answerdesk/answerdesk/answer/delivery/zendesktest"
	"github.com/answerdesk/answerdesk/api"
)

// waitZendesk waits until the fake account holds a ticket ok accepts.
func waitZendesk(t *testing.T, zd *zendesktest.Server, externalID, what string, ok func(zendesktest.Ticket) bool) zendesktest.Ticket {
	t.Helper()
	for i := 0; i < 1500; i++ {
		for _, zt := range zd.ByExternalID(externalID) {
			if ok(zt) {
				return zt
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("Zendesk never got %s; it holds %+v", what, zd.ByExternalID(externalID))
	return zendesktest.Ticket{}
}

// TestE2EZendeskHandoff: serve configured with a Zendesk account (a local
// fake of the documented API) files the escalation there once, through a
// 429, with the customer as requester; the customer's next message
// becomes a comment; Zendesk's signed "solved" webhook hands the
// conversation back and the bot answers again.
func TestE2EZendeskHandoff(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	zd := zendesktest.New("bot@acme.example", "zd-e2e-token")
	defer zd.Close()
	zd.Fail(zendesktest.Failure{Method: http.MethodPost, Path: "/api/v2/tickets.json", Status: http.StatusTooManyRequests, RetryAfter: "1"})
	const signing = "zd-e2e-signing"
	env := kbEnv(t, map[string]string{
		"ANSWERDESK_ZENDESK_URL": zd.URL, "ANSWERDESK_ZENDESK_EMAIL": "bot@acme.example", "ANSWERDESK_ZENDESK_TOKEN": "zd-e2e-token",
		"ANSWERDESK_ZENDESK_SIGNING_SECRET": signing,
		"ANSWERDESK_WEBHOOK_BACKOFF":        "30ms", "ANSWERDESK_OUTBOX_POLL": "20ms",
	})
	key := createKey(t, env, "acme", "ask,admin")
	s := startServe(t, env)
	const conv = "zd-handoff-1"
	const resetQ = "How do I factory reset my hub?"

	esc := s.askIn(t, key, api.AnswerRequest{Question: "I need to speak to a human", ConversationID: conv,
		Customer: map[string]string{"email": "jane.doe@example.com", "name": "Jane Doe"}})
	if esc.Decision != "escalated" || esc.TicketID == "" {
		t.Fatalf("escalation: %+v", esc)
	}
	zt := waitZendesk(t, zd, esc.TicketID, "the escalation", func(zendesktest.Ticket) bool { return true })
	if u, ok := zd.User("jane.doe@example.com"); !ok || zt.RequesterID != u.ID {
		t.Errorf("requester %d, want Jane (%+v, %v)", zt.RequesterID, u, ok)
	}
	if !strings.Contains(zt.Comments[0].Body, "I need to speak to a human") {
		t.Errorf("first comment: %q", zt.Comments[0].Body)
	}

	// Handed over: the message goes to the Zendesk ticket as a comment.
	if h := s.askIn(t, key, api.AnswerRequest{Question: "any news on my hub?", ConversationID: conv}); h.Decision != "handed_over" {
		t.Fatalf("handed over: %+v", h)
	}
	waitZendesk(t, zd, esc.TicketID, "the comment", func(zt zendesktest.Ticket) bool {
		return len(zt.Comments) == 2 && strings.Contains(zt.Comments[1].Body, "any news on my hub?")
	})

	// The agent solves it in Zendesk; its webhook tells answerdesk.
	body := `{"type":"zen:event-type:ticket.status_changed","detail":{"id":"` + "1" + `","external_id":"` + esc.TicketID +
		`","status":"SOLVED"},"event":{"current":"SOLVED","previous":"OPEN"}}`
	post := func(secret string) e2eReply {
		ts := time.Now().UTC().Format(time.RFC3339)
		return s.do(t, http.MethodPost, "/v1/helpdesk/events", "", strings.NewReader(body),
			delivery.HeaderZendeskSignature, delivery.SignZendesk([]byte(secret), ts, []byte(body)), delivery.HeaderZendeskTimestamp, ts)
	}
	if r := post("not-the-secret"); r.status != http.StatusUnauthorized {
		t.Fatalf("forged event: %d %s", r.status, r.body)
	}
	if a := s.askIn(t, key, api.AnswerRequest{Question: resetQ, ConversationID: conv}); a.Decision != "handed_over" {
		t.Fatalf("after a forged solved event: %+v", a)
	}
	r := post(signing)
	var res api.HelpdeskEventResult
	if err := json.Unmarshal(r.body, &res); err != nil || r.status != http.StatusOK || res.Result != api.HelpdeskHandedBack {
		t.Fatalf("solved event: %d %s", r.status, r.body)
	}
	if a := s.askIn(t, key, api.AnswerRequest{Question: resetQ, ConversationID: conv}); a.Decision != "answered" || a.HandedOver {
		t.Fatalf("after Zendesk solved the ticket: %+v", a)
	}
	if n := len(zd.ByExternalID(esc.TicketID)); n != 1 {
		t.Errorf("%d Zendesk tickets for %s, want 1", n, esc.TicketID)
	}
}

// TestZendeskConfigErrors: a half or wrong Zendesk configuration stops
// serve with a message that says what to set, and never shows the token.
func TestZendeskConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		conf string
		want string
	}{
		{"no token", map[string]string{"ANSWERDESK_ZENDESK_URL": "https://acme.zendesk.com", "ANSWERDESK_ZENDESK_EMAIL": "bot@acme.example"}, "", "ANSWERDESK_ZENDESK_TOKEN is required"},
		{"no email", map[string]string{"ANSWERDESK_ZENDESK_URL": "https://acme.zendesk.com", "ANSWERDESK_ZENDESK_TOKEN": "tok-secret-1"}, "", "e-mail address of a Zendesk agent"},
		{"token without account", map[string]string{"ANSWERDESK_ZENDESK_TOKEN": "tok-secret-1"}, "", "no account"},
		{"bad url", map[string]string{"ANSWERDESK_ZENDESK_URL": "acme.zendesk.com", "ANSWERDESK_ZENDESK_EMAIL": "bot@acme.example", "ANSWERDESK_ZENDESK_TOKEN": "tok-secret-1"}, "", "want https://SUBDOMAIN.zendesk.com"},
		{"token in the file", nil, `{"zendesk": {"subdomain": "acme", "email": "bot@acme.example", "api_token": "tok-secret-1"}}`, "ANSWERDESK_ZENDESK_TOKEN"},
		{"subdomain and url", map[string]string{"ANSWERDESK_ZENDESK_URL": "https://acme.zendesk.com"}, `{"zendesk": {"subdomain": "acme"}}`, "not both"},
		{"subdomain is a host", nil, `{"zendesk": {"subdomain": "acme.zendesk.com"}}`, "first label"},
		{"unknown key", nil, `{"zendesk": {"domain": "acme"}}`, "unknown field"},
		{"bad tolerance", nil, `{"helpdesk": {"tolerance": "soon"}}`, "helpdesk.tolerance"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{"ANSWERDESK_DATA": t.TempDir()}
			for k, v := range tc.env {
				env[k] = v
			}
			if tc.conf != "" {
				cfg := filepath.Join(t.TempDir(), "config.json")
				if err := os.WriteFile(cfg, []byte(tc.conf), 0o600); err != nil {
					t.Fatal(err)
				}
				env["ANSWERDESK_CONFIG"] = cfg
			}
			var stdout, stderr lockedBuffer
			err := run(t.Context(), []string{"serve", "--addr", "127.0.0.1:0"}, func(k string) string { return env[k] }, strings.NewReader(""), &stdout, &stderr)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("serve = %v, want an error with %q", err, tc.want)
			}
			if strings.Contains(err.Error()+stdout.String()+stderr.String(), "tok-secret-1") {
				t.Errorf("the token appears in the output: %v", err)
			}
		})
	}
}
