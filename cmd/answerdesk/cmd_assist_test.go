package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/answerdesk/answerdesk/api"
)

// TestAssistCommand helps an agent with a real state.db's open ticket:
// `assist similar` ranks the tenant's solved tickets (the hub reset
// first), `assist suggest` drafts a cited reply from the ingested
// knowledge base through the answer engine and writes nothing, and
// another tenant does not see the ticket.
func TestAssistCommand(t *testing.T) {
	data := t.TempDir()
	env := map[string]string{"ANSWERDESK_DATA": data}
	e2eCLI(t, env, "ingest", "--tenant", "acme", e2eRepo("testdata", "kb", "docs"))
	s := seedState(t, data)

	out, errs, code := runCLI(t, env, "assist", "similar", "--json", "--tenant", "acme", s.openID)
	var sim api.SimilarTickets
	if err := json.Unmarshal([]byte(out), &sim); err != nil || code != 0 {
		t.Fatalf("assist similar: exit %d %v\n%s%s", code, err, out, errs)
	}
	if sim.TicketID != s.openID || len(sim.Similar) == 0 || sim.Similar[0].ID != s.resetID ||
		!strings.Contains(sim.Similar[0].Resolution, "ten seconds") || sim.Similar[0].Score <= 0 || sim.Similar[0].Score > 1 {
		t.Errorf("similar to %s = %+v, want %s first with its reply", s.openID, sim, s.resetID)
	}
	for _, m := range sim.Similar {
		if m.ID == s.openID {
			t.Errorf("the ticket is listed as similar to itself: %+v", sim.Similar)
		}
	}

	snapshot := func() string {
		t.Helper()
		tickets, _, _ := runCLI(t, env, "tickets", "list", "--tenant", "acme", "--json")
		fb, _, _ := runCLI(t, env, "feedback", "list", "--tenant", "acme", "--json")
		return tickets + fb
	}
	before := snapshot()
	out, errs, code = runCLI(t, env, "assist", "suggest", "--json", "--tenant", "acme", s.openID)
	var sug api.Suggestion
	if err := json.Unmarshal([]byte(out), &sug); err != nil || code != 0 {
		t.Fatalf("assist suggest: exit %d %v\n%s%s", code, err, out, errs)
	}
	if !sug.Suggested || sug.Reply == "" || len(sug.Citations) == 0 || sug.Lang != "en" || sug.Confidence < sug.Threshold ||
		len(sug.Similar) == 0 || sug.Similar[0].ID != s.resetID {
		t.Errorf("suggestion for %s = %+v, want a cited English reply beside the similar tickets", s.openID, sug)
	}
	if after := snapshot(); after != before {
		t.Errorf("assist suggest wrote to the state:\nbefore %s\nafter %s", before, after)
	}
	out, _, code = runCLI(t, env, "assist", "suggest", "--tenant", "acme", s.openID)
	if code != 0 || !strings.Contains(out, "suggested reply (en") || !strings.Contains(out, "[1] ") || !strings.Contains(out, "similar solved tickets:") {
		t.Errorf("assist suggest as text: exit %d\n%s", code, out)
	}

	checkCLI(t, env, []cliCase{
		{"another tenant's ticket", []string{"assist", "similar", "--tenant", "globex", s.openID}, 1, "not found"},
		{"no such ticket", []string{"assist", "suggest", "--tenant", "acme", "tkt_nosuch"}, 1, "not found"},
		{"not a ticket id", []string{"assist", "suggest", "--tenant", "acme", "../x"}, 1, "no such ticket"},
		{"no subcommand", []string{"assist"}, 2, "assist: give suggest or similar"},
		{"unknown subcommand", []string{"assist", "reply", "x"}, 2, `unknown subcommand "reply"`},
		{"help", []string{"assist", "--help"}, 0, "usage: answerdesk assist"},
		{"suggest help", []string{"assist", "suggest", "--help"}, 0, "-tenant"},
		{"no ticket", []string{"assist", "suggest"}, 2, "give exactly one ticket ID"},
		{"two tickets", []string{"assist", "similar", "a", "b"}, 2, "give exactly one ticket ID"},
	})
}
