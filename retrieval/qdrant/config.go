package qdrant

import (
	"fmt"
	"hash/fnv"
	"log/slog"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"google.golang.org/grpc"

	"github.com/answerdesk/answerdesk/retrieval"
)

// Defaults of Config.
const (
	DefaultPort       = 6334
	DefaultCollection = "answerdesk"
	DefaultTimeout    = 10 * time.Second
	DefaultRetries    = 4
	DefaultBackoff    = 200 * time.Millisecond
	DefaultBatchSize  = 256
	DefaultPoolSize   = 2
)

// MinServerVersion is the oldest Qdrant this adapter works with: the Query
// API (QueryBatch with sparse and dense queries) and the IDF modifier
// arrived in 1.10.
const MinServerVersion = "1.10"

// Config configures a Store. The zero value of each field means its default.
type Config struct {
	Host string // default "localhost"
	Port int    // gRPC port, default 6334
	// TLS enables TLS (scheme qdrants:// or tls=1).
	TLS bool
	// APIKey is sent as the api-key header; never logged.
	APIKey string
	// Collection names the chunk collection; documents live in
	// Collection+"_docs".
	Collection string
	// PoolSize is the number of gRPC connections.
	PoolSize int
	// Timeout bounds every single call to Qdrant (each retry attempt).
	Timeout time.Duration
	// Retries is how many times a failed write is retried on Unavailable,
	// ResourceExhausted, Aborted or DeadlineExceeded (writes are idempotent).
	// Negative disables retries.
	Retries int
	// Backoff is the first retry's wait; it doubles up to 5s, with jitter.
	Backoff time.Duration
	// BatchSize is the number of points per upsert request.
	BatchSize int
	// DenseDim is the size of the named dense vector created with the
	// collection (from the embedding provider); 0 creates no dense vector
	// and the first document with dense vectors adds one when the server
	// supports it.
	DenseDim int
	// AvgLen fixes the BM25 average chunk length baked into sparse vectors;
	// 0 keeps a running average in the collection's metadata point.
	AvgLen float64
	// MetaFields are Document.Meta keys that get a keyword payload index,
	// for fast Query.Meta filters.
	MetaFields []string
	// TenantCollections gives every tenant its own pair of collections
	// (NAME__tenant_hash and NAME__tenant_hash_docs), created on the
	// tenant's first write, instead of one shared pair with a tenant index.
	// IDF statistics are then per tenant.
	TenantCollections bool
	// Shards, ReplicationFactor and WriteConsistency apply when the
	// collections are created (0 = Qdrant's default).
	Shards            uint32
	ReplicationFactor uint32
	WriteConsistency  uint32
	// Logger receives warnings and retry notices; default slog.Default().
	Logger *slog.Logger
	// DialOptions are extra gRPC dial options (tests).
	DialOptions []grpc.DialOption
}

var collectionName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,200}$`)

// ParseURL reads a store URL:
//
//	qdrant://HOST[:PORT]?collection=NAME&tls=1&pool=N&timeout=5s&retries=N
//	        &dense_dim=N&avg_len=F&meta=product,version&shards=N&replication=N
//	        &write_consistency=N&per_tenant=1
//
// The scheme qdrants:// implies tls=1. The API key is not part of the URL
// (URLs end up in logs); set Config.APIKey.
func ParseURL(raw string) (Config, error) {
	var c Config
	u, err := url.Parse(raw)
	if err != nil {
		return c, fmt.Errorf("%w: qdrant url: %v", retrieval.ErrInvalid, err)
	}
	switch u.Scheme {
	case "qdrant":
	case "qdrants":
		c.TLS = true
	default:
		return c, fmt.Errorf("%w: qdrant url %q: scheme must be qdrant:// or qdrants://", retrieval.ErrInvalid, redact(raw))
	}
	if u.User != nil {
		return c, fmt.Errorf("%w: qdrant url: credentials in the URL are not accepted; set the API key (ANSWERDESK_QDRANT_API_KEY)", retrieval.ErrInvalid)
	}
	c.Host = u.Hostname()
	if c.Host == "" {
		return c, fmt.Errorf("%w: qdrant url %q: missing host", retrieval.ErrInvalid, raw)
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n <= 0 || n > 65535 {
			return c, fmt.Errorf("%w: qdrant url %q: bad port", retrieval.ErrInvalid, raw)
		}
		c.Port = n
	}
	if u.Path != "" && u.Path != "/" {
		return c, fmt.Errorf("%w: qdrant url %q: unexpected path (use ?collection=NAME)", retrieval.ErrInvalid, raw)
	}
	q := u.Query()
	for key, vals := range q {
		v := vals[len(vals)-1]
		bad := func(what string) error {
			return fmt.Errorf("%w: qdrant url: %s=%q: %s", retrieval.ErrInvalid, key, v, what)
		}
		switch key {
		case "collection":
			c.Collection = v
		case "tls":
			b, err := strconv.ParseBool(v)
			if err != nil {
				return c, bad("want 0 or 1")
			}
			c.TLS = c.TLS || b
		case "pool":
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 64 {
				return c, bad("want 1..64")
			}
			c.PoolSize = n
		case "timeout":
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				return c, bad("want a duration such as 5s")
			}
			c.Timeout = d
		case "retries":
			n, err := strconv.Atoi(v)
			if err != nil || n > 20 {
				return c, bad("want 0..20")
			}
			if n == 0 {
				n = -1
			}
			c.Retries = n
		case "backoff":
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				return c, bad("want a duration such as 200ms")
			}
			c.Backoff = d
		case "batch":
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 10000 {
				return c, bad("want 1..10000")
			}
			c.BatchSize = n
		case "dense_dim":
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > 65536 {
				return c, bad("want 0..65536")
			}
			c.DenseDim = n
		case "avg_len":
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || f < 0 {
				return c, bad("want a positive number")
			}
			c.AvgLen = f
		case "meta":
			for _, f := range strings.Split(v, ",") {
				if f = strings.TrimSpace(f); f != "" {
					c.MetaFields = append(c.MetaFields, f)
				}
			}
		case "shards", "replication", "write_consistency":
			n, err := strconv.ParseUint(v, 10, 32)
			if err != nil || n == 0 {
				return c, bad("want a positive integer")
			}
			switch key {
			case "shards":
				c.Shards = uint32(n)
			case "replication":
				c.ReplicationFactor = uint32(n)
			default:
				c.WriteConsistency = uint32(n)
			}
		case "per_tenant":
			b, err := strconv.ParseBool(v)
			if err != nil {
				return c, bad("want 0 or 1")
			}
			c.TenantCollections = b
		case "api_key", "apikey", "api-key":
			return c, fmt.Errorf("%w: qdrant url: the API key does not go in the URL; set ANSWERDESK_QDRANT_API_KEY", retrieval.ErrInvalid)
		default:
			return c, fmt.Errorf("%w: qdrant url: unknown parameter %q", retrieval.ErrInvalid, key)
		}
	}
	return c, c.validate()
}

// Name names the store of the URL raw in messages: raw without its query,
// and, when the query is there, the collection it chooses (DefaultCollection
// when it chooses none or raw does not parse).
func Name(raw string) string {
	addr, _, ok := strings.Cut(raw, "?")
	if !ok {
		return raw
	}
	coll := DefaultCollection
	if c, err := ParseURL(raw); err == nil && c.Collection != "" {
		coll = c.Collection
	}
	return addr + " (collection " + coll + ")"
}

// redact drops anything that could be a secret from a URL for messages.
func redact(raw string) string {
	if i := strings.IndexAny(raw, "?@"); i >= 0 {
		return raw[:i] + "…"
	}
	return raw
}

// withDefaults returns c with defaults filled in.
func (c Config) withDefaults() Config {
	if c.Host == "" {
		c.Host = "localhost"
	}
	if c.Port == 0 {
		c.Port = DefaultPort
	}
	if c.Collection == "" {
		c.Collection = DefaultCollection
	}
	if c.PoolSize == 0 {
		c.PoolSize = DefaultPoolSize
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Retries == 0 {
		c.Retries = DefaultRetries
	}
	if c.Retries < 0 {
		c.Retries = 0
	}
	if c.Backoff == 0 {
		c.Backoff = DefaultBackoff
	}
	if c.BatchSize == 0 {
		c.BatchSize = DefaultBatchSize
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

func (c Config) validate() error {
	if c.Collection != "" && !collectionName.MatchString(c.Collection) {
		return fmt.Errorf("%w: qdrant collection %q: use letters, digits, _ and -", retrieval.ErrInvalid, c.Collection)
	}
	for _, f := range c.MetaFields {
		if strings.ContainsAny(f, `."[]`) {
			return fmt.Errorf("%w: qdrant meta field %q: no dots, quotes or brackets", retrieval.ErrInvalid, f)
		}
	}
	if c.DenseDim < 0 || c.AvgLen < 0 || c.PoolSize < 0 || c.BatchSize < 0 {
		return fmt.Errorf("%w: qdrant config: negative size", retrieval.ErrInvalid)
	}
	return nil
}

// addr is host:port.
func (c Config) addr() string { return net.JoinHostPort(c.Host, strconv.Itoa(c.Port)) }

// pair is the two collections of a deployment, or of one tenant: chunks
// and document records.
type pair struct{ chunks, docs string }

func pairNamed(chunks string) pair { return pair{chunks, chunks + "_docs"} }

// shared is the deployment's pair when tenants share collections.
func (c Config) shared() pair { return pairNamed(c.Collection) }

// tenantPrefix starts the names of per-tenant collections.
func (c Config) tenantPrefix() string { return c.Collection + "__" }

// tenantPair is a tenant's own pair: a readable slug of the tenant and a
// hash that keeps distinct tenants apart whatever their names.
func (c Config) tenantPair(tenant string) pair {
	var slug strings.Builder
	for _, r := range strings.ToLower(tenant) {
		if slug.Len() >= 40 {
			break
		}
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '-' {
			slug.WriteRune(r)
		} else {
			slug.WriteByte('-')
		}
	}
	h := fnv.New64a()
	h.Write([]byte(tenant))
	return pairNamed(fmt.Sprintf("%s%s_%016x", c.tenantPrefix(), slug.String(), h.Sum64()))
}
