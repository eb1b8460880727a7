package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/answerdesk/answerdesk/api"
)

// TestE2ECustomerEraseExport asks as two customers (and one of another
// tenant), exports one, erases them, and checks that state.db and its WAL
// hold no trace of their id or e-mail while the others' data stays.
func TestE2ECustomerEraseExport(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: skipped in -short mode")
	}
	env, s, k := serveTwoTenants(t)

	askAs := func(key, customer, email, q string) api.AnswerResponse {
		b, _ := json.Marshal(api.AnswerRequest{Question: q, Customer: map[string]string{"id": customer, "email": email}})
		r := s.do(t, http.MethodPost, "/v1/answer", key, bytes.NewReader(b))
		if r.status != http.StatusOK {
			t.Fatalf("answer: %d %s", r.status, r.body)
		}
		var a api.AnswerResponse
		json.Unmarshal(r.body, &a)
		return a
	}
	a1 := askAs(k.askAcme, "zq-cust-8841", "erin.zq@example.com", "How do I factory reset the Lumen hub?")
	askAs(k.askAcme, "zq-cust-8841", "erin.zq@example.com", "I want to talk to a human")
	askAs(k.askAcme, "zq-cust-1000", "other@example.com", "I want to talk to a human")
	askAs(k.askGlobex, "zq-cust-8841", "erin.zq@example.com", "zorblax vault")
	fb, _ := json.Marshal(api.FeedbackRequest{AnswerID: a1.ID, Rating: 5, Comment: "thanks"})
	s.do(t, http.MethodPost, "/v1/feedback", k.askAcme, bytes.NewReader(fb))

	export := func(key, id string) (int, api.CustomerExport) {
		r := s.do(t, http.MethodGet, "/v1/customers/"+id+"/export", key, nil)
		var x api.CustomerExport
		json.Unmarshal(r.body, &x)
		return r.status, x
	}
	if code, _ := export(k.askAcme, "zq-cust-8841"); code != http.StatusForbidden {
		t.Errorf("ask key export: %d", code)
	}
	code, x := export(k.adminAcme, "zq-cust-8841")
	if code != http.StatusOK || len(x.Answers) != 2 || len(x.Tickets) != 1 || len(x.Feedback) != 1 || len(x.Conversations) != 2 {
		t.Fatalf("export: %d %+v", code, x)
	}

	r := s.do(t, http.MethodDelete, "/v1/customers/zq-cust-8841", k.adminAcme, nil)
	var e api.Erasure
	if err := json.Unmarshal(r.body, &e); err != nil || r.status != http.StatusOK || e.Answers != 2 || e.Tickets != 1 || e.Feedback != 1 || e.Turns != 4 {
		t.Fatalf("erase: %d %s", r.status, r.body)
	}
	if _, x := export(k.adminAcme, "zq-cust-8841"); len(x.Answers)+len(x.Tickets)+len(x.Feedback)+len(x.Conversations) != 0 {
		t.Errorf("export after erasure: %+v", x)
	}
	if _, x := export(k.adminAcme, "zq-cust-1000"); len(x.Answers) != 1 || len(x.Tickets) != 1 {
		t.Errorf("another customer after erasure: %+v", x)
	}
	if _, x := export(k.adminGlobex, "zq-cust-8841"); len(x.Answers) != 1 {
		t.Errorf("the same id in another tenant after erasure: %+v", x)
	}
	// Globex keeps its customer of the same id; erase it too, then no trace
	// of the id may remain in the files.
	if r := s.do(t, http.MethodDelete, "/v1/customers/zq-cust-8841", k.adminGlobex, nil); r.status != http.StatusOK {
		t.Fatalf("erase globex: %d %s", r.status, r.body)
	}
	var files []byte
	for _, f := range []string{"state.db", "state.db-wal"} {
		b, err := os.ReadFile(filepath.Join(env["ANSWERDESK_DATA"], f))
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		files = append(files, b...)
	}
	for _, tr := range []string{"zq-cust-8841", "erin.zq@example.com"} {
		if bytes.Contains(files, []byte(tr)) {
			t.Errorf("%q still in state.db or its WAL", tr)
		}
	}
	if !bytes.Contains(files, []byte("zq-cust-1000")) {
		t.Error("the other customer's id is gone too: the check above proves nothing")
	}
	r = s.do(t, http.MethodGet, "/v1/audit?action=customer.erase", k.adminAcme, nil)
	if r.status != http.StatusOK || !strings.Contains(string(r.body), "sha256:") || strings.Contains(string(r.body), "8841") {
		t.Errorf("audit of the erasure: %d %s", r.status, r.body)
	}
}
