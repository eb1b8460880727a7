package llm

import (
	"os"
	"path/filepath"
	"testing"
)

// sharedDir locates ../shared/<elem…> relative to the module root; it skips
// the test when absent unless ANSWERDESK_REQUIRE_SHARED=1.
func sharedDir(tb testing.TB, elem ...string) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("go.mod not found above the test directory")
		}
		dir = parent
	}
	p := filepath.Join(append([]string{dir, "..", "shared"}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("ANSWERDESK_REQUIRE_SHARED") == "1" {
			tb.Fatalf("%s: ../shared not found", p)
		}
		tb.Skipf("%s: ../shared not found", p)
	}
	return p
}
