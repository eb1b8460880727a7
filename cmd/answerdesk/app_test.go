package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/answer/llm/llmtest"
	"github.com/answerdesk/answerdesk/ingest"
	"github.com/answerdesk/answerdesk/retrieval"
	"github.com/google/go-cmp/cmp"
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
	p, err := a.ingestPipeline(ctx)
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

// TestModelConfig: the "llm" and "embed" sections, with the environment
// over the file and API keys from the environment only.
func TestModelConfig(t *testing.T) {
	cfgFile := filepath.Join(t.TempDir(), "config.json")
	if err := os.WriteFile(cfgFile, []byte(`{
		"llm": {"provider": "openai", "url": "http://file/v1", "model": "m", "api_key_env": "MY_KEY", "timeout": "5s", "retry_budget": "1m"},
		"embed": {"provider": "openai", "url": "http://embed/v1", "model": "multilingual-e5-small", "timeout": "2s", "dim": 384}
	}`), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"ANSWERDESK_LLM_URL": "http://env/v1", "MY_KEY": "secret", "ANSWERDESK_EMBED_API_KEY": "ekey",
		"ANSWERDESK_EMBED_DOCUMENT_PREFIX": "none"}
	a := newApp(func(k string) string { return env[k] }, strings.NewReader(""), io.Discard, io.Discard)
	a.config = cfgFile
	c, ok, err := a.llmConfig()
	if err != nil || !ok {
		t.Fatalf("llmConfig: %v, %v", ok, err)
	}
	if c.URL != "http://env/v1" || c.Model != "m" || c.APIKey != "secret" || c.Timeout != 5*time.Second || c.Retry.Budget != time.Minute || c.Temperature != 0.1 {
		t.Errorf("llm config = %+v", c)
	}
	e, ok, err := a.embedConfig()
	if err != nil || !ok {
		t.Fatalf("embedConfig: %v, %v", ok, err)
	}
	if e.URL != "http://embed/v1" || e.APIKey != "ekey" || e.Timeout != 2*time.Second || e.Dim != 384 || e.QueryPrefix != "query: " || e.DocumentPrefix != "" {
		t.Errorf("embed config = %+v", e)
	}
	env["ANSWERDESK_LLM_PROVIDER"] = "none"
	if _, ok, err := a.llmConfig(); ok || err != nil {
		t.Errorf("provider none: ok %v, err %v; want no LLM", ok, err)
	}
	env["ANSWERDESK_EMBED_TIMEOUT"] = "soon"
	if _, _, err := a.embedConfig(); err == nil || !strings.Contains(err.Error(), "embed timeout") {
		t.Errorf("bad embed timeout: %v", err)
	}
}

// TestLinkDomainsDefaultToLLMs: the passage screen takes the LLM's allowed
// link domains unless the answer section sets its own.
func TestLinkDomainsDefaultToLLMs(t *testing.T) {
	for _, tc := range []struct {
		name, config string
		want         map[string][]string
	}{
		{"none", `{}`, nil},
		{"llm list", `{"llm": {"allowed_link_domains": ["lumen.example"]}}`, map[string][]string{"*": {"lumen.example"}}},
		{"answer list wins", `{"llm": {"allowed_link_domains": ["lumen.example"]}, "answer": {"link_domains": {"acme": ["acme.example"]}}}`,
			map[string][]string{"acme": {"acme.example"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := filepath.Join(t.TempDir(), "config.json")
			if err := os.WriteFile(cfg, []byte(tc.config), 0o644); err != nil {
				t.Fatal(err)
			}
			a := newApp(func(string) string { return "" }, strings.NewReader(""), io.Discard, io.Discard)
			a.config = cfg
			got, err := a.answerConfig()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got.LinkDomains); diff != "" {
				t.Errorf("link domains (-want +got):\n%s", diff)
			}
		})
	}
}
