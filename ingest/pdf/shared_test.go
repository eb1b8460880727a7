package pdf

import (
	"testing"

	"github.com/answerdesk/answerdesk/eval/suite"
)

// sharedDir is ../shared (eval/suite.SharedDir: skipped when absent,
// failed under ANSWERDESK_REQUIRE_SHARED).
func sharedDir(tb testing.TB) string { return suite.SharedDir(tb, "shared data") }
