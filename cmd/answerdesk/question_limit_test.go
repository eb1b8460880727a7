package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestQuestionLimitConfig: the question limit is answer.max_question (the
// engine's); the old api.max_question is refused with where it went.
func TestQuestionLimitConfig(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	old := write("old.json", `{"api": {"max_question": 3000}}`)
	_, errs, code := runCLI(t, nil, "--data", filepath.Join(dir, "data"), "--config", old, "serve", "--addr", "127.0.0.1:0")
	if code != 2 || !strings.Contains(errs, "answer.max_question") {
		t.Errorf("api.max_question: exit %d, stderr %q; want a usage error naming answer.max_question", code, errs)
	}
	small := write("small.json", `{"answer": {"max_question": 10}}`)
	_, errs, code = runCLI(t, nil, "--data", filepath.Join(dir, "data"), "--config", small, "ask", "how do I reset the hub?")
	if code != 2 || !strings.Contains(errs, "the limit is 10") {
		t.Errorf("question over answer.max_question: exit %d, stderr %q; want a usage error with the limit", code, errs)
	}
}
