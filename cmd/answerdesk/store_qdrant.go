package main

import (
	"context"
	"fmt"

	"github.com/answerdesk/answerdesk/retrieval/qdrant"
)

// qdrantSection is the "qdrant" section of the config file. Parameters in
// the store URL win over it; ANSWERDESK_QDRANT_API_KEY wins over api_key.
//
//	{"qdrant": {"api_key_env": "QDRANT_KEY", "dense_dim": 768, "meta_fields": ["product"],
//	            "timeout": "5s", "retries": 4, "pool": 4, "batch": 256,
//	            "shards": 6, "replication": 2, "write_consistency": 2, "tls": true,
//	            "per_tenant": false}}
type qdrantSection struct {
	APIKey           string   `json:"api_key"`
	APIKeyEnv        string   `json:"api_key_env"`
	TLS              bool     `json:"tls"`
	PerTenant        bool     `json:"per_tenant"`
	DenseDim         int      `json:"dense_dim"`
	MetaFields       []string `json:"meta_fields"`
	Timeout          string   `json:"timeout"`
	Retries          *int     `json:"retries"`
	Pool             int      `json:"pool"`
	Batch            int      `json:"batch"`
	AvgLen           float64  `json:"avg_len"`
	Shards           uint32   `json:"shards"`
	Replication      uint32   `json:"replication"`
	WriteConsistency uint32   `json:"write_consistency"`
}

// qdrantConfig resolves the adapter's configuration: URL, then the config
// file's "qdrant" section for what the URL leaves unset, then environment.
func (a *app) qdrantConfig(rawURL string) (qdrant.Config, error) {
	cfg, err := qdrant.ParseURL(rawURL)
	if err != nil {
		return cfg, usagef("store: %v", err)
	}
	var s qdrantSection
	if err := a.configSection("qdrant", &s); err != nil {
		return cfg, err
	}
	cfg.TLS = cfg.TLS || s.TLS
	cfg.TenantCollections = cfg.TenantCollections || s.PerTenant
	setInt := func(dst *int, v int) {
		if *dst == 0 {
			*dst = v
		}
	}
	setInt(&cfg.DenseDim, s.DenseDim)
	setInt(&cfg.PoolSize, s.Pool)
	setInt(&cfg.BatchSize, s.Batch)
	if cfg.Retries == 0 && s.Retries != nil {
		cfg.Retries = *s.Retries
		if cfg.Retries == 0 {
			cfg.Retries = -1
		}
	}
	if cfg.Timeout == 0 {
		if cfg.Timeout, err = parseDur("qdrant timeout", s.Timeout); err != nil {
			return cfg, err
		}
	}
	if cfg.AvgLen == 0 {
		cfg.AvgLen = s.AvgLen
	}
	if len(cfg.MetaFields) == 0 {
		cfg.MetaFields = s.MetaFields
	}
	if cfg.Shards == 0 {
		cfg.Shards = s.Shards
	}
	if cfg.ReplicationFactor == 0 {
		cfg.ReplicationFactor = s.Replication
	}
	if cfg.WriteConsistency == 0 {
		cfg.WriteConsistency = s.WriteConsistency
	}
	// The dense vector's size comes from the embedding provider when the
	// URL and the section do not give it.
	if cfg.DenseDim == 0 {
		if ec, ok, err := a.embedConfig(); err == nil && ok && ec.Dim > 0 {
			cfg.DenseDim = ec.Dim
		}
	}
	cfg.APIKey = s.APIKey
	if s.APIKeyEnv != "" {
		cfg.APIKey = a.getenv(s.APIKeyEnv)
	}
	a.override(&cfg.APIKey, "ANSWERDESK_QDRANT_API_KEY")
	cfg.Logger = a.log
	return cfg, nil
}

// openQdrant opens the Qdrant store of rawURL. avgLen, when not zero and
// not set by the URL or the config file, fixes the BM25 average chunk
// length (store migrate passes the source's).
func (a *app) openQdrant(ctx context.Context, rawURL string, avgLen float64) (*qdrant.Store, error) {
	cfg, err := a.qdrantConfig(rawURL)
	if err != nil {
		return nil, err
	}
	if cfg.AvgLen == 0 {
		cfg.AvgLen = avgLen
	}
	s, err := qdrant.Open(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	return s, nil
}
