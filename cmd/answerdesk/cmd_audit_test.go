package main

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/answerdesk/answerdesk/answer/state"
	"github.com/answerdesk/answerdesk/api"
)

// TestAuditCommand lists a real state.db's audit log with `audit list`:
// the command line's own administrative actions (keys created and
// revoked), newest first, filtered by action, paged, per tenant.
func TestAuditCommand(t *testing.T) {
	env := map[string]string{"ANSWERDESK_DATA": t.TempDir()}
	createKey(t, env, "acme", "ask")
	createKey(t, env, "acme", "admin")
	createKey(t, env, "globex", "admin")
	out, _, code := runCLI(t, env, "keys", "list")
	if code != 0 {
		t.Fatalf("keys list: exit %d", code)
	}
	var revoked string
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) > 1 && strings.Contains(line, "acme") && strings.Contains(line, "ask") && !strings.Contains(line, "admin") {
			revoked = f[0]
		}
	}
	if revoked == "" {
		t.Fatalf("no acme ask key in\n%s", out)
	}
	if _, errs, code := runCLI(t, env, "keys", "revoke", revoked); code != 0 {
		t.Fatalf("keys revoke %s: exit %d %s", revoked, code, errs)
	}

	list := func(args ...string) api.AuditList {
		t.Helper()
		out, errs, code := runCLI(t, env, append([]string{"audit", "list", "--json"}, args...)...)
		var l api.AuditList
		if err := json.Unmarshal([]byte(out), &l); err != nil || code != 0 {
			t.Fatalf("audit list %v: exit %d %v\n%s%s", args, code, err, out, errs)
		}
		return l
	}
	acme := list("--tenant", "acme")
	var got []string
	for _, e := range acme.Entries {
		got = append(got, e.Action)
		if e.Actor != state.ActorCLI {
			t.Errorf("entry %+v: actor %q, want cli", e, e.Actor)
		}
	}
	if strings.Join(got, " ") != "key.revoke key.create key.create" || acme.Entries[0].Target != revoked {
		t.Errorf("acme's audit log = %+v, want the revocation of %s, then two creations", acme.Entries, revoked)
	}
	if g := list("--tenant", "globex"); len(g.Entries) != 1 || g.Entries[0].Action != state.AuditKeyCreate {
		t.Errorf("globex's audit log = %+v", g.Entries)
	}
	if r := list("--tenant", "acme", "--action", "key.revoke"); len(r.Entries) != 1 || r.Entries[0].Target != revoked {
		t.Errorf("--action key.revoke = %+v", r.Entries)
	}
	page := list("--tenant", "acme", "--limit", "2")
	if len(page.Entries) != 2 || page.Next != page.Entries[1].ID {
		t.Fatalf("first page = %+v", page)
	}
	if next := list("--tenant", "acme", "--limit", "2", "--before", strconv.FormatInt(page.Next, 10)); len(next.Entries) != 1 || next.Next != 0 {
		t.Errorf("second page = %+v", next)
	}
	out, _, code = runCLI(t, env, "audit", "list", "--tenant", "acme", "--limit", "2")
	if code != 0 || !strings.Contains(out, "key.revoke") || !strings.Contains(out, "(more: --before") {
		t.Errorf("audit list as text: exit %d\n%s", code, out)
	}

	checkCLI(t, env, []cliCase{
		{"no subcommand", []string{"audit"}, 2, "audit: give list"},
		{"unknown subcommand", []string{"audit", "show"}, 2, `unknown subcommand "show"`},
		{"help", []string{"audit", "--help"}, 0, "usage: answerdesk audit"},
		{"list help", []string{"audit", "list", "--help"}, 0, "-action"},
		{"bad limit", []string{"audit", "list", "--limit", "10001"}, 2, "--limit must be 1 to 10000"},
		{"bad before", []string{"audit", "list", "--before", "-1"}, 2, "--before must be an entry id"},
		{"not a number", []string{"audit", "list", "--before", "x"}, 2, "invalid value"},
		{"argument", []string{"audit", "list", "x"}, 2, `unexpected argument "x"`},
	})
}
