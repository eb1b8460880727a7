package main

import (
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// slowReceiver accepts every post after a delay and records the most posts
// it had in flight at once.
type slowReceiver struct {
	mu       sync.Mutex
	inFlight int
	peak     int
	posts    int
}

func (s *slowReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.inFlight++
	s.peak = max(s.peak, s.inFlight)
	s.mu.Unlock()
	time.Sleep(300 * time.Millisecond)
	s.mu.Lock()
	s.inFlight--
	s.posts++
	s.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

// TestE2EWebhookConcurrencyConfigured: webhook.concurrency in the config
// file sets how many deliveries are in flight (it was fixed at 4).
func TestE2EWebhookConcurrencyConfigured(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	const conc, tickets = 8, 12
	rcv := &slowReceiver{}
	cfg := filepath.Join(t.TempDir(), "config.json")
	if err := os.WriteFile(cfg, []byte(`{"webhook": {"concurrency": 8}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	env := webhookEnv(t, rcv, map[string]string{"ANSWERDESK_CONFIG": cfg})
	// Escalations made by the CLI before the server starts: the worker
	// finds them all due at once.
	for i := 0; i < tickets; i++ {
		e2eCLI(t, env, "ask", "I want to talk to a human, please")
	}
	startServe(t, env)
	for i := 0; ; i++ {
		rcv.mu.Lock()
		posts, peak := rcv.posts, rcv.peak
		rcv.mu.Unlock()
		if posts >= tickets {
			if peak != conc {
				t.Errorf("peak deliveries in flight %d, want the configured %d", peak, conc)
			}
			t.Logf("%d deliveries, at most %d in flight", posts, peak)
			return
		}
		if i > 600 {
			t.Fatalf("receiver got %d of %d posts", posts, tickets)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
