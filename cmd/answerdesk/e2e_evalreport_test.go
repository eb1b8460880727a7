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
	"github.com/answerdesk/answerdesk/eval"
)

// publishEvalReport runs `eval run --publish` on the bundled kbsuite with
// env's data dir and returns the report it published.
func publishEvalReport(t *testing.T, env map[string]string) *eval.Report {
	t.Helper()
	out := e2eCLI(t, env, "eval", "run", "--quiet", "--publish", kbSuite)
	path := filepath.Join(env["ANSWERDESK_DATA"], eval.PublishedReport)
	if !strings.Contains(out, "published "+path) {
		t.Errorf("eval run --publish does not say where it published:\n%s", out)
	}
	rep, err := eval.ReadReport(path)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestE2EEvalReportPublished: GET /v1/eval/report says how to publish a
// report while there is none, serves the report `eval run --publish` wrote
// into the data dir to admin keys only, and refuses a file that is not a
// report with a generic 500.
func TestE2EEvalReportPublished(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	env := kbEnv(t, nil)
	srv := startServe(t, env)
	admin := createKey(t, env, "acme", "admin")
	ask := createKey(t, env, "acme", "ask")

	r := srv.do(t, http.MethodGet, "/v1/eval/report", admin, nil)
	if r.status != http.StatusNotFound || r.code() != api.CodeNoEvalReport || !strings.Contains(string(r.body), "eval run --publish") {
		t.Fatalf("before publishing: %d %s", r.status, r.body)
	}

	rep := publishEvalReport(t, env)
	if r := srv.do(t, http.MethodGet, "/v1/eval/report", ask, nil); r.status != http.StatusForbidden {
		t.Errorf("an ask key read the eval report: %d", r.status)
	}
	r = srv.do(t, http.MethodGet, "/v1/eval/report", admin, nil)
	if r.status != http.StatusOK {
		t.Fatalf("after publishing: %d %s", r.status, r.body)
	}
	var got struct {
		Published string      `json:"published"`
		Report    eval.Report `json:"report"`
	}
	if err := json.Unmarshal(r.body, &got); err != nil {
		t.Fatal(err)
	}
	if got.Published == "" || len(got.Report.Suites) != 1 || got.Report.Suites[0].Name != "kbsuite" ||
		got.Report.Suites[0].Queries != rep.Suites[0].Queries || got.Report.Suites[0].Retrieval.NDCG10 != rep.Suites[0].Retrieval.NDCG10 {
		t.Errorf("served report %+v, published %+v", got.Report.Suites, rep.Suites)
	}

	// A file that is not a report: 500 with a generic message.
	if err := os.WriteFile(filepath.Join(env["ANSWERDESK_DATA"], eval.PublishedReport), []byte(`{"suites": []}`), 0o600); err != nil {
		t.Fatal(err)
	}
	r = srv.do(t, http.MethodGet, "/v1/eval/report", admin, nil)
	if r.status != http.StatusInternalServerError || bytes.Contains(r.body, []byte("suites")) {
		t.Errorf("an empty report: %d %s", r.status, r.body)
	}
}
