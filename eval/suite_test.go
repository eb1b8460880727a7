package eval

import (
	"os"
	"path/filepath"
	"testing"
)

func writeSuite(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const goodQueries = `{"id": "q1", "text": "how?", "lang": "en", "relevant": ["a"], "answerable": true}
{"id": "q2", "text": "what?", "lang": "en", "relevant": [], "answerable": false}
`
