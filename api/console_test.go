package api

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/answer/state"
)

// noRedirect is a client that reports redirects instead of following them.
func noRedirect(h *harness) *http.Client {
	c := *h.ts.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

// signIn posts key to /admin/login and returns the response.
func signIn(t *testing.T, h *harness, key string, header ...string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, h.ts.URL+"/admin/login", strings.NewReader(url.Values{"key": {key}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := noRedirect(h).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// consoleSession signs in with the admin key and returns the session
// cookie and the CSRF token of the console page.
func consoleSession(t *testing.T, h *harness, key string) (cookie, csrf string) {
	t.Helper()
	resp := signIn(t, h, key)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/" {
		t.Fatalf("sign in: %d %v", resp.StatusCode, resp.Header)
	}
	var ck *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == sessionCookie {
			ck = c
		}
	}
	if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Value == "" {
		t.Fatalf("session cookie: %+v", ck)
	}
	cookie = sessionCookie + "=" + ck.Value
	page := h.do(t, http.MethodGet, "/admin/tickets", "", nil, "Cookie", cookie)
	m := regexp.MustCompile(`<meta name="csrf-token" content="([^"]+)">`).FindSubmatch(page.body)
	if page.status != http.StatusOK || m == nil || !strings.Contains(page.header.Get("Content-Security-Policy"), "script-src 'self'") {
		t.Fatalf("console page: %d %v\n%s", page.status, page.header, page.body)
	}
	return cookie, string(m[1])
}

func TestConsoleSessionAndCSRF(t *testing.T) {
	h := newHarness(t, Limits{AuthCacheTTL: -1})
	// Without a session every page sends the browser to the sign-in page.
	for _, p := range []string{"/admin/", "/admin/tickets", "/admin/keys"} {
		req, _ := http.NewRequest(http.MethodGet, h.ts.URL+p, nil)
		resp, err := noRedirect(h).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/login" {
			t.Errorf("%s without a session: %d %v", p, resp.StatusCode, resp.Header)
		}
	}
	pk, _ := h.publishableKey(t)
	for name, key := range map[string]string{"ask": h.keys["ask"], "ingest": h.keys["ingest"], "revoked": h.keys["revoked"], "publishable": pk, "garbage": "adk_nope", "empty": ""} {
		if resp := signIn(t, h, key); resp.StatusCode != http.StatusUnauthorized || len(resp.Cookies()) != 0 {
			t.Errorf("sign in with the %s key: %d", name, resp.StatusCode)
		}
	}
	if resp := signIn(t, h, h.keys["admin"], "Origin", "https://evil.example"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("sign in posted from another origin: %d", resp.StatusCode)
	}

	cookie, csrf := consoleSession(t, h, h.keys["admin"])
	if r := h.do(t, http.MethodGet, "/v1/tickets", "", nil, "Cookie", cookie); r.status != http.StatusOK {
		t.Fatalf("GET with the session: %d %s", r.status, r.body)
	}
	tk, err := state.NewTicketStore(h.db, nil, nil).CreateTicket(context.Background(), ticketFor("acme"))
	if err != nil {
		t.Fatal(err)
	}
	patch := `{"status":"solved"}`
	for name, hdr := range map[string][]string{"no token": {"Cookie", cookie}, "wrong token": {"Cookie", cookie, HeaderCSRF, "x" + csrf}} {
		if r := h.do(t, http.MethodPatch, "/v1/tickets/"+tk.ID, "", strings.NewReader(patch), hdr...); r.status != http.StatusForbidden {
			t.Errorf("PATCH with the session and %s: %d %s", name, r.status, r.body)
		}
	}
	if r := h.do(t, http.MethodPatch, "/v1/tickets/"+tk.ID, "", strings.NewReader(patch), "Cookie", cookie, HeaderCSRF, csrf); r.status != http.StatusOK {
		t.Errorf("PATCH with the session and its token: %d %s", r.status, r.body)
	}
	// Another tenant's session never sees acme's tickets.
	other, _ := consoleSession(t, h, h.keys["other"])
	if r := h.do(t, http.MethodGet, "/v1/tickets/"+tk.ID, "", nil, "Cookie", other); r.status != http.StatusNotFound {
		t.Errorf("other tenant's session: %d", r.status)
	}

	// Sign out ends the session.
	req, _ := http.NewRequest(http.MethodPost, h.ts.URL+"/admin/logout", strings.NewReader(url.Values{"csrf": {csrf}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Cookie", cookie)
	resp, err := noRedirect(h).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("sign out: %d", resp.StatusCode)
	}
	if r := h.do(t, http.MethodGet, "/v1/tickets", "", nil, "Cookie", cookie); r.status != http.StatusUnauthorized {
		t.Errorf("after sign out: %d", r.status)
	}

	// Revoking the admin key ends its sessions.
	cookie, _ = consoleSession(t, h, h.keys["admin"])
	if err := state.NewKeyStore(h.db).RevokeKey(context.Background(), h.keyIDs["admin"]); err != nil {
		t.Fatal(err)
	}
	if r := h.do(t, http.MethodGet, "/v1/tickets", "", nil, "Cookie", cookie); r.status != http.StatusUnauthorized {
		t.Errorf("session of a revoked key: %d", r.status)
	}
}

func TestKeysAPI(t *testing.T) {
	h := newHarness(t, Limits{})
	admin := h.keys["admin"]
	r := h.post(t, "/v1/keys", admin, `{"name":"site","publishable":true,"origins":["https://Shop.Example"]}`)
	var pk CreatedKey
	if err := json.Unmarshal(r.body, &pk); r.status != http.StatusCreated || err != nil || !strings.HasPrefix(pk.Key, state.PublishablePrefix) ||
		!pk.APIKey.Publishable || len(pk.APIKey.Origins) != 1 || pk.APIKey.Origins[0] != "https://shop.example" {
		t.Fatalf("create publishable: %d %s", r.status, r.body)
	}
	r = h.post(t, "/v1/keys", admin, `{"name":"bot","scopes":["ask","ingest"]}`)
	var sk CreatedKey
	if err := json.Unmarshal(r.body, &sk); r.status != http.StatusCreated || err != nil || !strings.HasPrefix(sk.Key, state.KeyPrefix) {
		t.Fatalf("create secret: %d %s", r.status, r.body)
	}
	for name, body := range map[string]string{
		"publishable with scopes": `{"publishable":true,"scopes":["admin"],"origins":["https://a.example"]}`,
		"publishable no origins":  `{"publishable":true}`,
		"bad origin":              `{"publishable":true,"origins":["javascript:alert(1)"]}`,
		"secret with origins":     `{"scopes":["ask"],"origins":["https://a.example"]}`,
		"unknown scope":           `{"scopes":["root"]}`,
		"tenant field":            `{"scopes":["ask"],"tenant":"globex"}`,
	} {
		if r := h.post(t, "/v1/keys", admin, body); r.status != http.StatusBadRequest {
			t.Errorf("%s: %d %s", name, r.status, r.body)
		}
	}
	var list APIKeyList
	r = h.do(t, http.MethodGet, "/v1/keys", admin, nil)
	if err := json.Unmarshal(r.body, &list); err != nil || r.status != http.StatusOK {
		t.Fatal(r.status, err)
	}
	ids := map[string]bool{}
	for _, k := range list.Keys {
		ids[k.ID] = true
		if strings.Contains(string(r.body), sk.Key) {
			t.Errorf("a listed key shows its secret")
		}
	}
	if !ids[pk.APIKey.ID] || !ids[sk.APIKey.ID] || ids[h.keyIDs["other"]] {
		t.Errorf("listed keys: %+v", list.Keys)
	}
	// Another tenant's key cannot be revoked; a scope short of admin cannot manage keys.
	if r := h.do(t, http.MethodDelete, "/v1/keys/"+h.keyIDs["other"], admin, nil); r.status != http.StatusNotFound {
		t.Errorf("revoke another tenant's key: %d", r.status)
	}
	if r := h.do(t, http.MethodGet, "/v1/keys", h.keys["ingest"], nil); r.status != http.StatusForbidden {
		t.Errorf("list keys with an ingest key: %d", r.status)
	}
	// Revocation is immediate, even with the key cached.
	q := `{"question":"How do I reset my password?"}`
	if r := h.post(t, "/v1/answer", sk.Key, q); r.status != http.StatusOK {
		t.Fatalf("new key: %d %s", r.status, r.body)
	}
	if r := h.do(t, http.MethodDelete, "/v1/keys/"+sk.APIKey.ID, admin, nil); r.status != http.StatusNoContent {
		t.Fatalf("revoke: %d %s", r.status, r.body)
	}
	if r := h.post(t, "/v1/answer", sk.Key, q); r.status != http.StatusUnauthorized {
		t.Errorf("revoked key still answers: %d", r.status)
	}
	if r := h.do(t, http.MethodDelete, "/v1/keys/"+sk.APIKey.ID, admin, nil); r.status != http.StatusNotFound {
		t.Errorf("revoke twice: %d", r.status)
	}
	audit := h.do(t, http.MethodGet, "/v1/audit", admin, nil)
	for _, want := range []string{`"action":"key.create","target":"` + pk.APIKey.ID, `"action":"key.revoke","target":"` + sk.APIKey.ID} {
		if !strings.Contains(string(audit.body), want) {
			t.Errorf("audit log lacks %s: %s", want, audit.body)
		}
	}
}

func TestConversationsAPI(t *testing.T) {
	h := newHarness(t, Limits{})
	for _, q := range []string{"How do I reset my password?", "Where is my parcel?"} {
		if r := h.post(t, "/v1/answer", h.keys["ask"], `{"question":"`+q+`"}`); r.status != http.StatusOK {
			t.Fatal(r.status, string(r.body))
		}
	}
	var page AnswerLogPage
	r := h.do(t, http.MethodGet, "/v1/conversations?limit=1", h.keys["admin"], nil)
	if err := json.Unmarshal(r.body, &page); err != nil || r.status != http.StatusOK || len(page.Answers) != 1 || page.Next == "" ||
		page.Answers[0].Question != "Where is my parcel?" || page.Answers[0].Decision != "escalated" || page.Answers[0].TicketID == "" {
		t.Fatalf("first page: %d %s", r.status, r.body)
	}
	r = h.do(t, http.MethodGet, "/v1/conversations?before="+page.Next, h.keys["admin"], nil)
	if err := json.Unmarshal(r.body, &page); err != nil || len(page.Answers) != 1 || page.Answers[0].Decision != "answered" {
		t.Errorf("second page: %d %s", r.status, r.body)
	}
	if r := h.do(t, http.MethodGet, "/v1/conversations", h.keys["other"], nil); !strings.Contains(string(r.body), `"answers":[]`) {
		t.Errorf("another tenant sees: %s", r.body)
	}
	if r := h.do(t, http.MethodGet, "/v1/conversations/nope", h.keys["admin"], nil); r.status != http.StatusNotFound {
		t.Errorf("unknown conversation: %d", r.status)
	}
	if r := h.do(t, http.MethodGet, "/v1/conversations", h.keys["ask"], nil); r.status != http.StatusForbidden {
		t.Errorf("ask key: %d", r.status)
	}
}

func ticketFor(tenant string) answer.Ticket {
	return answer.Ticket{Tenant: tenant, Subject: "Where is my parcel?", Reason: answer.ReasonNoEvidence,
		Transcript: []answer.Message{{Role: "customer", Text: "Where is my parcel?"}}}
}

// TestConsoleSessionSurvivesRestart: a console session lives in the state
// database, so a new server over the same database (a restart, another
// replica) accepts its cookie and its CSRF token, shows the console, and
// signing out there ends it everywhere.
func TestConsoleSessionSurvivesRestart(t *testing.T) {
	h := newHarness(t, Limits{AuthCacheTTL: -1})
	cookie, csrf := consoleSession(t, h, h.keys["admin"])

	convs := state.NewConversationStore(h.db)
	restarted := NewServer(Deps{Engine: h.eng, Keys: state.NewKeyStore(h.db), Answers: convs, Feedback: state.NewFeedbackStore(h.db, convs),
		Tickets: state.NewTicketStore(h.db, nil, nil), Jobs: state.NewJobStore(h.db), Health: h.db, Sessions: state.NewSessionStore(h.db),
		Limits: Limits{RatePerSecond: -1, AuthFailuresPerSecond: -1}})
	ts := httptest.NewServer(restarted.Handler())
	defer ts.Close()
	do := func(method, path string, body string, header ...string) (int, string) {
		req, _ := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		c := *ts.Client()
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := do(http.MethodGet, "/admin/tickets", "", "Cookie", cookie); code != http.StatusOK || !strings.Contains(body, `content="`+csrf+`"`) {
		t.Fatalf("console page after the restart: %d\n%s", code, body)
	}
	tk, err := state.NewTicketStore(h.db, nil, nil).CreateTicket(context.Background(), ticketFor("acme"))
	if err != nil {
		t.Fatal(err)
	}
	if code, body := do(http.MethodPatch, "/v1/tickets/"+tk.ID, `{"status":"solved"}`, "Cookie", cookie, HeaderCSRF, csrf, "Content-Type", "application/json"); code != http.StatusOK {
		t.Errorf("a write with the session and its token after the restart: %d %s", code, body)
	}
	if code, _ := do(http.MethodPatch, "/v1/tickets/"+tk.ID, `{"status":"open"}`, "Cookie", cookie, "Content-Type", "application/json"); code != http.StatusForbidden {
		t.Errorf("a write without the CSRF token after the restart: %d", code)
	}
	// Signing out on the new server ends the session on the old one too.
	if code, _ := do(http.MethodPost, "/admin/logout", url.Values{"csrf": {csrf}}.Encode(), "Cookie", cookie, "Content-Type", "application/x-www-form-urlencoded"); code != http.StatusSeeOther {
		t.Errorf("sign out: %d", code)
	}
	if r := h.do(t, http.MethodGet, "/v1/tickets", "", nil, "Cookie", cookie); r.status != http.StatusUnauthorized {
		t.Errorf("the first server after signing out on the second: %d", r.status)
	}
}
