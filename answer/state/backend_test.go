package state

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/answerdesk/answerdesk/answer/state/statetest"
)

// A testBackend makes new, empty state databases of one engine. The
// conformance tests run on each (eachBackend): SQLite always, PostgreSQL
// when ANSWERDESK_TEST_POSTGRES names a server (.ci/postgres.sh starts
// one); they fail instead of skipping when ANSWERDESK_REQUIRE_POSTGRES=1.
type testBackend struct {
	name string
	// location returns where a new database is: an SQLite file, or a
	// PostgreSQL URL whose search_path is a schema of its own, dropped
	// when the test ends.
	location func(tb testing.TB) string
}

func testBackends() []testBackend {
	return []testBackend{{"sqlite", sqliteLocation}, {"postgres", statetest.PostgresURL}}
}

// eachBackend runs f as a subtest per backend.
func eachBackend(t *testing.T, f func(t *testing.T, bk testBackend)) {
	t.Helper()
	for _, bk := range testBackends() {
		t.Run(bk.name, func(t *testing.T) { f(t, bk) })
	}
}

func sqliteLocation(tb testing.TB) string { return filepath.Join(tb.TempDir(), "state.db") }

// open opens a new database of the backend that is closed when the test
// ends, and returns it with its location, to open it again.
func (bk testBackend) open(tb testing.TB, o Options, sinks ...string) (stores, string) {
	tb.Helper()
	loc := bk.location(tb)
	st := openAt(tb, loc, o, sinks...)
	tb.Cleanup(func() { st.db.Close() })
	return st, loc
}

// openTest opens a new SQLite database that is closed when the test ends.
func openTest(tb testing.TB, o Options, sinks ...string) (stores, string) {
	tb.Helper()
	return testBackend{"sqlite", sqliteLocation}.open(tb, o, sinks...)
}

// openAt opens the database at loc; the caller closes it.
func openAt(tb testing.TB, loc string, o Options, sinks ...string) stores {
	tb.Helper()
	db, err := Open(context.Background(), loc, o)
	if err != nil {
		tb.Fatal(err)
	}
	return newStores(db, sinks...)
}
