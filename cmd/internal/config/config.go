package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config is one run's configuration: the config file (one JSON object
// whose top-level keys are sections) and the environment that overrides
// it.
//
//	{"store": {...}, "answer": {...}, "webhook": {...}, "llm": {...}}
//
// The file is read once, on first use; a Config is used by one goroutine.
type Config struct {
	path   string
	getenv func(string) string

	read     bool
	sections map[string]json.RawMessage
	err      error
}

// New returns the configuration of the file at path ("" for none) with the
// environment getenv reads.
func New(path string, getenv func(string) string) *Config {
	return &Config{path: path, getenv: getenv}
}

// Path is the config file's path, "" when there is none.
func (c *Config) Path() string { return c.path }

// Invalid is a setting outside its domain (a malformed URL, a negative
// count, a missing secret): the caller's to fix, a bad invocation rather
// than a failure.
type Invalid struct{ Msg string }

func (e *Invalid) Error() string { return e.Msg }

func invalidf(format string, args ...any) error {
	return &Invalid{Msg: fmt.Sprintf(format, args...)}
}

// Section decodes section name of the config file into v. A Config
// without a file, or a file without the section, leaves v unchanged;
// unknown fields are an error, so that a typo in a config key is reported
// instead of ignored.
func (c *Config) Section(name string, v any) error {
	if c.path == "" {
		return nil
	}
	if !c.read {
		c.sections, c.err = readSections(c.path)
		c.read = true
	}
	if c.err != nil {
		return c.err
	}
	raw, ok := c.sections[name]
	if !ok {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("config %s: section %q: %w", c.path, name, err)
	}
	return nil
}

func readSections(path string) (map[string]json.RawMessage, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	var s map[string]json.RawMessage
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	return s, nil
}

// override sets *dst from environment variable name when it is set.
func (c *Config) override(dst *string, name string) {
	if v := c.getenv(name); v != "" {
		*dst = v
	}
}

// lookup reads an environment variable that may be set to "" on purpose
// ("none" stands for the empty string, since getenv cannot tell).
func (c *Config) lookup(name string) (string, bool) {
	v := c.getenv(name)
	if v == "none" {
		return "", true
	}
	return v, v != ""
}

// parseDur reads an optional non-negative Go duration; what names the
// setting in the error.
func parseDur(what, s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%s: bad duration %q", what, s)
	}
	return d, nil
}

// ParseTTL reads how long something is kept: "90d", a Go duration
// ("36h"), or "forever" (0: never pruned).
func ParseTTL(s string) (time.Duration, error) {
	if s == "forever" {
		return 0, nil
	}
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days <= 0 {
			return 0, fmt.Errorf("want a positive number of days, a duration or forever, not %q", s)
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("want a positive number of days, a duration or forever, not %q", s)
	}
	return d, nil
}
