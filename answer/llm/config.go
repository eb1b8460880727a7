package llm

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Providers.
const (
	ProviderOpenAI    = "openai" // any OpenAI-compatible endpoint
	ProviderOllama    = "ollama"
	ProviderAnthropic = "anthropic"
)

// Errors callers branch on.
var (
	// ErrConfig: the configuration is incomplete or invalid.
	ErrConfig = errors.New("invalid llm configuration")
	// ErrUnavailable: the provider failed after retries, or the circuit
	// breaker is open; the caller falls back or escalates.
	ErrUnavailable = errors.New("llm provider unavailable")
	// ErrMalformed: the provider answered with something that is not a usable
	// completion or embedding (empty, undecodable, wrong count).
	ErrMalformed = errors.New("malformed provider output")
	// ErrDimension: an embedding has another size than the store expects.
	ErrDimension = errors.New("embedding dimension mismatch")
)

// Config configures a chat model.
type Config struct {
	Provider string // ProviderOpenAI, ProviderOllama or ProviderAnthropic
	URL      string // base URL, e.g. http://127.0.0.1:8080/v1; "" = the provider's default
	Model    string
	APIKey   string
	// Temperature of sampling; grounded answers want it low.
	Temperature float64
	// MaxTokens bounds the completion; 0 = DefaultMaxTokens.
	MaxTokens int
	// ContextTokens is the model's context window, used to fit passages
	// (tokens are estimated offline); 0 = DefaultContextTokens.
	ContextTokens int
	// Timeout bounds one attempt; 0 = DefaultTimeout.
	Timeout time.Duration
	// Retry bounds retries of timeouts, 429, 5xx and malformed output.
	Retry RetryPolicy
	// Breaker opens after consecutive failed attempts.
	Breaker BreakerPolicy
	// MinSupport is the share of a sentence's terms that its cited passages
	// must contain; 0 = DefaultMinSupport.
	MinSupport float64
	// CrossLingualWeight is what a sentence counts in SupportRatio when it is
	// in another script than its cited passages, so that lexical support
	// cannot be checked and only numbers and names are; 0 = 0.5.
	CrossLingualWeight float64
	// AllowedLinkDomains lists the hosts (and their subdomains) an answer
	// may link to; every other link is removed.
	AllowedLinkDomains []string
	// MaxSentences asked of the model; 0 = 6.
	MaxSentences int
}

// Defaults.
const (
	DefaultMaxTokens     = 512
	DefaultContextTokens = 4096
	DefaultTimeout       = 30 * time.Second
	DefaultMinSupport    = 0.6
)

// RetryPolicy bounds retries.
type RetryPolicy struct {
	// MaxAttempts including the first; 0 = 3.
	MaxAttempts int
	// Budget bounds the whole call including waits; 0 = 3×Timeout. A
	// Retry-After beyond the remaining budget ends the call at once.
	Budget time.Duration
	// BaseDelay of the exponential backoff; 0 = 200ms.
	BaseDelay time.Duration
	// MaxDelay caps one wait; 0 = 5s.
	MaxDelay time.Duration
}

// BreakerPolicy configures the circuit breaker.
type BreakerPolicy struct {
	// Failures: consecutive failed attempts that open it; 0 = 5, <0 = never.
	Failures int
	// Cooldown before a trial attempt is let through; 0 = 30s.
	Cooldown time.Duration
}

func (p RetryPolicy) withDefaults(timeout time.Duration) RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = 3
	}
	if p.Budget <= 0 {
		p.Budget = 3 * timeout
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = 200 * time.Millisecond
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = 5 * time.Second
	}
	return p
}

func (p BreakerPolicy) withDefaults() BreakerPolicy {
	if p.Failures == 0 {
		p.Failures = 5
	}
	if p.Cooldown <= 0 {
		p.Cooldown = 30 * time.Second
	}
	return p
}

// withDefaults validates c and fills in defaults.
func (c Config) withDefaults() (Config, error) {
	c.Provider = strings.ToLower(strings.TrimSpace(c.Provider))
	switch c.Provider {
	case ProviderOpenAI, ProviderOllama, ProviderAnthropic:
	case "":
		return c, fmt.Errorf("%w: provider is empty", ErrConfig)
	default:
		return c, fmt.Errorf("%w: unknown provider %q (want openai, ollama or anthropic)", ErrConfig, c.Provider)
	}
	if c.Model == "" {
		return c, fmt.Errorf("%w: %s: model is empty", ErrConfig, c.Provider)
	}
	if err := checkURL(c.URL); err != nil {
		return c, err
	}
	if c.Temperature < 0 || c.Temperature > 2 {
		return c, fmt.Errorf("%w: temperature %v outside 0..2", ErrConfig, c.Temperature)
	}
	if c.MaxTokens < 0 || c.ContextTokens < 0 || c.Timeout < 0 || c.MinSupport < 0 || c.MinSupport > 1 {
		return c, fmt.Errorf("%w: negative limit or min support outside 0..1", ErrConfig)
	}
	if c.MaxTokens == 0 {
		c.MaxTokens = DefaultMaxTokens
	}
	if c.ContextTokens == 0 {
		c.ContextTokens = DefaultContextTokens
	}
	if c.ContextTokens < c.MaxTokens+256 {
		return c, fmt.Errorf("%w: context of %d tokens leaves no room for passages after %d completion tokens", ErrConfig, c.ContextTokens, c.MaxTokens)
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.MinSupport == 0 {
		c.MinSupport = DefaultMinSupport
	}
	if c.CrossLingualWeight <= 0 || c.CrossLingualWeight > 1 {
		c.CrossLingualWeight = 0.5
	}
	if c.MaxSentences <= 0 {
		c.MaxSentences = 6
	}
	c.Retry = c.Retry.withDefaults(c.Timeout)
	c.Breaker = c.Breaker.withDefaults()
	return c, nil
}

func checkURL(raw string) error {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%w: url %q is not an http(s) URL", ErrConfig, raw)
	}
	return nil
}
