// Package statetest gives tests a PostgreSQL database of their own for the
// app state: a fresh schema on the server that ANSWERDESK_TEST_POSTGRES
// names (.ci/postgres.sh starts one). It imports no answerdesk package, so
// that state's own tests can use it.
package statetest

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
)

// PostgresURL returns a postgres:// URL whose search_path is a new, empty
// schema, dropped when the test ends. Without ANSWERDESK_TEST_POSTGRES the
// test is skipped, or fails when ANSWERDESK_REQUIRE_POSTGRES=1 (CI).
func PostgresURL(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv("ANSWERDESK_TEST_POSTGRES")
	if base == "" {
		if os.Getenv("ANSWERDESK_REQUIRE_POSTGRES") == "1" {
			tb.Fatal("ANSWERDESK_REQUIRE_POSTGRES=1 but ANSWERDESK_TEST_POSTGRES is not set (start a server with .ci/postgres.sh)")
		}
		tb.Skip("PostgreSQL not configured: set ANSWERDESK_TEST_POSTGRES=postgres://… (eval \"$(.ci/postgres.sh)\")")
	}
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("ANSWERDESK_TEST_POSTGRES: %v", err)
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
		tb.Fatalf("create schema on %s: %v", u.Redacted(), err)
	}
	tb.Cleanup(func() {
		if _, err := admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
		}
		admin.Close()
	})
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
