package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"unicode"

	"github.com/answerdesk/answerdesk/api"
)

// TestE2EAgentAssist: for an open ticket, GET /v1/tickets/{id}/similar
// ranks the tenant's solved tickets by their subject and transcript, and
// POST /v1/tickets/{id}/suggest drafts a cited reply in the customer's
// language through the answer engine, writing no ticket and no turn;
// another tenant's tickets never show, and only admins may ask.
func TestE2EAgentAssist(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: skipped in -short mode")
	}
	env := kbEnv(t, nil)
	acme := createKey(t, env, "acme", "admin,ask")
	globex := createKey(t, env, "globex", "admin,ask")
	askOnly := createKey(t, env, "acme", "ask")
	s := startServe(t, env)

	ticket := func(key, question string) string {
		t.Helper()
		a := s.ask(t, key, question)
		if a.TicketID == "" {
			t.Fatalf("%q made no ticket: %+v", question, a)
		}
		return a.TicketID
	}
	solve := func(key, id, resolution string) {
		t.Helper()
		b, _ := json.Marshal(api.TicketPatch{Status: "solved", Resolution: resolution})
		if r := s.do(t, http.MethodPatch, "/v1/tickets/"+id, key, bytes.NewReader(b)); r.status != http.StatusOK {
			t.Fatalf("solve %s: %d %s", id, r.status, r.body)
		}
	}
	reset := ticket(askOnly, "I want to talk to a human: how do I factory reset my hub?")
	solve(acme, reset, "Hold the reset button for ten seconds until the light blinks white.")
	price := ticket(askOnly, "I want to talk to a human about the price of Lumen Pro per month")
	solve(acme, price, "Lumen Pro is billed monthly; see the billing page.")
	other := ticket(globex, "I want to talk to a human: how do I factory reset my hub?")
	solve(globex, other, "globex's own reply")
	// The customer asks for a person, then puts the question to the
	// ticket (handed over, the follow-up goes to the ticket unanswered).
	open := ticket(askOnly, "I want to talk to a human")
	var tk api.Ticket
	json.Unmarshal(s.do(t, http.MethodGet, "/v1/tickets/"+open, acme, nil).body, &tk)
	if a := s.askIn(t, askOnly, api.AnswerRequest{ConversationID: tk.ConversationID, Question: "How do I factory reset my hub?"}); a.TicketID != open {
		t.Fatalf("follow-up not on the ticket %s: %+v", open, a)
	}

	var sim api.SimilarTickets
	r := s.do(t, http.MethodGet, "/v1/tickets/"+open+"/similar", acme, nil)
	if r.status != http.StatusOK {
		t.Fatalf("similar: %d %s", r.status, r.body)
	}
	json.Unmarshal(r.body, &sim)
	if len(sim.Similar) == 0 || sim.Similar[0].ID != reset || sim.Similar[0].Resolution == "" || sim.Similar[0].Score <= 0 || sim.Similar[0].Score > 1 {
		t.Fatalf("similar to %s: %+v, want %s first", open, sim, reset)
	}
	for i, x := range sim.Similar {
		if x.ID == other || x.ID == open {
			t.Errorf("similar lists %s (globex's %s, itself %s)", x.ID, other, open)
		}
		if i > 0 && x.Score > sim.Similar[i-1].Score {
			t.Errorf("similar not best first: %+v", sim.Similar)
		}
	}

	count := func(path string) int {
		var l struct {
			Tickets       []json.RawMessage `json:"tickets"`
			Conversations []json.RawMessage `json:"conversations"`
		}
		r := s.do(t, http.MethodGet, path+"?limit=500", acme, nil)
		if r.status != http.StatusOK {
			t.Fatalf("%s: %d %s", path, r.status, r.body)
		}
		json.Unmarshal(r.body, &l)
		return len(l.Tickets) + len(l.Conversations)
	}
	tickets, convs := count("/v1/tickets"), count("/v1/conversations")
	var sg api.Suggestion
	if r = s.do(t, http.MethodPost, "/v1/tickets/"+open+"/suggest", acme, nil); r.status != http.StatusOK {
		t.Fatalf("suggest: %d %s", r.status, r.body)
	}
	json.Unmarshal(r.body, &sg)
	if !sg.Suggested || sg.Reply == "" || len(sg.Citations) == 0 || sg.Lang != "en" {
		t.Fatalf("suggestion: %+v", sg)
	}
	if !citesDoc(sg.Citations, "en/troubleshooting") {
		t.Errorf("suggestion cites %+v, want en/troubleshooting", sg.Citations)
	}
	if len(sg.Similar) == 0 || sg.Similar[0].ID != reset {
		t.Errorf("suggestion's similar tickets: %+v", sg.Similar)
	}
	if n, m := count("/v1/tickets"), count("/v1/conversations"); n != tickets || m != convs {
		t.Errorf("suggest wrote: tickets %d → %d, conversations %d → %d", tickets, n, convs, m)
	}

	// In the customer's language.
	ru := ticket(askOnly, "Позовите оператора")
	json.Unmarshal(s.do(t, http.MethodGet, "/v1/tickets/"+ru, acme, nil).body, &tk)
	s.askIn(t, askOnly, api.AnswerRequest{ConversationID: tk.ConversationID, Question: "Как сбросить хаб до заводских настроек?"})
	if r = s.do(t, http.MethodPost, "/v1/tickets/"+ru+"/suggest", acme, nil); r.status != http.StatusOK {
		t.Fatalf("suggest ru: %d %s", r.status, r.body)
	}
	sg = api.Suggestion{}
	json.Unmarshal(r.body, &sg)
	text := sg.Reply + sg.Attempted
	if sg.Lang != "ru" || !strings.ContainsFunc(text, func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) }) {
		t.Errorf("Russian ticket's suggestion: %+v", sg)
	}

	for _, c := range []struct {
		key, method, path string
		want              int
	}{
		{globex, http.MethodGet, "/v1/tickets/" + open + "/similar", http.StatusNotFound},
		{globex, http.MethodPost, "/v1/tickets/" + open + "/suggest", http.StatusNotFound},
		{askOnly, http.MethodGet, "/v1/tickets/" + open + "/similar", http.StatusForbidden},
		{askOnly, http.MethodPost, "/v1/tickets/" + open + "/suggest", http.StatusForbidden},
		{acme, http.MethodPost, "/v1/tickets/nope/suggest", http.StatusNotFound},
	} {
		if r := s.do(t, c.method, c.path, c.key, nil); r.status != c.want {
			t.Errorf("%s %s: %d, want %d", c.method, c.path, r.status, c.want)
		}
	}
}

func citesDoc(cs []api.Citation, doc string) bool {
	for _, c := range cs {
		if c.DocumentID == doc {
			return true
		}
	}
	return false
}
