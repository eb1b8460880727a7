package answer

import (
	"context"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// BenchmarkEngineSpans is what the engine's tracing costs one answer: its
// triage, retrieve and generate spans started and ended as the engine does.
// "off" is a request context without a span (serve without
// OTEL_EXPORTER_OTLP_*, the CLI): the no-op spans every answer pays.
// "sdk" is under a recording SDK span with no processor (what an exporter
// would be handed is built, then dropped): the upper bound of tracing with
// the exporter off.
func BenchmarkEngineSpans(b *testing.B) {
	sdk, root := sdktrace.NewTracerProvider(sdktrace.WithSampler(sdktrace.AlwaysSample())).Tracer("bench").Start(context.Background(), "request")
	defer root.End()
	for _, c := range []struct {
		name string
		ctx  context.Context
	}{{"off", context.Background()}, {"sdk", sdk}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, t := startSpan(c.ctx, "answer.triage")
				t.SetAttributes(attribute.String("answerdesk.lang", "en"), attribute.String("answerdesk.intent", "question"), attribute.String("answerdesk.sentiment", "neutral"))
				endSpan(t, nil)
				_, r := startSpan(c.ctx, "answer.retrieve", attribute.Bool("answerdesk.hybrid", false))
				r.SetAttributes(attribute.Int("answerdesk.hits", 8))
				endSpan(r, nil)
				_, g := startSpan(c.ctx, "answer.generate")
				endSpan(g, nil)
			}
		})
	}
}
