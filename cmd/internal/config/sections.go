package config

import (
	"errors"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/answerdesk/answerdesk/answer/delivery"
	"github.com/answerdesk/answerdesk/answer/state"
	"github.com/answerdesk/answerdesk/api"
	"github.com/answerdesk/answerdesk/ingest"
	"github.com/answerdesk/answerdesk/retrieval/qdrant"
)

// apiSection is the "api" section of the config file.
type apiSection struct {
	RatePerSecond float64 `json:"rate_per_second"` // per API key; negative disables
	Burst         int     `json:"burst"`
	// PublicIPRate and PublicIPBurst limit each publishable key per client
	// address (the web widget); negative disables.
	PublicIPRate  float64 `json:"public_ip_rate"`
	PublicIPBurst int     `json:"public_ip_burst"`
	// MovedMaxQuestion is refused with a pointer to answer.max_question,
	// the engine's limit, which the API publishes.
	MovedMaxQuestion int   `json:"max_question"`
	MaxBodyKB        int64 `json:"max_body_kb"`   // JSON bodies
	MaxUploadMB      int64 `json:"max_upload_mb"` // multipart uploads
	// AuthFailuresPerSecond and AuthFailureBurst limit failed
	// authentications per client address; negative disables.
	AuthFailuresPerSecond float64 `json:"auth_failures_per_second"`
	AuthFailureBurst      int     `json:"auth_failure_burst"`
	AnswerTimeout         string  `json:"answer_timeout"`   // "30s"
	ShutdownGrace         string  `json:"shutdown_timeout"` // "30s"
}

// DefaultShutdownGrace is how long serve waits for in-flight work when
// api.shutdown_timeout is unset.
const DefaultShutdownGrace = 30 * time.Second

// API resolves the "api" section and ANSWERDESK_RATE_LIMIT ("off" or
// requests per second per key): the API's limits, and how long a graceful
// shutdown may take.
func API(c *Config) (lim api.Limits, grace time.Duration, err error) {
	var ac apiSection
	if err := c.Section("api", &ac); err != nil {
		return lim, 0, err
	}
	if v := c.getenv("ANSWERDESK_RATE_LIMIT"); v != "" {
		if v == "off" {
			ac.RatePerSecond, ac.PublicIPRate = -1, -1
		} else if r, err := strconv.ParseFloat(v, 64); err == nil && r > 0 {
			ac.RatePerSecond = r
		} else {
			return lim, 0, invalidf("ANSWERDESK_RATE_LIMIT must be a positive number or off, not %q", v)
		}
	}
	if ac.MovedMaxQuestion != 0 {
		return lim, 0, invalidf("api.max_question moved to answer.max_question (characters): the engine enforces it and the API publishes it")
	}
	lim = api.Limits{RatePerSecond: ac.RatePerSecond, Burst: ac.Burst,
		MaxBody: ac.MaxBodyKB << 10, MaxUpload: ac.MaxUploadMB << 20,
		AuthFailuresPerSecond: ac.AuthFailuresPerSecond, AuthFailureBurst: ac.AuthFailureBurst,
		PublicIPRate: ac.PublicIPRate, PublicIPBurst: ac.PublicIPBurst}
	if lim.AnswerTimeout, err = parseDur("api.answer_timeout", ac.AnswerTimeout); err != nil {
		return lim, 0, err
	}
	if grace, err = parseDur("api.shutdown_timeout", ac.ShutdownGrace); err != nil {
		return lim, 0, err
	}
	if grace == 0 {
		grace = DefaultShutdownGrace
	}
	return lim, grace, nil
}

// uploadsSection is the "uploads" section: the background ingestion of
// uploaded files.
type uploadsSection struct {
	Workers int `json:"workers"` // files ingested at once [1]
	Queue   int `json:"queue"`   // jobs accepted and not finished [64]
}

// Uploads resolves the "uploads" section into the job runner's workers
// and queue bound (its spool directory is the caller's).
func Uploads(c *Config) (ingest.RunnerOptions, error) {
	var uc uploadsSection
	if err := c.Section("uploads", &uc); err != nil {
		return ingest.RunnerOptions{}, err
	}
	if uc.Workers < 0 || uc.Queue < 0 {
		return ingest.RunnerOptions{}, invalidf("uploads.workers and uploads.queue must be positive")
	}
	return ingest.RunnerOptions{Workers: uc.Workers, MaxQueued: uc.Queue}, nil
}

// quotaSection is the "quota" section: limits of uploads and of each
// tenant's index (ingest.DefaultQuota for zero values; negative disables).
type quotaSection struct {
	UploadMB     int64 `json:"upload_mb"`     // one upload, archives expanded
	UploadChunks int   `json:"upload_chunks"` // chunks one upload writes
	Documents    int   `json:"documents"`     // per tenant
	Chunks       int   `json:"chunks"`        // per tenant
	TextMB       int64 `json:"text_mb"`       // chunk text per tenant
}

// Quota resolves the "quota" section.
func Quota(c *Config) (ingest.Quota, error) {
	var q quotaSection
	if err := c.Section("quota", &q); err != nil {
		return ingest.Quota{}, err
	}
	mib := func(n int64) int64 {
		if n > 0 {
			return n << 20
		}
		return n
	}
	return ingest.Quota{UploadBytes: mib(q.UploadMB), UploadChunks: q.UploadChunks, Documents: q.Documents, Chunks: q.Chunks, Bytes: mib(q.TextMB)}, nil
}

// WebhookSection is the "webhook" section: the generic webhook sink and the
// delivery worker's schedule. Environment: ANSWERDESK_WEBHOOK_URL,
// ANSWERDESK_WEBHOOK_SECRET, ANSWERDESK_WEBHOOK_MAX_ATTEMPTS,
// ANSWERDESK_WEBHOOK_BACKOFF, ANSWERDESK_OUTBOX_POLL, ANSWERDESK_INSTANCE.
type WebhookSection struct {
	URL         string `json:"url"`
	Secret      string `json:"secret"`
	MaxAttempts int    `json:"max_attempts"`
	Backoff     string `json:"backoff"`     // first retry delay, "2s"
	MaxBackoff  string `json:"max_backoff"` // "15m"
	Timeout     string `json:"timeout"`     // per attempt, "20s"
	Poll        string `json:"poll"`        // outbox poll interval, "1s"
	Concurrency int    `json:"concurrency"` // deliveries in flight [4]
	// Instance names this process for outbox leases (env
	// ANSWERDESK_INSTANCE) [the host name]: restarted under the same name
	// after a crash, it retries its unfinished deliveries at once.
	Instance string `json:"instance"`
}

// Webhook resolves the "webhook" section with its environment; a URL
// needs a secret to sign deliveries with.
func Webhook(c *Config) (WebhookSection, error) {
	var wh WebhookSection
	if err := c.Section("webhook", &wh); err != nil {
		return wh, err
	}
	c.override(&wh.URL, "ANSWERDESK_WEBHOOK_URL")
	c.override(&wh.Secret, "ANSWERDESK_WEBHOOK_SECRET")
	c.override(&wh.Backoff, "ANSWERDESK_WEBHOOK_BACKOFF")
	c.override(&wh.Poll, "ANSWERDESK_OUTBOX_POLL")
	c.override(&wh.Instance, "ANSWERDESK_INSTANCE")
	if v := c.getenv("ANSWERDESK_WEBHOOK_MAX_ATTEMPTS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return wh, invalidf("ANSWERDESK_WEBHOOK_MAX_ATTEMPTS must be a positive integer, not %q", v)
		}
		wh.MaxAttempts = n
	}
	if wh.URL != "" {
		if !strings.HasPrefix(wh.URL, "http://") && !strings.HasPrefix(wh.URL, "https://") {
			return wh, invalidf("webhook url must be http:// or https://, not %q", wh.URL)
		}
		if wh.Secret == "" {
			return wh, invalidf("webhook: a secret is required to sign deliveries (ANSWERDESK_WEBHOOK_SECRET or webhook.secret)")
		}
	}
	return wh, nil
}

// Delivery is the delivery worker's schedule: retries, timeouts, polling,
// concurrency and the instance name (the host name by default). The
// caller adds what is not configuration (wake-up channel, observers).
func (wh WebhookSection) Delivery() (delivery.Options, error) {
	var o delivery.Options
	var err error
	if o.BaseBackoff, err = parseDur("webhook.backoff", wh.Backoff); err != nil {
		return o, err
	}
	if o.MaxBackoff, err = parseDur("webhook.max_backoff", wh.MaxBackoff); err != nil {
		return o, err
	}
	if o.Timeout, err = parseDur("webhook.timeout", wh.Timeout); err != nil {
		return o, err
	}
	if o.Poll, err = parseDur("webhook.poll", wh.Poll); err != nil {
		return o, err
	}
	o.MaxAttempts = wh.MaxAttempts
	if wh.Concurrency < 0 {
		return o, invalidf("webhook.concurrency must be positive, not %d", wh.Concurrency)
	}
	o.Concurrency = wh.Concurrency
	o.Instance = wh.Instance
	if o.Instance == "" {
		o.Instance, _ = os.Hostname()
	}
	return o, nil
}

// Sinks resolves the "webhook" and "zendesk" sections into the delivery
// sinks they configure (none when neither does): the same value names
// the sinks of the ticket store's outbox rows and builds the worker that
// delivers them (delivery.NewWorker).
func Sinks(c *Config) (delivery.Sinks, error) {
	var s delivery.Sinks
	wh, err := Webhook(c)
	if err != nil {
		return s, err
	}
	if wh.URL != "" {
		s.Webhook = &delivery.Webhook{URL: wh.URL, Secret: []byte(wh.Secret), Client: &http.Client{Timeout: 30 * time.Second}}
	}
	zc, err := Zendesk(c)
	if err != nil || zc.URL == "" {
		return s, err
	}
	s.Zendesk, err = delivery.NewZendesk(zc.URL, zc.Email, zc.Token, &http.Client{Timeout: 30 * time.Second})
	if errors.Is(err, delivery.ErrZendeskConfig) {
		return s, invalidf("%v", err)
	}
	return s, err
}

// retentionSection is the "retention" section: how long what grows with
// traffic is kept in state.db. Durations are Go durations or days ("90d");
// "forever" keeps rows for good.
type retentionSection struct {
	AnswerLog string `json:"answer_log"` // [90d]
	Turns     string `json:"turns"`      // [30d]
	Delivered string `json:"delivered"`  // delivered outbox rows [7d]
	Dead      string `json:"dead"`       // dead-lettered outbox rows [30d]
	Feedback  string `json:"feedback"`   // customers' feedback [180d]
	Every     string `json:"every"`      // how often to prune [10m]
}

// DefaultPruneEvery is how often serve prunes when retention.every is
// unset.
const DefaultPruneEvery = 10 * time.Minute

// Retention resolves the "retention" section over
// state.DefaultRetention, with how often to prune.
func Retention(c *Config) (state.Retention, time.Duration, error) {
	var rc retentionSection
	if err := c.Section("retention", &rc); err != nil {
		return state.Retention{}, 0, err
	}
	r := state.DefaultRetention()
	for _, f := range []struct {
		key string
		s   string
		dst *time.Duration
	}{{"answer_log", rc.AnswerLog, &r.AnswerLog}, {"turns", rc.Turns, &r.Turns}, {"delivered", rc.Delivered, &r.Delivered},
		{"dead", rc.Dead, &r.Dead}, {"feedback", rc.Feedback, &r.Feedback}} {
		if f.s == "" {
			continue
		}
		d, err := ParseTTL(f.s)
		if err != nil {
			return r, 0, invalidf("retention.%s: %v", f.key, err)
		}
		*f.dst = d
	}
	every := DefaultPruneEvery
	if rc.Every != "" {
		d, err := time.ParseDuration(rc.Every)
		if err != nil || d <= 0 {
			return r, 0, invalidf("retention.every: want a positive duration such as 10m, not %q", rc.Every)
		}
		every = d
	}
	return r, every, nil
}

// analyticsSection is the "analytics" section of the config file.
type analyticsSection struct {
	// DeflectionWindow: an answer deflected its question unless an
	// escalation in its conversation, or negative feedback on it, came
	// within this long ("24h"; also "2d").
	DeflectionWindow string `json:"deflection_window"`
}

// DeflectionWindow resolves analytics.deflection_window
// [state.DefaultDeflectionWindow].
func DeflectionWindow(c *Config) (time.Duration, error) {
	var s analyticsSection
	if err := c.Section("analytics", &s); err != nil {
		return 0, err
	}
	if s.DeflectionWindow == "" {
		return state.DefaultDeflectionWindow, nil
	}
	d, err := ParseTTL(s.DeflectionWindow)
	if err != nil || d <= 0 {
		return 0, invalidf("analytics.deflection_window: want a positive duration such as 24h or 2d, not %q", s.DeflectionWindow)
	}
	return d, nil
}

// qdrantSection is the "qdrant" section of the config file. Parameters in
// the store URL win over it; ANSWERDESK_QDRANT_API_KEY wins over api_key.
//
//	{"qdrant": {"api_key_env": "QDRANT_KEY", "dense_dim": 768, "meta_fields": ["product"],
//	            "timeout": "5s", "retries": 4, "pool": 4, "batch": 256,
//	            "shards": 6, "replication": 2, "write_consistency": 2, "tls": true,
//	            "per_tenant": false}}
type qdrantSection struct {
	APIKey           string   `json:"api_key"`
	APIKeyEnv        string   `json:"api_key_env"`
	TLS              bool     `json:"tls"`
	PerTenant        bool     `json:"per_tenant"`
	DenseDim         int      `json:"dense_dim"`
	MetaFields       []string `json:"meta_fields"`
	Timeout          string   `json:"timeout"`
	Retries          *int     `json:"retries"`
	Pool             int      `json:"pool"`
	Batch            int      `json:"batch"`
	AvgLen           float64  `json:"avg_len"`
	Shards           uint32   `json:"shards"`
	Replication      uint32   `json:"replication"`
	WriteConsistency uint32   `json:"write_consistency"`
}

// Qdrant resolves the Qdrant adapter's configuration: the store URL, then
// the "qdrant" section for what the URL leaves unset, then the
// environment; the dense vector's size comes from the embedding provider
// when neither gives it.
func Qdrant(c *Config, rawURL string) (qdrant.Config, error) {
	cfg, err := qdrant.ParseURL(rawURL)
	if err != nil {
		return cfg, invalidf("store: %v", err)
	}
	var s qdrantSection
	if err := c.Section("qdrant", &s); err != nil {
		return cfg, err
	}
	cfg.TLS = cfg.TLS || s.TLS
	cfg.TenantCollections = cfg.TenantCollections || s.PerTenant
	setInt := func(dst *int, v int) {
		if *dst == 0 {
			*dst = v
		}
	}
	setInt(&cfg.DenseDim, s.DenseDim)
	setInt(&cfg.PoolSize, s.Pool)
	setInt(&cfg.BatchSize, s.Batch)
	if cfg.Retries == 0 && s.Retries != nil {
		cfg.Retries = *s.Retries
		if cfg.Retries == 0 {
			cfg.Retries = -1
		}
	}
	if cfg.Timeout == 0 {
		if cfg.Timeout, err = parseDur("qdrant timeout", s.Timeout); err != nil {
			return cfg, err
		}
	}
	if cfg.AvgLen == 0 {
		cfg.AvgLen = s.AvgLen
	}
	if len(cfg.MetaFields) == 0 {
		cfg.MetaFields = s.MetaFields
	}
	if cfg.Shards == 0 {
		cfg.Shards = s.Shards
	}
	if cfg.ReplicationFactor == 0 {
		cfg.ReplicationFactor = s.Replication
	}
	if cfg.WriteConsistency == 0 {
		cfg.WriteConsistency = s.WriteConsistency
	}
	if cfg.DenseDim == 0 {
		if ec, ok, err := Embed(c); err == nil && ok && ec.Dim > 0 {
			cfg.DenseDim = ec.Dim
		}
	}
	cfg.APIKey = s.APIKey
	if s.APIKeyEnv != "" {
		cfg.APIKey = c.getenv(s.APIKeyEnv)
	}
	c.override(&cfg.APIKey, "ANSWERDESK_QDRANT_API_KEY")
	return cfg, nil
}
