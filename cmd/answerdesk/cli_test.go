package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMain lets the test binary serve isolated PDF extractions, as main
// does for the real binary: the loaders re-execute os.Executable().
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == pdfChildArg {
		os.Exit(pdfChild())
	}
	if os.Getenv(asBinaryEnv) == "1" {
		main() // exits
	}
	os.Exit(m.Run())
}

// runCLI runs the binary's run with a fresh environment.
func runCLI(t *testing.T, env map[string]string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	getenv := func(k string) string { return env[k] }
	err := run(context.Background(), args, getenv, strings.NewReader(""), &out, &errb)
	code = exitCode(err, &errb)
	return out.String(), errb.String(), code
}

func repoPath(parts ...string) string {
	return filepath.Join(append([]string{"..", ".."}, parts...)...)
}

func TestIngestSearchDocs(t *testing.T) {
	env := map[string]string{"ANSWERDESK_DATA": t.TempDir()}
	out, errs, code := runCLI(t, env, "ingest", repoPath("testdata", "kb", "docs"))
	if code != 0 {
		t.Fatalf("ingest exit %d\n%s%s", code, out, errs)
	}
	if !strings.Contains(out, "failed: 0") || !strings.Contains(out, "added: 22") {
		t.Errorf("ingest summary = %q, want 22 added, 0 failed", out)
	}
	out, _, _ = runCLI(t, env, "ingest", repoPath("testdata", "kb", "docs"))
	if !strings.Contains(out, "added: 0  updated: 0  unchanged: 22") {
		t.Errorf("second ingest = %q, want all unchanged", out)
	}

	out, errs, code = runCLI(t, env, "search", "--json", "-k", "3", "как сбросить хаб к заводским настройкам")
	if code != 0 {
		t.Fatalf("search exit %d: %s", code, errs)
	}
	var res struct {
		Hits []struct {
			ChunkID    string  `json:"chunk_id"`
			DocumentID string  `json:"document_id"`
			Title      string  `json:"title"`
			Text       string  `json:"text"`
			Score      float64 `json:"score"`
		} `json:"hits"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("search --json: %v\n%s", err, out)
	}
	if len(res.Hits) != 3 || res.Hits[0].DocumentID != "ru/neispravnosti" || res.Hits[0].ChunkID == "" || res.Hits[0].Score <= 0 {
		t.Errorf("search hits = %+v, want ru/neispravnosti first", res.Hits)
	}

	out, _, code = runCLI(t, env, "docs", "list")
	if code != 0 || !strings.Contains(out, "faq#zh-baoxiu") || !strings.Contains(out, "22 document(s)") {
		t.Errorf("docs list = %q", out)
	}
	_, _, code = runCLI(t, env, "docs", "delete", "faq#zh-baoxiu")
	if code != 0 {
		t.Errorf("docs delete exit %d", code)
	}
	_, errs, code = runCLI(t, env, "docs", "delete", "faq#zh-baoxiu")
	if code != 1 || !strings.Contains(errs, "no such document") {
		t.Errorf("deleting a missing document: exit %d, stderr %q", code, errs)
	}
	// Tenants are separate.
	out, _, _ = runCLI(t, env, "search", "--tenant", "other", "reset")
	if !strings.Contains(out, "no matching chunks") {
		t.Errorf("other tenant saw hits: %q", out)
	}
}

func TestExitCodesAndHelp(t *testing.T) {
	env := map[string]string{"ANSWERDESK_DATA": t.TempDir()}
	tests := []struct {
		name string
		args []string
		code int
		want string // in stdout+stderr
	}{
		{"no command", nil, 2, "missing command"},
		{"unknown command", []string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{"help", []string{"help"}, 0, "commands:"},
		{"--help", []string{"--help"}, 0, "commands:"},
		{"-h", []string{"-h"}, 0, "commands:"},
		{"--help after global flags", []string{"--data", "x", "--help"}, 0, "commands:"},
		{"version", []string{"version"}, 0, "answerdesk dev"},
		{"version with an argument", []string{"version", "x"}, 2, "unexpected argument"},
		{"command help", []string{"ingest", "--help"}, 0, "usage: answerdesk ingest"},
		{"help for command", []string{"help", "search"}, 0, "usage: answerdesk search"},
		{"bad flag", []string{"search", "--nope", "x"}, 2, "flag provided but not defined"},
		{"missing argument", []string{"search"}, 2, "no QUESTION"},
		{"bad kind", []string{"ingest", "--kind", "pdf", "x"}, 2, "--kind"},
		{"bad k", []string{"search", "-k", "0", "x"}, 2, "-k must be"},
		{"missing path", []string{"ingest", "/nonexistent/path"}, 1, "no such file"},
		{"unknown store", []string{"--store", "redis://x", "search", "x"}, 2, "unknown store"},
		{"docs without subcommand", []string{"docs"}, 2, "want list or delete"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, errs, code := runCLI(t, env, tc.args...)
			if code != tc.code || !strings.Contains(out+errs, tc.want) {
				t.Errorf("exit %d (want %d), output %q, want it to contain %q", code, tc.code, out+errs, tc.want)
			}
		})
	}
	// Every command has help.
	for _, c := range commands {
		out, _, code := runCLI(t, env, c.name, "--help")
		if code != 0 || !strings.Contains(out, "usage: answerdesk "+c.name) {
			t.Errorf("%s --help: exit %d, output %q", c.name, code, out)
		}
	}
}

// TestConfigReadPerRun: each run reads its own --config file; a second run
// in the same process with another file must not see the first one's
// sections.
func TestConfigReadPerRun(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(good, []byte(`{"answer": {}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte(`{"embed": {"provdier": "openai"}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"ANSWERDESK_DATA": t.TempDir()}
	if out, errs, code := runCLI(t, env, "--config", good, "search", "reset"); code != 0 {
		t.Fatalf("search with %s: exit %d\n%s%s", good, code, out, errs)
	}
	_, errs, code := runCLI(t, env, "--config", bad, "search", "reset")
	if code != 1 || !strings.Contains(errs, bad) || !strings.Contains(errs, "provdier") {
		t.Errorf("search with %s: exit %d, stderr %q; want the typo in that file reported", bad, code, errs)
	}
	// And back: the first file again, as a flag after the command.
	if out, errs, code := runCLI(t, env, "search", "reset", "--config", good); code != 0 {
		t.Errorf("search with %s again: exit %d\n%s%s", good, code, out, errs)
	}
}
