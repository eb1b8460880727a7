package api

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/answer/state"
	"github.com/gin-gonic/gin"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// instantEngine answers at once, so that benchmarks measure the API's own
// cost: auth, rate limit, decoding and validation, the answer log, JSON.
type instantEngine struct{ a answer.Answer }

func (e instantEngine) Answer(context.Context, answer.Request) (answer.Answer, error) {
	return e.a, nil
}
func (e instantEngine) Stream(_ context.Context, _ answer.Request, emit func(answer.Event)) (answer.Answer, error) {
	return e.a, nil
}

func benchServer(b *testing.B, logAnswers bool, mod ...func(*Deps)) (http.Handler, string) {
	b.Helper()
	d := Deps{Limits: Limits{RatePerSecond: -1}}
	for _, m := range mod {
		m(&d)
	}
	db := withState(b, &d)
	b.Cleanup(func() { db.Close() })
	key, _, err := state.NewKeyStore(db).CreateKey(context.Background(), "acme", "bench", []string{state.ScopeAsk})
	if err != nil {
		b.Fatal(err)
	}
	a := answer.Answer{ID: "ans_1", ConversationID: "c", Decision: answer.Answered, Lang: "en", Confidence: 0.9,
		Text:      "Open Settings and choose Reset password [1]. A link arrives by e-mail [1].",
		Citations: []answer.Citation{{N: 1, DocumentID: "guides/account", ChunkID: "c1", Title: "Account", Quote: "Reset password"}},
		Features:  []answer.Feature{{Name: "top_score_ratio", Value: 0.7, Contribution: 2}, {Name: "margin", Value: 0.5, Contribution: 1}}}
	d.Engine = instantEngine{a}
	if !logAnswers {
		d.Answers = noLog{}
	}
	s := NewServer(d)
	return s.Handler(), key
}

// noLog drops the answer log, to show its cost.
type noLog struct{}

func (noLog) LogAnswer(context.Context, string, answer.Answer) error { return nil }

func runAnswers(b *testing.B, h http.Handler, key string) {
	body := []byte(`{"question":"How do I reset my password?","customer":{"plan":"pro"}}`)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest(http.MethodPost, "/v1/answer", bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+key)
			req.Header.Set("Content-Type", "application/json")
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != http.StatusOK {
				b.Fatalf("status %d: %s", w.Code, w.Body)
			}
		}
	})
}

// BenchmarkAnswerAPI is POST /v1/answer around an engine that costs
// nothing: the API's own cost per answer, including the answer log write.
func BenchmarkAnswerAPI(b *testing.B) {
	h, key := benchServer(b, true)
	runAnswers(b, h, key)
}

// BenchmarkAnswerAPINoLog is the same without the answer log.
func BenchmarkAnswerAPINoLog(b *testing.B) {
	h, key := benchServer(b, false)
	runAnswers(b, h, key)
}

// BenchmarkBareGin is the reference: a gin handler that decodes nothing and
// writes a small JSON object.
func BenchmarkBareGin(b *testing.B) {
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.POST("/v1/answer", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"answer": "ok"}) })
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest(http.MethodPost, "/v1/answer", bytes.NewReader([]byte(`{}`)))
			w := httptest.NewRecorder()
			e.ServeHTTP(w, req)
		}
	})
}

// BenchmarkAnswerAPIObserved is BenchmarkAnswerAPINoLog with the metrics
// off and on, and with tracing by an SDK tracer provider whose spans go
// nowhere (what an exporter would be handed): the observability cost per
// answer. (Tracing off is no tracer at all: the plain case.)
func BenchmarkAnswerAPIObserved(b *testing.B) {
	for _, c := range []struct {
		name string
		mod  func(*Deps)
	}{
		{"plain", func(*Deps) {}},
		{"metrics", func(d *Deps) { d.Metrics = NewMetrics() }},
		{"metrics+tracing", func(d *Deps) {
			d.Metrics = NewMetrics()
			d.Tracer = sdktrace.NewTracerProvider(sdktrace.WithSampler(sdktrace.AlwaysSample()))
		}},
	} {
		b.Run(c.name, func(b *testing.B) {
			h, key := benchServer(b, false, c.mod)
			runAnswers(b, h, key)
		})
	}
}
