package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/answerdesk/answerdesk/answer/state"
	"github.com/answerdesk/answerdesk/answer/state/statetest"
)

// TestStateOnPostgres: --state (or ANSWERDESK_STATE) puts the app state in
// PostgreSQL, where runs with other data directories share it, and no
// state.db is written.
func TestStateOnPostgres(t *testing.T) {
	pg := statetest.PostgresURL(t)
	dirA, dirB := t.TempDir(), t.TempDir()
	out := strings.TrimSpace(e2eCLI(t, map[string]string{"ANSWERDESK_DATA": dirA, "ANSWERDESK_STATE": pg},
		"keys", "create", "--tenant", "acme", "--scopes", "ask"))
	key := out[strings.LastIndexAny(out, " \n")+1:]
	if !strings.HasPrefix(key, "adk_") {
		t.Fatalf("keys create printed %q", out)
	}
	list := e2eCLI(t, map[string]string{"ANSWERDESK_DATA": dirB}, "keys", "list", "--state", pg)
	if !strings.Contains(list, key[:10]) || !strings.Contains(list, "acme") {
		t.Errorf("keys list through --state in another data dir does not show the key %s…:\n%s", key[:10], list)
	}
	for _, d := range []string{dirA, dirB} {
		if _, err := os.Stat(filepath.Join(d, state.File)); !os.IsNotExist(err) {
			t.Errorf("%s written with the state in PostgreSQL (%v)", filepath.Join(d, state.File), err)
		}
	}
	// Without --state the data dir's own SQLite state does not have it.
	if list := e2eCLI(t, map[string]string{"ANSWERDESK_DATA": dirB}, "keys", "list"); strings.Contains(list, key[:10]) {
		t.Errorf("the SQLite state of another data dir lists the key:\n%s", list)
	}
	// A bad URL is a clear error that names it without its password.
	_, errs, code := runCLI(t, map[string]string{"ANSWERDESK_DATA": dirB}, "keys", "list", "--state", "postgres://u:s3cret@127.0.0.1:1/none?connect_timeout=2")
	if code == 0 || strings.Contains(errs, "s3cret") || !strings.Contains(errs, "127.0.0.1:1") {
		t.Errorf("unreachable state: exit %d, stderr %q", code, errs)
	}
}
