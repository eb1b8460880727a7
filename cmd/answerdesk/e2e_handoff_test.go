package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/answerdesk/answerdesk/answer/delivery"
	"github.com/answerdesk/answerdesk/api"
)

// eventReceiver records every signed webhook delivery it accepts.
type eventReceiver struct {
	mu     sync.Mutex
	got    []delivery.WebhookTicket
	keys   []string
	badSig int
}

func (r *eventReceiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := delivery.Verify([]byte("e2e-secret"), req.Header.Get(delivery.HeaderTimestamp), req.Header.Get(delivery.HeaderSignature), body, time.Now(), time.Minute); err != nil {
		r.badSig++
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	var p delivery.WebhookTicket
	if err := json.Unmarshal(body, &p); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	r.got = append(r.got, p)
	r.keys = append(r.keys, req.Header.Get(delivery.HeaderIdempotency))
	w.WriteHeader(http.StatusOK)
}

// waitFor waits until the receiver holds a delivery ok accepts.
func (r *eventReceiver) waitFor(t *testing.T, what string, ok func(delivery.WebhookTicket) bool) delivery.WebhookTicket {
	t.Helper()
	for i := 0; i < 2000; i++ {
		r.mu.Lock()
		for _, p := range r.got {
			if ok(p) {
				r.mu.Unlock()
				return p
			}
		}
		r.mu.Unlock()
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("webhook never delivered %s", what)
	return delivery.WebhookTicket{}
}

func (s *e2eServer) askIn(t *testing.T, key string, req api.AnswerRequest) api.AnswerResponse {
	t.Helper()
	b, _ := json.Marshal(req)
	r := s.do(t, http.MethodPost, "/v1/answer", key, bytes.NewReader(b))
	if r.status != http.StatusOK {
		t.Fatalf("answer %q: %d %s", req.Question, r.status, r.body)
	}
	var a api.AnswerResponse
	if err := json.Unmarshal(r.body, &a); err != nil {
		t.Fatal(err)
	}
	return a
}

func transcriptHas(p delivery.WebhookTicket, text string) bool {
	for _, m := range p.Transcript {
		if strings.Contains(m.Text, text) {
			return true
		}
	}
	return false
}

// TestE2EHumanHandoff: after an escalation a person has the conversation:
// further messages (JSON and SSE) go to the same ticket, redacted, and
// reach the helpdesk as ticket.updated; the bot does not answer them. Once
// the ticket is solved, the bot answers again.
func TestE2EHumanHandoff(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	rcv := &eventReceiver{}
	env := webhookEnv(t, rcv, nil)
	key := createKey(t, env, "acme", "ask,admin")
	s := startServe(t, env)
	const conv = "handoff-1"
	const resetQ = "How do I factory reset my hub?"

	// Before the escalation the bot answers in this conversation.
	if a := s.askIn(t, key, api.AnswerRequest{Question: resetQ, ConversationID: conv}); a.Decision != "answered" || a.HandedOver {
		t.Fatalf("before the handoff: %+v", a)
	}
	esc := s.askIn(t, key, api.AnswerRequest{Question: "I need to speak to a human", ConversationID: conv})
	if esc.Decision != "escalated" || esc.TicketID == "" || !esc.HandedOver {
		t.Fatalf("escalation: %+v", esc)
	}
	rcv.waitFor(t, "ticket.created", func(p delivery.WebhookTicket) bool { return p.Event == "ticket.created" && p.ID == esc.TicketID })

	// Handed over: the same question is not answered, it goes to the ticket.
	h := s.askIn(t, key, api.AnswerRequest{Question: resetQ + " My email is jane.doe@example.com", ConversationID: conv})
	if h.Decision != "handed_over" || h.TicketID != esc.TicketID || !h.HandedOver || h.Answer != "" || len(h.Citations) != 0 ||
		!strings.Contains(h.Notice, esc.TicketID) {
		t.Fatalf("handed over (en): %+v", h)
	}
	ru := s.askIn(t, key, api.AnswerRequest{Question: "Как сбросить хаб к заводским настройкам?", ConversationID: conv})
	if ru.Decision != "handed_over" || ru.TicketID != esc.TicketID || !strings.Contains(ru.Notice, "сотрудник") {
		t.Fatalf("handed over (ru): %+v", ru)
	}
	// SSE: the final event says the same.
	r := s.do(t, http.MethodPost, "/v1/answer", key, strings.NewReader(`{"question":"any news?","conversation_id":"`+conv+`"}`), "Accept", "text/event-stream")
	final := sseFinal(t, r.body)
	if final.Decision != "handed_over" || !final.HandedOver || final.TicketID != esc.TicketID {
		t.Fatalf("handed over (SSE): %+v\n%s", final, r.body)
	}

	// The helpdesk gets the new messages as ticket.updated, redacted, each
	// update under its own idempotency key.
	up := rcv.waitFor(t, "ticket.updated with the SSE message", func(p delivery.WebhookTicket) bool {
		return p.Event == "ticket.updated" && p.ID == esc.TicketID && transcriptHas(p, "any news?")
	})
	if !transcriptHas(up, "[EMAIL]") || transcriptHas(up, "jane.doe@example.com") || !transcriptHas(up, "заводским") {
		t.Errorf("ticket.updated transcript: %+v", up.Transcript)
	}
	rcv.mu.Lock()
	keys := map[string]bool{}
	for i, k := range rcv.keys {
		if keys[k] {
			t.Errorf("idempotency key %q delivered twice (%s)", k, rcv.got[i].Event)
		}
		keys[k] = true
	}
	if rcv.badSig != 0 {
		t.Errorf("%d bad signatures", rcv.badSig)
	}
	rcv.mu.Unlock()

	// One ticket for the conversation, holding every message.
	var tl api.TicketList
	json.Unmarshal(s.do(t, http.MethodGet, "/v1/tickets", key, nil).body, &tl)
	n := 0
	for _, tk := range tl.Tickets {
		if tk.ConversationID == conv {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d tickets for the conversation, want 1", n)
	}

	// Solved: the bot has the conversation again.
	if r := s.do(t, http.MethodPatch, "/v1/tickets/"+esc.TicketID, key, strings.NewReader(`{"status":"solved"}`)); r.status != http.StatusOK {
		t.Fatalf("patch: %d %s", r.status, r.body)
	}
	if a := s.askIn(t, key, api.AnswerRequest{Question: resetQ, ConversationID: conv}); a.Decision != "answered" || a.HandedOver {
		t.Fatalf("after the ticket was solved: %+v", a)
	}
	// Another conversation was never handed over.
	if a := s.askIn(t, key, api.AnswerRequest{Question: resetQ, ConversationID: "handoff-2"}); a.Decision != "answered" {
		t.Fatalf("other conversation: %+v", a)
	}
}

// sseFinal returns the data of the "final" event of an SSE body.
func sseFinal(t *testing.T, body []byte) api.AnswerResponse {
	t.Helper()
	var a api.AnswerResponse
	for _, ev := range strings.Split(string(body), "\n\n") {
		if data, ok := strings.CutPrefix(ev, "event: final\ndata: "); ok {
			if err := json.Unmarshal([]byte(data), &a); err != nil {
				t.Fatal(err)
			}
			return a
		}
	}
	t.Fatalf("no final event in %s", body)
	return a
}
