package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/answer/state"
	"github.com/answerdesk/answerdesk/api"
)

// seededState is what seedState wrote into a data dir's state.db.
type seededState struct {
	answerID string // acme's customer's answer, with feedback and a correction
	openID   string // acme's open ticket asking how to reset the hub
	resetID  string // acme's solved ticket about resetting the hub
}

// seedState writes, through the state stores, into the data dir's real
// state.db: for tenant acme, customer zq-cli-77 (e-mail zq77@example.com)
// with an answer, its conversation, feedback with a correction, and a
// ticket solved by an agent (so two FAQ candidates), another customer's
// answer with thumbs down, and an open ticket; for tenant globex, one
// customer's answer. The commands under test open the file afterwards.
func seedState(t *testing.T, data string) seededState {
	t.Helper()
	ctx := context.Background()
	db, err := state.Open(ctx, filepath.Join(data, state.File), state.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	convs := state.NewConversationStore(db)
	fb := state.NewFeedbackStore(db, convs)
	tickets := state.NewTicketStore(db, nil, state.NewNotifier())
	faq := state.NewFAQStore(db)
	at := time.Now().UTC().Add(-time.Hour)

	logAnswer := func(tenant, id, customer, conv, q string) {
		t.Helper()
		a := answer.Answer{ID: id, ConversationID: conv, Question: q, Decision: answer.Answered, Lang: "en", CustomerID: customer, Created: at}
		if err := convs.LogAnswer(ctx, tenant, a); err != nil {
			t.Fatal(err)
		}
		if err := convs.Append(ctx, tenant, conv, answer.Message{Role: answer.RoleCustomer, Text: q, At: at},
			answer.Message{Role: answer.RoleAssistant, Text: "Hold the reset button.", At: at}); err != nil {
			t.Fatal(err)
		}
	}
	feedback := func(f state.Feedback) {
		t.Helper()
		if _, err := fb.AddFeedback(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	ticket := func(tk answer.Ticket, solved bool) string {
		t.Helper()
		tk, err := tickets.CreateTicket(ctx, tk)
		if err != nil {
			t.Fatal(err)
		}
		if solved {
			if tk, err = tickets.SetTicketStatus(ctx, tk.Tenant, tk.ID, state.StatusSolved); err != nil {
				t.Fatal(err)
			}
			if ok, err := faq.AddTicketCandidate(ctx, tk); err != nil || !ok {
				t.Fatalf("ticket candidate of %s: %v %v", tk.ID, ok, err)
			}
		}
		return tk.ID
	}
	var s seededState
	s.answerID = "ans_cli_cust77"
	logAnswer("acme", s.answerID, "zq-cli-77", "conv-cli-77", "how do I reset my hub, zq-cli-77 here")
	feedback(state.Feedback{Tenant: "acme", AnswerID: s.answerID, Thumbs: 1, Rating: 4, Comment: "ok", Correction: "Hold the reset button for ten seconds."})
	s.resetID = ticket(answer.Ticket{Tenant: "acme", Subject: "hub reset for zq-cli-77", Lang: "en", ConversationID: "conv-cli-77",
		Customer: map[string]string{"id": "zq-cli-77", "email": "zq77@example.com"}, Reason: answer.ReasonHumanRequested,
		Transcript: []answer.Message{
			{Role: answer.RoleCustomer, Text: "How do I factory reset my hub?", At: at},
			{Role: answer.RoleAgent, Text: "Hold the reset button for ten seconds until the light blinks white.", At: at},
		}}, true)
	ticket(answer.Ticket{Tenant: "acme", Subject: "price of Lumen Pro", Lang: "en", Reason: answer.ReasonHumanRequested,
		Transcript: []answer.Message{
			{Role: answer.RoleCustomer, Text: "What does Lumen Pro cost per month?", At: at},
			{Role: answer.RoleAgent, Text: "Lumen Pro is billed monthly; see the billing page.", At: at},
		}}, true)
	logAnswer("acme", "ans_cli_other", "zq-cli-other", "conv-cli-other", "is the hub waterproof")
	feedback(state.Feedback{Tenant: "acme", AnswerID: "ans_cli_other", Thumbs: -1, Comment: "wrong"})
	s.openID = ticket(answer.Ticket{Tenant: "acme", Subject: "", Lang: "en", Reason: answer.ReasonHumanRequested,
		Transcript: []answer.Message{{Role: answer.RoleCustomer, Text: "How do I factory reset my hub?", At: at}}}, false)
	logAnswer("globex", "ans_cli_globex", "zq-cli-globex", "conv-cli-globex", "zorblax vault")
	feedback(state.Feedback{Tenant: "globex", AnswerID: "ans_cli_globex", Thumbs: -1, Comment: "globex's"})
	return s
}

// stateFiles returns state.db and its WAL, concatenated.
func stateFiles(t *testing.T, data string) []byte {
	t.Helper()
	var all []byte
	for _, f := range []string{state.File, state.File + "-wal"} {
		b, err := os.ReadFile(filepath.Join(data, f))
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	return all
}

// TestCustomersCommand exports a customer of a real state.db with
// `customers export` (their answer, conversation, feedback with the
// correction, ticket and the two FAQ candidates made from them), erases
// them with `customers erase`, and finds no trace of their id or e-mail
// in state.db or its WAL, while another customer's data stays; both are
// in the audit log under a hash of the id.
func TestCustomersCommand(t *testing.T) {
	data := t.TempDir()
	env := map[string]string{"ANSWERDESK_DATA": data}
	seedState(t, data)

	out, errs, code := runCLI(t, env, "customers", "export", "--tenant", "acme", "zq-cli-77")
	if code != 0 {
		t.Fatalf("export: exit %d\n%s%s", code, out, errs)
	}
	var x api.CustomerExport
	if err := json.Unmarshal([]byte(out), &x); err != nil {
		t.Fatalf("export is not JSON: %v\n%s", err, out)
	}
	if x.CustomerID != "zq-cli-77" || len(x.Answers) != 1 || len(x.Conversations["conv-cli-77"]) != 2 || len(x.Feedback) != 1 ||
		x.Feedback[0].Correction == "" || len(x.Tickets) != 1 || x.Tickets[0].Customer["email"] != "zq77@example.com" {
		t.Errorf("export = %+v", x)
	}
	if len(x.FAQCandidates) != 2 || x.FAQCandidates[0].Source != state.SourceCorrection || x.FAQCandidates[1].Source != state.SourceTicket {
		t.Errorf("export's FAQ candidates = %+v, want the correction's and the solved ticket's", x.FAQCandidates)
	}
	// Another tenant has no such customer.
	out, _, code = runCLI(t, env, "customers", "export", "--tenant", "globex", "zq-cli-77")
	if code != 0 || !strings.Contains(out, `"answers": []`) || !strings.Contains(out, `"faq_candidates": []`) {
		t.Errorf("globex's export of acme's customer: exit %d\n%s", code, out)
	}

	before := stateFiles(t, data)
	for _, tr := range []string{"zq-cli-77", "zq77@example.com", "zq-cli-other"} {
		if !bytes.Contains(before, []byte(tr)) {
			t.Fatalf("%q not in state.db before the erasure: the checks below would prove nothing", tr)
		}
	}
	out, errs, code = runCLI(t, env, "customers", "erase", "zq-cli-77", "--tenant", "acme")
	if code != 0 || !strings.Contains(out, "1 answers, 2 conversation turns, 1 feedback, 2 FAQ candidates deleted; 1 tickets anonymized") {
		t.Fatalf("erase: exit %d\n%s%s", code, out, errs)
	}
	after := stateFiles(t, data)
	for _, tr := range []string{"zq-cli-77", "zq77@example.com"} {
		if i := bytes.Index(after, []byte(tr)); i >= 0 {
			t.Errorf("%q still in state.db or its WAL at byte %d after the erasure", tr, i)
		}
	}
	if !bytes.Contains(after, []byte("zq-cli-other")) {
		t.Error("the other customer's data is gone too")
	}
	// Erasing again erases nothing, and says so in JSON too.
	out, _, code = runCLI(t, env, "customers", "erase", "--json", "--tenant", "acme", "zq-cli-77")
	var e api.Erasure
	if err := json.Unmarshal([]byte(out), &e); err != nil || code != 0 || e != (api.Erasure{}) {
		t.Errorf("second erase: exit %d, %+v %v\n%s", code, e, err, out)
	}

	out, _, code = runCLI(t, env, "audit", "list", "--tenant", "acme", "--json")
	var l api.AuditList
	if err := json.Unmarshal([]byte(out), &l); err != nil || code != 0 {
		t.Fatalf("audit list: exit %d %v\n%s", code, err, out)
	}
	var actions []string
	for _, en := range l.Entries {
		actions = append(actions, en.Action)
		if en.Actor != state.ActorCLI || en.Target != state.CustomerRef("zq-cli-77") {
			t.Errorf("audit entry %+v, want actor cli and the id's hash", en)
		}
	}
	if strings.Join(actions, " ") != "customer.erase customer.erase customer.export" {
		t.Errorf("audited actions %v, want two erasures after one export", actions)
	}
	if strings.Contains(out, "zq-cli-77") {
		t.Errorf("the audit log names the erased customer:\n%s", out)
	}
}

func TestCustomersCommandBadInput(t *testing.T) {
	env := map[string]string{"ANSWERDESK_DATA": t.TempDir()}
	checkCLI(t, env, []cliCase{
		{"no subcommand", []string{"customers"}, 2, "customers: give export or erase"},
		{"unknown subcommand", []string{"customers", "delete", "x"}, 2, `unknown subcommand "delete"`},
		{"help", []string{"customers", "--help"}, 0, "usage: answerdesk customers"},
		{"subcommand help", []string{"customers", "erase", "--help"}, 0, "-tenant"},
		{"no id", []string{"customers", "erase"}, 2, "give exactly one customer ID"},
		{"two ids", []string{"customers", "export", "a", "b"}, 2, "give exactly one customer ID"},
		{"id too long", []string{"customers", "erase", strings.Repeat("x", 257)}, 2, "1 to 256 bytes"},
		{"bad flag", []string{"customers", "erase", "--force", "x"}, 2, "flag provided but not defined"},
	})
	if _, err := os.Stat(filepath.Join(env["ANSWERDESK_DATA"], state.File)); !os.IsNotExist(err) {
		t.Errorf("bad invocations created state.db (%v)", err)
	}
}
