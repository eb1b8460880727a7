package main

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/answerdesk/answerdesk/api"
)

// TestE2EGaps escalates questions the knowledge base cannot answer for two
// tenants, then reads the gap report over the API and the CLI: each tenant
// sees only its own questions, and only an admin key sees them.
func TestE2EGaps(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: skipped in -short mode")
	}
	env, s, k := serveTwoTenants(t)

	acme := []string{
		"can I pay for the hub with bitcoin crypto",
		"do you accept bitcoin crypto payments",
		"bitcoin crypto wallet payment possible",
		"which submarine sonar depth rating",
		"submarine sonar depth for diving",
		"sonar depth of the submarine",
	}
	for _, q := range acme {
		if a := s.ask(t, k.askAcme, q); a.Decision != "escalated" {
			t.Fatalf("%q was %s (%s): the test needs unanswerable questions", q, a.Decision, a.Reason)
		}
	}
	for _, q := range []string{"globex bitcoin crypto secret", "globex bitcoin crypto secret code"} {
		s.ask(t, k.askGlobex, q)
	}

	get := func(key string) (int, api.GapReport) {
		r := s.do(t, http.MethodGet, "/v1/gaps?from=2020-01-01", key, nil)
		var g api.GapReport
		if r.status == http.StatusOK {
			if err := json.Unmarshal(r.body, &g); err != nil {
				t.Fatal(err)
			}
		}
		return r.status, g
	}
	if code, _ := get(k.askAcme); code != http.StatusForbidden {
		t.Errorf("ask key: %d, want 403", code)
	}
	code, g := get(k.adminAcme)
	if code != http.StatusOK || g.Questions != len(acme) || len(g.Gaps) != 2 || g.Vectors != "sparse" {
		t.Fatalf("acme gaps: %d %+v", code, g)
	}
	for _, gap := range g.Gaps {
		if gap.Size != 3 || gap.Languages["en"] != 3 || len(gap.Questions) != 3 || gap.Documents == nil {
			t.Errorf("gap %+v", gap)
		}
		for _, q := range gap.Questions {
			if strings.Contains(q, "globex") {
				t.Errorf("acme sees globex's question %q", q)
			}
		}
	}
	if _, g := get(k.adminGlobex); g.Questions != 2 || len(g.Gaps) != 1 || !strings.Contains(g.Gaps[0].Questions[0], "globex") {
		t.Errorf("globex gaps %+v", g)
	}
	if r := s.do(t, http.MethodGet, "/v1/gaps?from=yesterday", k.adminAcme, nil); r.status != http.StatusBadRequest || r.code() != api.CodeInvalidField {
		t.Errorf("bad from: %d %s", r.status, r.body)
	}
	if r := s.do(t, http.MethodGet, "/v1/gaps?from=2026-01-02&to=2026-01-01", k.adminAcme, nil); r.status != http.StatusBadRequest {
		t.Errorf("empty window: %d %s", r.status, r.body)
	}

	// The CLI reads the same log.
	var cli api.GapReport
	if err := json.Unmarshal([]byte(e2eCLI(t, env, "gaps", "--tenant", "acme", "--from", "2020-01-01", "--json")), &cli); err != nil {
		t.Fatal(err)
	}
	if cli.Questions != len(acme) || len(cli.Gaps) != 2 {
		t.Errorf("gaps --json: %+v", cli)
	}
	rows, err := csv.NewReader(strings.NewReader(e2eCLI(t, env, "gaps", "--tenant", "acme", "--from", "2020-01-01", "--csv"))).ReadAll()
	if err != nil || len(rows) != 3 || rows[0][0] != "size" || rows[1][0] != "3" {
		t.Errorf("gaps --csv: %v %v", rows, err)
	}
	text := e2eCLI(t, env, "gaps", "--tenant", "acme", "--from", "2020-01-01")
	if !strings.Contains(text, "6 unanswered questions") || !strings.Contains(text, "bitcoin") || !strings.Contains(text, "nearest:") {
		t.Errorf("gaps:\n%s", text)
	}
	if out, errs, code := runCLI(t, env, "gaps", "--json", "--csv"); code != 2 || !strings.Contains(errs, "not both") {
		t.Errorf("--json --csv: exit %d %s%s", code, out, errs)
	}
}
