package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/answerdesk/answerdesk/api"
)

// TestE2ERetentionPrunesAnswerLog: serve prunes the answer log on its
// configured schedule; feedback on a pruned answer is then 404.
func TestE2ERetentionPrunesAnswerLog(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	cfg := filepath.Join(t.TempDir(), "config.json")
	if err := os.WriteFile(cfg, []byte(`{"retention": {"answer_log": "300ms", "every": "50ms"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	env := kbEnv(t, map[string]string{"ANSWERDESK_CONFIG": cfg})
	key := createKey(t, env, "acme", "ask")
	s := startServe(t, env)
	a := s.ask(t, key, "How do I factory reset my hub?")
	feedback := func() int {
		b, _ := json.Marshal(api.FeedbackRequest{AnswerID: a.ID, Thumbs: "up"})
		return s.do(t, http.MethodPost, "/v1/feedback", key, bytes.NewReader(b)).status
	}
	if got := feedback(); got != http.StatusCreated {
		t.Fatalf("feedback on a fresh answer: %d", got)
	}
	deadline := time.Now().Add(10 * time.Second)
	for feedback() != http.StatusNotFound {
		if time.Now().After(deadline) {
			t.Fatal("the answer log entry was never pruned")
		}
		time.Sleep(100 * time.Millisecond)
	}
}
