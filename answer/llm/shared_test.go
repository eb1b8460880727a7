package llm

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/answerdesk/answerdesk/eval/suite"
)

// sharedDir locates ../shared/<elem…> (eval/suite.SharedDir); it skips the
// test when absent unless ANSWERDESK_REQUIRE_SHARED=1.
func sharedDir(tb testing.TB, elem ...string) string {
	tb.Helper()
	p := filepath.Join(append([]string{suite.SharedDir(tb, "shared data")}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("ANSWERDESK_REQUIRE_SHARED") == "1" {
			tb.Fatalf("%s: not in ../shared", p)
		}
		tb.Skipf("%s: not in ../shared", p)
	}
	return p
}
