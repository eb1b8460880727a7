package state

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
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
	return []testBackend{{"sqlite", sqliteLocation}, {"postgres", postgresLocation}}
}

// eachBackend runs f as a subtest per backend.
func eachBackend(t *testing.T, f func(t *testing.T, bk testBackend)) {
	t.Helper()
	for _, bk := range testBackends() {
		t.Run(bk.name, func(t *testing.T) { f(t, bk) })
	}
}

func sqliteLocation(tb testing.TB) string { return filepath.Join(tb.TempDir(), "state.db") }

func postgresLocation(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv("ANSWERDESK_TEST_POSTGRES")
	if base == "" {
		if os.Getenv("ANSWERDESK_REQUIRE_POSTGRES") == "1" {
			tb.Fatal("ANSWERDESK_REQUIRE_POSTGRES=1 but ANSWERDESK_TEST_POSTGRES is not set (start a server with .ci/postgres.sh)")
		}
		tb.Skip("PostgreSQL not configured: set ANSWERDESK_TEST_POSTGRES=postgres://… (eval \"$(.ci/postgres.sh)\")")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatal(err)
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "test_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		admin.Close()
		tb.Fatalf("create schema on %s: %v", RedactURL(base), err)
	}
	tb.Cleanup(func() {
		if _, err := admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
		}
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

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
