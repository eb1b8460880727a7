package main

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/answer/llm/llmtest"
	"github.com/answerdesk/answerdesk/ingest"
	"github.com/answerdesk/answerdesk/retrieval"
)

// TestAppWiresLLMRewriter: with an LLM configured, the engine the app
// builds sends follow-ups to the LLM to be made standalone (the rewriter),
// not only answers to be written (the generator).
func TestAppWiresLLMRewriter(t *testing.T) {
	ctx := context.Background()
	srv := llmtest.New(t)
	// A grounded answer, so that the first question is answered and the
	// conversation stays with the bot (an escalation would hand the
	// follow-up to a person, unrewritten).
	srv.Reply = func(r llmtest.ChatRequest) string {
		if strings.Contains(r.System(), "standalone question") {
			return "How do I turn off the hub's lights?"
		}
		// Passage 1's first sentence, cited: grounded by construction.
		_, rest, _ := strings.Cut(r.LastUser(), "<passage n=\"1\"")
		_, text, _ := strings.Cut(rest, ">\n")
		sentence, _, _ := strings.Cut(text, ". ")
		return strings.TrimSuffix(strings.TrimSpace(sentence), ".") + ". [1]"
	}
	env := map[string]string{"ANSWERDESK_LLM_PROVIDER": "openai", "ANSWERDESK_LLM_URL": srv.BaseURL(), "ANSWERDESK_LLM_MODEL": "fake"}
	a := newApp(func(k string) string { return env[k] }, strings.NewReader(""), io.Discard, io.Discard)
	defer a.close()
	a.data, a.store = t.TempDir(), "embedded"
	p, err := a.Pipeline(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if sum, err := p.IngestPaths(ctx, []string{repoPath("testdata", "kb", "docs")}, ingest.Options{}); err != nil || len(sum.Failed) > 0 {
		t.Fatalf("ingest: %v %v", err, sum.Failed)
	}
	eng, err := a.answerEngine(ctx)
	if err != nil {
		t.Fatal(err)
	}
	first, err := eng.Answer(ctx, answer.Request{Tenant: retrieval.DefaultTenant, Question: "How do I factory reset my hub?", Channel: "cli"})
	if err != nil {
		t.Fatal(err)
	}
	if first.Decision != answer.Answered {
		t.Fatalf("first question: %s (%s), want answered", first.Decision, first.Reason)
	}
	if _, err := eng.Answer(ctx, answer.Request{Tenant: retrieval.DefaultTenant, Question: "and what about the lights?",
		ConversationID: first.ConversationID, Channel: "cli"}); err != nil {
		t.Fatal(err)
	}
	var rewrites int
	for _, c := range srv.Chats() {
		if strings.Contains(c.System(), "standalone question") {
			rewrites++
		}
	}
	if rewrites != 1 {
		t.Errorf("the LLM got %d rewrite requests in %d chats, want 1 (for the follow-up)", rewrites, len(srv.Chats()))
	}
}
