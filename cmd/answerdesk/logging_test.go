package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/answerdesk/answerdesk/api"
)

// TestE2EJSONLogsCarryRequestID: with --log-format json (here its
// variable) every stderr line is a JSON object, and every line logged for
// a request — the access line, the engine's answer line and its debug
// line, the escalation's warning — carries the request's id.
func TestE2EJSONLogsCarryRequestID(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	env := kbEnv(t, map[string]string{"ANSWERDESK_LOG_FORMAT": "json", "ANSWERDESK_DEBUG": "1"})
	key := createKey(t, env, "acme", "ask")
	s := startServe(t, env)
	var ids []string
	for i, q := range []string{"How do I factory reset the hub?", "I want to talk to a human agent"} {
		rid := "req-log-" + string(rune('a'+i))
		b, _ := json.Marshal(api.AnswerRequest{Question: q})
		r := s.do(t, http.MethodPost, "/v1/answer", key, bytes.NewReader(b), api.HeaderRequestID, rid)
		if r.status != http.StatusOK {
			t.Fatalf("%q: %d %s", q, r.status, r.body)
		}
		var a api.AnswerResponse
		json.Unmarshal(r.body, &a)
		ids = append(ids, a.ID)
	}
	s.stop(t)

	byAnswer := map[string][]map[string]any{}
	accessLines := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(s.stderr.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Errorf("not a JSON log line: %q", line)
			continue
		}
		if id, ok := rec["answer"].(string); ok {
			byAnswer[id] = append(byAnswer[id], rec)
		}
		if rec["msg"] == "request" && rec["route"] == "/v1/answer" {
			accessLines[rec["request_id"].(string)]++
		}
	}
	for i, id := range ids {
		rid := "req-log-" + string(rune('a'+i))
		recs := byAnswer[id]
		msgs := map[string]bool{}
		for _, rec := range recs {
			msgs[rec["msg"].(string)] = true
			if rec["request_id"] != rid {
				t.Errorf("answer %s line %q: request_id %v, want %s", id, rec["msg"], rec["request_id"], rid)
			}
		}
		if !msgs["answer"] || !msgs["answer question"] {
			t.Errorf("answer %s: lines %v, want the answer line and its debug line", id, msgs)
		}
		if accessLines[rid] != 1 {
			t.Errorf("%s: %d access log lines, want 1", rid, accessLines[rid])
		}
	}
}

func TestLogFormatUsage(t *testing.T) {
	env := map[string]string{"ANSWERDESK_DATA": t.TempDir()}
	if _, errs, code := storeCLI(t, env, "--log-format", "xml", "docs", "list"); code != 2 || !strings.Contains(errs, "text or json") {
		t.Errorf("--log-format xml: exit %d, %q; want 2 naming the formats", code, errs)
	}
	env["ANSWERDESK_LOG_FORMAT"] = "yaml"
	if _, _, code := storeCLI(t, env, "docs", "list"); code != 2 {
		t.Errorf("ANSWERDESK_LOG_FORMAT=yaml: exit %d, want 2", code)
	}
}
