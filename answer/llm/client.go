package llm

import (
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/tmc/langchaingo/llms"
	"github.com/tmc/langchaingo/llms/openai"

	"github.com/answerdesk/answerdesk/answer"
)

// Client generates grounded answers and rewrites follow-ups with one chat
// model. It is safe for concurrent use.
type Client struct {
	cfg    Config
	model  llms.Model
	log    *slog.Logger
	canary string
	retry  *retrier
	// callOpts are added to every call (the max-tokens field choice).
	callOpts []llms.CallOption
}

var (
	_ answer.Generator = (*Client)(nil)
	_ answer.Rewriter  = (*Client)(nil)
)

// Option customizes a Client or an Embedder.
type Option func(*options)

type options struct {
	log       *slog.Logger
	model     llms.Model
	transport http.RoundTripper
	canary    string
	now       func() time.Time
	sleep     func(context.Context, time.Duration) error
}

// WithLogger sets the logger (default: discard).
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.log = l } }

// WithModel uses m instead of building a model from the Config's provider
// (langchaingo's fake LLM in tests and benchmarks).
func WithModel(m llms.Model) Option { return func(o *options) { o.model = m } }

// WithTransport sets the HTTP transport provider calls go through.
func WithTransport(t http.RoundTripper) Option { return func(o *options) { o.transport = t } }

// WithCanary fixes the canary token (golden tests); by default each Client
// draws a random one.
func WithCanary(c string) Option { return func(o *options) { o.canary = c } }

// withClock replaces time for tests.
func withClock(now func() time.Time, sleep func(context.Context, time.Duration) error) Option {
	return func(o *options) { o.now, o.sleep = now, sleep }
}

func buildOptions(opts []Option) options {
	o := options{now: time.Now, sleep: sleepCtx}
	for _, f := range opts {
		f(&o)
	}
	if o.log == nil {
		o.log = slog.New(slog.DiscardHandler)
	}
	return o
}

// New returns a Client for cfg.
func New(cfg Config, opts ...Option) (*Client, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	o := buildOptions(opts)
	m := o.model
	if m == nil {
		if m, err = newChatModel(cfg, newHTTPClient(o.transport, o.now)); err != nil {
			return nil, err
		}
	}
	if o.canary == "" {
		o.canary = NewCanary()
	}
	br := &breaker{p: cfg.Breaker, now: o.now}
	var callOpts []llms.CallOption
	if cfg.Provider == ProviderOpenAI && cfg.URL != "" && !strings.Contains(cfg.URL, "api.openai.com") {
		// Self-hosted OpenAI-compatible servers (llama.cpp, vLLM, LM Studio)
		// know max_tokens; not all know max_completion_tokens.
		callOpts = append(callOpts, openai.WithLegacyMaxTokensField())
	}
	return &Client{
		callOpts: callOpts,
		cfg:      cfg,
		model:    m,
		log:      o.log,
		canary:   o.canary,
		retry: &retrier{policy: cfg.Retry, timeout: cfg.Timeout, br: br, sleep: o.sleep, now: o.now,
			jitter: rand.Float64},
	}, nil
}

// Config returns the Client's configuration with defaults filled in.
func (c *Client) Config() Config { return c.cfg }

// Prompt renders the grounded prompt for in (for debugging and golden tests).
func (c *Client) Prompt(in answer.GenerateInput) (Prompt, error) {
	return renderAnswer(in, c.canary, c.cfg.MaxSentences, c.cfg.ContextTokens-c.cfg.MaxTokens)
}

// Generate answers in.Question from in.Passages, streaming raw text to
// onToken (see the package doc for how to treat it), and returns what
// verification kept. Errors wrap ErrUnavailable (provider failed after
// retries, or breaker open), ErrConfig or the context's error.
func (c *Client) Generate(ctx context.Context, in answer.GenerateInput, onToken func(string)) (answer.Generation, error) {
	if strings.TrimSpace(in.Question) == "" || !utf8.ValidString(in.Question) {
		return answer.Generation{}, fmt.Errorf("generate: %w", answer.ErrInvalidRequest)
	}
	if len(in.Passages) == 0 {
		// Nothing to ground on: abstaining needs no model.
		return answer.Generation{Abstained: true}, nil
	}
	if c.retry.br.rejecting() {
		return answer.Generation{}, fmt.Errorf("generate: %w: %w", ErrUnavailable, errBreakerOpen)
	}
	p, err := c.Prompt(in)
	if err != nil {
		return answer.Generation{}, err
	}
	if len(p.Shown) == 0 {
		return answer.Generation{Abstained: true}, nil
	}
	msgs := []llms.MessageContent{
		llms.TextParts(llms.ChatMessageTypeSystem, p.System),
		llms.TextParts(llms.ChatMessageTypeHuman, p.User),
	}
	var out string
	err = c.retry.do(ctx, "generate", func(ctx context.Context) error {
		var g *streamGuard
		callOpts := append([]llms.CallOption{llms.WithTemperature(c.cfg.Temperature), llms.WithMaxTokens(c.cfg.MaxTokens)}, c.callOpts...)
		if onToken != nil {
			g = &streamGuard{canary: c.canary, emit: onToken}
			callOpts = append(callOpts, llms.WithStreamingFunc(func(_ context.Context, chunk []byte) error {
				g.write(string(chunk))
				return nil
			}))
		}
		resp, err := c.model.GenerateContent(ctx, msgs, callOpts...)
		if err != nil {
			return err
		}
		text, err := content(resp)
		if err != nil {
			return err
		}
		if g != nil {
			g.flush()
		}
		out = text
		return nil
	})
	if err != nil {
		return answer.Generation{}, err
	}
	_, vsp := trace.SpanFromContext(ctx).TracerProvider().Tracer("github.com/answerdesk/answerdesk/answer/llm").Start(ctx, "llm.verify")
	v := newVerifier(in.Passages, p.Shown, c.cfg, c.canary)
	gen := v.verify(out)
	vsp.SetAttributes(attribute.Float64("answerdesk.support_ratio", gen.SupportRatio), attribute.Bool("answerdesk.abstained", gen.Abstained))
	vsp.End()
	if v.leaks(out) {
		c.log.WarnContext(ctx, "llm output revealed the canary; answer withheld")
	}
	c.log.DebugContext(ctx, "generated", "chars", len(out), "support", gen.SupportRatio, "dropped", len(gen.Dropped), "abstained", gen.Abstained)
	return gen, nil
}

// content extracts the completion text; an empty or choiceless response is
// malformed (and retried).
func content(resp *llms.ContentResponse) (string, error) {
	if resp == nil || len(resp.Choices) == 0 || resp.Choices[0] == nil {
		return "", fmt.Errorf("%w: no choices", ErrMalformed)
	}
	text := resp.Choices[0].Content
	if strings.TrimSpace(text) == "" {
		return "", fmt.Errorf("%w: empty completion", ErrMalformed)
	}
	if !utf8.ValidString(text) {
		return "", fmt.Errorf("%w: completion is not UTF-8", ErrMalformed)
	}
	return text, nil
}

// maxRewriteRunes bounds a rewritten question.
const maxRewriteRunes = 500

// ErrRewrite: the model's rewrite was unusable; the caller keeps its
// heuristic.
var ErrRewrite = errors.New("unusable rewrite")

// Rewrite makes a follow-up standalone. Without history it returns question
// unchanged without calling the model.
func (c *Client) Rewrite(ctx context.Context, history []answer.Message, question string) (string, error) {
	if strings.TrimSpace(question) == "" {
		return "", fmt.Errorf("rewrite: %w", answer.ErrInvalidRequest)
	}
	if len(history) == 0 {
		return question, nil
	}
	if c.retry.br.rejecting() {
		return "", fmt.Errorf("rewrite: %w: %w", ErrUnavailable, errBreakerOpen)
	}
	p, err := renderRewrite(history, question, c.canary)
	if err != nil {
		return "", err
	}
	msgs := []llms.MessageContent{
		llms.TextParts(llms.ChatMessageTypeSystem, p.System),
		llms.TextParts(llms.ChatMessageTypeHuman, p.User),
	}
	var out string
	err = c.retry.do(ctx, "rewrite", func(ctx context.Context) error {
		resp, err := c.model.GenerateContent(ctx, msgs, append([]llms.CallOption{llms.WithTemperature(0), llms.WithMaxTokens(160)}, c.callOpts...)...)
		if err != nil {
			return err
		}
		out, err = content(resp)
		return err
	})
	if err != nil {
		return "", err
	}
	q := strings.TrimSpace(out)
	if i := strings.IndexByte(q, '\n'); i >= 0 {
		q = strings.TrimSpace(q[:i])
	}
	for _, pre := range []string{"Standalone question:", "Question:"} {
		if len(q) >= len(pre) && strings.EqualFold(q[:len(pre)], pre) {
			q = strings.TrimSpace(q[len(pre):])
		}
	}
	q = strings.Trim(q, "\"'«»“”`")
	switch {
	case q == "":
		return "", fmt.Errorf("rewrite: %w: empty", ErrRewrite)
	case canaryIn(q, c.canary):
		return "", fmt.Errorf("rewrite: %w: revealed the system prompt", ErrRewrite)
	case utf8.RuneCountInString(q) > maxRewriteRunes || utf8.RuneCountInString(q) > 4*utf8.RuneCountInString(question)+200:
		return "", fmt.Errorf("rewrite: %w: too long", ErrRewrite)
	case strings.Contains(q, AbstainMarker):
		return "", fmt.Errorf("rewrite: %w: abstained", ErrRewrite)
	}
	return sanitize(q, nil), nil
}

// streamGuard forwards streamed text but holds back any tail that could be
// the start of the canary, and stops for good once the canary appears.
type streamGuard struct {
	canary  string
	emit    func(string)
	pending string
	stopped bool
	rnd     string // the canary's random part, lowercased alphanumerics
}

func (g *streamGuard) write(s string) {
	if g.stopped {
		return
	}
	if g.rnd == "" {
		g.rnd = alnumLower(g.canary)
		if i := strings.LastIndexByte(g.canary, '-'); i >= 0 {
			g.rnd = alnumLower(g.canary[i+1:])
		}
	}
	g.pending += s
	if canaryIn(g.pending, g.canary) {
		g.stopped = true
		g.pending = ""
		return
	}
	// Hold back from the first position where the canary, or its random part
	// spaced out or re-cased, could begin. Only a bounded tail can still
	// become the canary in this form; verification catches longer disguises.
	hold := len(g.pending)
	for i := max(0, len(g.pending)-streamWindow); i < len(g.pending); i++ {
		if utf8.RuneStart(g.pending[i]) && g.couldStart(g.pending[i:]) {
			hold = i
			break
		}
	}
	if hold > 0 {
		g.emit(g.pending[:hold])
		g.pending = g.pending[hold:]
	}
}

// couldStart reports whether tail is a prefix of the canary (any case) or
// its alphanumerics a prefix of the canary's random part.
func (g *streamGuard) couldStart(tail string) bool {
	if len(tail) <= len(g.canary) && strings.EqualFold(tail, g.canary[:len(tail)]) {
		return true
	}
	j := 0
	for _, r := range tail {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			continue
		}
		if j >= len(g.rnd) || unicode.ToLower(r) != rune(g.rnd[j]) {
			return false
		}
		j++
	}
	return true
}

// streamWindow bounds the bytes the stream guard may hold back.
const streamWindow = 256

func (g *streamGuard) flush() {
	if !g.stopped && g.pending != "" && !canaryIn(g.pending, g.canary) {
		g.emit(g.pending)
	}
	g.pending = ""
}
