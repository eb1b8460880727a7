package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/answerdesk/answerdesk/api"
)

// TestE2EConversationActs: through a real server, small talk gets a reply
// and no ticket, and "that helped" typed after an answer records thumbs up
// on that answer.
func TestE2EConversationActs(t *testing.T) {
	env := kbEnv(t, nil)
	ask := createKey(t, env, "acme", "ask")
	admin := createKey(t, env, "acme", "admin")
	s := startServe(t, env)
	say := func(conv, text string) api.AnswerResponse {
		t.Helper()
		b, _ := json.Marshal(api.AnswerRequest{Question: text, ConversationID: conv})
		r := s.do(t, http.MethodPost, "/v1/answer", ask, bytes.NewReader(b))
		if r.status != http.StatusOK {
			t.Fatalf("%q: %d %s", text, r.status, r.body)
		}
		var a api.AnswerResponse
		if err := json.Unmarshal(r.body, &a); err != nil {
			t.Fatal(err)
		}
		return a
	}
	for _, q := range []string{"hi", "ok", "?", "спасибо!", "你好"} {
		if a := say("", q); a.Decision != "replied" || a.Act == "" || a.Answer == "" || a.TicketID != "" {
			t.Errorf("%q: decision %s act %q answer %q ticket %q; want a reply and no ticket", q, a.Decision, a.Act, a.Answer, a.TicketID)
		}
	}
	if r := s.do(t, http.MethodGet, "/v1/tickets", admin, nil); r.status != http.StatusOK || strings.Contains(string(r.body), `"id"`) {
		t.Errorf("tickets after small talk: %d %s; want none", r.status, r.body)
	}

	first := say("", "How can I factory reset my Lumen hub?")
	if first.Decision != "answered" {
		t.Fatalf("reset question: %s (%s)", first.Decision, first.Reason)
	}
	if a := say(first.ConversationID, "that helped, thanks!"); a.Act != "helped" {
		t.Fatalf("verdict: decision %s act %q", a.Decision, a.Act)
	}
	if a := say(first.ConversationID, "that didn't help"); a.Act != "not_helped" || !strings.Contains(a.Answer, "human") {
		t.Fatalf("verdict: decision %s act %q answer %q; want not_helped offering a person", a.Decision, a.Act, a.Answer)
	}
	// Both verdicts landed on the answer as thumbs; the small talk is not
	// counted as questions.
	r := s.do(t, http.MethodGet, "/v1/analytics", admin, nil)
	var rep api.AnalyticsReport
	if r.status != http.StatusOK || json.Unmarshal(r.body, &rep) != nil {
		t.Fatalf("analytics: %d %s", r.status, r.body)
	}
	if rep.ThumbsUp != 1 || rep.ThumbsDown != 1 || rep.Volume != 1 {
		t.Errorf("analytics: thumbs up %d, down %d, volume %d; want 1, 1 and 1 (small talk is not a question)", rep.ThumbsUp, rep.ThumbsDown, rep.Volume)
	}
}
