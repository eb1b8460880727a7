package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/answerdesk/answerdesk/ingest"
	"github.com/answerdesk/answerdesk/retrieval"
	"github.com/answerdesk/answerdesk/retrieval/embedded"
)

// qdrantOpener is set by store_qdrant.go; nil when the Qdrant adapter is
// not built in.
var qdrantOpener func(ctx context.Context, e *env, rawURL string) (retrieval.Store, error)

// openStore opens the configured index store.
func (e *env) openStore(ctx context.Context) (retrieval.Store, error) {
	switch {
	case e.store == "" || e.store == "embedded":
		s, err := embedded.Open(ctx, e.data, embedded.Options{})
		if err != nil {
			return nil, err
		}
		return s, nil
	case strings.HasPrefix(e.store, "qdrant://"):
		if qdrantOpener == nil {
			return nil, fmt.Errorf("store %q: this binary has no Qdrant support", e.store)
		}
		return qdrantOpener(ctx, e, e.store)
	default:
		return nil, usagef("unknown store %q: use embedded or qdrant://HOST:PORT?collection=NAME", e.store)
	}
}

// loaderSet is replaced by the formats wiring when PDF, HTML, DOCX and
// ticket loaders are built in.
var loaderSet = ingest.CoreLoaders

// ingestPipeline builds the ingestion pipeline over store with every loader
// and the configured document embedder.
func (e *env) ingestPipeline(ctx context.Context, store retrieval.Store) (*ingest.Pipeline, error) {
	emb, err := e.documentEmbedder(ctx)
	if err != nil {
		return nil, err
	}
	return ingest.NewPipeline(store, loaderSet(), emb, e.log), nil
}
