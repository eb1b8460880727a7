package answer_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/retrieval"
)

// TestEngineSpans: under a caller's span (the API's request span), the
// engine traces triage, retrieval, generation and the ticket write as its
// children, on the caller's tracer provider; a failed retrieval is a
// failed span. Without a span in the context nothing is recorded.
func TestEngineSpans(t *testing.T) {
	gen := generatorFunc(func(context.Context, answer.GenerateInput) (answer.Generation, error) {
		return answer.Generation{}, errors.New("provider: 503")
	})
	r := newRig(t, answer.DefaultConfig(), func(d *answer.Deps) { d.Generator = gen })
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))

	run := func(q string) []string {
		t.Helper()
		ctx, parent := tp.Tracer("test").Start(context.Background(), "request")
		before := len(rec.Ended())
		if _, err := r.eng.Answer(ctx, answer.Request{Tenant: "acme", Question: q, Channel: "test"}); err != nil {
			t.Fatal(err)
		}
		parent.End()
		var names []string
		for _, s := range rec.Ended()[before:] {
			if s.Name() == "request" {
				continue
			}
			if s.Parent().SpanID() != parent.SpanContext().SpanID() {
				t.Errorf("%s: parent %s, want the request span", s.Name(), s.Parent().SpanID())
			}
			names = append(names, s.Name())
		}
		return names
	}
	// Answered by the extractive path after the generator failed (the
	// default falls back): its generate span is failed.
	if diff := cmp.Diff([]string{"answer.triage", "answer.retrieve", "answer.generate"}, run("How do I factory reset the Lumen hub?")); diff != "" {
		t.Errorf("answered question spans (-want +got):\n%s", diff)
	}
	for _, s := range rec.Ended() {
		if s.Name() == "answer.generate" && s.Status().Code != codes.Error {
			t.Errorf("answer.generate status %v, want Error (the generator failed)", s.Status())
		}
	}
	if diff := cmp.Diff([]string{"answer.triage", "answer.retrieve", "answer.ticket_write"}, run("I want to talk to a real person")); diff != "" {
		t.Errorf("escalation spans (-want +got):\n%s", diff)
	}

	r.kb.down = fmt.Errorf("search: %w", retrieval.ErrUnavailable)
	run("How do I factory reset the Lumen hub?")
	var failed bool
	for _, s := range rec.Ended() {
		failed = failed || s.Name() == "answer.retrieve" && s.Status().Code == codes.Error
	}
	if !failed {
		t.Error("retrieval failure: no failed answer.retrieve span")
	}

	n := len(rec.Ended())
	if _, err := r.eng.Answer(context.Background(), answer.Request{Tenant: "acme", Question: "How do I pair a sensor?", Channel: "test"}); err != nil {
		t.Fatal(err)
	}
	if len(rec.Ended()) != n {
		t.Errorf("without a span in the context the engine recorded %d spans", len(rec.Ended())-n)
	}
}
