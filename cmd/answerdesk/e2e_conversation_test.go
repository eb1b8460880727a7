package main

import (
	"bufio"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/answerdesk/answerdesk/answer/llm/llmtest"
	"github.com/answerdesk/answerdesk/api"
)

// followUp is a labelled conversation of testdata/followups.jsonl.
type followUp struct {
	ID         string   `json:"id"`
	Kind       string   `json:"kind"`
	Turns      []string `json:"turns"`
	Rewrite    string   `json:"rewrite"`
	Relevant   []string `json:"relevant"`
	AnswerLang string   `json:"answer_lang"`
}

func readFollowUpSet(t *testing.T) []followUp {
	t.Helper()
	f, err := os.Open(e2eRepo("testdata", "followups.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []followUp
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var c followUp
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatalf("followups.jsonl: %v", err)
		}
		out = append(out, c)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// followUpOutcome asks c's turns in one conversation through the real API
// (the earlier ones as JSON, the last as an SSE stream) and reports how
// its last turn came out: "resolved" (answered in the labelled language
// citing a labelled document first), "handed_over" (an earlier turn
// escalated, and the follow-up went to the person who has the
// conversation, as it must), or "wrong".
func followUpOutcome(t *testing.T, s *e2eServer, key, prefix string, c followUp, before func(turn int)) (string, api.AnswerResponse) {
	t.Helper()
	conv := prefix + c.ID
	escalated := false
	for i, turn := range c.Turns[:len(c.Turns)-1] {
		if before != nil {
			before(i)
		}
		a := s.askIn(t, key, api.AnswerRequest{Question: turn, ConversationID: conv})
		escalated = escalated || a.HandedOver
	}
	if before != nil {
		before(len(c.Turns) - 1)
	}
	deltas, a := sseAnswer(t, s, key, api.AnswerRequest{Question: c.Turns[len(c.Turns)-1], ConversationID: conv})
	if a.ConversationID != conv || strings.Join(deltas, "") != a.Answer {
		t.Errorf("%s: SSE final conversation %q (want %q), deltas %q do not make the answer %q", c.ID, a.ConversationID, conv, deltas, a.Answer)
	}
	switch {
	case escalated:
		if a.Decision != "handed_over" || a.TicketID == "" {
			t.Errorf("%s: a follow-up after an escalation was %s (%s), want handed_over with the ticket", c.ID, a.Decision, a.Reason)
		}
		return "handed_over", a
	case a.Decision == "answered" && a.Lang == c.AnswerLang && len(a.Citations) > 0 && slices.Contains(c.Relevant, a.Citations[0].DocumentID):
		return "resolved", a
	}
	return "wrong", a
}

// TestE2EFollowUpsThroughAPI runs the labelled follow-up set through the
// real server, turn by turn in one conversation each, the last turn over
// SSE, without an LLM (the heuristic rewriter): the share resolved among
// the conversations the bot keeps (the others were handed to a person by
// an earlier escalation, and the follow-up must go to that person).
func TestE2EFollowUpsThroughAPI(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	env := kbEnv(t, nil)
	key := createKey(t, env, "acme", "ask")
	s := startServe(t, env)
	count := map[string]int{}
	for _, c := range readFollowUpSet(t) {
		outcome, a := followUpOutcome(t, s, key, "e2e-", c, nil)
		count[outcome]++
		if outcome == "wrong" {
			t.Logf("%s %s %q: %s/%s lang %s (want %s), standalone %q, citations %d", c.ID, c.Kind, c.Turns[len(c.Turns)-1],
				a.Decision, a.Reason, a.Lang, c.AnswerLang, a.Standalone, len(a.Citations))
		}
	}
	kept := count["resolved"] + count["wrong"]
	share := float64(count["resolved"]) / float64(kept)
	t.Logf("heuristic through the API: %d of %d conversations kept by the bot resolved (%.3f); %d handed over after an escalation",
		count["resolved"], kept, share, count["handed_over"])
	// Floors a little under today's figures (55 of 71, 0.775; 47 handed
	// over), so that a regression fails. Stricter than TestFollowUpSet's
	// measure (first document and language): here the follow-up must be
	// answered, citing a labelled document first, after real earlier turns.
	// How many conversations the bot keeps moves with the confidence model
	// (a refit escalates more or fewer first turns): that floor is loose.
	if kept < 55 || share < 0.72 {
		t.Errorf("%d conversations kept, %.3f resolved: below the floor (55, 0.72)", kept, share)
	}
}

// scriptedLLM is an OpenAI-protocol fake whose answers follow a script:
// rewrite requests get the labelled standalone question set for the turn;
// generation requests get passage 1's first sentence with its citation
// (grounded by construction), or an unsupported claim when told to.
type scriptedLLM struct {
	*llmtest.Server
	mu          sync.Mutex
	rewrite     string
	unsupported bool
}

func newScriptedLLM(t *testing.T) *scriptedLLM {
	l := &scriptedLLM{Server: llmtest.New(t)}
	l.Reply = func(r llmtest.ChatRequest) string {
		l.mu.Lock()
		defer l.mu.Unlock()
		if strings.Contains(r.System(), "standalone question") {
			return l.rewrite
		}
		if l.unsupported {
			return "Every Lumen hub ships with a free pony and a lifetime supply of hay. [1]"
		}
		_, rest, _ := strings.Cut(r.LastUser(), "<passage n=\"1\"")
		_, text, _ := strings.Cut(rest, ">\n")
		text, _, _ = strings.Cut(text, "</passage>")
		return firstSentence(strings.TrimSpace(text)) + " [1]"
	}
	return l
}

// firstSentence is text up to its first sentence end (".", "!", "?" before
// a space, or "。", "！", "？").
func firstSentence(text string) string {
	for i, r := range text {
		switch r {
		case '。', '！', '？':
			return text[:i+len(string(r))]
		case '.', '!', '?':
			if rest := text[i+1:]; rest == "" || rest[0] == ' ' || rest[0] == '\n' {
				return text[:i+1]
			}
		}
	}
	return text
}

func (l *scriptedLLM) set(rewrite string, unsupported bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.rewrite, l.unsupported = rewrite, unsupported
}

func (l *scriptedLLM) env() map[string]string {
	return map[string]string{"ANSWERDESK_LLM_PROVIDER": "openai", "ANSWERDESK_LLM_URL": l.BaseURL(), "ANSWERDESK_LLM_MODEL": "scripted"}
}

// TestE2EGeneratedAnswersThroughAPI: with an LLM configured (a scripted
// provider speaking the OpenAI protocol), answers are generated, verified
// and streamed through the real server: a grounded reply is answered over
// SSE with its citation; an unsupported one escalates as grounding_failed
// and never reaches the customer, not even as a streamed delta; follow-ups
// are made standalone by the model (the rewriter gets the conversation's
// history), language switches answer in the new language; and the
// labelled follow-up set, asked turn by turn, resolves above its floor.
func TestE2EGeneratedAnswersThroughAPI(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	llm := newScriptedLLM(t)
	env := kbEnv(t, llm.env())
	key := createKey(t, env, "acme", "ask,admin")
	s := startServe(t, env)

	// A grounded generated answer, streamed.
	deltas, a := sseAnswer(t, s, key, api.AnswerRequest{Question: "How do I factory reset my hub?", ConversationID: "gen-1"})
	if a.Decision != "answered" || len(a.Citations) == 0 || !strings.HasSuffix(strings.TrimSpace(a.Answer), "[1]") || strings.Join(deltas, "") != a.Answer {
		t.Fatalf("generated answer: %+v, deltas %q", a, deltas)
	}
	first := a.Answer
	var generation llmtest.ChatRequest
	for _, c := range llm.Chats() {
		if strings.Contains(c.LastUser(), "How do I factory reset my hub?") && !strings.Contains(c.System(), "standalone question") {
			generation = c
		}
	}
	if !strings.Contains(generation.LastUser(), "<passage n=\"1\"") || !strings.Contains(generation.LastUser(), strings.TrimSuffix(first, " [1]")) {
		t.Errorf("the answer is not the model's reply on the passages it was given:\nanswer %q\nprompt %q", first, generation.LastUser())
	}

	// A follow-up: the model rewrites it with the conversation's history.
	rewrite := "How long does a factory reset of the hub take?"
	llm.set(rewrite, false)
	deltas, a = sseAnswer(t, s, key, api.AnswerRequest{Question: "how long does it take?", ConversationID: "gen-1"})
	if a.Standalone != rewrite || a.Decision != "answered" || strings.Join(deltas, "") != a.Answer {
		t.Errorf("follow-up: standalone %q (want %q), %s/%s", a.Standalone, rewrite, a.Decision, a.Reason)
	}
	var rewriteReq llmtest.ChatRequest
	for _, c := range llm.Chats() {
		if strings.Contains(c.System(), "standalone question") {
			rewriteReq = c
		}
	}
	if all := rewriteReq.System() + rewriteReq.LastUser(); !strings.Contains(all, "How do I factory reset my hub?") || !strings.Contains(all, "how long does it take?") {
		t.Errorf("the rewriter did not get the history and the follow-up: %+v", rewriteReq.Messages)
	}

	// A language switch: answered in Russian from the Russian document.
	llm.set("Как сбросить хаб к заводским настройкам?", false)
	a = s.askIn(t, key, api.AnswerRequest{Question: "and in Russian?", ConversationID: "gen-1"})
	if a.Decision != "answered" || a.Lang != "ru" || len(a.Citations) == 0 || a.Citations[0].DocumentID != "ru/neispravnosti" {
		t.Errorf("language switch: %s/%s lang %s citations %+v", a.Decision, a.Reason, a.Lang, a.Citations)
	}

	// An unsupported generated claim escalates and is never shown.
	llm.set("", true)
	deltas, a = sseAnswer(t, s, key, api.AnswerRequest{Question: "Does the hub come with any extras in the box?", ConversationID: "gen-2"})
	if a.Decision != "escalated" || a.Reason != "grounding_failed" || a.TicketID == "" || strings.Contains(a.Answer, "pony") {
		t.Errorf("unsupported generation: %+v", a)
	}
	for _, d := range deltas {
		if strings.Contains(d, "pony") {
			t.Errorf("an unverified claim was streamed: %q", d)
		}
	}
	if r := s.do(t, "GET", "/v1/tickets/"+a.TicketID, key, nil); r.status != 200 || !strings.Contains(string(r.body), "grounding_failed") {
		t.Errorf("ticket of the unsupported answer: %d %s", r.status, r.body)
	}

	// The labelled follow-up set with the model's rewrites.
	llm.set("", false)
	count := map[string]int{}
	for _, c := range readFollowUpSet(t) {
		outcome, a := followUpOutcome(t, s, key, "llm-", c, func(turn int) {
			if turn == len(c.Turns)-1 {
				llm.set(c.Rewrite, false)
			} else {
				llm.set(c.Turns[turn], false) // an earlier turn stands alone
			}
		})
		count[outcome]++
		if outcome == "wrong" {
			t.Logf("%s %s %q: %s/%s lang %s (want %s), standalone %q", c.ID, c.Kind, c.Turns[len(c.Turns)-1], a.Decision, a.Reason, a.Lang, c.AnswerLang, a.Standalone)
		}
	}
	kept := count["resolved"] + count["wrong"]
	share := float64(count["resolved"]) / float64(kept)
	t.Logf("scripted LLM through the API: %d of %d conversations kept by the bot resolved (%.3f); %d handed over after an escalation",
		count["resolved"], kept, share, count["handed_over"])
	// Floors a little under today's figures (93 of 99, 0.939; 19 handed
	// over). This measures the wiring (the provider replies with the
	// labelled rewrite and the passage's own sentence), not a real model.
	if kept < 80 || share < 0.9 {
		t.Errorf("%d conversations kept, %.3f resolved: below the floor (80, 0.9)", kept, share)
	}
}
