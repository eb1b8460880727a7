package storetest

import (
	"testing"

	"github.com/answerdesk/answerdesk/eval/suite"
)

// SharedDir returns the shared evaluation data (suite.SharedDir): skipped
// with what when absent, a failure when ANSWERDESK_REQUIRE_SHARED is set.
func SharedDir(tb testing.TB, what string) string {
	tb.Helper()
	return suite.SharedDir(tb, what)
}
