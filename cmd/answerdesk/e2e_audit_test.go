package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/answerdesk/answerdesk/api"
)

// TestE2EAudit takes administrative actions through the CLI and the API and
// reads them back from GET /v1/audit: who, what, on what; each tenant sees
// its own entries only, and only an admin key sees them.
func TestE2EAudit(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: skipped in -short mode")
	}
	env := kbEnv(t, nil)
	adminAcme := createKey(t, env, "acme", "admin,ingest,ask")
	adminGlobex := createKey(t, env, "globex", "admin")
	s := startServe(t, env)

	// The admin key's id, from `keys list`.
	var keyID string
	for _, line := range strings.Split(e2eCLI(t, env, "keys", "list"), "\n") {
		if f := strings.Fields(line); len(f) > 3 && f[2] == "acme" && strings.Contains(f[3], "admin") {
			keyID = f[0]
		}
	}
	if keyID == "" {
		t.Fatal("admin key not listed")
	}
	if r := s.do(t, http.MethodDelete, "/v1/documents/"+url.PathEscape("en/billing"), adminAcme, nil); r.status != http.StatusNoContent {
		t.Fatalf("delete document: %d %s", r.status, r.body)
	}
	a := s.ask(t, adminAcme, "I want to talk to a human")
	body, _ := json.Marshal(api.TicketPatch{Status: "solved"})
	if r := s.do(t, http.MethodPatch, "/v1/tickets/"+a.TicketID, adminAcme, bytes.NewReader(body)); r.status != http.StatusOK {
		t.Fatalf("patch ticket: %d %s", r.status, r.body)
	}
	e2eCLI(t, env, "docs", "delete", "--tenant", "globex", "canary")

	list := func(key, query string) (int, api.AuditList) {
		r := s.do(t, http.MethodGet, "/v1/audit"+query, key, nil)
		var l api.AuditList
		if r.status == http.StatusOK {
			if err := json.Unmarshal(r.body, &l); err != nil {
				t.Fatal(err)
			}
		}
		return r.status, l
	}
	code, l := list(adminAcme, "")
	var got []string
	for _, e := range l.Entries {
		got = append(got, e.Action+" "+e.Target+" by "+e.Actor)
	}
	want := []string{"ticket.update " + a.TicketID + " by key:" + keyID, "document.delete en/billing by key:" + keyID, "key.create " + keyID + " by cli"}
	if code != http.StatusOK || strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Errorf("acme audit: %d\n got %q\nwant %q", code, got, want)
	}
	if _, l := list(adminAcme, "?action=document.delete"); len(l.Entries) != 1 {
		t.Errorf("action filter: %+v", l)
	}
	if _, l := list(adminAcme, "?limit=1"); len(l.Entries) != 1 || l.Next == 0 {
		t.Errorf("limit 1: %+v", l)
	}
	_, g := list(adminGlobex, "")
	var globex []string
	for _, e := range g.Entries {
		globex = append(globex, e.Action+" "+e.Target)
	}
	if len(globex) != 2 || globex[0] != "document.delete canary" || !strings.HasPrefix(globex[1], "key.create") {
		t.Errorf("globex audit %q", globex)
	}
	askKey := createKey(t, env, "acme", "ask")
	if code, _ := list(askKey, ""); code != http.StatusForbidden {
		t.Errorf("ask key: %d, want 403", code)
	}
	if r := s.do(t, http.MethodGet, "/v1/audit?before=x", adminAcme, nil); r.status != http.StatusBadRequest {
		t.Errorf("before=x: %d", r.status)
	}
}
