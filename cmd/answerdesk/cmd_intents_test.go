package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeIntentCSV writes labelled questions about hub resets and billing.
func writeIntentCSV(t *testing.T, path string, variant int) {
	t.Helper()
	var b strings.Builder
	b.WriteString("text,category\n")
	greets := []string{"", "hi, ", "hello ", "please: "}
	for i, g := range greets {
		if i%2 != variant%2 && variant >= 0 {
			continue
		}
		for _, w := range []string{"reset", "restart", "reboot", "factory settings", "wipe"} {
			for _, f := range []string{"how do I %s the hub", "%s my hub please", "hub %s steps", "need to %s the device", "can I %s it"} {
				fmt.Fprintf(&b, "%q,hub_reset\n", g+strings.Replace(f, "%s", w, 1))
			}
		}
		for _, w := range []string{"invoice", "refund", "price", "subscription", "payment"} {
			for _, f := range []string{"question about my %s", "where is my %s", "%s is wrong", "I need a %s", "change the %s"} {
				fmt.Fprintf(&b, "%q,billing_issue\n", g+strings.Replace(f, "%s", w, 1))
			}
		}
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestIntentsTrainEvalAsk(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"ANSWERDESK_DATA": filepath.Join(dir, "data")}
	train, test := filepath.Join(dir, "train.csv"), filepath.Join(dir, "test.csv")
	writeIntentCSV(t, train, 0)
	writeIntentCSV(t, test, 1)

	if _, errs, code := runCLI(t, env, "intents", "eval", "--tenant", "acme", test); code != 1 || !strings.Contains(errs, "no intent model") {
		t.Errorf("eval before training: exit %d, %q", code, errs)
	}
	out, errs, code := runCLI(t, env, "intents", "train", "--tenant", "acme", train)
	if code != 0 || !strings.Contains(out, "2 intents from 100 questions") || !strings.Contains(out, "analyzer features only") {
		t.Fatalf("train: exit %d\n%s%s", code, out, errs)
	}
	out, errs, code = runCLI(t, env, "intents", "eval", "--tenant", "acme", "--json", test)
	if code != 0 {
		t.Fatalf("eval: exit %d\n%s%s", code, out, errs)
	}
	var r struct {
		Accuracy float64 `json:"accuracy"`
		MacroF1  float64 `json:"macro_f1"`
		N        int     `json:"n"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("eval --json: %v\n%s", err, out)
	}
	if r.N != 100 || r.Accuracy < 0.9 || r.MacroF1 < 0.9 {
		t.Errorf("eval = %+v, want 100 questions classified well", r)
	}
	// Another tenant has no model.
	if _, errs, code := runCLI(t, env, "intents", "eval", "--tenant", "other", test); code != 1 || !strings.Contains(errs, `tenant "other"`) {
		t.Errorf("eval of another tenant: exit %d, %q", code, errs)
	}

	// The answer path uses the model.
	if out, errs, code := runCLI(t, env, "ingest", "--tenant", "acme", repoPath("testdata", "kb", "docs")); code != 0 {
		t.Fatalf("ingest: exit %d\n%s%s", code, out, errs)
	}
	out, errs, code = runCLI(t, env, "ask", "--tenant", "acme", "--json", "how do I reset the hub?")
	if code != 0 {
		t.Fatalf("ask: exit %d\n%s%s", code, out, errs)
	}
	var a struct {
		Intent      string  `json:"intent"`
		IntentScore float64 `json:"intent_score"`
	}
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		t.Fatal(err)
	}
	if a.Intent != "hub_reset" || a.IntentScore <= 0.5 {
		t.Errorf("ask: intent %q score %v, want hub_reset from the model", a.Intent, a.IntentScore)
	}
}

func TestIntentsBadInput(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"ANSWERDESK_DATA": filepath.Join(dir, "data")}
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte("text,label\na,b\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	one := filepath.Join(dir, "one.csv")
	if err := os.WriteFile(one, []byte("text,category\nhello,greeting\nhi,greeting\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no subcommand", []string{"intents"}, 2, "give train or eval"},
		{"unknown subcommand", []string{"intents", "fit", bad}, 2, "unknown subcommand"},
		{"no file", []string{"intents", "train"}, 2, "exactly one FILE.csv"},
		{"missing file", []string{"intents", "train", filepath.Join(dir, "nope.csv")}, 1, "no such file"},
		{"bad header", []string{"intents", "train", bad}, 2, "lacks a `text` or `category` column"},
		{"one intent", []string{"intents", "train", one}, 1, "at least two intents"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errs, code := runCLI(t, env, tt.args...)
			if code != tt.code || !strings.Contains(errs, tt.want) {
				t.Errorf("exit %d, stderr %q; want %d mentioning %q", code, errs, tt.code, tt.want)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "data", intentsDir)); err == nil {
		if entries, _ := os.ReadDir(filepath.Join(dir, "data", intentsDir)); len(entries) > 0 {
			t.Errorf("failed training left %d files", len(entries))
		}
	}
}
