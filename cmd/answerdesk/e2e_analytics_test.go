package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/answerdesk/answerdesk/api"
)

// TestE2EAnalytics answers and escalates questions for two tenants, gives
// feedback, then reads the analytics over the API and the CLI: the figures
// add up, each tenant sees only its own, and only an admin key sees them.
func TestE2EAnalytics(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: skipped in -short mode")
	}
	env, s, k := serveTwoTenants(t)

	var answered []api.AnswerResponse
	for _, q := range []string{"How do I factory reset the Lumen hub?", "How do I factory reset my hub?", "do you accept bitcoin crypto payments", "I want to talk to a human"} {
		a := s.ask(t, k.askAcme, q)
		if a.Decision == "answered" {
			answered = append(answered, a)
		}
	}
	if len(answered) != 2 {
		t.Fatalf("%d answered, the test needs the two reset questions answered", len(answered))
	}
	s.ask(t, k.askGlobex, "zorblax vault access code")
	fb, _ := json.Marshal(api.FeedbackRequest{AnswerID: answered[0].ID, Thumbs: "down", Rating: 2})
	if r := s.do(t, http.MethodPost, "/v1/feedback", k.askAcme, bytes.NewReader(fb)); r.status != http.StatusCreated && r.status != http.StatusOK {
		t.Fatalf("feedback: %d %s", r.status, r.body)
	}

	get := func(key string) (int, api.AnalyticsReport) {
		r := s.do(t, http.MethodGet, "/v1/analytics?from=2020-01-01&bucket=week", key, nil)
		var a api.AnalyticsReport
		if r.status == http.StatusOK {
			if err := json.Unmarshal(r.body, &a); err != nil {
				t.Fatal(err)
			}
		}
		return r.status, a
	}
	if code, _ := get(k.askAcme); code != http.StatusForbidden {
		t.Errorf("ask key: %d, want 403", code)
	}
	code, a := get(k.adminAcme)
	if code != http.StatusOK || a.Volume != 4 || a.Answered != 2 || a.Escalated != 2 || a.EscalatedByReason["human_requested"] != 1 ||
		a.Deflected != 1 || a.Ratings != 1 || a.CSAT != 0 || a.ThumbsDown != 1 || a.ThumbsUpShare != 0 || a.LatencyMS.P99 <= 0 ||
		len(a.TopCited) == 0 || len(a.NeverCited) == 0 || len(a.Series) != 1 || a.Series[0].Volume != 4 || a.Bucket != "week" {
		t.Fatalf("acme analytics: %d %+v", code, a)
	}
	for _, d := range a.TopCited {
		if strings.Contains(d.ID, "canary") {
			t.Errorf("acme sees globex's document %q", d.ID)
		}
	}
	if _, g := get(k.adminGlobex); g.Volume != 1 || g.ThumbsDown != 0 {
		t.Errorf("globex analytics %+v", g)
	}
	if r := s.do(t, http.MethodGet, "/v1/analytics?bucket=month", k.adminAcme, nil); r.status != http.StatusBadRequest {
		t.Errorf("bucket=month: %d %s", r.status, r.body)
	}

	var cli api.AnalyticsReport
	if err := json.Unmarshal([]byte(e2eCLI(t, env, "report", "--tenant", "acme", "--from", "2020-01-01", "--json")), &cli); err != nil {
		t.Fatal(err)
	}
	if cli.Volume != 4 || cli.Deflected != 1 {
		t.Errorf("report --json: %+v", cli)
	}
	text := e2eCLI(t, env, "report", "--tenant", "acme", "--from", "2020-01-01")
	if !strings.Contains(text, "questions:   4 (answered 2, escalated 2)") || !strings.Contains(text, "deflection:  25.0%") {
		t.Errorf("report:\n%s", text)
	}
}
