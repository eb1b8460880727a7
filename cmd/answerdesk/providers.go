package main

import (
	"context"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/ingest"
)

// generator returns the configured LLM generator, or nil when no LLM is
// configured (ANSWERDESK_LLM_PROVIDER unset): answers are then extractive.
func (e *env) generator(ctx context.Context) (answer.Generator, error) {
	return nil, nil
}

// queryEmbedder returns the configured embedding provider for questions, or
// nil when none is configured: retrieval is then sparse only.
func (e *env) queryEmbedder(ctx context.Context) (answer.QueryEmbedder, error) {
	return nil, nil
}

// documentEmbedder returns the configured embedding provider for ingestion,
// or nil when none is configured.
func (e *env) documentEmbedder(ctx context.Context) (ingest.Embedder, error) {
	return nil, nil
}
