package state

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"
)

// BenchmarkAnalytics computes a tenant's figures over a 30-day window of a
// log of ANSWERDESK_BENCH_ANSWERS answers (default 1,000,000; one in five
// escalated, 40 intents, 3 languages, 500 documents cited, feedback on one
// in ten), plus 100,000 answers of another tenant. Seeding runs in SQL
// (the log, then its rollups as LogAnswer and AddFeedback keep them) and
// is not timed.
func BenchmarkAnalytics(b *testing.B) {
	n := 1_000_000
	if s := os.Getenv("ANSWERDESK_BENCH_ANSWERS"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			b.Fatal(err)
		}
	}
	ctx := context.Background()
	st, _ := openTest(b, Options{})
	t0 := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	span := int64(30 * 24 * time.Hour)
	seed := func(tenant string, n int) {
		b.Helper()
		_, err := st.db.db.ExecContext(ctx, `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i+1 FROM n WHERE i<?-1)
			INSERT INTO answers(id, tenant, conversation_id, question, decision, reason, confidence, ticket_id, lang, intent, queue, created)
			SELECT ?||'-'||i, ?, ?||'-c'||(i/3), 'how do I '||(i%997), CASE WHEN i%5=0 THEN 'escalated' ELSE 'answered' END,
				CASE i%10 WHEN 0 THEN 'low_confidence' WHEN 5 THEN 'no_evidence' ELSE '' END, 0.5, '',
				CASE i%3 WHEN 0 THEN 'en' WHEN 1 THEN 'ru' ELSE 'zh' END, 'intent'||(i%40), CASE WHEN i%5=0 THEN 'support' ELSE '' END,
				?+i*(?/?) FROM n`, n, tenant, tenant, tenant, ts(t0), span, n)
		if err != nil {
			b.Fatal(err)
		}
		for _, q := range []string{
			`INSERT INTO answer_rollup(tenant, hour, decision, n, undeflected)
				SELECT tenant, created/3600000000000, decision, COUNT(*), SUM(rowid%7=0 AND decision='answered')
				FROM answers WHERE tenant=? GROUP BY 2, 3`,
			`INSERT INTO escalation_rollup(tenant, hour, dim, value, n)
				SELECT tenant, created/3600000000000, 'reason', reason, COUNT(*) FROM answers WHERE tenant=? AND decision='escalated' GROUP BY 2, 4`,
			`INSERT INTO escalation_rollup(tenant, hour, dim, value, n)
				SELECT tenant, created/3600000000000, 'intent', intent, COUNT(*) FROM answers WHERE tenant=? AND decision='escalated' GROUP BY 2, 4`,
			`INSERT INTO escalation_rollup(tenant, hour, dim, value, n)
				SELECT tenant, created/3600000000000, 'lang', lang, COUNT(*) FROM answers WHERE tenant=? AND decision='escalated' GROUP BY 2, 4`,
			`INSERT INTO escalation_rollup(tenant, hour, dim, value, n)
				SELECT tenant, created/3600000000000, 'queue', queue, COUNT(*) FROM answers WHERE tenant=? AND decision='escalated' GROUP BY 2, 4`,
			// Latencies of 5 ms to 5 s, in 5% buckets.
			`INSERT INTO latency_rollup(tenant, hour, bucket, n)
				SELECT tenant, created/3600000000000, round(pow(1.05, 33+rowid%140), 3), COUNT(*) FROM answers WHERE tenant=? GROUP BY 2, 3`,
			`INSERT INTO citation_rollup(tenant, day, document_id, n)
				SELECT tenant, created/86400000000000, 'doc'||(rowid%500), COUNT(*) FROM answers WHERE tenant=? AND decision='answered' GROUP BY 2, 3`,
			`INSERT INTO feedback_rollup(tenant, hour, ratings, satisfied, up, down)
				SELECT tenant, created/3600000000000, COUNT(*), SUM(rowid%5>=3), SUM(rowid%20!=0), SUM(rowid%20=0)
				FROM answers WHERE tenant=? AND rowid%10=0 GROUP BY 2`,
		} {
			if _, err := st.db.db.ExecContext(ctx, q, tenant); err != nil {
				b.Fatal(err)
			}
		}
	}
	start := time.Now()
	seed("acme", n)
	seed("beta", 100_000)
	if _, err := st.db.db.ExecContext(ctx, `ANALYZE`); err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded %d + 100000 answers in %s", n, time.Since(start).Round(time.Millisecond))
	an := NewAnalyticsStore(st.db)
	q := AnalyticsQuery{Tenant: "acme", From: t0, To: t0.Add(30 * 24 * time.Hour)}
	b.ResetTimer()
	for b.Loop() {
		r, err := an.Analytics(ctx, q)
		if err != nil {
			b.Fatal(err)
		}
		if r.Volume != n {
			b.Fatalf("volume %d, want %d", r.Volume, n)
		}
	}
}
