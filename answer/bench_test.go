package answer_test

import (
	"context"
	"testing"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/retrieval"
)

// cannedRetriever returns one precomputed result: with it a benchmark
// measures the engine's own cost per answer, outside retrieval.
type cannedRetriever struct{ res retrieval.Result }

func (c cannedRetriever) Search(context.Context, retrieval.Query) (retrieval.Result, error) {
	return c.res, nil
}

var benchQuestions = []string{
	"How do I factory reset my hub?",
	"Как сбросить хаб к заводским настройкам?",
	"如何恢复出厂设置？",
	"What is the weather forecast for Berlin tomorrow?",
}

// BenchmarkAnswer is the whole answer path over the bundled KB in the
// embedded store (retrieval included), with in-memory tickets.
func BenchmarkAnswer(b *testing.B) {
	store, _ := bundledKB(b)
	eng, err := answer.New(answer.DefaultConfig(), answer.Deps{Retriever: store, Tickets: &answer.MemoryTickets{}})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := eng.Answer(ctx, answer.Request{Tenant: retrieval.DefaultTenant, Question: benchQuestions[i%len(benchQuestions)]}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEngineOnly is the engine's cost per answer outside retrieval:
// triage, extraction, features, confidence (and for the fourth question
// an escalation to in-memory tickets), over each question's real result.
func BenchmarkEngineOnly(b *testing.B) {
	store, _ := bundledKB(b)
	ctx := context.Background()
	engines := make([]*answer.Engine, len(benchQuestions))
	for i, q := range benchQuestions {
		res, err := store.Search(ctx, retrieval.Query{Text: q, Tenant: retrieval.DefaultTenant, K: 8})
		if err != nil {
			b.Fatal(err)
		}
		if engines[i], err = answer.New(answer.DefaultConfig(), answer.Deps{Retriever: cannedRetriever{res}, Tickets: &answer.MemoryTickets{}}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := i % len(benchQuestions)
		if _, err := engines[k].Answer(ctx, answer.Request{Tenant: retrieval.DefaultTenant, Question: benchQuestions[k]}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEscalation is the engine's cost of an escalated answer outside
// retrieval: the ticket's redaction (question, subject, summary) and its
// composition, written to in-memory tickets.
func BenchmarkEscalation(b *testing.B) {
	store, _ := bundledKB(b)
	ctx := context.Background()
	q := "I want to talk to a human: my hub does not reset, call me on +1 415 555 0100"
	res, err := store.Search(ctx, retrieval.Query{Text: q, Tenant: retrieval.DefaultTenant, K: 8})
	if err != nil {
		b.Fatal(err)
	}
	eng, err := answer.New(answer.DefaultConfig(), answer.Deps{Retriever: cannedRetriever{res}, Tickets: &answer.MemoryTickets{}})
	if err != nil {
		b.Fatal(err)
	}
	if a, err := eng.Answer(ctx, answer.Request{Tenant: retrieval.DefaultTenant, Question: q}); err != nil || a.Decision != answer.Escalated {
		b.Fatalf("answer: %v, %v; want an escalation", a.Decision, err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := eng.Answer(ctx, answer.Request{Tenant: retrieval.DefaultTenant, Question: q}); err != nil {
			b.Fatal(err)
		}
	}
}
