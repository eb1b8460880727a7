package llm

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/answerdesk/answerdesk/answer/llm/llmtest"
)

const wireReply = "Refunds are paid within 5 business days [1]."

// Ollama's chat wire: NDJSON chunks on /api/chat.
func TestOllamaWire(t *testing.T) {
	var gotSystem bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/chat" {
			http.NotFound(w, r)
			return
		}
		var req struct {
			Messages []struct{ Role, Content string }
		}
		json.NewDecoder(r.Body).Decode(&req)
		gotSystem = len(req.Messages) == 2 && req.Messages[0].Role == "system" && strings.Contains(req.Messages[0].Content, testCanary)
		w.Header().Set("Content-Type", "application/x-ndjson")
		for _, c := range llmtest.Chunks(wireReply, 5) {
			fmt.Fprintf(w, `{"model":"m","message":{"role":"assistant","content":%q},"done":false}`+"\n", c)
		}
		fmt.Fprint(w, `{"model":"m","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop"}`+"\n")
	}))
	defer srv.Close()
	c, err := New(Config{Provider: ProviderOllama, URL: srv.URL, Model: "m"}, WithCanary(testCanary))
	if err != nil {
		t.Fatal(err)
	}
	var streamed strings.Builder
	g, err := c.Generate(context.Background(), testInput, func(s string) { streamed.WriteString(s) })
	if err != nil {
		t.Fatal(err)
	}
	if g.Text != wireReply || streamed.String() != wireReply || !gotSystem {
		t.Errorf("ollama: text %q, streamed %q, system prompt sent: %v", g.Text, streamed.String(), gotSystem)
	}
}

// Anthropic's messages wire: the system prompt travels as "system".
func TestAnthropicWire(t *testing.T) {
	var key, system string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, "/messages") {
			http.NotFound(w, r)
			return
		}
		key = r.Header.Get("x-api-key")
		var req struct {
			System any `json:"system"`
		}
		json.NewDecoder(r.Body).Decode(&req)
		system = fmt.Sprint(req.System)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id":"msg_1","type":"message","role":"assistant","model":"m","content":[{"type":"text","text":%q}],"stop_reason":"end_turn","usage":{"input_tokens":1,"output_tokens":1}}`, wireReply)
	}))
	defer srv.Close()
	c, err := New(Config{Provider: ProviderAnthropic, URL: srv.URL + "/v1", Model: "m", APIKey: "sk-test"}, WithCanary(testCanary))
	if err != nil {
		t.Fatal(err)
	}
	g, err := c.Generate(context.Background(), testInput, nil)
	if err != nil {
		t.Fatal(err)
	}
	if g.Text != wireReply || key != "sk-test" || !strings.Contains(system, testCanary) {
		t.Errorf("anthropic: text %q, key %q, system has canary: %v", g.Text, key, strings.Contains(system, testCanary))
	}
}

// A slow provider hits the per-attempt timeout and the retry succeeds.
func TestSlowResponseIsRetried(t *testing.T) {
	srv := llmtest.New(t)
	srv.Script(llmtest.Step{Delay: 5 * time.Second}, llmtest.Step{Content: wireReply})
	clk := newFakeClock()
	c := newTestClient(t, srv, clk, func(c *Config) { c.Timeout = 100 * time.Millisecond })
	g, err := c.Generate(context.Background(), testInput, func(string) {})
	if err != nil {
		t.Fatal(err)
	}
	if g.Text != wireReply || srv.Hits() != 2 || len(clk.recorded()) != 1 {
		t.Errorf("text %q after %d requests and waits %v", g.Text, srv.Hits(), clk.recorded())
	}
}
