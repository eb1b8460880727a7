package main

import (
	"context"
	"flag"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/answerdesk/answerdesk/answer/state"
	"github.com/answerdesk/answerdesk/api"
	"github.com/answerdesk/answerdesk/retrieval"
)

func runReport(ctx context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	tenant := fs.String("tenant", retrieval.DefaultTenant, "tenant to report on")
	fromS := fs.String("from", "", "start of the window: RFC 3339 or YYYY-MM-DD (default: 7 days before --to or now)")
	toS := fs.String("to", "", "end of the window, exclusive (default: open)")
	bucket := fs.String("bucket", state.BucketDay, "volume series by hour, day or week")
	asJSON := fs.Bool("json", false, "print the report as JSON (what GET /v1/analytics returns)")
	if err := a.parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("report: unexpected argument %q", fs.Arg(0))
	}
	from, to, err := api.Window(*fromS, *toS, time.Now())
	if err != nil {
		return usagef("report: %v", err)
	}
	switch *bucket {
	case state.BucketHour, state.BucketDay, state.BucketWeek:
	default:
		return usagef("report: --bucket must be hour, day or week")
	}
	st, err := a.state(ctx)
	if err != nil {
		return err
	}
	store, err := a.indexStore(ctx)
	if err != nil {
		return err
	}
	docs, err := store.Documents(ctx, retrieval.DocFilter{Tenant: *tenant})
	if err != nil {
		return err
	}
	q := state.AnalyticsQuery{Tenant: *tenant, From: from, To: to, Bucket: *bucket}
	for _, d := range docs {
		q.Documents = append(q.Documents, d.ID)
	}
	an, err := st.analytics.Analytics(ctx, q)
	if err != nil {
		return err
	}
	r := api.NewAnalyticsReport(an, *bucket)
	if *asJSON {
		return writeJSON(a.stdout, r)
	}
	w := a.stdout
	end := "now"
	if r.To != nil {
		end = r.To.Format(time.RFC3339)
	}
	fmt.Fprintf(w, "tenant %q, %s to %s\n\n", *tenant, r.From.Format(time.RFC3339), end)
	fmt.Fprintf(w, "questions:   %d (answered %d, escalated %d)\n", r.Volume, r.Answered, r.Escalated)
	fmt.Fprintf(w, "deflection:  %.1f%% (%d answers not followed by an escalation or negative feedback)\n", 100*r.DeflectionRate, r.Deflected)
	fmt.Fprintf(w, "CSAT:        %.1f%% of %d ratings; thumbs up %d, down %d\n", 100*r.CSAT, r.Ratings, r.ThumbsUp, r.ThumbsDown)
	fmt.Fprintf(w, "latency:     p50 %.0f ms, p95 %.0f ms, p99 %.0f ms\n", r.LatencyMS.P50, r.LatencyMS.P95, r.LatencyMS.P99)
	for _, g := range []struct {
		name string
		m    map[string]int
	}{{"by reason", r.EscalatedByReason}, {"by intent", r.EscalatedByIntent}, {"by language", r.EscalatedByLang}, {"by queue", r.EscalatedByQueue}} {
		if len(g.m) > 0 {
			fmt.Fprintf(w, "escalated %-12s %s\n", g.name+":", counts(g.m))
		}
	}
	if len(r.TopCited) > 0 {
		fmt.Fprintln(w, "\nmost cited documents:")
		for _, d := range r.TopCited {
			fmt.Fprintf(w, "  %5d  %s\n", d.Count, d.ID)
		}
	}
	if len(r.NeverCited) > 0 {
		fmt.Fprintf(w, "\nnever cited (%d): %s\n", len(r.NeverCited), strings.Join(r.NeverCited[:min(10, len(r.NeverCited))], ", "))
	}
	if r.NoEvidence > 0 {
		fmt.Fprintf(w, "\nno evidence for %d questions; the latest:\n", r.NoEvidence)
		for _, q := range r.NoEvidenceQuestions {
			fmt.Fprintf(w, "  - %s\n", q)
		}
	}
	fmt.Fprintf(w, "\nby %s:\n", r.Bucket)
	for _, p := range r.Series {
		fmt.Fprintf(w, "  %s  %5d questions, %5d answered, %5d escalated\n", p.Start.Format(time.RFC3339), p.Volume, p.Answered, p.Escalated)
	}
	return nil
}

// counts formats counts, most frequent first: "billing 12, support 3".
func counts(m map[string]int) string {
	type kv struct {
		k string
		n int
	}
	var out []kv
	for k, n := range m {
		if k == "" {
			k = "(none)"
		}
		out = append(out, kv{k, n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].n != out[j].n {
			return out[i].n > out[j].n
		}
		return out[i].k < out[j].k
	})
	parts := make([]string, len(out))
	for i, x := range out {
		parts[i] = fmt.Sprintf("%s %d", x.k, x.n)
	}
	return strings.Join(parts, ", ")
}
