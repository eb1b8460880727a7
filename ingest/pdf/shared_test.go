package pdf

import (
	"os"
	"path/filepath"
	"testing"
)

// sharedDir returns ../shared next to the module root, or skips (fails under
// ANSWERDESK_REQUIRE_SHARED=1) when it is absent.
func sharedDir(tb testing.TB) string {
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
	shared := filepath.Join(dir, "..", "shared")
	if _, err := os.Stat(shared); err != nil {
		if os.Getenv("ANSWERDESK_REQUIRE_SHARED") == "1" {
			tb.Fatalf("shared data required: %v", err)
		}
		tb.Skip("shared data: ../shared not found")
	}
	return shared
}
