package api

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestFailedAuthLimitedPerAddress: an address that keeps failing to
// authenticate is answered 429 (with Retry-After) after the burst, without
// its keys being looked up; another address is not affected.
func TestFailedAuthLimitedPerAddress(t *testing.T) {
	h := newHarness(t, Limits{AuthFailuresPerSecond: 0.5, AuthFailureBurst: 10})
	send := func(addr, key string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/v1/answer", strings.NewReader(`{"question":"How do I reset my password?"}`))
		req.RemoteAddr = addr
		req.Header.Set("Content-Type", "application/json")
		if key != "" {
			req.Header.Set("Authorization", "Bearer "+key)
		}
		w := httptest.NewRecorder()
		h.srv.Handler().ServeHTTP(w, req)
		return w
	}
	counts := map[int]int{}
	for i := 0; i < 100; i++ {
		key := "adk_guess" + strings.Repeat("x", i%7)
		if i%3 == 0 {
			key = "" // no key at all counts too
		}
		w := send("203.0.113.7:40000", key)
		counts[w.Code]++
		if w.Code == http.StatusTooManyRequests && w.Header().Get("Retry-After") == "" {
			t.Fatal("429 without Retry-After")
		}
	}
	if counts[http.StatusUnauthorized] != 10 || counts[http.StatusTooManyRequests] != 90 {
		t.Errorf("statuses %v, want 10×401 then 90×429", counts)
	}
	if w := send("198.51.100.9:5000", h.keys["ask"]); w.Code != http.StatusOK {
		t.Errorf("another address with a good key: %d %s", w.Code, w.Body)
	}
	if w := send("198.51.100.9:5000", "adk_wrong"); w.Code != http.StatusUnauthorized {
		t.Errorf("another address with a bad key: %d, want 401", w.Code)
	}
}
