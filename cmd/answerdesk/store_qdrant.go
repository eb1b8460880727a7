package main

import (
	"context"
	"fmt"

	"github.com/answerdesk/answerdesk/cmd/internal/config"
	"github.com/answerdesk/answerdesk/retrieval/qdrant"
)

// openQdrant opens the Qdrant store of rawURL. avgLen, when not zero and
// not set by the URL or the config file, fixes the BM25 average chunk
// length (store migrate passes the source's).
func (a *app) openQdrant(ctx context.Context, rawURL string, avgLen float64) (*qdrant.Store, error) {
	cfg, err := config.Qdrant(a.conf(), rawURL)
	if err != nil {
		return nil, err
	}
	cfg.Logger = a.log
	if cfg.AvgLen == 0 {
		cfg.AvgLen = avgLen
	}
	s, err := qdrant.Open(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	return s, nil
}
