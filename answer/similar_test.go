package answer

import "testing"

func TestSimilarRanksByCustomerText(t *testing.T) {
	tk := func(id, subject, customer, agent string) Ticket {
		return Ticket{ID: id, Subject: subject, Transcript: []Message{{Role: RoleCustomer, Text: customer}, {Role: RoleAgent, Text: agent}}}
	}
	target := tk("t0", "", "my hub will not factory reset", "")
	pool := []Ticket{
		tk("t0", "", "my hub will not factory reset", "self"),
		tk("price", "Pricing", "how much is the pro plan per month", "factory reset factory reset"), // the agent's words do not count
		tk("reset", "Reset", "factory reset of the hub fails", "hold the button"),
		tk("hub", "", "the hub light is red", ""),
		tk("none", "", "invoice address change", ""),
	}
	got := Similar(target, pool, 5)
	if len(got) != 2 || got[0].Ticket.ID != "reset" || got[1].Ticket.ID != "hub" {
		t.Fatalf("Similar = %+v, want reset then hub", got)
	}
	if got[0].Score <= got[1].Score || got[0].Score > 1+1e-9 {
		t.Errorf("scores %v, %v", got[0].Score, got[1].Score)
	}
	if one := Similar(target, pool, 1); len(one) != 1 || one[0].Ticket.ID != "reset" {
		t.Errorf("k=1: %+v", one)
	}
	if none := Similar(Ticket{ID: "x"}, pool, 5); len(none) != 0 {
		t.Errorf("empty ticket: %+v", none)
	}
}
