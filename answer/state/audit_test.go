package state

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestAudit(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk testBackend) {
		ctx := context.Background()
		t0 := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
		st, _ := bk.open(t, Options{Now: func() time.Time { return t0 }})
		au := NewAuditStore(st.db)
		for _, e := range []AuditEntry{
			{Tenant: "acme", Actor: ActorCLI, Action: AuditKeyCreate, Target: "k1"},
			{Tenant: "acme", Actor: ActorKey("k1"), Action: AuditDocumentDelete, Target: "faq#reset"},
			{Tenant: "beta", Actor: ActorKey("k9"), Action: AuditDocumentDelete, Target: "beta-doc"},
			{Tenant: "acme", Actor: ActorKey("k1"), Action: AuditTicketUpdate, Target: "T-1", Detail: "status solved"},
		} {
			got, err := au.Record(ctx, e)
			if err != nil || got.ID == 0 || !got.At.Equal(t0) {
				t.Fatalf("Record(%+v) = %+v, %v", e, got, err)
			}
		}
		all, err := au.Entries(ctx, AuditFilter{Tenant: "acme"})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range all {
			actions = append(actions, e.Action+" "+e.Target+" by "+e.Actor)
			if e.Tenant != "acme" {
				t.Errorf("entry of tenant %q", e.Tenant)
			}
		}
		if got := strings.Join(actions, "; "); got != "ticket.update T-1 by key:k1; document.delete faq#reset by key:k1; key.create k1 by cli" {
			t.Errorf("acme's audit, newest first: %s", got)
		}
		if page, _ := au.Entries(ctx, AuditFilter{Tenant: "acme", Limit: 1, Before: all[0].ID}); len(page) != 1 || page[0].Action != AuditDocumentDelete {
			t.Errorf("page before %d: %+v", all[0].ID, page)
		}
		if del, _ := au.Entries(ctx, AuditFilter{Tenant: "acme", Action: AuditDocumentDelete}); len(del) != 1 || del[0].Target != "faq#reset" {
			t.Errorf("document deletes of acme: %+v", del)
		}
		if b, _ := au.Entries(ctx, AuditFilter{Tenant: "beta"}); len(b) != 1 || b[0].Target != "beta-doc" {
			t.Errorf("beta: %+v", b)
		}
		long, err := au.Record(ctx, AuditEntry{Tenant: "acme", Actor: ActorCLI, Action: AuditIntentsTrain, Detail: strings.Repeat("ж", 600) + "\xff"})
		if err != nil || len(long.Detail) > maxAuditField || !strings.HasPrefix(long.Detail, "жж") {
			t.Errorf("long detail: %d bytes, %v", len(long.Detail), err)
		}
		for _, bad := range []AuditEntry{{Actor: ActorCLI, Action: "x"}, {Tenant: "a", Action: "x"}, {Tenant: "a", Actor: ActorCLI}} {
			if _, err := au.Record(ctx, bad); !errors.Is(err, ErrInvalid) {
				t.Errorf("Record(%+v): %v, want ErrInvalid", bad, err)
			}
		}
		if _, err := au.Entries(ctx, AuditFilter{}); !errors.Is(err, ErrInvalid) {
			t.Errorf("Entries without tenant: %v", err)
		}
	})
}
