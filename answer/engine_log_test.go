package answer

import (
	"bytes"
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestLogAnswerLine: the answer's line, written with typed attributes
// (logAnswer), reads as the key-value call it replaced, with the text and
// the JSON handler, for values that need quoting or escaping too.
func TestLogAnswerLine(t *testing.T) {
	noTime := func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}
	cases := []struct {
		req Request
		a   Answer
	}{
		{Request{Tenant: "default", Channel: "api"}, Answer{ID: "0193a1b2-c3d4", Decision: Escalated, Reason: ReasonLowConfidence,
			Confidence: 0.123456, Lang: "en", Intent: "question", Sentiment: SentimentNeutral, TicketID: "tkt_01",
			Hits: make([]HitSummary, 10), Timings: Timings{Total: 1234567 * time.Nanosecond}}},
		{Request{Tenant: `a "quoted" tenant`, Channel: "chat widget"}, Answer{ID: "x=y", Decision: Answered,
			Confidence: 1, Lang: "ru", Intent: "billing <b>&", Sentiment: "angry\n", Timings: Timings{Total: time.Minute}}},
		{Request{}, Answer{Reason: Reason("ünïcödé \u2028 \x00"), Confidence: -0.0005}},
	}
	for _, c := range cases {
		for _, json := range []bool{false, true} {
			handler := func(b *bytes.Buffer) slog.Handler {
				opts := &slog.HandlerOptions{ReplaceAttr: noTime}
				if json {
					return slog.NewJSONHandler(b, opts)
				}
				return slog.NewTextHandler(b, opts)
			}
			var got, want bytes.Buffer
			logAnswer(context.Background(), slog.New(handler(&got)), c.req, c.a)
			req, a := c.req, c.a
			slog.New(handler(&want)).InfoContext(context.Background(), "answer", "answer", a.ID, "tenant", req.Tenant,
				"channel", req.Channel, "decision", a.Decision, "reason", a.Reason, "confidence", round3(a.Confidence),
				"lang", a.Lang, "intent", a.Intent, "sentiment", a.Sentiment, "ticket", a.TicketID, "hits", len(a.Hits),
				"total", a.Timings.Total)
			if diff := cmp.Diff(want.String(), got.String()); diff != "" {
				t.Errorf("json %v: the line differs (-key-value call +logAnswer):\n%s", json, diff)
			}
		}
	}
}
