package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/answerdesk/answerdesk/ingest/redact"
	"github.com/answerdesk/answerdesk/ingest/ticket"
)

// ticketResolutions are agent replies for the tickets built from the
// presidio sentences: true to what such tickets get, and free of personal
// data, so that anything personal in an answer came from a problem.
var ticketResolutions = []string{
	"We updated the contact details on your account; the change shows under Settings > Account within a few minutes.",
	"Your address change is saved. Deliveries already on the way keep the old address; new orders use the new one.",
	"We have verified your identity and unlocked the account. Sign in again from the Lumen app to continue.",
	"The duplicate charge was refunded to your card. Refunds reach the card within five business days.",
	"We removed the old phone number from your account. Two-factor codes now go to the number you confirmed in the app.",
}

var citationMarker = regexp.MustCompile(`\s*\[\d+\]`)

// TestE2ETicketsAsKnowledge: past tickets (the bundled ones, and the
// presidio-research sentences, full of personal data, as customers'
// problems) are ingested next to the docs; 300 questions through POST
// /v1/answer, many of them a ticket's problem word for word. No answer nor
// quote holds a redaction placeholder or a sentence of a customer's
// problem.
func TestE2ETicketsAsKnowledge(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	path := e2eRepo("..", "shared", "security", "presidio-pii", "data", "synth_dataset_v2.json")
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) && os.Getenv("ANSWERDESK_REQUIRE_SHARED") != "1" {
		t.Skip("../shared/security/presidio-pii not found (ANSWERDESK_REQUIRE_SHARED=1 makes this a failure)")
	}
	if err != nil {
		t.Fatal(err)
	}
	var samples []struct {
		FullText string `json:"full_text"`
	}
	if err := json.Unmarshal(raw, &samples); err != nil {
		t.Fatal(err)
	}
	env := kbEnv(t, nil)
	key := createKey(t, env, "acme", "ask")

	// Every customer message of every ticket, raw and as indexed, to find
	// a problem sentence in an answer.
	var problems []string
	bundled := e2eRepo("testdata", "kb", "tickets.jsonl")
	f, err := os.Open(bundled)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	var questions []string
	for sc.Scan() {
		var tk ticket.Ticket
		if err := json.Unmarshal(sc.Bytes(), &tk); err != nil {
			t.Fatal(err)
		}
		for _, m := range tk.Messages {
			if m.Role == "customer" {
				problems = append(problems, m.Body, redact.Text(m.Body))
				questions = append(questions, m.Body)
			}
		}
	}
	f.Close()
	// The bundled suite's questions, then presidio tickets' problems up to 300.
	for _, q := range kbQueries(t) {
		questions = append(questions, q.Text)
	}
	nPresidio := 300 - len(questions)
	var b strings.Builder
	for i, s := range samples[:nPresidio] {
		tk := ticket.Ticket{ID: fmt.Sprintf("P-%d", i), Subject: "Question about my account", Status: "solved", Lang: "en",
			Messages: []ticket.Message{{Role: "customer", Body: s.FullText}, {Role: "agent", Body: ticketResolutions[i%len(ticketResolutions)]}}}
		line, _ := json.Marshal(tk)
		b.Write(line)
		b.WriteByte('\n')
		problems = append(problems, s.FullText, redact.Text(s.FullText))
		questions = append(questions, s.FullText)
	}
	presidio := filepath.Join(t.TempDir(), "presidio.tickets.jsonl")
	if err := os.WriteFile(presidio, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	e2eCLI(t, env, "ingest", "--tenant", "acme", "--kind", "ticket", bundled)
	e2eCLI(t, env, "ingest", "--tenant", "acme", "--kind", "ticket", presidio)
	if len(questions) != 300 {
		t.Fatalf("%d questions, want 300", len(questions))
	}

	s := startServe(t, env)
	answered, fromTickets, placeholders, problemSentences := 0, 0, 0, 0
	for _, q := range questions {
		a := s.ask(t, key, q)
		if a.Decision != "answered" {
			continue
		}
		answered++
		if testing.Verbose() && len(a.Citations) > 0 {
			t.Logf("%.50q -> %s", q, a.Citations[0].DocumentID)
		}
		texts := []string{a.Answer}
		for _, c := range a.Citations {
			texts = append(texts, c.Quote)
			if strings.Contains(c.DocumentID, "#P-") || strings.Contains(c.DocumentID, "#T-") {
				fromTickets++
			}
		}
		for _, text := range texts {
			if redact.Masked(text) {
				placeholders++
				t.Errorf("placeholder in an answer to %.60q: %q", q, text)
			}
			for _, sent := range strings.Split(citationMarker.ReplaceAllString(text, ""), ". ") {
				sent = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(sent), "."))
				if len(sent) < 20 {
					continue
				}
				for _, p := range problems {
					if strings.Contains(p, sent) {
						problemSentences++
						t.Errorf("a customer's problem in an answer to %.60q: %q", q, sent)
						break
					}
				}
			}
		}
	}
	t.Logf("%d questions (%d presidio tickets' problems): %d answered (%d citations of tickets), %d placeholders, %d problem sentences",
		len(questions), nPresidio, answered, fromTickets, placeholders, problemSentences)
	if fromTickets == 0 {
		t.Errorf("no answer cited a ticket: the test shows nothing")
	}
}
