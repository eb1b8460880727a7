package delivery

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/answer/delivery/zendesktest"
	"github.com/answerdesk/answerdesk/answer/state"
	"github.com/google/go-cmp/cmp"
)

func TestSinksNames(t *testing.T) {
	for _, tc := range []struct {
		name  string
		sinks Sinks
		want  []string
	}{
		{"none", Sinks{}, nil},
		{"webhook", Sinks{Webhook: &Webhook{}}, []string{state.SinkWebhook}},
		{"zendesk", Sinks{Zendesk: &Zendesk{}}, []string{state.SinkZendesk}},
		{"both", Sinks{Webhook: &Webhook{}, Zendesk: &Zendesk{}}, []string{state.SinkWebhook, state.SinkZendesk}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, tc.sinks.Names()); diff != "" {
				t.Errorf("Names() (-want +got):\n%s", diff)
			}
		})
	}
}

// TestNewWorkerEverySink: a ticket stored with the names of the
// configured sinks reaches the queue, the webhook and Zendesk through the
// worker NewWorker builds from the same Sinks.
func TestNewWorkerEverySink(t *testing.T) {
	rcv := &receiver{}
	srv := httptest.NewServer(rcv)
	defer srv.Close()
	zd := zendesktest.New(zdEmail, zdToken)
	defer zd.Close()
	zsink, err := NewZendesk(zd.URL, zdEmail, zdToken, zd.Client())
	if err != nil {
		t.Fatal(err)
	}
	db, err := state.Open(context.Background(), filepath.Join(t.TempDir(), "state.db"), state.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sinks := Sinks{Webhook: &Webhook{URL: srv.URL, Secret: secret}, Zendesk: zsink}
	tickets := state.NewTicketStore(db, sinks.Names(), nil)
	tk, err := tickets.CreateTicket(context.Background(), answer.Ticket{Tenant: "acme", Subject: "refund", Reason: answer.ReasonHumanRequested})
	if err != nil {
		t.Fatal(err)
	}
	w := NewWorker(state.NewOutbox(db), tickets, sinks, Options{Poll: 5 * time.Millisecond}, nil)
	got := drain(t, testState{tickets, state.NewOutbox(db), db}, w, tk.ID)
	want := map[string]string{state.SinkQueue: state.DeliveryDelivered, state.SinkWebhook: state.DeliveryDelivered, state.SinkZendesk: state.DeliveryDelivered}
	if diff := cmp.Diff(want, states(got)); diff != "" {
		t.Errorf("delivery states (-want +got):\n%s", diff)
	}
	if n := len(zd.ByExternalID(tk.ID)); n != 1 {
		t.Errorf("zendesk has %d tickets for %s, want 1", n, tk.ID)
	}
}
