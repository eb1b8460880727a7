package delivery

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/answer/delivery/zendesktest"
	"github.com/answerdesk/answerdesk/answer/state"
	"github.com/google/go-cmp/cmp"
)

const (
	zdEmail = "bot@acme.example"
	zdToken = "zd-token-3b1f"
)

// zdEnv is a state database whose tickets go to a fake Zendesk account
// through the outbox, and a worker on a clock the test moves.
type zdEnv struct {
	testState
	zd   *zendesktest.Server
	sink *Zendesk
	w    *Worker
	now  time.Time
}

func newZDEnv(t *testing.T) *zdEnv {
	t.Helper()
	zd := zendesktest.New(zdEmail, zdToken)
	t.Cleanup(zd.Close)
	db, err := state.Open(context.Background(), filepath.Join(t.TempDir(), "state.db"), state.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	sink, err := NewZendesk(zd.URL, zdEmail, zdToken, zd.Client())
	if err != nil {
		t.Fatal(err)
	}
	e := &zdEnv{testState: testState{state.NewTicketStore(db, []string{state.SinkZendesk}, nil), state.NewOutbox(db), db}, zd: zd, sink: sink,
		// Ahead of the wall clock that dates the outbox rows, so that a
		// row written during the test is due.
		now: time.Now().Add(time.Hour)}
	e.w = e.worker(sink)
	return e
}

// worker is a worker over e's outbox delivering to sink on e's clock.
func (e *zdEnv) worker(sink Sink) *Worker {
	return New(e.Outbox, map[string]Sink{state.SinkQueue: Queue{Q: e.TicketStore}, state.SinkZendesk: sink},
		Options{Now: func() time.Time { return e.now }, BaseBackoff: time.Second, Jitter: func() float64 { return 0 }, MaxAttempts: 5}, nil)
}

// run delivers what is due now, once.
func (e *zdEnv) run(t *testing.T) {
	t.Helper()
	if _, err := e.w.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// delivery is the zendesk delivery of ticket id.
func (e *zdEnv) delivery(t *testing.T, id string) answer.Delivery {
	t.Helper()
	tk, err := e.Ticket(context.Background(), "acme", id)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range tk.Deliveries {
		if d.Sink == state.SinkZendesk {
			return d
		}
	}
	t.Fatalf("ticket %s has no zendesk delivery: %+v", id, tk.Deliveries)
	return answer.Delivery{}
}

// escalation is a ticket as the engine writes one.
func escalation() answer.Ticket {
	at := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	return answer.Ticket{
		Tenant: "acme", Subject: "Hub will not pair after the firmware update", Summary: "pairing fails",
		Lang: "en", Intent: "pairing", Priority: answer.PriorityHigh, Queue: "tier 2", Reason: "low_confidence",
		ConversationID: "conv-7", Customer: map[string]string{"id": "c-42", "email": "jane@example.com", "name": "Jane Doe", "plan": "pro"},
		Transcript: []answer.Message{
			{Role: answer.RoleCustomer, Text: "My hub will not pair after the update", At: at},
			{Role: answer.RoleAssistant, Text: "Try holding the pair button for 10 seconds [1].", At: at.Add(time.Second)},
			{Role: answer.RoleCustomer, Text: "Still nothing", At: at.Add(time.Minute)},
		},
		Attempted: "Hold the pair button for 10 seconds [1].", Confidence: 0.41,
		Citations: []answer.Citation{{N: 1, DocumentID: "doc-pairing", Title: "Pairing guide", URL: "https://help.acme.example/pairing", Page: 3, Quote: "hold the pair button"}},
	}
}

func TestZendeskCreatesTicket(t *testing.T) {
	e := newZDEnv(t)
	tk, err := e.CreateTicket(context.Background(), escalation())
	if err != nil {
		t.Fatal(err)
	}
	e.run(t)
	if d := e.delivery(t, tk.ID); d.State != state.DeliveryDelivered {
		t.Fatalf("delivery = %+v", d)
	}
	got := e.zd.ByExternalID(tk.ID)
	if len(got) != 1 {
		t.Fatalf("%d Zendesk tickets with external_id %s, want 1", len(got), tk.ID)
	}
	zt := got[0]
	jane, ok := e.zd.User("jane@example.com")
	if !ok || jane.Name != "Jane Doe" || zt.RequesterID != jane.ID {
		t.Errorf("requester %d, user %+v (found %v): want Jane Doe as requester", zt.RequesterID, jane, ok)
	}
	if zt.Subject != "Hub will not pair after the firmware update" || zt.Priority != "high" {
		t.Errorf("subject %q priority %q", zt.Subject, zt.Priority)
	}
	wantTags := []string{"answerdesk", "answerdesk_intent_pairing", "answerdesk_queue_tier_2", "answerdesk_lang_en", "answerdesk_reason_low_confidence"}
	if diff := cmp.Diff(wantTags, zt.Tags); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
	if len(zt.Comments) != 1 || zt.Comments[0].Public {
		t.Fatalf("comments = %+v, want one private note", zt.Comments)
	}
	body := zt.Comments[0].Body
	for _, want := range []string{
		"1. customer (2026-12-04T10:00:00Z): My hub will not pair after the update",
		"3. customer (2026-12-04T10:01:00Z): Still nothing",
		"Attempted answer (not sent to the customer):\nHold the pair button for 10 seconds [1].",
		"[1] Pairing guide, page 3 <https://help.acme.example/pairing>",
		"plan: pro", "confidence 0.41",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("first comment lacks %q:\n%s", want, body)
		}
	}
	if !strings.HasSuffix(body, "[answerdesk "+tk.ID+" · messages 1-3]") {
		t.Errorf("first comment does not end with its marker:\n%s", body)
	}
}

// TestZendeskCreateIsIdempotent: Zendesk stores the ticket but the
// response is lost (a 502 after the write); the retry, by this process or
// by a restarted one without its cache, finds the ticket by external_id
// instead of filing a second one.
func TestZendeskCreateIsIdempotent(t *testing.T) {
	for _, restarted := range []bool{false, true} {
		t.Run(map[bool]string{false: "same process", true: "restarted process"}[restarted], func(t *testing.T) {
			e := newZDEnv(t)
			e.zd.Fail(zendesktest.Failure{Method: http.MethodPost, Path: "/api/v2/tickets.json", Status: http.StatusBadGateway, AfterWrite: true})
			tk, _ := e.CreateTicket(context.Background(), escalation())
			e.run(t)
			if d := e.delivery(t, tk.ID); d.State != state.DeliveryPending || d.Attempts != 1 || !strings.Contains(d.LastError, "502") {
				t.Fatalf("after the lost response: %+v", d)
			}
			if restarted {
				fresh, _ := NewZendesk(e.zd.URL, zdEmail, zdToken, e.zd.Client())
				e.w = e.worker(fresh)
			}
			e.now = e.now.Add(time.Minute)
			e.run(t)
			if d := e.delivery(t, tk.ID); d.State != state.DeliveryDelivered {
				t.Fatalf("retry: %+v", d)
			}
			if n := len(e.zd.ByExternalID(tk.ID)); n != 1 {
				t.Errorf("%d Zendesk tickets for %s, want 1", n, tk.ID)
			}
		})
	}
}

// TestZendeskAppendsMessages: customer messages on the handed-over
// conversation become one private comment per update, holding only the
// new messages; an update whose response is lost is not repeated.
func TestZendeskAppendsMessages(t *testing.T) {
	e := newZDEnv(t)
	ctx := context.Background()
	tk, _ := e.CreateTicket(ctx, escalation())
	e.run(t)
	if err := e.AppendToTicket(ctx, "acme", tk.ID, answer.Message{Role: answer.RoleCustomer, Text: "Any news?"}); err != nil {
		t.Fatal(err)
	}
	e.run(t)
	// The second update is written in Zendesk but its response is lost.
	e.zd.Fail(zendesktest.Failure{Method: http.MethodPut, Status: http.StatusServiceUnavailable, AfterWrite: true})
	if err := e.AppendToTicket(ctx, "acme", tk.ID, answer.Message{Role: answer.RoleCustomer, Text: "Hello?"},
		answer.Message{Role: answer.RoleCustomer, Text: "I am still waiting"}); err != nil {
		t.Fatal(err)
	}
	e.run(t)
	if d := e.delivery(t, tk.ID); d.State != state.DeliveryPending {
		t.Fatalf("after the lost update response: %+v", d)
	}
	e.now = e.now.Add(time.Minute)
	e.run(t)
	if d := e.delivery(t, tk.ID); d.State != state.DeliveryDelivered {
		t.Fatalf("update retry: %+v", d)
	}
	zt := e.zd.ByExternalID(tk.ID)
	if len(zt) != 1 {
		t.Fatalf("%d Zendesk tickets", len(zt))
	}
	var bodies []string
	for _, c := range zt[0].Comments[1:] {
		if c.Public {
			t.Errorf("comment is public: %q", c.Body)
		}
		bodies = append(bodies, c.Body)
	}
	want := []string{
		"4. customer (" + tsOf(t, e, tk.ID, 3) + "): Any news?\n\n[answerdesk " + tk.ID + " · messages 4-4]",
		"5. customer (" + tsOf(t, e, tk.ID, 4) + "): Hello?\n6. customer (" + tsOf(t, e, tk.ID, 5) + "): I am still waiting\n\n[answerdesk " + tk.ID + " · messages 5-6]",
	}
	if diff := cmp.Diff(want, bodies); diff != "" {
		t.Errorf("comments after the first (-want +got):\n%s", diff)
	}
}

func tsOf(t *testing.T, e *zdEnv, id string, i int) string {
	t.Helper()
	tk, err := e.Ticket(context.Background(), "acme", id)
	if err != nil {
		t.Fatal(err)
	}
	return tk.Transcript[i].At.UTC().Format(time.RFC3339)
}

// TestZendeskForgedMarker: a customer's message that looks like the
// sink's marker does not make it skip messages: only a comment's last
// line counts.
func TestZendeskForgedMarker(t *testing.T) {
	e := newZDEnv(t)
	ctx := context.Background()
	tk, _ := e.CreateTicket(ctx, escalation())
	e.run(t)
	forged := "see\n[answerdesk " + tk.ID + " · messages 1-99]"
	if err := e.AppendToTicket(ctx, "acme", tk.ID, answer.Message{Role: answer.RoleCustomer, Text: forged}); err != nil {
		t.Fatal(err)
	}
	e.run(t)
	if err := e.AppendToTicket(ctx, "acme", tk.ID, answer.Message{Role: answer.RoleCustomer, Text: "and one more"}); err != nil {
		t.Fatal(err)
	}
	e.run(t)
	zt := e.zd.ByExternalID(tk.ID)[0]
	if len(zt.Comments) != 3 || !strings.Contains(zt.Comments[2].Body, "5. customer") || !strings.Contains(zt.Comments[2].Body, "and one more") {
		t.Errorf("comments = %+v", zt.Comments)
	}
}

// TestZendeskRetryAfter: a 429 leaves the delivery pending until the
// Retry-After Zendesk sent, then it is delivered.
func TestZendeskRetryAfter(t *testing.T) {
	e := newZDEnv(t)
	e.zd.Fail(zendesktest.Failure{Status: http.StatusTooManyRequests, RetryAfter: "93"})
	tk, _ := e.CreateTicket(context.Background(), escalation())
	start := e.now
	e.run(t)
	d := e.delivery(t, tk.ID)
	if d.State != state.DeliveryPending || d.NextAt.Sub(start) != 93*time.Second {
		t.Fatalf("after 429 Retry-After 93: %+v (next in %s)", d, d.NextAt.Sub(start))
	}
	e.now = start.Add(92 * time.Second)
	e.run(t)
	if n := len(e.zd.Requests()); n != 1 {
		t.Fatalf("%d requests before Retry-After elapsed, want 1: %v", n, e.zd.Requests())
	}
	e.now = start.Add(93 * time.Second)
	e.run(t)
	if d := e.delivery(t, tk.ID); d.State != state.DeliveryDelivered || len(e.zd.ByExternalID(tk.ID)) != 1 {
		t.Fatalf("after Retry-After: %+v", d)
	}
}

// TestZendesk5xxLosesNothing: Zendesk fails every kind of request with a
// 5xx for a while; the delivery backs off and retries, and in the end the
// ticket exists once with every message.
func TestZendesk5xxLosesNothing(t *testing.T) {
	e := newZDEnv(t)
	ctx := context.Background()
	tk, _ := e.CreateTicket(ctx, escalation())
	e.zd.Fail(zendesktest.Failure{Status: 500}, zendesktest.Failure{Status: 503}, zendesktest.Failure{Method: http.MethodPost, Status: 502, AfterWrite: true})
	var nexts []time.Duration
	for i := 0; i < 4; i++ {
		e.run(t)
		d := e.delivery(t, tk.ID)
		if d.State == state.DeliveryDelivered {
			break
		}
		nexts = append(nexts, d.NextAt.Sub(e.now))
		e.now = d.NextAt
	}
	// Half of 1s, 2s, 4s: exponential backoff from Options.BaseBackoff
	// with the random half of its equal jitter at 0.
	if diff := cmp.Diff([]time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second}, nexts); diff != "" {
		t.Errorf("retry delays (-want +got):\n%s", diff)
	}
	if err := e.AppendToTicket(ctx, "acme", tk.ID, answer.Message{Role: answer.RoleCustomer, Text: "ping"}); err != nil {
		t.Fatal(err)
	}
	e.zd.Fail(zendesktest.Failure{Method: http.MethodPut, Status: 504})
	for i := 0; i < 3 && e.delivery(t, tk.ID).State != state.DeliveryDelivered; i++ {
		e.now = e.now.Add(time.Hour)
		e.run(t)
	}
	zt := e.zd.ByExternalID(tk.ID)
	if len(zt) != 1 || len(zt[0].Comments) != 2 || !strings.Contains(zt[0].Comments[1].Body, "4. customer") {
		t.Fatalf("Zendesk tickets for %s: %+v", tk.ID, zt)
	}
}

// TestZendeskRejections: what Zendesk refuses for good is dead-lettered
// at once with its reason; a bad token is retried (an operator can fix
// it) and never appears in the error.
func TestZendeskRejections(t *testing.T) {
	t.Run("422 RecordInvalid is permanent", func(t *testing.T) {
		e := newZDEnv(t)
		tk := escalation()
		tk.Customer = map[string]string{"email": "jane at example.com"} // not an address: Zendesk refuses the requester
		tk, _ = e.CreateTicket(context.Background(), tk)
		e.run(t)
		d := e.delivery(t, tk.ID)
		if d.State != state.DeliveryDead || d.Attempts != 1 || !strings.Contains(d.LastError, "RecordInvalid") || !strings.Contains(d.LastError, "Email is invalid") {
			t.Errorf("delivery = %+v", d)
		}
	})
	t.Run("401 is retried", func(t *testing.T) {
		e := newZDEnv(t)
		bad, _ := NewZendesk(e.zd.URL, zdEmail, "wrong-token-9f", e.zd.Client())
		e.w = e.worker(bad)
		tk, _ := e.CreateTicket(context.Background(), escalation())
		e.run(t)
		d := e.delivery(t, tk.ID)
		if d.State != state.DeliveryPending || !strings.Contains(d.LastError, "401") || strings.Contains(d.LastError, "wrong-token-9f") {
			t.Errorf("delivery = %+v", d)
		}
	})
	t.Run("closed ticket refuses comments", func(t *testing.T) {
		e := newZDEnv(t)
		ctx := context.Background()
		tk, _ := e.CreateTicket(ctx, escalation())
		e.run(t)
		e.zd.SetStatus(e.zd.ByExternalID(tk.ID)[0].ID, "closed")
		e.AppendToTicket(ctx, "acme", tk.ID, answer.Message{Role: answer.RoleCustomer, Text: "hello"})
		e.run(t)
		if d := e.delivery(t, tk.ID); d.State != state.DeliveryDead || !strings.Contains(d.LastError, "closed prevents ticket update") {
			t.Errorf("delivery = %+v", d)
		}
	})
}

func TestZendeskCommentPages(t *testing.T) {
	e := newZDEnv(t)
	e.zd.PerPage = 2
	ctx := context.Background()
	tk, _ := e.CreateTicket(ctx, escalation())
	e.run(t)
	for i := 0; i < 3; i++ {
		e.AppendToTicket(ctx, "acme", tk.ID, answer.Message{Role: answer.RoleCustomer, Text: "more"})
		e.run(t)
	}
	zid := e.zd.ByExternalID(tk.ID)[0].ID
	// An agent writes three notes: the sink's last marker is on page 2.
	agentNote(t, e, zid, 3)
	e.AppendToTicket(ctx, "acme", tk.ID, answer.Message{Role: answer.RoleCustomer, Text: "last"})
	e.run(t)
	zt := e.zd.ByExternalID(tk.ID)[0]
	last := zt.Comments[len(zt.Comments)-1].Body
	if !strings.HasSuffix(last, "· messages 7-7]") || !strings.Contains(last, "7. customer") {
		t.Errorf("last comment %q, want message 7 alone", last)
	}
}

// agentNote adds n comments with an agent's text through the fake's API.
func agentNote(t *testing.T, e *zdEnv, zid int64, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		if err := e.sink.do(context.Background(), http.MethodPut, "/api/v2/tickets/"+strconv.FormatInt(zid, 10)+".json",
			map[string]any{"ticket": map[string]any{"comment": map[string]any{"body": "agent note", "public": false}}}, nil); err != nil {
			t.Fatal(err)
		}
	}
}

func TestNewZendeskConfig(t *testing.T) {
	tests := []struct {
		name, url, email, token string
		ok                      bool
	}{
		{"good", "https://acme.zendesk.com", "bot@acme.example", "t", true},
		{"trailing slash", "https://acme.zendesk.com/", "bot@acme.example", "t", true},
		{"no scheme", "acme.zendesk.com", "bot@acme.example", "t", false},
		{"ftp", "ftp://acme.zendesk.com", "bot@acme.example", "t", false},
		{"path", "https://acme.zendesk.com/api/v2", "bot@acme.example", "t", false},
		{"credentials in url", "https://u:p@acme.zendesk.com", "bot@acme.example", "t", false},
		{"no email", "https://acme.zendesk.com", "", "t", false},
		{"email with /token", "https://acme.zendesk.com", "bot@acme.example/token", "t", false},
		{"no token", "https://acme.zendesk.com", "bot@acme.example", " ", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewZendesk(tc.url, tc.email, tc.token, nil)
			if (err == nil) != tc.ok || (err != nil && !errors.Is(err, ErrZendeskConfig)) {
				t.Errorf("NewZendesk = %v, want ok=%v", err, tc.ok)
			}
			if err != nil && tc.token != "" && tc.token != " " && strings.Contains(err.Error(), tc.token+"\"") {
				t.Errorf("error shows the token: %v", err)
			}
		})
	}
}

func TestVerifyZendesk(t *testing.T) {
	secret := []byte("dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ==")
	body := []byte(`{"type":"zen:event-type:ticket.status_changed"}`)
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	ts := now.Add(-time.Minute).Format(time.RFC3339)
	sig := SignZendesk(secret, ts, body)
	old := now.Add(-10 * time.Minute).Format(time.RFC3339)
	tests := []struct {
		name, ts, sig, body string
		ok                  bool
	}{
		{"good", ts, sig, string(body), true},
		{"tampered body", ts, sig, `{"type":"x"}`, false},
		{"timestamp not signed with", now.Format(time.RFC3339), sig, string(body), false},
		{"stale", old, SignZendesk(secret, old, body), string(body), false},
		{"future", now.Add(10 * time.Minute).Format(time.RFC3339), SignZendesk(secret, now.Add(10*time.Minute).Format(time.RFC3339), body), string(body), false},
		{"unix timestamp", "1764849600", SignZendesk(secret, "1764849600", body), string(body), false},
		{"hex instead of base64", ts, "abc123", string(body), false},
		{"empty", "", "", string(body), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := VerifyZendesk(secret, tc.ts, tc.sig, []byte(tc.body), now, 5*time.Minute)
			if (err == nil) != tc.ok || (err != nil && !errors.Is(err, ErrBadSignature)) {
				t.Errorf("VerifyZendesk = %v, want ok=%v", err, tc.ok)
			}
		})
	}
}
