package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/answerdesk/answerdesk/api"
)

// runAskCLI runs the binary's run with args and returns stdout and the exit
// status.
func runAskCLI(t *testing.T, args ...string) (string, int) {
	t.Helper()
	return runAskStdin(t, "", args...)
}

// runAskStdin is runAskCLI with stdin as the standard input.
func runAskStdin(t *testing.T, stdin string, args ...string) (string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	getenv := func(k string) string {
		if k == "ANSWERDESK_CONFIG" || strings.HasPrefix(k, "ANSWERDESK_LLM") || strings.HasPrefix(k, "ANSWERDESK_EMBED") ||
			strings.HasPrefix(k, "ANSWERDESK_WEBHOOK") || k == "ANSWERDESK_STORE" {
			return ""
		}
		return os.Getenv(k)
	}
	err := run(context.Background(), args, getenv, strings.NewReader(stdin), &out, &errb)
	return out.String(), exitCode(err, &errb)
}

func TestAskCommand(t *testing.T) {
	data := t.TempDir()
	kb := filepath.Join("..", "..", "testdata", "kb", "docs")
	if _, code := runAskCLI(t, "ingest", "--data", data, kb); code != 0 {
		t.Fatalf("ingest exit %d", code)
	}

	out, code := runAskCLI(t, "ask", "--data", data, "--json", "How do I factory reset my hub?")
	if code != 0 {
		t.Fatalf("ask --json exit %d: %s", code, out)
	}
	var r api.AnswerResponse
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("ask --json is not an AnswerResponse: %v\n%s", err, out)
	}
	if r.Decision != "answered" || len(r.Citations) == 0 || r.Citations[0].DocumentID != "en/troubleshooting" ||
		!strings.Contains(r.Answer, "[1]") || len(r.Features) == 0 || r.Confidence < r.Threshold {
		t.Errorf("answer %+v", r)
	}

	out, code = runAskCLI(t, "ask", "--data", data, "Соедините меня с оператором")
	if code != 0 || !strings.Contains(out, "decision:   escalated (human_requested)") || !strings.Contains(out, "ticket:") {
		t.Errorf("escalation exit %d:\n%s", code, out)
	}
	out, code = runAskCLI(t, "tickets", "list", "--data", data)
	if code != 0 || !strings.Contains(out, "human_requested") {
		t.Errorf("tickets list after ask (exit %d):\n%s", code, out)
	}

	// A message from standard input is never read as flags, whatever its
	// first line: an email read without the quoted thread; and the same
	// words after "--".
	email := "-----Original Message-----\nFrom: Lumen Support\nSubject: RE: hub\n\nThanks for your order."
	email = "--json\nHow do I factory reset my hub?\n\nBest regards,\nAnna\n\n" + email
	out, code = runAskStdin(t, email, "ask", "--data", data, "--json", "-")
	if err := json.Unmarshal([]byte(out), &r); code != 0 || err != nil || r.Decision != "answered" || !strings.HasSuffix(r.Standalone, "How do I factory reset my hub?") || strings.Contains(r.Standalone, "Original") {
		t.Errorf("ask - (exit %d, %v): decision %q, read as %q; want the email's question answered", code, err, r.Decision, r.Standalone)
	}
	if out, code = runAskCLI(t, "ask", "--data", data, "--", "-- How do I factory reset my hub?"); code != 0 || !strings.Contains(out, "answered") {
		t.Errorf("ask -- QUESTION (exit %d):\n%s", code, out)
	}
	if _, code = runAskStdin(t, strings.Repeat("x", maxStdinMessage+1), "ask", "--data", data, "-"); code != 2 {
		t.Errorf("ask - with an oversized message: exit %d, want 2", code)
	}

	for name, args := range map[string][]string{
		"no question":  {"ask", "--data", data},
		"empty stdin":  {"ask", "--data", data, "-"},
		"bad lang":     {"ask", "--data", data, "--lang", "fr", "hello"},
		"invalid utf8": {"ask", "--data", data, "reset \xff hub"},
	} {
		if _, code := runAskCLI(t, args...); code != 2 {
			t.Errorf("%s: exit %d, want 2", name, code)
		}
	}
}
