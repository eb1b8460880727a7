package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/answerdesk/answerdesk/answer/state"
)

// retentionConfig is the "retention" section: how long what grows with
// traffic is kept in state.db. Durations are Go durations or days ("90d");
// "forever" keeps rows for good.
type retentionConfig struct {
	AnswerLog string `json:"answer_log"` // [90d]
	Turns     string `json:"turns"`      // [30d]
	Delivered string `json:"delivered"`  // delivered outbox rows [7d]
	Every     string `json:"every"`      // how often to prune [10m]
}

// defaultPruneEvery is how often serve prunes when retention.every is unset.
const defaultPruneEvery = 10 * time.Minute

// retention resolves the "retention" section over state.DefaultRetention.
func (a *app) retention() (state.Retention, time.Duration, error) {
	var rc retentionConfig
	if err := a.configSection("retention", &rc); err != nil {
		return state.Retention{}, 0, err
	}
	r := state.DefaultRetention()
	for _, f := range []struct {
		key string
		s   string
		dst *time.Duration
	}{{"answer_log", rc.AnswerLog, &r.AnswerLog}, {"turns", rc.Turns, &r.Turns}, {"delivered", rc.Delivered, &r.Delivered}} {
		if f.s == "" {
			continue
		}
		d, err := parseTTL(f.s)
		if err != nil {
			return r, 0, usagef("retention.%s: %v", f.key, err)
		}
		*f.dst = d
	}
	every := defaultPruneEvery
	if rc.Every != "" {
		d, err := time.ParseDuration(rc.Every)
		if err != nil || d <= 0 {
			return r, 0, usagef("retention.every: want a positive duration such as 10m, not %q", rc.Every)
		}
		every = d
	}
	return r, every, nil
}

// parseTTL reads "90d", a Go duration ("36h"), or "forever" (0: never
// pruned).
func parseTTL(s string) (time.Duration, error) {
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
