package eval

import "testing"

// TestCacheKey: a cached index is another one when the corpus, the
// embedding model or the binary that builds it differs, so that a binary
// with other chunking never reads an index an earlier build made.
func TestCacheKey(t *testing.T) {
	base := cacheKey("corpus", "e5", "binary-a")
	for name, other := range map[string]string{
		"another corpus": cacheKey("corpus2", "e5", "binary-a"),
		"another model":  cacheKey("corpus", "bge", "binary-a"),
		"another binary": cacheKey("corpus", "e5", "binary-b"),
	} {
		if other == base {
			t.Errorf("%s: the same cache key %s", name, base)
		}
	}
	if again := cacheKey("corpus", "e5", "binary-a"); again != base {
		t.Errorf("the same inputs give %s and %s", base, again)
	}
	if id := binaryID(); len(id) != 64 {
		t.Errorf("binaryID() = %q, want the test binary's SHA-256", id)
	}
}
