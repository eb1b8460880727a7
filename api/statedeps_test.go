package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/answerdesk/answerdesk/answer/state"
)

// TestStateDeps: a server on StateDeps serves every route whose
// collaborator the state database provides (a missing one answers 503),
// and an audited action lands in the same database the audit route reads.
func TestStateDeps(t *testing.T) {
	ctx := context.Background()
	st, err := state.OpenServices(ctx, state.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	d := StateDeps(st)
	d.Engine = &fakeEngine{tickets: st.Tickets}
	h := &harness{ts: httptest.NewServer(NewServer(d).Handler())}
	defer h.ts.Close()
	admin, _, err := st.Keys.CreateKey(ctx, "acme", "admin", []string{state.ScopeAdmin})
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/readyz", "/v1/keys", "/v1/audit", "/v1/analytics", "/v1/feedback",
		"/v1/faq-candidates", "/v1/conversations", "/v1/tickets", "/v1/customers/c1/export"} {
		if r := h.do(t, http.MethodGet, path, admin, nil); r.status != http.StatusOK {
			t.Errorf("GET %s = %d %s, want 200", path, r.status, r.body)
		}
	}
	if r := h.post(t, "/v1/keys", admin, `{"name":"second","scopes":["ask"]}`); r.status != http.StatusCreated {
		t.Fatalf("POST /v1/keys = %d %s", r.status, r.body)
	}
	es, err := st.Audit.Entries(ctx, state.AuditFilter{Tenant: "acme"})
	if err != nil || len(es) == 0 || es[0].Action != state.AuditKeyCreate {
		t.Errorf("audit entries = %+v, %v; want the key creation", es, err)
	}
}
