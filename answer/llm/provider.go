package llm

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tmc/langchaingo/llms"
	"github.com/tmc/langchaingo/llms/anthropic"
	"github.com/tmc/langchaingo/llms/ollama"
	"github.com/tmc/langchaingo/llms/openai"
)

// newChatModel builds the langchaingo model for c over hc.
func newChatModel(c Config, hc *http.Client) (llms.Model, error) {
	switch c.Provider {
	case ProviderOpenAI:
		opts := []openai.Option{openai.WithModel(c.Model), openai.WithHTTPClient(hc), openai.WithToken(tokenOrPlaceholder(c.APIKey))}
		if c.URL != "" {
			opts = append(opts, openai.WithBaseURL(c.URL))
		}
		m, err := openai.New(opts...)
		if err != nil {
			return nil, fmt.Errorf("%w: openai: %v", ErrConfig, err)
		}
		return m, nil
	case ProviderOllama:
		opts := []ollama.Option{ollama.WithModel(c.Model), ollama.WithHTTPClient(hc)}
		if c.URL != "" {
			opts = append(opts, ollama.WithServerURL(c.URL))
		}
		m, err := ollama.New(opts...)
		if err != nil {
			return nil, fmt.Errorf("%w: ollama: %v", ErrConfig, err)
		}
		return m, nil
	case ProviderAnthropic:
		if c.APIKey == "" {
			return nil, fmt.Errorf("%w: anthropic needs an API key", ErrConfig)
		}
		opts := []anthropic.Option{anthropic.WithModel(c.Model), anthropic.WithHTTPClient(hc), anthropic.WithToken(c.APIKey)}
		if c.URL != "" {
			opts = append(opts, anthropic.WithBaseURL(c.URL))
		}
		m, err := anthropic.New(opts...)
		if err != nil {
			return nil, fmt.Errorf("%w: anthropic: %v", ErrConfig, err)
		}
		return m, nil
	}
	return nil, fmt.Errorf("%w: unknown provider %q", ErrConfig, c.Provider)
}

// tokenOrPlaceholder: local OpenAI-compatible servers need no key, but the
// client refuses to start without one.
func tokenOrPlaceholder(k string) string {
	if k == "" {
		return "none"
	}
	return k
}

// attempt records what the HTTP layer saw during one provider call; the
// langchaingo clients turn responses into strings, so the status code and
// Retry-After are taken here, carried in the request's context.
type attempt struct {
	mu         sync.Mutex
	status     int
	retryAfter time.Duration
	netErr     error
}

type attemptKey struct{}

func withAttempt(ctx context.Context) (context.Context, *attempt) {
	a := &attempt{}
	return context.WithValue(ctx, attemptKey{}, a), a
}

// recorder is an http.RoundTripper that records status and Retry-After of
// each response into the request context's attempt.
type recorder struct {
	next http.RoundTripper
	now  func() time.Time
}

func (r recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.next.RoundTrip(req)
	a, _ := req.Context().Value(attemptKey{}).(*attempt)
	if a == nil {
		return resp, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if err != nil {
		a.netErr = err
		return resp, err
	}
	a.status = resp.StatusCode
	a.retryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), r.now())
	return resp, err
}

// newHTTPClient returns the client every provider call goes through. Timeouts
// are per attempt, set on the context, so the client has none.
func newHTTPClient(base http.RoundTripper, now func() time.Time) *http.Client {
	if base == nil {
		base = http.DefaultTransport
	}
	return &http.Client{Transport: recorder{next: base, now: now}}
}

// parseRetryAfter reads delay-seconds or an HTTP date; 0 when absent or bad.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		if s < 0 {
			return 0
		}
		return time.Duration(s * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// failure classifies one failed attempt.
type failure struct {
	err        error
	retryable  bool
	retryAfter time.Duration
}

// classify decides whether err from an attempt may be retried. ctx is the
// caller's context: when it is done the call ends.
func classify(ctx context.Context, err error, a *attempt) failure {
	f := failure{err: err}
	if ctx.Err() != nil {
		return f
	}
	a.mu.Lock()
	status, ra, netErr := a.status, a.retryAfter, a.netErr
	a.mu.Unlock()
	f.retryAfter = ra
	switch {
	case errors.Is(err, ErrMalformed):
		f.retryable = true
	case status == http.StatusTooManyRequests, status >= 500:
		f.retryable = true
	case status >= 400:
		f.retryable = status == http.StatusRequestTimeout
	case errors.Is(err, context.DeadlineExceeded), netErr != nil:
		f.retryable = true
	case status == http.StatusOK:
		// The body did not decode: malformed output.
		f.retryable = true
	default:
		var ne net.Error
		f.retryable = errors.As(err, &ne)
	}
	return f
}

// breaker is a consecutive-failure circuit breaker: after Failures failed
// attempts in a row it rejects calls for Cooldown, then lets one trial
// attempt through; a success closes it.
type breaker struct {
	p   BreakerPolicy
	now func() time.Time

	mu        sync.Mutex
	failures  int
	openUntil time.Time
	trial     bool // a trial attempt is in flight
}

// errBreakerOpen is wrapped with ErrUnavailable.
var errBreakerOpen = errors.New("circuit breaker open")

func (b *breaker) allow() error {
	if b.p.Failures < 0 {
		return nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.failures < b.p.Failures {
		return nil
	}
	if b.now().Before(b.openUntil) || b.trial {
		return fmt.Errorf("%w: %w", ErrUnavailable, errBreakerOpen)
	}
	b.trial = true
	return nil
}

// rejecting reports, without side effects, whether allow would refuse now.
func (b *breaker) rejecting() bool {
	if b.p.Failures < 0 {
		return false
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.failures >= b.p.Failures && (b.now().Before(b.openUntil) || b.trial)
}

func (b *breaker) record(ok bool) {
	if b.p.Failures < 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.trial = false
	if ok {
		b.failures = 0
		return
	}
	b.failures++
	if b.failures >= b.p.Failures {
		b.openUntil = b.now().Add(b.p.Cooldown)
	}
}

// retrier runs attempts under a RetryPolicy and a breaker.
type retrier struct {
	policy  RetryPolicy
	timeout time.Duration
	br      *breaker
	sleep   func(ctx context.Context, d time.Duration) error
	now     func() time.Time
	jitter  func() float64 // 0..1
}

// do runs fn until it succeeds, fails for good, or the budget is spent.
func (r *retrier) do(ctx context.Context, what string, fn func(ctx context.Context) error) error {
	start := r.now()
	deadline := start.Add(r.policy.Budget)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	var last failure
	for i := 0; i < r.policy.MaxAttempts; i++ {
		if err := r.br.allow(); err != nil {
			if last.err != nil {
				return fmt.Errorf("%s: %w (last error: %v)", what, err, last.err)
			}
			return fmt.Errorf("%s: %w", what, err)
		}
		actx, a := withAttempt(ctx)
		tmo := r.timeout
		rem := deadline.Sub(r.now())
		if rem <= 0 {
			return fmt.Errorf("%s: %w: retry budget spent (last error: %v)", what, ErrUnavailable, last.err)
		}
		if rem < tmo {
			tmo = rem
		}
		actx, cancel := context.WithTimeout(actx, tmo)
		err := fn(actx)
		cancel()
		if err == nil {
			r.br.record(true)
			return nil
		}
		last = classify(ctx, err, a)
		if ctx.Err() != nil {
			// The caller gave up; that says nothing about the provider.
			r.br.record(true)
			return fmt.Errorf("%s: %w", what, ctx.Err())
		}
		r.br.record(false)
		if !last.retryable {
			return fmt.Errorf("%s: %w: %v", what, ErrUnavailable, err)
		}
		if i == r.policy.MaxAttempts-1 {
			break
		}
		wait := r.backoff(i)
		if last.retryAfter > 0 {
			wait = last.retryAfter
		}
		if r.now().Add(wait).After(deadline) {
			return fmt.Errorf("%s: %w: retry in %v exceeds the budget: %v", what, ErrUnavailable, wait.Round(time.Millisecond), err)
		}
		if err := r.sleep(ctx, wait); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
	}
	return fmt.Errorf("%s: %w after %d attempts: %v", what, ErrUnavailable, r.policy.MaxAttempts, last.err)
}

func (r *retrier) backoff(i int) time.Duration {
	d := r.policy.BaseDelay << i
	if d > r.policy.MaxDelay || d <= 0 {
		d = r.policy.MaxDelay
	}
	// Full jitter on the upper half keeps retries of many clients apart.
	return d/2 + time.Duration(r.jitter()*float64(d/2))
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
