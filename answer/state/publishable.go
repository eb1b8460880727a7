package state

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// PublishablePrefix starts every publishable key ("pk_…"): a key that is
// meant to be seen, in the page source of a site that embeds the widget.
const PublishablePrefix = "pk_"

// NormalizeOrigin returns the canonical form of a browser origin
// ("https://shop.example", "http://127.0.0.1:8080"): lowercase scheme and
// host, no default port, no path, query or credentials.
func NormalizeOrigin(o string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(o))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(u.Host, " *") {
		return "", fmt.Errorf("%w: origin %q must be scheme://host[:port], e.g. https://shop.example", ErrInvalid, o)
	}
	scheme, host, port := u.Scheme, strings.ToLower(u.Hostname()), u.Port()
	if (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	return scheme + "://" + host, nil
}

// ParseOrigins normalises a comma-separated list of origins; at least one
// is required.
func ParseOrigins(s string) ([]string, error) {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if strings.TrimSpace(p) == "" {
			continue
		}
		o, err := NormalizeOrigin(p)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(out, o) {
			out = append(out, o)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: a publishable key needs at least one origin", ErrInvalid)
	}
	return out, nil
}

// CreatePublishableKey makes a publishable key for tenant: scope ask only
// (answers and feedback), usable only from origins. Like every key it is
// returned once and stored as a hash.
func (s *KeyStore) CreatePublishableKey(ctx context.Context, tenant, name string, origins []string) (string, Key, error) {
	norm, err := ParseOrigins(strings.Join(origins, ","))
	if err != nil {
		return "", Key{}, fmt.Errorf("create key: %w", err)
	}
	return s.insertKey(ctx, PublishablePrefix, Key{Tenant: tenant, Name: name, Scopes: []string{ScopeAsk}, Origins: norm})
}

// AllowsOrigin reports whether an active publishable key lists origin
// (normalised). CORS preflights carry no key, so they are answered from
// this.
func (s *KeyStore) AllowsOrigin(ctx context.Context, origin string) (bool, error) {
	o, err := NormalizeOrigin(origin)
	if err != nil {
		return false, nil
	}
	rows, err := s.db.db.QueryContext(ctx, `SELECT origins FROM api_keys WHERE revoked=0 AND origins<>''`)
	if err != nil {
		return false, fmt.Errorf("allowed origins: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var list string
		if err := rows.Scan(&list); err != nil {
			return false, fmt.Errorf("allowed origins: %w", err)
		}
		if slices.Contains(strings.Split(list, " "), o) {
			return true, nil
		}
	}
	return false, rows.Err()
}
