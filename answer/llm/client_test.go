package llm

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/answer/llm/llmtest"
)

// fakeClock records the waits of the retry loop instead of sleeping.
type fakeClock struct {
	mu    sync.Mutex
	t     time.Time
	waits []time.Duration
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)} }

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.waits = append(c.waits, d)
	c.t = c.t.Add(d)
	return ctx.Err()
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func (c *fakeClock) recorded() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.waits...)
}

func newTestClient(t *testing.T, srv *llmtest.Server, clk *fakeClock, mod func(*Config)) *Client {
	t.Helper()
	cfg := Config{Provider: ProviderOpenAI, URL: srv.BaseURL(), Model: "fake", Timeout: 5 * time.Second,
		Retry: RetryPolicy{MaxAttempts: 3, Budget: time.Minute}}
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg, WithCanary(testCanary), withClock(clk.now, clk.sleep))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var testInput = answer.GenerateInput{Question: "How long do refunds take?", Lang: "en", Passages: testPassages}

func TestGenerateStreamsAndVerifies(t *testing.T) {
	srv := llmtest.New(t)
	srv.ChunkRunes = 3
	const reply = "Refunds are paid within 5 business days [1]. Refunds are also paid in gold bars [9]."
	srv.Script(llmtest.Step{Content: reply})
	c := newTestClient(t, srv, newFakeClock(), nil)
	var tokens []string
	g, err := c.Generate(context.Background(), testInput, func(s string) { tokens = append(tokens, s) })
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(tokens, ""); got != reply {
		t.Errorf("streamed text = %q, want %q", got, reply)
	}
	if len(tokens) < 10 {
		t.Errorf("got %d streamed pieces, want the provider's chunks passed on as they arrive", len(tokens))
	}
	want := answer.Generation{Text: "Refunds are paid within 5 business days [1].", Cited: []int{1}, SupportRatio: 0.5,
		Dropped: []string{"Refunds are also paid in gold bars [9]."}}
	if diff := cmp.Diff(want, g); diff != "" {
		t.Errorf("Generate (-want +got):\n%s", diff)
	}
	chats := srv.Chats()
	if len(chats) != 1 || !chats[0].Stream {
		t.Fatalf("requests = %+v, want one streaming request", chats)
	}
	if chats[0].MaxTokens != DefaultMaxTokens || chats[0].MaxCompletionTokens != 0 || chats[0].Temperature != 0 {
		t.Errorf("max_tokens %d, max_completion_tokens %d, temperature %v: want %d, 0, 0",
			chats[0].MaxTokens, chats[0].MaxCompletionTokens, chats[0].Temperature, DefaultMaxTokens)
	}
	if !strings.Contains(chats[0].System(), testCanary) || strings.Contains(chats[0].LastUser(), testCanary) {
		t.Error("the canary must be in the system prompt only")
	}
}

func TestGenerateWithoutStreaming(t *testing.T) {
	srv := llmtest.New(t)
	srv.Script(llmtest.Step{Content: "Express delivery costs 12.50 EUR [2]."})
	c := newTestClient(t, srv, newFakeClock(), nil)
	g, err := c.Generate(context.Background(), testInput, nil)
	if err != nil {
		t.Fatal(err)
	}
	if g.Text != "Express delivery costs 12.50 EUR [2]." || srv.Chats()[0].Stream {
		t.Errorf("got %+v (stream=%v)", g, srv.Chats()[0].Stream)
	}
}

func TestGenerateAbstains(t *testing.T) {
	srv := llmtest.New(t)
	srv.Script(llmtest.Step{Content: AbstainMarker})
	c := newTestClient(t, srv, newFakeClock(), nil)
	g, err := c.Generate(context.Background(), testInput, nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(answer.Generation{Abstained: true}, g); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	// No passages: abstain without calling the model.
	g, err = c.Generate(context.Background(), answer.GenerateInput{Question: "q"}, nil)
	if err != nil || !g.Abstained || srv.Hits() != 1 {
		t.Errorf("no passages: got %+v, %v after %d requests", g, err, srv.Hits())
	}
}

func TestGenerateRetries(t *testing.T) {
	ok := llmtest.Step{Content: "Refunds are paid within 5 business days [1]."}
	tests := []struct {
		name      string
		steps     []llmtest.Step
		stream    bool
		wantWaits []time.Duration // nil: only check the count
		nWaits    int
		wantErr   error
		wantHits  int
	}{
		{name: "429 honours Retry-After seconds", steps: []llmtest.Step{{Status: 429, RetryAfter: "7"}, ok},
			wantWaits: []time.Duration{7 * time.Second}, wantHits: 2},
		{name: "429 honours Retry-After date", steps: []llmtest.Step{{Status: 429, RetryAfter: "Thu, 01 Jan 2026 00:00:09 GMT"}, ok},
			wantWaits: []time.Duration{9 * time.Second}, wantHits: 2},
		{name: "503 then 500 then success", steps: []llmtest.Step{{Status: 503}, {Status: 500}, ok}, nWaits: 2, wantHits: 3},
		{name: "malformed JSON is retried", steps: []llmtest.Step{{Raw: `{"choices": [`}, ok}, nWaits: 1, wantHits: 2},
		{name: "empty completion is retried", steps: []llmtest.Step{{Raw: `{"choices":[{"message":{"content":""}}]}`}, ok}, nWaits: 1, wantHits: 2},
		{name: "malformed stream chunks are retried", stream: true,
			steps: []llmtest.Step{{Raw: "data: {not json\n\ndata: [DONE]\n\n"}, ok}, nWaits: 1, wantHits: 2},
		{name: "gives up after max attempts", steps: []llmtest.Step{{Status: 502}, {Status: 502}, {Status: 502}},
			nWaits: 2, wantErr: ErrUnavailable, wantHits: 3},
		{name: "Retry-After beyond the budget ends at once", steps: []llmtest.Step{{Status: 429, RetryAfter: "3600"}},
			wantErr: ErrUnavailable, wantHits: 1},
		{name: "400 is not retried", steps: []llmtest.Step{{Status: 400}}, wantErr: ErrUnavailable, wantHits: 1},
		{name: "401 is not retried", steps: []llmtest.Step{{Status: 401}}, wantErr: ErrUnavailable, wantHits: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := llmtest.New(t)
			srv.Script(tt.steps...)
			clk := newFakeClock()
			c := newTestClient(t, srv, clk, nil)
			var onToken func(string)
			if tt.stream {
				onToken = func(string) {}
			}
			g, err := c.Generate(context.Background(), testInput, onToken)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if err == nil && g.Text != ok.Content {
				t.Errorf("text = %q", g.Text)
			}
			waits := clk.recorded()
			if tt.wantWaits != nil {
				if diff := cmp.Diff(tt.wantWaits, waits); diff != "" {
					t.Errorf("waits (-want +got):\n%s", diff)
				}
			} else if len(waits) != tt.nWaits {
				t.Errorf("waits = %v, want %d", waits, tt.nWaits)
			}
			if srv.Hits() != tt.wantHits {
				t.Errorf("requests = %d, want %d", srv.Hits(), tt.wantHits)
			}
		})
	}
}

// A dead provider is retried within the budget once; then the breaker
// rejects calls without touching the network until the cooldown ends.
func TestBreakerFailsFast(t *testing.T) {
	srv := llmtest.New(t)
	for range 10 {
		srv.Script(llmtest.Step{Hang: true})
	}
	clk := newFakeClock()
	c := newTestClient(t, srv, clk, func(c *Config) {
		c.Timeout = 100 * time.Millisecond
		c.Breaker = BreakerPolicy{Failures: 3, Cooldown: time.Minute}
	})
	_, err := c.Generate(context.Background(), testInput, nil)
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("first call: err = %v, want ErrUnavailable", err)
	}
	if srv.Hits() != 3 {
		t.Fatalf("first call made %d attempts, want 3", srv.Hits())
	}
	for i := range 5 {
		_, err := c.Generate(context.Background(), testInput, nil)
		if !errors.Is(err, ErrUnavailable) || !errors.Is(err, errBreakerOpen) {
			t.Fatalf("call %d with open breaker: err = %v", i, err)
		}
	}
	if srv.Hits() != 3 {
		t.Errorf("open breaker let %d requests through", srv.Hits()-3)
	}
	// After the cooldown one trial goes through; success closes the breaker.
	clk.advance(2 * time.Minute)
	c.model = newTestClient(t, answeringServer(t), clk, nil).model // the provider is back
	if _, err := c.Generate(context.Background(), testInput, nil); err != nil {
		t.Fatalf("trial after cooldown: %v", err)
	}
	if _, err := c.Generate(context.Background(), testInput, nil); err != nil {
		t.Fatalf("closed breaker: %v", err)
	}
}

func answeringServer(t *testing.T) *llmtest.Server {
	srv := llmtest.New(t)
	srv.Reply = func(llmtest.ChatRequest) string { return "Refunds are paid within 5 business days [1]." }
	return srv
}

func TestGenerateHonoursCallerContext(t *testing.T) {
	srv := llmtest.New(t)
	srv.Script(llmtest.Step{Hang: true})
	c := newTestClient(t, srv, newFakeClock(), nil)
	// The caller gives up once the server holds its request, however slow
	// the machine: a fixed deadline could expire before the first request.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		for i := 0; i < 10000 && srv.Hits() == 0; i++ {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	_, err := c.Generate(ctx, testInput, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want the caller's cancellation", err)
	}
	if srv.Hits() != 1 {
		t.Errorf("requests = %d, want no retry after the caller gave up", srv.Hits())
	}
}

func TestRewrite(t *testing.T) {
	history := []answer.Message{{Role: "customer", Text: "How do I reset the X200 router?"}, {Role: "assistant", Text: "Hold the reset button for 10 seconds [1]."}}
	tests := []struct {
		name    string
		reply   string
		want    string
		wantErr error
	}{
		{"plain", "How long must I hold the X200 reset button?", "How long must I hold the X200 reset button?", nil},
		{"preface and quotes stripped", "Standalone question: \"How long must I hold the X200 reset button?\"\nExtra", "How long must I hold the X200 reset button?", nil},
		{"canary rejected", "My instructions contain " + testCanary, "", ErrRewrite},
		{"too long rejected", strings.Repeat("word ", 200), "", ErrRewrite},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := llmtest.New(t)
			srv.Script(llmtest.Step{Content: tt.reply})
			c := newTestClient(t, srv, newFakeClock(), nil)
			got, err := c.Rewrite(context.Background(), history, "and how long?")
			if !errors.Is(err, tt.wantErr) || got != tt.want {
				t.Errorf("Rewrite = %q, %v; want %q, %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
	// No history: no model call.
	srv := llmtest.New(t)
	c := newTestClient(t, srv, newFakeClock(), nil)
	if got, err := c.Rewrite(context.Background(), nil, "q?"); got != "q?" || err != nil || srv.Hits() != 0 {
		t.Errorf("without history: %q, %v, %d requests", got, err, srv.Hits())
	}
}

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
	}{
		{"no provider", Config{Model: "m"}},
		{"unknown provider", Config{Provider: "googleai", Model: "m"}},
		{"no model", Config{Provider: "openai"}},
		{"bad url", Config{Provider: "openai", Model: "m", URL: "ftp://x"}},
		{"anthropic without key", Config{Provider: "anthropic", Model: "m"}},
		{"tiny context", Config{Provider: "openai", Model: "m", ContextTokens: 300}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New(tt.cfg); !errors.Is(err, ErrConfig) {
				t.Errorf("New(%+v) err = %v, want ErrConfig", tt.cfg, err)
			}
		})
	}
}

func TestStreamGuard(t *testing.T) {
	tests := []struct {
		name   string
		chunks []string
		want   string
	}{
		{"plain text passes", []string{"Refunds take ", "5 days [1]."}, "Refunds take 5 days [1]."},
		{"canary split over chunks is never emitted", []string{"My marker is CAN", "ARY-0123", "456789abcdef and more"}, "My marker is "},
		{"spaced-out random part stops the stream", []string{"code: 0 1 2 3 ", "4 5 6 7 8 9 a b c d e f", " tail"}, "code"},
		{"near miss is released", []string{"CANARY-0123x", " ok"}, "CANARY-0123x ok"},
		{"long hex-free text streams in bounded memory", []string{strings.Repeat("abc ", 500)}, strings.Repeat("abc ", 500)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got strings.Builder
			g := &streamGuard{canary: testCanary, emit: func(s string) { got.WriteString(s) }}
			for _, c := range tt.chunks {
				g.write(c)
			}
			g.flush()
			if got.String() != tt.want {
				t.Errorf("streamed %q, want %q", got.String(), tt.want)
			}
		})
	}
}
