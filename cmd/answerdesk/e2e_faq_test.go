package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/answerdesk/answerdesk/api"
)

// TestE2EFAQCandidates closes the feedback loop through the API: an agent's
// correction and a ticket solved with a resolution become FAQ candidates
// of their tenant; approving one ingests it as an FAQ entry (again:
// unchanged), rejecting is final, both are audited; feedback reads back
// with filters; tenant globex sees and touches none of acme's.
func TestE2EFAQCandidates(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: skipped in -short mode")
	}
	env := kbEnv(t, nil)
	acme := createKey(t, env, "acme", "admin,ingest,ask")
	globex := createKey(t, env, "globex", "admin,ingest,ask")
	askOnly := createKey(t, env, "acme", "ask")
	s := startServe(t, env)

	post := func(key, path string, v any) e2eReply {
		t.Helper()
		var body *bytes.Reader
		if v != nil {
			b, _ := json.Marshal(v)
			body = bytes.NewReader(b)
			return s.do(t, http.MethodPost, path, key, body)
		}
		return s.do(t, http.MethodPost, path, key, nil)
	}
	// get decodes into v, which must be the zero value: decoding into a
	// filled value would keep its old fields.
	get := func(key, path string, v any) int {
		t.Helper()
		r := s.do(t, http.MethodGet, path, key, nil)
		if r.status == http.StatusOK {
			if err := json.Unmarshal(r.body, v); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
		}
		return r.status
	}

	question := "How long does delivery to the Zorgon colony take?"
	a := s.ask(t, askOnly, question)
	correction := "Delivery to the Zorgon colony takes 12 weeks by the Zorgon courier."
	if r := post(askOnly, "/v1/feedback", api.FeedbackRequest{AnswerID: a.ID, Thumbs: "down", Correction: correction}); r.status != http.StatusCreated {
		t.Fatalf("feedback with correction: %d %s", r.status, r.body)
	}
	for _, bad := range []api.FeedbackRequest{
		{AnswerID: a.ID, Correction: "   "},
		{AnswerID: a.ID, Correction: strings.Repeat("x", 8001)},
	} {
		if r := post(askOnly, "/v1/feedback", bad); r.status != http.StatusBadRequest {
			t.Errorf("correction of %d characters: %d %s, want 400", len(bad.Correction), r.status, r.body)
		}
	}
	if r := post(askOnly, "/v1/feedback", api.FeedbackRequest{AnswerID: a.ID, Thumbs: "up"}); r.status != http.StatusCreated {
		t.Fatalf("thumbs up: %d %s", r.status, r.body)
	}

	// Feedback reads back, filtered, for admins of the tenant only.
	feedback := func(key, query string) (int, api.FeedbackList) {
		var fl api.FeedbackList
		return get(key, "/v1/feedback"+query, &fl), fl
	}
	if code, fl := feedback(acme, "?thumbs=down&answer_id="+a.ID); code != http.StatusOK || len(fl.Feedback) != 1 || fl.Feedback[0].Correction != correction {
		t.Errorf("feedback thumbs=down: %d %+v", code, fl)
	}
	if code, fl := feedback(acme, ""); code != http.StatusOK || len(fl.Feedback) != 2 || fl.Feedback[0].Thumbs != "up" || fl.Feedback[0].Correction != "" {
		t.Errorf("all feedback: %d %+v", code, fl)
	}
	if code, fl := feedback(acme, "?from=2200-01-01"); code != http.StatusOK || len(fl.Feedback) != 0 {
		t.Errorf("feedback from 2200: %d %+v", code, fl)
	}
	if code, fl := feedback(acme, "?to=2000-01-01"); code != http.StatusOK || len(fl.Feedback) != 0 {
		t.Errorf("feedback before 2000: %d %+v", code, fl)
	}
	if code, fl := feedback(globex, ""); code != http.StatusOK || len(fl.Feedback) != 0 {
		t.Errorf("globex sees acme's feedback: %d %+v", code, fl)
	}
	if code, _ := feedback(askOnly, ""); code != http.StatusForbidden {
		t.Errorf("ask key reads feedback: %d", code)
	}
	for _, q := range []string{"thumbs=sideways", "from=yesterday", "from=2999-01-01", "to=1066-10-14"} {
		if r := s.do(t, http.MethodGet, "/v1/feedback?"+q, acme, nil); r.status != http.StatusBadRequest {
			t.Errorf("%s: %d %s, want 400", q, r.status, r.body)
		}
	}

	// A ticket solved with the agent's resolution is a candidate too.
	esc := s.ask(t, askOnly, "I want to talk to a human")
	if esc.TicketID == "" {
		t.Fatalf("no ticket: %+v", esc)
	}
	resolution := "I have re-sent your activation e-mail; it arrives within five minutes."
	patch, _ := json.Marshal(api.TicketPatch{Status: "solved", Resolution: resolution})
	if r := s.do(t, http.MethodPatch, "/v1/tickets/"+esc.TicketID, acme, bytes.NewReader(patch)); r.status != http.StatusOK {
		t.Fatalf("solve ticket: %d %s", r.status, r.body)
	}
	if r := s.do(t, http.MethodPatch, "/v1/tickets/"+esc.TicketID, acme, bytes.NewReader(patch)); r.status != http.StatusConflict {
		t.Errorf("resolution on a solved ticket: %d %s, want 409", r.status, r.body)
	}

	var cl api.FAQCandidateList
	if code := get(acme, "/v1/faq-candidates?status=pending", &cl); code != http.StatusOK || len(cl.Candidates) != 2 {
		t.Fatalf("pending candidates: %d %+v", code, cl)
	}
	byID := map[string]api.FAQCandidate{}
	for _, c := range cl.Candidates {
		byID[c.Source] = c
	}
	corr, tkt := byID["correction"], byID["ticket"]
	if corr.Question != question || corr.Answer != correction || tkt.SourceID != esc.TicketID || tkt.Answer != resolution {
		t.Errorf("candidates: %+v", cl.Candidates)
	}
	var gl api.FAQCandidateList
	if code := get(globex, "/v1/faq-candidates", &gl); code != http.StatusOK || len(gl.Candidates) != 0 {
		t.Errorf("globex sees acme's candidates: %d %+v", code, gl)
	}
	if r := post(globex, fmt.Sprintf("/v1/faq-candidates/%d/approve", corr.ID), nil); r.status != http.StatusNotFound {
		t.Errorf("globex approves acme's candidate: %d %s", r.status, r.body)
	}
	if r := post(askOnly, fmt.Sprintf("/v1/faq-candidates/%d/approve", corr.ID), nil); r.status != http.StatusForbidden {
		t.Errorf("ask key approves: %d", r.status)
	}

	// Approve: ingested as an FAQ entry; approving again is unchanged.
	var d api.FAQDecision
	for i, want := range []string{"added", "unchanged"} {
		r := post(acme, fmt.Sprintf("/v1/faq-candidates/%d/approve", corr.ID), nil)
		if r.status != http.StatusOK {
			t.Fatalf("approve %d: %d %s", i, r.status, r.body)
		}
		d = api.FAQDecision{}
		json.Unmarshal(r.body, &d)
		if d.Ingest != want || d.Candidate.Status != "approved" || d.Candidate.DocumentID == "" {
			t.Errorf("approve %d: %+v, want ingest %s", i, d, want)
		}
	}
	var docs, gdocs api.DocumentList
	if get(acme, "/v1/documents?kind=faq&limit=500", &docs); !hasDoc(docs, d.Candidate.DocumentID) {
		t.Errorf("approved entry %q not among acme's documents", d.Candidate.DocumentID)
	}
	if get(globex, "/v1/documents?limit=500", &gdocs); hasDoc(gdocs, d.Candidate.DocumentID) {
		t.Errorf("approved entry is globex's too")
	}
	if again := s.ask(t, askOnly, question); !strings.Contains(again.Answer, "12 weeks") {
		t.Errorf("after approval %q is answered %q (%s)", question, again.Answer, again.Decision)
	}

	// Reject is final: the rejected candidate cannot be approved.
	if r := post(acme, fmt.Sprintf("/v1/faq-candidates/%d/reject", tkt.ID), nil); r.status != http.StatusOK {
		t.Fatalf("reject: %d %s", r.status, r.body)
	}
	if r := post(acme, fmt.Sprintf("/v1/faq-candidates/%d/approve", tkt.ID), nil); r.status != http.StatusConflict {
		t.Errorf("approve a rejected candidate: %d %s, want 409", r.status, r.body)
	}
	if r := post(acme, fmt.Sprintf("/v1/faq-candidates/%d/reject", corr.ID), nil); r.status != http.StatusConflict {
		t.Errorf("reject an approved candidate: %d %s, want 409", r.status, r.body)
	}
	var rl api.FAQCandidateList
	if get(acme, "/v1/faq-candidates?status=rejected", &rl); len(rl.Candidates) != 1 || rl.Candidates[0].ID != tkt.ID {
		t.Errorf("rejected: %+v", rl)
	}
	// The CLI sees and decides the same candidates.
	if out := e2eCLI(t, env, "faq", "list", "--tenant", "acme", "--status", "approved"); !strings.HasPrefix(out, fmt.Sprintf("%d\tapproved\tcorrection:", corr.ID)) || strings.Count(out, "\n") != 1 {
		t.Errorf("faq list --status approved:\n%s", out)
	}
	if out := e2eCLI(t, env, "faq", "list", "--tenant", "globex"); out != "" {
		t.Errorf("globex's faq list:\n%s", out)
	}
	if out := e2eCLI(t, env, "faq", "approve", "--tenant", "acme", fmt.Sprint(corr.ID)); !strings.Contains(out, "approved (unchanged "+d.Candidate.DocumentID+")") {
		t.Errorf("faq approve again from the CLI: %q", out)
	}
	var errb bytes.Buffer
	if err := run(context.Background(), []string{"faq", "reject", "--tenant", "globex", fmt.Sprint(corr.ID)}, func(k string) string { return env[k] },
		strings.NewReader(""), &bytes.Buffer{}, &errb); err == nil {
		t.Errorf("globex rejects acme's candidate from the CLI")
	}

	var al, rj api.AuditList
	get(acme, "/v1/audit?action=faq.approve", &al)
	if len(al.Entries) != 3 || al.Entries[0].Actor != "cli" {
		t.Errorf("faq.approve audit entries: %+v", al)
	}
	get(acme, "/v1/audit?action=faq.reject", &rj)
	if len(rj.Entries) != 1 || rj.Entries[0].Target != fmt.Sprint(tkt.ID) {
		t.Errorf("faq.reject audit entries: %+v", rj)
	}
}

func hasDoc(l api.DocumentList, id string) bool {
	for _, d := range l.Documents {
		if d.ID == id {
			return true
		}
	}
	return false
}
