package llm

import (
	"context"
	"errors"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/tmc/langchaingo/llms"
	"github.com/tmc/langchaingo/llms/fake"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/answer/llm/llmtest"
)

// streamingFake is a zero-latency model that streams its reply in chunks of
// four runes, as providers do (langchaingo's fake LLM does not stream).
type streamingFake struct{ reply string }

func (f streamingFake) GenerateContent(ctx context.Context, _ []llms.MessageContent, opts ...llms.CallOption) (*llms.ContentResponse, error) {
	var o llms.CallOptions
	for _, op := range opts {
		op(&o)
	}
	if o.StreamingFunc != nil {
		for _, c := range llmtest.Chunks(f.reply, 4) {
			if err := o.StreamingFunc(ctx, []byte(c)); err != nil {
				return nil, err
			}
		}
	}
	return &llms.ContentResponse{Choices: []*llms.ContentChoice{{Content: f.reply}}}, nil
}

func (f streamingFake) Call(ctx context.Context, prompt string, opts ...llms.CallOption) (string, error) {
	return llms.GenerateFromSinglePrompt(ctx, f, prompt, opts...)
}

// BenchmarkGenerateOverhead measures answerdesk's own time per Generate —
// prompt rendering, the retry and breaker wrapper, streaming guard and
// verification — with langchaingo's in-process fake LLM as a zero-latency
// provider. It reports p50 and p99 per call besides ns/op.
func BenchmarkGenerateOverhead(b *testing.B) {
	reply := "Refunds are paid to the original card within 5 business days [1]. " +
		"Express delivery costs 12.50 EUR and takes 2 days [2]. " +
		"To reset the X200 router, hold the reset button for 10 seconds [3]. " +
		"We also give a free voucher [4]."
	passages := make([]answer.Passage, 0, 8)
	passages = append(passages, testPassages...)
	for i := 4; i <= 8; i++ {
		passages = append(passages, answer.Passage{N: i, Title: "Filler", Text: "Orders placed before noon ship the same day from the Berlin warehouse; tracking numbers are sent by e-mail within an hour of dispatch, and parcels can be redirected in the carrier's app."})
	}
	in := answer.GenerateInput{Question: "How long do refunds take and how do I reset the router?", Lang: "en", Passages: passages}
	for _, stream := range []bool{false, true} {
		name := "plain"
		if stream {
			name = "stream"
		}
		b.Run(name, func(b *testing.B) {
			m := fake.NewFakeLLM([]string{reply})
			var model llms.Model = m
			if stream {
				model = streamingFake{reply: reply}
			}
			c, err := New(Config{Provider: ProviderOpenAI, Model: "fake"}, WithModel(model), WithCanary(testCanary))
			if err != nil {
				b.Fatal(err)
			}
			var onToken func(string)
			if stream {
				onToken = func(string) {}
			}
			// The calls run on one locked thread, so its CPU time is the
			// call's compute cost, free of waits for a core on a busy machine.
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			lat := make([]time.Duration, 0, b.N)
			cpu := make([]time.Duration, 0, b.N)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				c0, cok := threadCPU()
				t0 := time.Now()
				g, err := c.Generate(context.Background(), in, onToken)
				lat = append(lat, time.Since(t0))
				if c1, ok := threadCPU(); ok && cok {
					cpu = append(cpu, c1-c0)
				}
				if err != nil || len(g.Cited) != 3 {
					b.Fatalf("Generate = %+v, %v", g, err)
				}
				m.Reset()
			}
			b.StopTimer()
			pct := func(d []time.Duration, p int) float64 {
				sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
				return float64(d[len(d)*p/100].Microseconds())
			}
			b.ReportMetric(pct(lat, 50), "p50-µs")
			b.ReportMetric(pct(lat, 99), "p99-µs")
			if len(cpu) == len(lat) {
				b.ReportMetric(pct(cpu, 50), "cpu-p50-µs")
				b.ReportMetric(pct(cpu, 99), "cpu-p99-µs")
			}
		})
	}
}

// deadModel fails every call, as a provider that is down.
type deadModel struct{}

func (deadModel) GenerateContent(context.Context, []llms.MessageContent, ...llms.CallOption) (*llms.ContentResponse, error) {
	return nil, context.DeadlineExceeded
}

func (deadModel) Call(context.Context, string, ...llms.CallOption) (string, error) {
	return "", context.DeadlineExceeded
}

// BenchmarkGenerateBreakerOpen measures what a call costs once the breaker
// has opened on a dead provider: the time the engine loses before it falls
// back or escalates with llm_unavailable.
func BenchmarkGenerateBreakerOpen(b *testing.B) {
	c, err := New(Config{Provider: ProviderOpenAI, Model: "dead", Breaker: BreakerPolicy{Failures: 3, Cooldown: time.Hour},
		Retry: RetryPolicy{MaxAttempts: 3, BaseDelay: time.Microsecond, MaxDelay: time.Microsecond}}, WithModel(deadModel{}))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := c.Generate(context.Background(), testInput, nil); err == nil {
		b.Fatal("dead provider answered")
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.Generate(context.Background(), testInput, nil); !errors.Is(err, errBreakerOpen) {
			b.Fatalf("err = %v, want the open breaker", err)
		}
	}
}

// BenchmarkInjectionLike: the injection check runs on every cited passage.
func BenchmarkInjectionLike(b *testing.B) {
	text := strings.Repeat("Orders placed before noon ship the same day from the Berlin warehouse; if you forget your tracking number, follow the instructions in the e-mail. ", 14)
	b.SetBytes(int64(len(text)))
	for i := 0; i < b.N; i++ {
		if answer.AddressesAssistant(text) {
			b.Fatal("flagged")
		}
	}
}
