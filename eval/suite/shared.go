package suite

import (
	"os"
	"path/filepath"
	"testing"
)

// SharedDir returns the shared evaluation data (../shared next to the module
// root, found from the working directory up). When it is absent the test is
// skipped with what, unless ANSWERDESK_REQUIRE_SHARED is set (CI), which
// makes it a failure.
func SharedDir(tb testing.TB, what string) string {
	tb.Helper()
	shared, ok := FindShared()
	if !ok {
		if os.Getenv("ANSWERDESK_REQUIRE_SHARED") != "" {
			tb.Fatal("../shared/datasets not found next to the repository (ANSWERDESK_REQUIRE_SHARED is set)")
		}
		tb.Skip(what + ": ../shared/datasets not found next to the repository")
	}
	return shared
}

// FindShared returns ../shared next to the module root (found from the
// working directory up) and whether it holds datasets/.
func FindShared() (string, bool) {
	dir, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
	shared := filepath.Join(dir, "..", "shared")
	if _, err := os.Stat(filepath.Join(shared, "datasets")); err != nil {
		return "", false
	}
	return shared, true
}
