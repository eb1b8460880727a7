package answer

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// tracerName names the engine's spans' instrumentation scope.
const tracerName = "github.com/answerdesk/answerdesk/answer"

// startSpan starts a child of ctx's span on the tracer provider that span
// came from: the API's request span when the server traces, a no-op span
// when ctx carries none (tracing off, the CLI). The engine so needs no
// tracer of its own.
func startSpan(ctx context.Context, name string, attrs ...attribute.KeyValue) (context.Context, trace.Span) {
	return trace.SpanFromContext(ctx).TracerProvider().Tracer(tracerName).Start(ctx, name, trace.WithAttributes(attrs...))
}

// endSpan ends sp, marking it failed with err when err is not nil.
func endSpan(sp trace.Span, err error) {
	if err != nil {
		sp.RecordError(err)
		sp.SetStatus(codes.Error, err.Error())
	}
	sp.End()
}
