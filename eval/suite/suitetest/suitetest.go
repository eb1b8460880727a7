// Package suitetest writes evaluation suites for tests: the files of a
// suite directory, and a valid queries.jsonl to put in it. It imports no
// answerdesk package, so that eval/suite's own tests can use it.
package suitetest

import (
	"os"
	"path/filepath"
	"testing"
)

// Queries is a valid queries.jsonl of two queries: q1 answerable by the
// document "a", q2 unanswerable.
const Queries = `{"id": "q1", "text": "how?", "lang": "en", "relevant": ["a"], "answerable": true}
{"id": "q2", "text": "what?", "lang": "en", "relevant": [], "answerable": false}
`

// Write writes files (slash-separated path relative to the suite → content)
// into a new temporary directory, removed when the test ends, and returns
// the directory.
func Write(tb testing.TB, files map[string]string) string {
	tb.Helper()
	dir := tb.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	return dir
}
