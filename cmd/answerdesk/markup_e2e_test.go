package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/answerdesk/answerdesk/api"
)

// executableRE finds what a browser could run if a response's text were
// inserted as HTML: a tag opener, an event handler, a script or HTML data URL.
var executableRE = regexp.MustCompile(`(?i)<[a-z!/?]|\bon[a-z]+\s*=|\b(?:java|vb)script\s*:|\bdata\s*:\s*text/html`)

// executable counts the strings of a JSON body holding executable markup.
func executable(t *testing.T, body []byte) []string {
	t.Helper()
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("response is not JSON: %v: %s", err, body)
	}
	var found []string
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			if executableRE.MatchString(v) {
				found = append(found, v)
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		case map[string]any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	walk(v)
	return found
}

// TestE2EMarkupNeverInResponses: the 223 DOMPurify payloads, ingested as
// text, Markdown and HTML documents and sent as questions that escalate,
// leave no executable markup in any answer, citation, notice or ticket the
// API returns.
func TestE2EMarkupNeverInResponses(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	shared := e2eShared(t)
	if shared == "" {
		t.Skip("../shared not found")
	}
	data, err := os.ReadFile(filepath.Join(shared, "security", "dompurify-xss", "expect.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct{ Payload string }
	if err := json.Unmarshal(data, &cases); err != nil || len(cases) != 223 {
		t.Fatalf("%d payloads (%v), want 223", len(cases), err)
	}
	dir := t.TempDir()
	// Each document has its own number (gadgets 0–222, widgets 300–522,
	// doohickeys 600–822): with one number shared by a payload's three
	// documents, each question had two siblings ranked level with the
	// right one, a near-miss the confidence model escalates.
	for i, c := range cases {
		w, d := i+300, i+600
		files := map[string]string{
			fmt.Sprintf("gadget%03d.txt", i):   fmt.Sprintf("The warranty code of gadget %03d is W%03d. %s\n", i, i, c.Payload),
			fmt.Sprintf("widget%03d.md", w):    fmt.Sprintf("# Widget %03d %s\n\nThe warranty code of widget %03d %s is V%03d.\n", w, c.Payload, w, c.Payload, w),
			fmt.Sprintf("doohick%03d.html", d): fmt.Sprintf("<html><body><main><h1>Doohickey %03d</h1><p>The warranty code of doohickey %03d %s is D%03d.</p></main></body></html>", d, d, c.Payload, d),
		}
		for name, body := range files {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	env := map[string]string{"ANSWERDESK_DATA": t.TempDir(), "ANSWERDESK_RATE_LIMIT": "off"}
	// A few payloads hold nothing but markup where a loader keeps them
	// apart from the text: those files fail as empty, the rest must load.
	var out, errb bytes.Buffer
	run(context.Background(), []string{"ingest", "--tenant", "acme", dir}, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errb)
	if n := strings.Count(errb.String()+out.String(), "FAILED"); n > 10 {
		t.Fatalf("%d payload files failed to load:\n%s%s", n, out.String(), errb.String())
	}
	key := createKey(t, env, "acme", "ask,admin")
	s := startServe(t, env)

	bad, answered, escalated := 0, 0, 0
	check := func(what string, r e2eReply) {
		t.Helper()
		if r.status != http.StatusOK {
			t.Fatalf("%s: %d %s", what, r.status, r.body)
		}
		if found := executable(t, r.body); len(found) > 0 {
			bad++
			t.Errorf("%s: executable markup in the response: %q", what, found[0])
		}
	}
	for i, c := range cases {
		for _, q := range []string{
			fmt.Sprintf("What is the warranty code of gadget %03d?", i),
			fmt.Sprintf("What is the warranty code of widget %03d?", i+300),
			fmt.Sprintf("What is the warranty code of doohickey %03d?", i+600),
			c.Payload + " I want to talk to a human agent",
		} {
			b, _ := json.Marshal(api.AnswerRequest{Question: q})
			r := s.do(t, http.MethodPost, "/v1/answer", key, bytes.NewReader(b))
			if r.status == http.StatusBadRequest {
				continue // a payload over the question limit
			}
			check(fmt.Sprintf("payload %d: %.60q", i, q), r)
			var a api.AnswerResponse
			json.Unmarshal(r.body, &a)
			if a.Decision == "answered" {
				answered++
			} else if a.TicketID != "" {
				escalated++
				check("ticket "+a.TicketID, s.do(t, http.MethodGet, "/v1/tickets/"+a.TicketID, key, nil))
			}
		}
	}
	check("ticket list", s.do(t, http.MethodGet, "/v1/tickets?limit=500", key, nil))
	check("document list", s.do(t, http.MethodGet, "/v1/documents?limit=1000", key, nil))
	t.Logf("responses with executable markup: %d (%d answers, %d escalations with their tickets)", bad, answered, escalated)
	if answered < 300 {
		t.Errorf("only %d of %d document questions answered: the test asked the wrong thing", answered, 3*len(cases))
	}
}
