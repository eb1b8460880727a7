package state

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/answerdesk/answerdesk/answer"
)

// TestOpenServices: with no location the database is DataDir/state.db; a
// ticket gets an outbox row for each configured sink beside the queue and
// wakes the notifier the worker waits on; the customer store erases
// through the same ticket store; and the file opened again by its path
// holds what was written.
func TestOpenServices(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := OpenServices(ctx, Config{DataDir: dir, Sinks: []string{SinkWebhook}})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, File)
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("no database at %s: %v", path, err)
	}
	tk, err := s.Tickets.CreateTicket(ctx, answer.Ticket{Tenant: "acme", Subject: "help",
		Customer: map[string]string{"id": "c1"}, Reason: answer.ReasonHumanRequested})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-s.Notifier.C():
	default:
		t.Error("a new ticket did not wake the notifier")
	}
	if pending, _, err := s.Outbox.OutboxDepth(ctx); err != nil || pending != 1 {
		t.Errorf("outbox depth = %d, %v; want the webhook row pending (the queue is delivered with the ticket)", pending, err)
	}
	if e, err := s.Customers.Erase(ctx, "acme", "c1"); err != nil || e.Tickets != 1 {
		t.Errorf("erase = %+v, %v; want the ticket anonymized", e, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = OpenServices(ctx, Config{Location: path, DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.Tickets.Ticket(ctx, "acme", tk.ID)
	if err != nil || got.Reason != answer.ReasonHumanRequested || got.Subject != "" {
		t.Errorf("reopened by its location: %+v, %v; want the erased ticket", got, err)
	}
}

// TestOpenServicesBadLocation: a location that cannot hold a database is
// an error naming it, not a panic or a database elsewhere.
func TestOpenServicesBadLocation(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if s, err := OpenServices(context.Background(), Config{DataDir: file}); err == nil {
		s.Close()
		t.Fatal("opened a database inside a regular file")
	}
}
