package api

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/answerdesk/answerdesk/answer/state"
)

const shopOrigin = "https://shop.example"

// publishableKey adds a publishable key for tenant acme usable from shopOrigin.
func (h *harness) publishableKey(t *testing.T) (key, id string) {
	t.Helper()
	key, k, err := state.NewKeyStore(h.db).CreatePublishableKey(context.Background(), "acme", "site", []string{shopOrigin})
	if err != nil {
		t.Fatal(err)
	}
	return key, k.ID
}

func TestPreflight(t *testing.T) {
	h := newHarness(t, Limits{})
	h.publishableKey(t)
	preflight := func(path, origin string) reply {
		return h.do(t, http.MethodOptions, path, "", nil, "Origin", origin, "Access-Control-Request-Method", "POST",
			"Access-Control-Request-Headers", "authorization,content-type")
	}
	for _, path := range []string{"/v1/answer", "/v1/feedback"} {
		r := preflight(path, shopOrigin)
		if r.status != http.StatusNoContent || r.header.Get("Access-Control-Allow-Origin") != shopOrigin ||
			!strings.Contains(r.header.Get("Access-Control-Allow-Headers"), "Authorization") {
			t.Errorf("%s preflight from an allowed origin: %d %v", path, r.status, r.header)
		}
	}
	for _, origin := range []string{"https://evil.example", "http://shop.example", "null", ""} {
		r := preflight("/v1/answer", origin)
		if r.status != http.StatusForbidden || r.code() != CodeOriginRefused || r.header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("preflight from %q: %d %s %v", origin, r.status, r.body, r.header)
		}
	}
	// Admin and ingest routes have no CORS at all.
	if r := preflight("/v1/tickets", shopOrigin); r.status != http.StatusMethodNotAllowed || r.header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight on /v1/tickets: %d %v", r.status, r.header)
	}
}

// TestPublishableKeyLimits: a publishable key asks and sends feedback from
// its origins only, and never reaches an ingest or admin route.
func TestPublishableKeyLimits(t *testing.T) {
	h := newHarness(t, Limits{})
	pk, _ := h.publishableKey(t)
	q := `{"question":"How do I reset my password?"}`
	r := h.post(t, "/v1/answer", pk, q, "Origin", shopOrigin)
	if r.status != http.StatusOK || r.header.Get("Access-Control-Allow-Origin") != shopOrigin {
		t.Fatalf("answer from the allowed origin: %d %s %v", r.status, r.body, r.header)
	}
	if !strings.Contains(r.header.Get("Vary"), "Origin") {
		t.Errorf("Vary = %q, want Origin", r.header.Get("Vary"))
	}
	if f := h.post(t, "/v1/feedback", pk, `{"answer_id":"`+answerID(t, r)+`","thumbs":"up"}`, "Origin", shopOrigin); f.status != http.StatusCreated {
		t.Errorf("feedback: %d %s", f.status, f.body)
	}
	for _, origin := range []string{"", "https://evil.example", "https://shop.example.evil.example"} {
		r := h.post(t, "/v1/answer", pk, q, "Origin", origin)
		if r.status != http.StatusForbidden || r.code() != CodeOriginRefused {
			t.Errorf("answer from origin %q: %d %s", origin, r.status, r.body)
		}
	}
	routes := []struct{ method, path string }{
		{"GET", "/v1/documents"}, {"POST", "/v1/documents"}, {"DELETE", "/v1/documents/x"}, {"GET", "/v1/ingest/jobs/job_1"},
		{"GET", "/v1/tickets"}, {"GET", "/v1/tickets/t_1"}, {"PATCH", "/v1/tickets/t_1"},
		{"GET", "/v1/keys"}, {"POST", "/v1/keys"}, {"DELETE", "/v1/keys/key_1"}, {"GET", "/v1/conversations"}, {"GET", "/v1/conversations/c"},
	}
	for _, rt := range routes {
		var body io.Reader
		if rt.method == "POST" || rt.method == "PATCH" {
			body = strings.NewReader("{}")
		}
		r := h.do(t, rt.method, rt.path, pk, body, "Origin", shopOrigin)
		if r.status != http.StatusForbidden || r.code() != CodeForbidden {
			t.Errorf("%s %s with a publishable key: %d %s", rt.method, rt.path, r.status, r.body)
		}
	}
}

func TestPublishableKeyPerIPRateLimit(t *testing.T) {
	h := newHarness(t, Limits{PublicIPRate: 0.001, PublicIPBurst: 2})
	pk, _ := h.publishableKey(t)
	q := `{"question":"How do I reset my password?"}`
	for i := range 2 {
		if r := h.post(t, "/v1/answer", pk, q, "Origin", shopOrigin); r.status != http.StatusOK {
			t.Fatalf("request %d: %d %s", i, r.status, r.body)
		}
	}
	r := h.post(t, "/v1/answer", pk, q, "Origin", shopOrigin)
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" {
		t.Errorf("third request: %d %v", r.status, r.header)
	}
	// A secret key of the same tenant is not limited by the widget's bucket.
	if r := h.post(t, "/v1/answer", h.keys["ask"], q); r.status != http.StatusOK {
		t.Errorf("secret key: %d %s", r.status, r.body)
	}
}

func TestRevokedPublishableKeyStopsCORS(t *testing.T) {
	h := newHarness(t, Limits{AuthCacheTTL: -1})
	_, id := h.publishableKey(t)
	if err := state.NewKeyStore(h.db).RevokeKey(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	r := h.do(t, http.MethodOptions, "/v1/answer", "", nil, "Origin", shopOrigin, "Access-Control-Request-Method", "POST")
	if r.status != http.StatusForbidden {
		t.Errorf("preflight after revocation: %d", r.status)
	}
}

func TestWidgetServed(t *testing.T) {
	h := newHarness(t, Limits{})
	req, _ := http.NewRequest(http.MethodGet, h.ts.URL+"/widget.js", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Encoding") != "gzip" ||
		!strings.HasPrefix(resp.Header.Get("Content-Type"), "text/javascript") || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("widget.js: %d %v", resp.StatusCode, resp.Header)
	}
	zr, err := gzip.NewReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	js, _ := io.ReadAll(zr)
	if strings.Contains(string(js), "__ANSWERDESK_CSS__") || !strings.Contains(string(js), ".launcher") {
		t.Errorf("widget.js does not carry its stylesheet")
	}
	if strings.Contains(string(js), "innerHTML") || strings.Contains(string(js), "insertAdjacentHTML") || strings.Contains(string(js), "eval(") {
		t.Errorf("widget.js inserts markup")
	}
	r := h.do(t, http.MethodGet, "/widget.js", "", nil, "If-None-Match", resp.Header.Get("ETag"))
	if r.status != http.StatusNotModified {
		t.Errorf("conditional GET: %d", r.status)
	}
	plain, gz, err := WidgetSize()
	if err != nil || gz > 30<<10 || plain < gz {
		t.Errorf("widget size %d B, %d B gzipped, %v; budget 30 KiB gzipped", plain, gz, err)
	}
	t.Logf("widget.js: %d bytes, %d gzipped", plain, gz)
}

func answerID(t *testing.T, r reply) string {
	t.Helper()
	var a AnswerResponse
	if err := json.Unmarshal(r.body, &a); err != nil || a.ID == "" {
		t.Fatalf("answer: %v %s", err, r.body)
	}
	return a.ID
}
