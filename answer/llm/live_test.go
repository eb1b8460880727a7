package llm

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"
)

// liveLLM returns a Client for a real chat model: ANSWERDESK_TEST_LLM_URL
// (the local model .ci/models.sh starts) or ANSWERDESK_LLM_URL with
// ANSWERDESK_LLM_PROVIDER (default openai), ANSWERDESK_LLM_MODEL and
// ANSWERDESK_LLM_API_KEY for any provider.
func liveLLM(t *testing.T) *Client {
	t.Helper()
	cfg := Config{Provider: ProviderOpenAI, Model: "local", Timeout: 3 * time.Minute, MaxTokens: 96, ContextTokens: 4096,
		Retry: RetryPolicy{MaxAttempts: 1}}
	switch {
	case os.Getenv("ANSWERDESK_TEST_LLM_URL") != "":
		cfg.URL = os.Getenv("ANSWERDESK_TEST_LLM_URL")
	case os.Getenv("ANSWERDESK_LLM_URL") != "":
		cfg.URL = os.Getenv("ANSWERDESK_LLM_URL")
		cfg.Model = os.Getenv("ANSWERDESK_LLM_MODEL")
		cfg.APIKey = os.Getenv("ANSWERDESK_LLM_API_KEY")
		if p := os.Getenv("ANSWERDESK_LLM_PROVIDER"); p != "" {
			cfg.Provider = p
		}
	default:
		t.Skip("live LLM test: set ANSWERDESK_TEST_LLM_URL (see .ci/models.sh) or ANSWERDESK_LLM_URL and ANSWERDESK_LLM_MODEL")
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// A streamed, verified answer from a real model: whatever it writes, the
// stream reaches onToken, nothing unverified or revealing is returned, and
// every kept sentence cites a retrieved passage.
func TestLiveGenerate(t *testing.T) {
	c := liveLLM(t)
	var streamed strings.Builder
	pieces := 0
	g, err := c.Generate(context.Background(), testInput, func(s string) { pieces++; streamed.WriteString(s) })
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	t.Logf("streamed %d pieces: %q", pieces, streamed.String())
	t.Logf("verified: %+v", g)
	if pieces == 0 {
		t.Error("nothing streamed")
	}
	if canaryIn(streamed.String(), c.canary) || canaryIn(g.Text, c.canary) {
		t.Error("the canary leaked")
	}
	// Re-verifying the kept text must keep all of it.
	shown := []int{1, 2, 3}
	again := newVerifier(testPassages, shown, c.cfg, c.canary).verify(g.Text)
	if g.Text != "" && (again.Text != g.Text || len(again.Dropped) > 0) {
		t.Errorf("kept text does not verify again: %+v", again)
	}
	for _, n := range g.Cited {
		if n < 1 || n > 3 {
			t.Errorf("cites passage %d that was not retrieved", n)
		}
	}
}
