package state

import (
	"context"
	"errors"
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

// TestRevokeByRef: Revoke takes a key's id or its listed prefix, returns
// the key it revoked (for the audit log), and finds no active key the
// second time; AuditDetail names a secret key's scopes and a publishable
// key's origins.
func TestRevokeByRef(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk testBackend) {
		ctx := context.Background()
		db, _ := bk.open(t, Options{})
		_, byID, err := db.keys.CreateKey(ctx, "acme", "bot", []string{ScopeAsk, ScopeIngest})
		if err != nil {
			t.Fatal(err)
		}
		_, byPrefix, err := db.keys.CreatePublishableKey(ctx, "globex", "site", []string{"https://shop.example"})
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			ref    string
			want   Key
			detail string
		}{{byID.ID, byID, "scopes ask,ingest"}, {byPrefix.Prefix, byPrefix, "publishable, origins https://shop.example"}} {
			got, err := db.keys.Revoke(ctx, tc.ref)
			if err != nil || got.ID != tc.want.ID || got.Tenant != tc.want.Tenant {
				t.Errorf("Revoke(%q) = %+v, %v; want %s of %s", tc.ref, got, err, tc.want.ID, tc.want.Tenant)
			}
			if d := got.AuditDetail(); d != tc.detail {
				t.Errorf("AuditDetail() = %q, want %q", d, tc.detail)
			}
			if _, err := db.keys.Revoke(ctx, tc.ref); !errors.Is(err, ErrNotFound) {
				t.Errorf("Revoke(%q) again: %v, want ErrNotFound", tc.ref, err)
			}
		}
		keys, err := db.keys.Keys(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range keys {
			if k.Revoked.IsZero() {
				t.Errorf("key %s still active", k.ID)
			}
		}
	})
}
