package state

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/google/go-cmp/cmp"
)

// seedAnalytics writes a log whose figures are worked out by hand in
// TestAnalytics. t0 is a Monday.
func seedAnalytics(t *testing.T, st stores, t0 time.Time) {
	t.Helper()
	ctx := context.Background()
	type row struct {
		tenant, id, conv string
		decision         answer.Decision
		reason           answer.Reason
		intent, lang     string
		queue, question  string
		at               time.Duration
		latency          time.Duration
		docs             []string
	}
	rows := []row{
		{"acme", "a1", "c1", answer.Answered, "", "card", "en", "", "q1", time.Hour, 50 * time.Millisecond, []string{"docA", "docB"}},
		{"acme", "a2", "c2", answer.Answered, "", "card", "en", "", "q2", 2 * time.Hour, 80 * time.Millisecond, []string{"docA", "docA"}},
		{"acme", "a3", "c2", answer.Escalated, answer.ReasonLowConfidence, "billing", "en", "billing", "q3", 3 * time.Hour, 120 * time.Millisecond, nil},
		{"acme", "a4", "c3", answer.Answered, "", "card", "en", "", "q4", 25 * time.Hour, 95 * time.Millisecond, []string{"docB"}},
		{"acme", "a5", "c4", answer.Escalated, answer.ReasonNoEvidence, "question", "ru", "support-ru", "где мой заказ", 26 * time.Hour, 1500 * time.Millisecond, nil},
		{"acme", "a6", "c5", answer.Answered, "", "card", "en", "", "q6", 27 * time.Hour, 60 * time.Millisecond, []string{"docA"}},
		{"acme", "a7", "c5", answer.Escalated, answer.ReasonHumanRequested, "question", "en", "support", "q7", 57 * time.Hour, 10 * time.Millisecond, nil},
		{"acme", "a0", "c0", answer.Answered, "", "card", "en", "", "before", -time.Hour, 10 * time.Millisecond, []string{"docC"}},
		{"beta", "b1", "c1", answer.Escalated, answer.ReasonNoEvidence, "question", "zh", "support-zh", "beta's", time.Hour, 5 * time.Millisecond, []string{"docA"}},
	}
	for _, r := range rows {
		a := answer.Answer{ID: r.id, ConversationID: r.conv, Question: r.question, Decision: r.decision, Reason: r.reason,
			Intent: r.intent, Lang: r.lang, Queue: r.queue, Created: t0.Add(r.at), Timings: answer.Timings{Total: r.latency}}
		for _, d := range r.docs {
			a.Citations = append(a.Citations, answer.Citation{DocumentID: d})
		}
		if err := st.convs.LogAnswer(ctx, r.tenant, a); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []Feedback{
		{Tenant: "acme", AnswerID: "a1", Thumbs: 1, Rating: 5},
		{Tenant: "acme", AnswerID: "a4", Thumbs: -1, Rating: 2},
		{Tenant: "beta", AnswerID: "b1", Thumbs: -1, Rating: 1},
	} {
		if _, err := st.feedback.AddFeedback(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
}

func TestAnalytics(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk testBackend) {
		ctx := context.Background()
		t0 := time.Date(2026, 5, 4, 0, 0, 0, 0, time.UTC)
		st, _ := bk.open(t, Options{Now: func() time.Time { return t0.Add(2 * time.Hour) }})
		seedAnalytics(t, st, t0)
		an := NewAnalyticsStore(st.db)

		got, err := an.Analytics(ctx, AnalyticsQuery{Tenant: "acme", From: t0, To: t0.Add(72 * time.Hour), Documents: []string{"docA", "docB", "docC"}})
		if err != nil {
			t.Fatal(err)
		}
		day := 24 * time.Hour
		want := Analytics{
			From: t0, To: t0.Add(72 * time.Hour),
			Volume: 7, Answered: 4, Escalated: 3,
			ByReason: map[string]int{string(answer.ReasonLowConfidence): 1, string(answer.ReasonNoEvidence): 1, string(answer.ReasonHumanRequested): 1},
			ByIntent: map[string]int{"billing": 1, "question": 2},
			ByLang:   map[string]int{"en": 2, "ru": 1},
			ByQueue:  map[string]int{"billing": 1, "support-ru": 1, "support": 1},
			// a1 (praised) and a6 (its escalation came 30 h later) deflected;
			// a2 was followed by an escalation within 24 h, a4 got a thumbs down.
			Deflected: 2, DeflectionRate: 2.0 / 7,
			Ratings: 2, CSAT: 0.5, ThumbsUp: 1, ThumbsDown: 1,
			// Latencies 10 50 60 80 95 120 1500 ms: nearest ranks 4 and 7, 80
			// and 1500 ms, reported as their buckets' lower bounds 1.05^89 and
			// 1.05^149.
			LatencyP50: 76.886, LatencyP95: 1436.169, LatencyP99: 1436.169,
			TopCited:   []DocumentCount{{"docA", 3}, {"docB", 2}},
			NeverCited: []string{"docC"},
			NoEvidence: 1, NoEvidenceQuestions: []string{"где мой заказ"},
			Series: []SeriesPoint{{t0, 3, 2, 1}, {t0.Add(day), 3, 2, 1}, {t0.Add(2 * day), 1, 0, 1}},
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("analytics (-want +got):\n%s", d)
		}

		// A shorter deflection window lets a2 count too; a4's thumbs down came
		// (at t0+2h) before it was even logged, so within any window.
		st2, _ := bk.open(t, Options{Now: func() time.Time { return t0.Add(2 * time.Hour) }, DeflectionWindow: 30 * time.Minute})
		seedAnalytics(t, st2, t0)
		short, err := NewAnalyticsStore(st2.db).Analytics(ctx, AnalyticsQuery{Tenant: "acme", From: t0, To: t0.Add(72 * time.Hour)})
		if err != nil || short.Deflected != 3 {
			t.Errorf("deflection window 30 min: %d deflected, %v; want 3", short.Deflected, err)
		}
		// Logging an answer again changes nothing.
		if err := st.convs.LogAnswer(ctx, "acme", answer.Answer{ID: "a1", ConversationID: "c1", Question: "q1", Decision: answer.Answered, Created: t0.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		weekly, err := an.Analytics(ctx, AnalyticsQuery{Tenant: "acme", From: t0, To: t0.Add(72 * time.Hour), Bucket: BucketWeek})
		if err != nil || len(weekly.Series) != 1 || !weekly.Series[0].Start.Equal(t0) || weekly.Series[0].Volume != 7 {
			t.Errorf("weekly series %+v %v: want one week from Monday %v", weekly.Series, err, t0)
		}
		hourly, err := an.Analytics(ctx, AnalyticsQuery{Tenant: "acme", From: t0.Add(90 * time.Minute), Bucket: BucketHour})
		if err != nil || len(hourly.Series) != 7 || !hourly.Series[0].Start.Equal(t0.Add(time.Hour)) || !hourly.From.Equal(t0.Add(time.Hour)) || hourly.Volume != 7 {
			t.Errorf("hourly series from 1:30 (rounded down to 1:00): %+v %v", hourly.Series, err)
		}

		beta, err := an.Analytics(ctx, AnalyticsQuery{Tenant: "beta", From: t0})
		if err != nil || beta.Volume != 1 || beta.ThumbsDown != 1 || beta.ByLang["zh"] != 1 || len(beta.TopCited) != 1 || beta.NoEvidenceQuestions[0] != "beta's" {
			t.Errorf("beta %+v %v: another tenant's figures", beta, err)
		}
		empty, err := an.Analytics(ctx, AnalyticsQuery{Tenant: "nobody", From: t0})
		if err != nil || empty.Volume != 0 || empty.DeflectionRate != 0 || empty.LatencyP50 != 0 || empty.Series == nil {
			t.Errorf("empty tenant %+v %v", empty, err)
		}

		for name, q := range map[string]AnalyticsQuery{
			"no tenant":    {From: t0},
			"bad bucket":   {Tenant: "acme", Bucket: "month"},
			"empty window": {Tenant: "acme", From: t0, To: t0},
		} {
			if _, err := an.Analytics(ctx, q); !errors.Is(err, ErrInvalid) {
				t.Errorf("%s: %v, want ErrInvalid", name, err)
			}
		}
	})
}

// TestCountersAddUpInABatch: counter rollups are added up per batch and
// written once per row; answers that pile up behind a held writer (one
// batch) count each.
func TestCountersAddUpInABatch(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk testBackend) {
		t0 := time.Date(2026, 5, 4, 0, 0, 0, 0, time.UTC)
		st, _ := bk.open(t, Options{Now: func() time.Time { return t0.Add(time.Hour) }})
		const n = 50
		var as []answer.Answer
		for i := range n {
			as = append(as, answer.Answer{ID: fmt.Sprintf("e%d", i), ConversationID: fmt.Sprintf("c%d", i), Question: "q", Decision: answer.Escalated,
				Reason: answer.ReasonLowConfidence, Intent: "billing", Lang: "en", Queue: "support", Created: t0.Add(time.Minute),
				Timings:   answer.Timings{Total: 80 * time.Millisecond},
				Citations: []answer.Citation{{DocumentID: "docA"}, {DocumentID: "docB"}, {DocumentID: "docA"}}})
		}
		got := analyticsOfOneBatch(t, st, t0, as)
		if got.Escalated != n || got.ByReason[string(answer.ReasonLowConfidence)] != n || got.ByLang["en"] != n || got.ByIntent["billing"] != n ||
			got.ByQueue["support"] != n || got.LatencyP50 != 76.886 {
			t.Errorf("analytics %+v: want %d escalations, each counted once per dimension, latency bucket 76.886", got, n)
		}
		if d := cmp.Diff([]DocumentCount{{"docA", n}, {"docB", n}}, got.TopCited); d != "" {
			t.Errorf("citations (-want +got):\n%s", d)
		}
	})
}

// analyticsOfOneBatch logs as for tenant acme while the writer is held,
// so that they queue up for one batch, and returns the analytics of the
// hour from t0.
func analyticsOfOneBatch(tb testing.TB, st stores, t0 time.Time, as []answer.Answer) Analytics {
	tb.Helper()
	ctx := context.Background()
	unlock := st.db.lockWrites() // the writer waits: the answers queue up
	for _, a := range as {
		if err := st.convs.LogAnswer(ctx, "acme", a); err != nil {
			unlock()
			tb.Fatal(err)
		}
	}
	unlock()
	got, err := NewAnalyticsStore(st.db).Analytics(ctx, AnalyticsQuery{Tenant: "acme", From: t0, To: t0.Add(time.Hour)})
	if err != nil {
		tb.Fatal(err)
	}
	return got
}

// TestDeflectionMarkedInTheAnswersBatch: an escalation marks the answer
// before it in its conversation as not deflected when both are logged in
// one batch, whose rollup counts are written when it commits: the mark
// must come after the answer's count, not be lost before it.
func TestDeflectionMarkedInTheAnswersBatch(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk testBackend) {
		t0 := time.Date(2026, 5, 4, 0, 0, 0, 0, time.UTC)
		st, _ := bk.open(t, Options{Now: func() time.Time { return t0.Add(time.Hour) }})
		got := analyticsOfOneBatch(t, st, t0, []answer.Answer{
			{ID: "a1", ConversationID: "c1", Question: "q1", Decision: answer.Answered, Created: t0.Add(time.Minute)},
			{ID: "a2", ConversationID: "c2", Question: "q2", Decision: answer.Answered, Created: t0.Add(2 * time.Minute)},
			{ID: "a3", ConversationID: "c3", Question: "q3", Decision: answer.Answered, Created: t0.Add(3 * time.Minute)},
			{ID: "e1", ConversationID: "c1", Question: "q4", Decision: answer.Escalated, Reason: answer.ReasonLowConfidence, Created: t0.Add(4 * time.Minute)},
			{ID: "e3", ConversationID: "c3", Question: "q5", Decision: answer.Escalated, Reason: answer.ReasonHumanRequested, Created: t0.Add(5 * time.Minute)},
		})
		if got.Volume != 5 || got.Answered != 3 || got.Escalated != 2 || got.Deflected != 1 {
			t.Errorf("analytics %+v: want 5 answers, 3 answered, 2 escalated, 1 deflected (a2; a1 and a3 were followed by escalations)", got)
		}
	})
}

// TestLatencyBucketsBelowAMillisecond: latencies get 5%-wide buckets from
// 0.1 ms, so that an engine answering in under a millisecond reports its
// latency instead of 0 (buckets used to start at 1 ms), and a bucket is a
// lower bound within 5% of the latency.
func TestLatencyBucketsBelowAMillisecond(t *testing.T) {
	for _, ms := range []float64{0.1, 0.25, 0.5, 0.99, 1, 7.3, 250, 60000} {
		b := latencyBucket(ms)
		if b <= 0 || b > ms || b < ms/latencyGrowth-0.001 {
			t.Errorf("latency %v ms: bucket %v, want a lower bound within 5%%", ms, b)
		}
	}
	for _, ms := range []float64{0, 0.05, 0.099} {
		if b := latencyBucket(ms); b != 0 {
			t.Errorf("latency %v ms: bucket %v, want 0", ms, b)
		}
	}
}
