package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/answerdesk/answerdesk/answer/delivery"
	"github.com/answerdesk/answerdesk/api"
)

// TestE2ECustomerContact: the customer contact given with a question
// reaches the agent unredacted (ticket and webhook), while the e-mail the
// customer typed stays masked in the transcript; a malformed contact is a
// 400 that names the field; erasing the customer clears the contact.
func TestE2ECustomerContact(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	rcv := &eventReceiver{}
	env := webhookEnv(t, rcv, nil)
	key := createKey(t, env, "acme", "ask,admin")
	s := startServe(t, env)

	for _, tc := range []struct{ name, customer, field string }{
		{"display name in email", `{"email":"Jane <jane@example.com>"}`, "customer.email"},
		{"not an email", `{"email":"jane at example"}`, "customer.email"},
		{"newline in name", `{"name":"Jane\nBcc: x@evil.example"}`, "customer.name"},
		{"empty id", `{"id":" "}`, "customer.id"},
		{"bad key", `{"E-Mail":"jane@example.com"}`, "customer keys"},
		{"long value", `{"note":"` + strings.Repeat("x", 513) + `"}`, "customer.note"},
	} {
		r := s.do(t, http.MethodPost, "/v1/answer", key, strings.NewReader(`{"question":"I need a human","customer":`+tc.customer+`}`))
		if r.status != http.StatusBadRequest || r.code() != api.CodeInvalidField || !strings.Contains(string(r.body), tc.field) {
			t.Errorf("%s: %d %s, want 400 naming %s", tc.name, r.status, r.body, tc.field)
		}
	}

	customer := map[string]string{"id": "cus_42", "email": "jane.doe@example.com", "name": "Jane Doe", "tier": "pro"}
	b, _ := json.Marshal(map[string]any{"question": "I want to talk to a human, write to me at j.doe.private@example.org",
		"conversation_id": "contact-1", "customer": customer})
	r := s.do(t, http.MethodPost, "/v1/answer", key, bytes.NewReader(b))
	var a api.AnswerResponse
	json.Unmarshal(r.body, &a)
	if r.status != http.StatusOK || a.Decision != "escalated" {
		t.Fatalf("escalation: %d %s", r.status, r.body)
	}
	var tk api.Ticket
	json.Unmarshal(s.do(t, http.MethodGet, "/v1/tickets/"+a.TicketID, key, nil).body, &tk)
	if tk.Customer["email"] != "jane.doe@example.com" || tk.Customer["name"] != "Jane Doe" || tk.Customer["id"] != "cus_42" {
		t.Errorf("ticket customer = %v, want the contact as given", tk.Customer)
	}
	for _, m := range tk.Transcript {
		if strings.Contains(m.Text, "j.doe.private") {
			t.Errorf("typed e-mail stored: %q", m.Text)
		}
	}
	p := rcv.waitFor(t, "ticket.created", func(p delivery.WebhookTicket) bool { return p.ID == a.TicketID })
	if p.Customer["email"] != "jane.doe@example.com" || transcriptHas(p, "j.doe.private") || !transcriptHas(p, "[EMAIL]") {
		t.Errorf("webhook: customer %v, transcript %+v", p.Customer, p.Transcript)
	}

	// Erasure clears the contact with the rest.
	if r := s.do(t, http.MethodDelete, "/v1/customers/cus_42", key, nil); r.status != http.StatusOK {
		t.Fatalf("erase: %d %s", r.status, r.body)
	}
	tk = api.Ticket{}
	json.Unmarshal(s.do(t, http.MethodGet, "/v1/tickets/"+a.TicketID, key, nil).body, &tk)
	if len(tk.Customer) != 0 {
		t.Errorf("customer after erasure: %v", tk.Customer)
	}
}
