package main

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/answerdesk/answerdesk/api"
)

// TestFeedbackCommand reads a real state.db's feedback back with
// `feedback list`: newest first, filtered by thumbs and answer, one
// tenant's only, paged, with the agent's correction.
func TestFeedbackCommand(t *testing.T) {
	data := t.TempDir()
	env := map[string]string{"ANSWERDESK_DATA": data}
	s := seedState(t, data)

	list := func(args ...string) api.FeedbackList {
		t.Helper()
		out, errs, code := runCLI(t, env, append([]string{"feedback", "list", "--json"}, args...)...)
		var l api.FeedbackList
		if err := json.Unmarshal([]byte(out), &l); err != nil || code != 0 {
			t.Fatalf("feedback list %v: exit %d %v\n%s%s", args, code, err, out, errs)
		}
		return l
	}
	all := list("--tenant", "acme")
	if len(all.Feedback) != 2 || all.Feedback[0].AnswerID != "ans_cli_other" || all.Feedback[1].AnswerID != s.answerID ||
		all.Feedback[1].Correction != "Hold the reset button for ten seconds." || all.Feedback[1].Thumbs != "up" || all.Next != 0 {
		t.Errorf("acme's feedback = %+v, want the thumbs-down first, then the corrected one", all)
	}
	if down := list("--tenant", "acme", "--thumbs", "down"); len(down.Feedback) != 1 || down.Feedback[0].Comment != "wrong" {
		t.Errorf("thumbs down = %+v", down)
	}
	if one := list("--tenant", "acme", "--answer", s.answerID); len(one.Feedback) != 1 || one.Feedback[0].AnswerID != s.answerID {
		t.Errorf("--answer %s = %+v", s.answerID, one)
	}
	if g := list("--tenant", "globex"); len(g.Feedback) != 1 || g.Feedback[0].Comment != "globex's" {
		t.Errorf("globex's feedback = %+v", g)
	}
	if none := list("--tenant", "acme", "--from", "2200-01-01"); len(none.Feedback) != 0 {
		t.Errorf("feedback from 2200 = %+v", none)
	}
	page := list("--tenant", "acme", "--limit", "1")
	if len(page.Feedback) != 1 || page.Next != page.Feedback[0].ID {
		t.Fatalf("first page = %+v", page)
	}
	if next := list("--tenant", "acme", "--limit", "1", "--before", strconv.FormatInt(page.Next, 10)); len(next.Feedback) != 1 || next.Feedback[0].AnswerID != s.answerID {
		t.Errorf("second page = %+v", next)
	}

	out, _, code := runCLI(t, env, "feedback", "list", "--tenant", "acme")
	if code != 0 || !strings.Contains(out, "CORRECTION") || !strings.Contains(out, "Hold the reset button") || !strings.Contains(out, "ans_cli_other") {
		t.Errorf("feedback list as text: exit %d\n%s", code, out)
	}

	checkCLI(t, env, []cliCase{
		{"no subcommand", []string{"feedback"}, 2, "feedback: give list"},
		{"help", []string{"feedback", "--help"}, 0, "usage: answerdesk feedback"},
		{"list help", []string{"feedback", "list", "--help"}, 0, "-thumbs"},
		{"bad thumbs", []string{"feedback", "list", "--thumbs", "sideways"}, 2, `thumbs must be "up" or "down"`},
		{"bad from", []string{"feedback", "list", "--from", "yesterday"}, 2, "neither an RFC 3339 time nor a date"},
		{"bad answer id", []string{"feedback", "list", "--answer", "no such/id"}, 2, "not an answer id"},
		{"bad limit", []string{"feedback", "list", "--limit", "0"}, 2, "--limit must be 1 to 10000"},
		{"bad before", []string{"feedback", "list", "--before", "-3"}, 2, "--before must be a feedback id"},
		{"argument", []string{"feedback", "list", "x"}, 2, `unexpected argument "x"`},
	})
}
