package state

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestConsoleSessions: a session acts as its key until it expires, is
// ended or its key is revoked; it survives reopening the database (a
// restart); the database holds the token's hash, never the token.
func TestConsoleSessions(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk testBackend) {
		ctx := context.Background()
		clock, advance := testClock(time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC))
		st, loc := bk.open(t, Options{Now: clock})
		sessions := NewSessionStore(st.db)
		_, key, err := st.keys.CreateKey(ctx, "acme", "lead", []string{ScopeAdmin})
		if err != nil {
			t.Fatal(err)
		}
		token, err := sessions.CreateSession(ctx, key.ID, clock().Add(8*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if k, exp, err := sessions.Session(ctx, token); err != nil || k.ID != key.ID || k.Tenant != "acme" || !k.Has(ScopeAdmin) || !exp.Equal(clock().Add(8*time.Hour)) {
			t.Fatalf("session: %+v %v %v", k, exp, err)
		}
		var stored, n int
		if err := st.db.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM console_sessions`).Scan(&stored); err != nil || stored != 1 {
			t.Fatalf("%d sessions stored (%v)", stored, err)
		}
		if err := st.db.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM console_sessions WHERE hash=? OR key_id=?`, token, token).Scan(&n); err != nil || n != 0 {
			t.Errorf("the token itself is stored (%d rows, %v)", n, err)
		}
		for _, bad := range []string{"", "ads_nope", token + "x", "adk_" + token[4:]} {
			if _, _, err := sessions.Session(ctx, bad); !errors.Is(err, ErrNotFound) {
				t.Errorf("session %q: %v, want ErrNotFound", bad, err)
			}
		}

		// A restart: the same database opened again knows the session.
		again := openAt(t, loc, Options{Now: clock})
		defer again.db.Close()
		if k, _, err := NewSessionStore(again.db).Session(ctx, token); err != nil || k.ID != key.ID {
			t.Errorf("after reopening: %+v %v", k, err)
		}

		// Expiry.
		advance(8*time.Hour - time.Second)
		if _, _, err := sessions.Session(ctx, token); err != nil {
			t.Errorf("a second before expiry: %v", err)
		}
		advance(time.Second)
		if _, _, err := sessions.Session(ctx, token); !errors.Is(err, ErrNotFound) {
			t.Errorf("at expiry: %v, want ErrNotFound", err)
		}
		// Creating a session removes the expired ones.
		second, err := sessions.CreateSession(ctx, key.ID, clock().Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if err := st.db.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM console_sessions`).Scan(&stored); err != nil || stored != 1 {
			t.Errorf("%d sessions stored after the first expired (%v), want 1", stored, err)
		}
		// Revoking the key ends its sessions; signing out ends one.
		third, _ := sessions.CreateSession(ctx, key.ID, clock().Add(time.Hour))
		if err := sessions.EndSession(ctx, third); err != nil {
			t.Fatal(err)
		}
		if _, _, err := sessions.Session(ctx, third); !errors.Is(err, ErrNotFound) {
			t.Errorf("after sign-out: %v", err)
		}
		if err := st.keys.RevokeKey(ctx, key.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := sessions.Session(ctx, second); !errors.Is(err, ErrRevoked) {
			t.Errorf("session of a revoked key: %v, want ErrRevoked", err)
		}
	})
}
