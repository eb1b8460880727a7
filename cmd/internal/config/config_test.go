package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/answerdesk/answerdesk/answer/state"
	"github.com/google/go-cmp/cmp"
)

func writeConfig(tb testing.TB, body string) string {
	tb.Helper()
	p := filepath.Join(tb.TempDir(), "config.json")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		tb.Fatal(err)
	}
	return p
}

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// TestSection: sections decode strictly; no file or no section leaves the
// value as it was; a bad file is an error naming it.
func TestSection(t *testing.T) {
	type sec struct {
		A int    `json:"a"`
		B string `json:"b"`
	}
	good := writeConfig(t, `{"x": {"a": 1, "b": "two"}, "typo": {"aa": 1}}`)
	for _, tc := range []struct {
		name, path, section string
		want                sec
		err                 string
	}{
		{"no file", "", "x", sec{A: 9}, ""},
		{"section", good, "x", sec{A: 1, B: "two"}, ""},
		{"missing section", good, "y", sec{A: 9}, ""},
		{"unknown field", good, "typo", sec{A: 9}, `section "typo"`},
		{"missing file", filepath.Join(t.TempDir(), "nope.json"), "x", sec{A: 9}, "no such file"},
		{"not JSON", writeConfig(t, `{"x": `), "x", sec{A: 9}, "config.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := sec{A: 9}
			err := New(tc.path, env(nil)).Section(tc.section, &got)
			if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
				t.Fatalf("err = %v, want %q", err, tc.err)
			}
			if tc.err == "" {
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
			}
		})
	}
}

// TestReadOncePerConfig: a Config reads its file once, and two Configs
// (two runs in one process) read their own files: a cache shared across
// runs once made a second run with another --config see the first file.
func TestReadOncePerConfig(t *testing.T) {
	first, second := writeConfig(t, `{"s": {"v": 1}}`), writeConfig(t, `{"s": {"v": 2}}`)
	var v struct {
		V int `json:"v"`
	}
	c := New(first, env(nil))
	if err := c.Section("s", &v); err != nil || v.V != 1 {
		t.Fatalf("first: %v %v", v, err)
	}
	if err := os.WriteFile(first, []byte(`{"s": {"v": 3}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := c.Section("s", &v); err != nil || v.V != 1 {
		t.Errorf("re-read within a run: v = %d, %v; want 1", v.V, err)
	}
	if err := New(second, env(nil)).Section("s", &v); err != nil || v.V != 2 {
		t.Errorf("second config: v = %d, %v; want 2", v.V, err)
	}
}

// TestModelConfig: the "llm" and "embed" sections, with the environment
// over the file and API keys from the environment only.
func TestModelConfig(t *testing.T) {
	cfgFile := writeConfig(t, `{
		"llm": {"provider": "openai", "url": "http://file/v1", "model": "m", "api_key_env": "MY_KEY", "timeout": "5s", "retry_budget": "1m"},
		"embed": {"provider": "openai", "url": "http://embed/v1", "model": "multilingual-e5-small", "timeout": "2s", "dim": 384}
	}`)
	vars := map[string]string{"ANSWERDESK_LLM_URL": "http://env/v1", "MY_KEY": "secret", "ANSWERDESK_EMBED_API_KEY": "ekey",
		"ANSWERDESK_EMBED_DOCUMENT_PREFIX": "none"}
	c := New(cfgFile, env(vars))
	l, ok, err := LLM(c)
	if err != nil || !ok {
		t.Fatalf("LLM: %v, %v", ok, err)
	}
	if l.URL != "http://env/v1" || l.Model != "m" || l.APIKey != "secret" || l.Timeout != 5*time.Second || l.Retry.Budget != time.Minute || l.Temperature != 0.1 {
		t.Errorf("llm config = %+v", l)
	}
	e, ok, err := Embed(c)
	if err != nil || !ok {
		t.Fatalf("Embed: %v, %v", ok, err)
	}
	if e.URL != "http://embed/v1" || e.APIKey != "ekey" || e.Timeout != 2*time.Second || e.Dim != 384 || e.QueryPrefix != "query: " || e.DocumentPrefix != "" {
		t.Errorf("embed config = %+v", e)
	}
	vars["ANSWERDESK_LLM_PROVIDER"] = "none"
	if _, ok, err := LLM(c); ok || err != nil {
		t.Errorf("provider none: ok %v, err %v; want no LLM", ok, err)
	}
	vars["ANSWERDESK_EMBED_TIMEOUT"] = "soon"
	if _, _, err := Embed(c); err == nil || !strings.Contains(err.Error(), "embed timeout") {
		t.Errorf("bad embed timeout: %v", err)
	}
}

// TestLinkDomainsDefaultToLLMs: the passage screen takes the LLM's allowed
// link domains unless the answer section sets its own.
func TestLinkDomainsDefaultToLLMs(t *testing.T) {
	for _, tc := range []struct {
		name, config string
		want         map[string][]string
	}{
		{"none", `{}`, nil},
		{"llm list", `{"llm": {"allowed_link_domains": ["lumen.example"]}}`, map[string][]string{"*": {"lumen.example"}}},
		{"answer list wins", `{"llm": {"allowed_link_domains": ["lumen.example"]}, "answer": {"link_domains": {"acme": ["acme.example"]}}}`,
			map[string][]string{"acme": {"acme.example"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Answer(New(writeConfig(t, tc.config), env(nil)))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got.LinkDomains); diff != "" {
				t.Errorf("link domains (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseTTL(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
		bad  bool
	}{
		{"90d", 90 * 24 * time.Hour, false},
		{"36h", 36 * time.Hour, false},
		{"forever", 0, false},
		{"0d", 0, true},
		{"-5h", 0, true},
		{"soon", 0, true},
	} {
		got, err := ParseTTL(tc.in)
		if (err != nil) != tc.bad || got != tc.want {
			t.Errorf("ParseTTL(%q) = %v, %v; want %v, error %v", tc.in, got, err, tc.want, tc.bad)
		}
	}
}

// TestInvalid: settings out of their domain are Invalid (a bad invocation,
// exit status 2 in cmd), naming the setting; malformed durations are plain
// errors.
func TestInvalid(t *testing.T) {
	for _, tc := range []struct {
		name, config string
		vars         map[string]string
		call         func(*Config) error
		invalid      bool
		msg          string
	}{
		{"retention ttl", `{"retention": {"turns": "0d"}}`, nil,
			func(c *Config) error { _, _, err := Retention(c); return err }, true, "retention.turns"},
		{"retention every", `{"retention": {"every": "-1m"}}`, nil,
			func(c *Config) error { _, _, err := Retention(c); return err }, true, "retention.every"},
		{"deflection", `{"analytics": {"deflection_window": "forever"}}`, nil,
			func(c *Config) error { _, err := DeflectionWindow(c); return err }, true, "analytics.deflection_window"},
		{"webhook scheme", `{"webhook": {"url": "ftp://x", "secret": "s"}}`, nil,
			func(c *Config) error { _, err := Webhook(c); return err }, true, "http:// or https://"},
		{"webhook secret", `{}`, map[string]string{"ANSWERDESK_WEBHOOK_URL": "https://hook.example"},
			func(c *Config) error { _, err := Webhook(c); return err }, true, "secret is required"},
		{"webhook attempts", `{}`, map[string]string{"ANSWERDESK_WEBHOOK_MAX_ATTEMPTS": "0"},
			func(c *Config) error { _, err := Webhook(c); return err }, true, "ANSWERDESK_WEBHOOK_MAX_ATTEMPTS"},
		{"webhook backoff", `{"webhook": {"backoff": "soon"}}`, nil,
			func(c *Config) error {
				wh, err := Webhook(c)
				if err != nil {
					return err
				}
				_, err = wh.Delivery()
				return err
			}, false, "webhook.backoff"},
		{"rate limit", `{}`, map[string]string{"ANSWERDESK_RATE_LIMIT": "fast"},
			func(c *Config) error { _, _, err := API(c); return err }, true, "ANSWERDESK_RATE_LIMIT"},
		{"moved max_question", `{"api": {"max_question": 100}}`, nil,
			func(c *Config) error { _, _, err := API(c); return err }, true, "answer.max_question"},
		{"uploads", `{"uploads": {"workers": -1}}`, nil,
			func(c *Config) error { _, err := Uploads(c); return err }, true, "uploads.workers"},
		{"qdrant url", `{}`, nil,
			func(c *Config) error { _, err := Qdrant(c, "qdrant://host:notaport"); return err }, true, "store:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call(New(writeConfig(t, tc.config), env(tc.vars)))
			if err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("err = %v, want one naming %q", err, tc.msg)
			}
			var inv *Invalid
			if got := errors.As(err, &inv); got != tc.invalid {
				t.Errorf("Invalid = %v, want %v (%v)", got, tc.invalid, err)
			}
		})
	}
}

// TestResolved: values reach the libraries' option types, with the
// environment over the file and defaults where nothing is set.
func TestResolved(t *testing.T) {
	c := New(writeConfig(t, `{
		"api": {"rate_per_second": 5, "max_body_kb": 8, "answer_timeout": "12s"},
		"retention": {"answer_log": "2d", "dead": "forever", "feedback": "400d", "every": "1m"},
		"quota": {"upload_mb": 2, "documents": 7, "text_mb": -1},
		"webhook": {"url": "https://hook.example", "secret": "s", "backoff": "3s", "concurrency": 2},
		"qdrant": {"api_key": "file-key", "pool": 3, "timeout": "4s", "retries": 0},
		"embed": {"provider": "openai", "dim": 384}
	}`), env(map[string]string{"ANSWERDESK_INSTANCE": "node-7", "ANSWERDESK_QDRANT_API_KEY": "env-key"}))
	lim, grace, err := API(c)
	if err != nil {
		t.Fatal(err)
	}
	if lim.RatePerSecond != 5 || lim.MaxBody != 8<<10 || lim.AnswerTimeout != 12*time.Second || grace != DefaultShutdownGrace {
		t.Errorf("api: %+v grace %v", lim, grace)
	}
	r, every, err := Retention(c)
	if err != nil {
		t.Fatal(err)
	}
	want := state.DefaultRetention()
	want.AnswerLog, want.Dead, want.Feedback = 48*time.Hour, 0, 400*24*time.Hour
	if r != want || every != time.Minute {
		t.Errorf("retention: %+v every %v; want %+v every 1m", r, every, want)
	}
	q, err := Quota(c)
	if err != nil {
		t.Fatal(err)
	}
	if q.UploadBytes != 2<<20 || q.Documents != 7 || q.Bytes != -1 {
		t.Errorf("quota: %+v", q)
	}
	wh, err := Webhook(c)
	if err != nil {
		t.Fatal(err)
	}
	o, err := wh.Delivery()
	if err != nil {
		t.Fatal(err)
	}
	if o.BaseBackoff != 3*time.Second || o.Concurrency != 2 || o.Instance != "node-7" {
		t.Errorf("delivery: %+v", o)
	}
	qc, err := Qdrant(c, "qdrant://db:6334?collection=kb&pool=9")
	if err != nil {
		t.Fatal(err)
	}
	if qc.Collection != "kb" || qc.PoolSize != 9 || qc.Timeout != 4*time.Second || qc.Retries != -1 || qc.DenseDim != 384 || qc.APIKey != "env-key" {
		t.Errorf("qdrant: %+v", qc)
	}
	if d, err := DeflectionWindow(New("", env(nil))); err != nil || d != state.DefaultDeflectionWindow {
		t.Errorf("default deflection window: %v, %v", d, err)
	}
}
