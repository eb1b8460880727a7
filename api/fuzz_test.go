package api

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzDecodeStrict: any body is either decoded or refused with a 4xx code,
// never a panic, and what is accepted is valid UTF-8 within the depth bound.
func FuzzDecodeStrict(f *testing.F) {
	for _, s := range []string{`{"question":"hi"}`, `{"question":"hi","tenant_id":"x"}`, `[[[[`, `{"a":"\"[["}`, "\xff", `{"question":1e999}`, `{} {}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var req AnswerRequest
		err := decodeStrict(body, 16, &req)
		if err != nil {
			status, code, _ := classify(err)
			if status < 400 || status >= 500 || code == "" {
				t.Fatalf("body %q: status %d code %q", body, status, code)
			}
			return
		}
		if !utf8.Valid(body) || jsonDepth(body) > 16 {
			t.Fatalf("accepted %q", body)
		}
	})
}

// FuzzCleanFilename: a cleaned name is a single safe path element.
func FuzzCleanFilename(f *testing.F) {
	for _, s := range []string{"faq.csv", "../../etc/passwd", `C:\x\win.ini`, "a\x00b.md", "\u202efdp.exe", "..", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		got := cleanFilename(name)
		if got == "" {
			return
		}
		if strings.ContainsAny(got, "/\\:") || strings.HasPrefix(got, ".") || len(got) > 200 || !utf8.ValidString(got) ||
			strings.IndexFunc(got, func(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) }) >= 0 {
			t.Fatalf("cleanFilename(%q) = %q", name, got)
		}
	})
}

// FuzzAnswerEndpoint: whatever the body, POST /v1/answer never answers 5xx.
func FuzzAnswerEndpoint(f *testing.F) {
	h := newHarness(f, Limits{})
	key := h.keys["ask"]
	handler := h.srv.Handler()
	for _, s := range []string{`{"question":"password?"}`, `{"question":"x","customer":{"":""}}`, `{"question":"x","conversation_id":"a:b"}`, `{"question":"x","lang":"zh-Hans"}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest(http.MethodPost, "/v1/answer", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		handler.ServeHTTP(w, req)
		var r AnswerRequest
		decodeStrict([]byte(body), 16, &r)
		if w.Code >= 500 && r.Question != "panic!" && r.Question != "fail!" { // the fake engine's scripted failures
			t.Fatalf("body %q: %d %s", body, w.Code, w.Body)
		}
	})
}
