package config

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestZendesk(t *testing.T) {
	tests := []struct {
		name    string
		config  string
		vars    map[string]string
		want    ZendeskSection
		invalid bool
	}{
		{"not configured", `{}`, nil, ZendeskSection{}, false},
		{"subdomain", `{"zendesk": {"subdomain": "acme", "email": "bot@acme.example"}}`, map[string]string{"ANSWERDESK_ZENDESK_TOKEN": "t", "ANSWERDESK_ZENDESK_SIGNING_SECRET": "s"},
			ZendeskSection{Subdomain: "acme", URL: "https://acme.zendesk.com", Email: "bot@acme.example", Token: "t", SigningSecret: "s"}, false},
		{"environment only", `{}`, map[string]string{"ANSWERDESK_ZENDESK_URL": "http://127.0.0.1:9", "ANSWERDESK_ZENDESK_EMAIL": "bot@acme.example", "ANSWERDESK_ZENDESK_TOKEN": "t"},
			ZendeskSection{URL: "http://127.0.0.1:9", Email: "bot@acme.example", Token: "t"}, false},
		{"signing secret alone", `{}`, map[string]string{"ANSWERDESK_ZENDESK_SIGNING_SECRET": "s"}, ZendeskSection{SigningSecret: "s"}, false},
		{"token in file", `{"zendesk": {"subdomain": "acme", "api_token": "t"}}`, nil, ZendeskSection{}, true},
		{"no token", `{"zendesk": {"subdomain": "acme", "email": "bot@acme.example"}}`, nil, ZendeskSection{}, true},
		{"token without account", `{}`, map[string]string{"ANSWERDESK_ZENDESK_TOKEN": "t"}, ZendeskSection{}, true},
		{"both", `{"zendesk": {"subdomain": "acme", "url": "https://acme.zendesk.com"}}`, map[string]string{"ANSWERDESK_ZENDESK_TOKEN": "t"}, ZendeskSection{}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Zendesk(New(writeConfig(t, tc.config), env(tc.vars)))
			var inv *Invalid
			if tc.invalid {
				if !errors.As(err, &inv) {
					t.Fatalf("Zendesk() = %+v, %v; want Invalid", got, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Zendesk() (-want +got):\n%s", diff)
			}
		})
	}
}

func TestHelpdesk(t *testing.T) {
	c := New(writeConfig(t, `{"helpdesk": {"tolerance": "2m"}}`), env(map[string]string{"ANSWERDESK_ZENDESK_SIGNING_SECRET": "zs", "ANSWERDESK_HELPDESK_SECRET": "gs"}))
	got, err := Helpdesk(c)
	if err != nil || string(got.Zendesk) != "zs" || string(got.Generic) != "gs" || got.Tolerance != 2*time.Minute {
		t.Errorf("Helpdesk() = %+v, %v", got, err)
	}
	var inv *Invalid
	if _, err := Helpdesk(New(writeConfig(t, `{"helpdesk": {"tolerance": "soon"}}`), env(nil))); !errors.As(err, &inv) {
		t.Errorf("bad tolerance: %v, want Invalid", err)
	}
}

// TestSinks: the sinks the webhook and zendesk sections configure, by the
// names the outbox uses; an unusable Zendesk account is Invalid.
func TestSinks(t *testing.T) {
	zd := map[string]string{"ANSWERDESK_ZENDESK_URL": "https://acme.zendesk.com", "ANSWERDESK_ZENDESK_EMAIL": "bot@acme.example", "ANSWERDESK_ZENDESK_TOKEN": "t"}
	both := map[string]string{"ANSWERDESK_WEBHOOK_URL": "https://hooks.example/t", "ANSWERDESK_WEBHOOK_SECRET": "s"}
	for k, v := range zd {
		both[k] = v
	}
	tests := []struct {
		name    string
		vars    map[string]string
		want    []string
		invalid bool
	}{
		{"none", nil, nil, false},
		{"webhook", map[string]string{"ANSWERDESK_WEBHOOK_URL": "https://hooks.example/t", "ANSWERDESK_WEBHOOK_SECRET": "s"}, []string{"webhook"}, false},
		{"zendesk", zd, []string{"zendesk"}, false},
		{"both", both, []string{"webhook", "zendesk"}, false},
		{"webhook without secret", map[string]string{"ANSWERDESK_WEBHOOK_URL": "https://hooks.example/t"}, nil, true},
		{"zendesk email not an address", map[string]string{"ANSWERDESK_ZENDESK_URL": "https://acme.zendesk.com", "ANSWERDESK_ZENDESK_EMAIL": "bot", "ANSWERDESK_ZENDESK_TOKEN": "t"}, nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Sinks(New("", env(tc.vars)))
			var inv *Invalid
			if tc.invalid {
				if !errors.As(err, &inv) {
					t.Fatalf("Sinks() = %+v, %v; want Invalid", s, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, s.Names()); diff != "" {
				t.Errorf("Sinks().Names() (-want +got):\n%s", diff)
			}
			if s.Webhook != nil && (s.Webhook.URL != tc.vars["ANSWERDESK_WEBHOOK_URL"] || string(s.Webhook.Secret) != "s") {
				t.Errorf("webhook sink = %+v", s.Webhook)
			}
		})
	}
}
