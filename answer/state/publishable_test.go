package state

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNormalizeOrigin(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"https://shop.example", "https://shop.example"},
		{"HTTPS://Shop.Example:443/", "https://shop.example"},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080"},
		{"http://[::1]:80", "http://[::1]"},
		{" http://localhost:3000 ", "http://localhost:3000"},
		{"shop.example", ""},
		{"ftp://shop.example", ""},
		{"https://shop.example/path", ""},
		{"https://user@shop.example", ""},
		{"https://*.example", ""},
		{"https://", ""},
		{"null", ""},
	}
	for _, tc := range tests {
		got, err := NormalizeOrigin(tc.in)
		if tc.want == "" {
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("NormalizeOrigin(%q) = %q, %v; want ErrInvalid", tc.in, got, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("NormalizeOrigin(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestPublishableKey(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk testBackend) {
		ctx := context.Background()
		st, _ := bk.open(t, Options{})
		db := st.keys
		key, k, err := db.CreatePublishableKey(ctx, "acme", "site", []string{"https://Shop.Example", "http://localhost:3000", "https://shop.example"})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(key, PublishablePrefix) || !strings.HasPrefix(key, k.Prefix) {
			t.Errorf("key %q, prefix %q", key, k.Prefix)
		}
		got, err := db.Authenticate(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"https://shop.example", "http://localhost:3000"}, got.Origins); diff != "" {
			t.Errorf("origins (-want +got):\n%s", diff)
		}
		if !got.Publishable() || !got.Has(ScopeAsk) || got.Has(ScopeIngest) || got.Has(ScopeAdmin) {
			t.Errorf("publishable key = %+v", got)
		}
		secret, _, err := db.CreateKey(ctx, "acme", "", []string{ScopeAdmin})
		if err != nil {
			t.Fatal(err)
		}
		if s, err := db.Authenticate(ctx, secret); err != nil || s.Publishable() {
			t.Errorf("secret key = %+v, %v", s, err)
		}
		for origin, want := range map[string]bool{"https://shop.example": true, "https://shop.example:443": true,
			"http://shop.example": false, "https://evil.example": false, "garbage": false} {
			if ok, err := db.AllowsOrigin(ctx, origin); err != nil || ok != want {
				t.Errorf("AllowsOrigin(%q) = %v, %v; want %v", origin, ok, err, want)
			}
		}
		if err := db.RevokeKey(ctx, k.ID); err != nil {
			t.Fatal(err)
		}
		if ok, _ := db.AllowsOrigin(ctx, "https://shop.example"); ok {
			t.Errorf("a revoked key still allows its origin")
		}
		for _, bad := range [][]string{nil, {""}, {"https://shop.example/x"}} {
			if _, _, err := db.CreatePublishableKey(ctx, "acme", "", bad); !errors.Is(err, ErrInvalid) {
				t.Errorf("origins %q: %v, want ErrInvalid", bad, err)
			}
		}
	})
}

// TestKeyOriginsMigration: keys of a state database from before
// publishable keys (schema v1) still authenticate after the migration, and
// new keys carry origins.
func TestKeyOriginsMigration(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "state.db")
	loadDump(t, path, filepath.Join("testdata", "state-v1.sql"))
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	const key = KeyPrefix + "old"
	if _, err := raw.Exec(`INSERT INTO api_keys VALUES ('key_old', ?, 'adk_ol', 'acme', 'ask', 'old', 1, 0)`, hashKey(key)); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	st := openAt(t, path, Options{})
	defer st.db.Close()
	if k, err := st.keys.Authenticate(ctx, key); err != nil || k.Tenant != "acme" || k.Publishable() {
		t.Errorf("old key = %+v, %v", k, err)
	}
	if _, _, err := st.keys.CreatePublishableKey(ctx, "acme", "", []string{"https://shop.example"}); err != nil {
		t.Errorf("publishable key after migration: %v", err)
	}
}
