package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/answerdesk/answerdesk/ingest"
)

func TestExtract(t *testing.T) {
	navOnly := filepath.Join(t.TempDir(), "nav.html")
	if err := os.WriteFile(navOnly, []byte("<html><body><nav>menu</nav></body></html>"), 0o644); err != nil {
		t.Fatal(err)
	}
	markup := filepath.Join(t.TempDir(), "xss.txt")
	os.WriteFile(markup, []byte("Refunds take 5 days <img src=x onerror=alert(1)>.\n"), 0o644)
	unsupported := filepath.Join(t.TempDir(), "x.xyz")
	os.WriteFile(unsupported, []byte("x"), 0o644)
	tests := []struct {
		name     string
		args     []string
		code     int
		contains []string
		absent   []string
	}{
		{"pdf pages", []string{"extract", repoPath("testdata", "kb", "formats", "pdf", "troubleshooting.pdf")}, 0,
			[]string{"-- page 1", "Press and hold the reset button on the bottom of the hub for 15 seconds", "1 documents, 1 sections"}, nil},
		{"html main content", []string{"extract", repoPath("testdata", "kb", "formats", "html", "billing.html")}, 0,
			[]string{"-- Plans and billing › Refunds", "Plan: Lumen Plus; Price: 4.99 USD per month"}, []string{"cookies", "Related articles", "trackPageView"}},
		{"docx", []string{"extract", repoPath("testdata", "kb", "formats", "docx", "billing.docx")}, 0,
			[]string{"-- Plans and billing › Payment methods", "[table] Plan | Price | Video history | Automations"}, nil},
		{"tickets chunks redacted", []string{"extract", "--chunks", repoPath("testdata", "kb", "tickets.jsonl")}, 0,
			[]string{"[EMAIL]", "[PHONE]", "[CARD]", "[CN_ID]", "dropped: 2 tickets: status open"}, []string{"anna.berg@example.com", "4111 1111 1111 1111", "11010519491231002X", "internal"}},
		{"markup removed as when indexed", []string{"extract", markup}, 0, []string{"Refunds take 5 days"}, []string{"<img", "onerror"}},
		{"empty main content", []string{"extract", navOnly}, 1, []string{"nothing extracted"}, nil},
		{"unsupported", []string{"extract", unsupported}, 1, nil, nil},
		{"no file", []string{"extract"}, 2, nil, nil},
		{"missing file", []string{"extract", "/nonexistent/x.pdf"}, 1, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, errs, code := runCLI(t, nil, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, tc.code, out, errs)
			}
			for _, s := range tc.contains {
				if !strings.Contains(out, s) {
					t.Errorf("output lacks %q:\n%s", s, out)
				}
			}
			for _, s := range tc.absent {
				if strings.Contains(out, s) {
					t.Errorf("output has %q:\n%s", s, out)
				}
			}
		})
	}
}

func TestExtractJSON(t *testing.T) {
	out, errs, code := runCLI(t, nil, "extract", "--json", repoPath("testdata", "kb", "formats", "pdf", "billing.pdf"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var got ingest.Extraction
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if len(got.Documents) != 1 || len(got.Documents[0].Sections) == 0 || got.Documents[0].Sections[0].Page != 1 {
		t.Fatalf("unexpected %+v", got)
	}
	if !strings.Contains(got.Documents[0].Sections[0].Blocks[0].Text, "Lumen Pro 9.99 USD per month") {
		t.Errorf("text %q", got.Documents[0].Sections[0].Blocks[0].Text)
	}
	// Chunks keep the page for citations.
	out, _, code = runCLI(t, nil, "extract", "--json", "--chunks", repoPath("testdata", "kb", "formats", "pdf", "billing.pdf"))
	if code != 0 {
		t.Fatal(out)
	}
	var chunks ingest.Extraction
	json.Unmarshal([]byte(out), &chunks)
	if len(chunks.Documents[0].Chunks) == 0 || chunks.Documents[0].Chunks[0].Page != 1 {
		t.Errorf("chunks %+v", chunks.Documents)
	}
	// An error is reported in JSON too.
	out, _, code = runCLI(t, nil, "extract", "--json", "/nonexistent/x.pdf")
	if code != 1 || !strings.Contains(out, `"error"`) {
		t.Errorf("exit %d out %s", code, out)
	}
}
