package answer_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/retrieval"
)

type rig struct {
	kb      *memIndex
	tickets *answer.MemoryTickets
	convs   *answer.MemoryConversations
	eng     *answer.Engine
	logs    *bytes.Buffer
}

func newRig(t *testing.T, cfg answer.Config, mod func(*answer.Deps)) *rig {
	t.Helper()
	r := &rig{kb: lumenKB(), tickets: &answer.MemoryTickets{}, convs: &answer.MemoryConversations{}, logs: &bytes.Buffer{}}
	clock := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	deps := answer.Deps{Retriever: r.kb, Tickets: r.tickets, Conversations: r.convs,
		Logger: slog.New(slog.NewTextHandler(r.logs, &slog.HandlerOptions{Level: slog.LevelInfo})),
		Now:    func() time.Time { return clock }}
	if mod != nil {
		mod(&deps)
	}
	eng, err := answer.New(cfg, deps)
	if err != nil {
		t.Fatal(err)
	}
	r.eng = eng
	return r
}

func ask(t *testing.T, r *rig, q string) answer.Answer {
	t.Helper()
	a, err := r.eng.Answer(context.Background(), answer.Request{Tenant: "acme", Question: q, Channel: "test"})
	if err != nil {
		t.Fatalf("Answer(%q): %v", q, err)
	}
	return a
}

func TestFAQAnswer(t *testing.T) {
	r := newRig(t, answer.DefaultConfig(), nil)
	a := ask(t, r, "How can I factory reset my Lumen hub?")
	if a.Decision != answer.Answered {
		t.Fatalf("decision %s (%s), confidence %.3f; want answered. features %v", a.Decision, a.Reason, a.Confidence, a.Features)
	}
	want := "Hold the reset button on the back of the hub for 10 seconds until the ring light blinks amber. The hub restarts with factory settings. [1]"
	if a.Text != want {
		t.Errorf("text:\n got %q\nwant %q", a.Text, want)
	}
	wantCite := []answer.Citation{{N: 1, ChunkID: "faq-reset", DocumentID: "faq.csv#reset", Title: "How do I factory reset the Lumen hub?",
		URL: "https://help.lumen.example/faq#reset", Heading: "Setup",
		Quote: "Hold the reset button on the back of the hub for 10 seconds until the ring light blinks amber. The hub restarts with factory settings."}}
	if d := cmp.Diff(wantCite, a.Citations, cmpIgnoreScore); d != "" {
		t.Errorf("citations (-want +got):\n%s", d)
	}
	if a.Lang != "en" || a.TicketID != "" || len(r.tickets.Tickets()) != 0 {
		t.Errorf("lang %q ticket %q tickets %d", a.Lang, a.TicketID, len(r.tickets.Tickets()))
	}
	if f := feature(a, answer.FeatureIsFAQ); f != 1 {
		t.Errorf("is_faq = %v", f)
	}
}

var cmpIgnoreScore = cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Score" }, cmp.Ignore())

func feature(a answer.Answer, name string) float64 {
	for _, f := range a.Features {
		if f.Name == name {
			return f.Value
		}
	}
	return -1
}

func TestExtractiveAnswerCitesSentences(t *testing.T) {
	r := newRig(t, answer.DefaultConfig(), nil)
	a := ask(t, r, "How do I pair a motion sensor with the Lumen app?")
	if a.Decision != answer.Answered {
		t.Fatalf("decision %s (%s), confidence %.3f", a.Decision, a.Reason, a.Confidence)
	}
	if !strings.Contains(a.Text, "To pair a motion sensor, open the Lumen app and tap Add device. [1]") {
		t.Errorf("text %q lacks the supporting sentence with [1]", a.Text)
	}
	if len(a.Citations) == 0 {
		t.Fatal("no citations")
	}
	c := a.Citations[0]
	if c.DocumentID != "guide.md" || c.ChunkID != "guide-1" || c.Page != 4 || c.URL == "" || c.Heading != "Lumen Hub User Guide › Motion sensors" ||
		!strings.Contains(c.Quote, "To pair a motion sensor") {
		t.Errorf("citation %+v", c)
	}
	// Every [n] refers to a citation.
	for _, s := range strings.SplitAfter(a.Text, "]") {
		if i := strings.LastIndex(s, "["); i >= 0 {
			var n int
			if _, err := fmt.Sscanf(s[i:], "[%d]", &n); err != nil || n < 1 || n > len(a.Citations) {
				t.Errorf("marker %q does not match %d citations", s[i:], len(a.Citations))
			}
		}
	}
	// Contributions add up to the logit the features drove.
	names := map[string]bool{}
	for _, f := range a.Features {
		names[f.Name] = true
	}
	for _, n := range []string{answer.FeatureTopScoreRatio, answer.FeatureMargin, answer.FeatureCoverage, answer.FeatureAgreeing, answer.FeatureSentimentNegative} {
		if !names[n] {
			t.Errorf("feature %s missing from %v", n, a.Features)
		}
	}
}

func TestPrefersQuestionLanguage(t *testing.T) {
	r := newRig(t, answer.DefaultConfig(), nil)
	a := ask(t, r, "Как подключить датчик движения Lumen?")
	if a.Lang != "ru" {
		t.Errorf("lang %q", a.Lang)
	}
	if len(a.Citations) == 0 && len(a.AttemptedCitations) == 0 {
		t.Fatalf("no citations: %+v", a)
	}
	cites := append(a.Citations, a.AttemptedCitations...)
	if cites[0].DocumentID != "guide.ru.md" {
		t.Errorf("cited %s, want the Russian guide", cites[0].DocumentID)
	}
}

func TestEscalationReasons(t *testing.T) {
	genErr := generatorFunc(func(context.Context, answer.GenerateInput) (answer.Generation, error) {
		return answer.Generation{}, errors.New("provider: 503")
	})
	abstain := generatorFunc(func(context.Context, answer.GenerateInput) (answer.Generation, error) {
		return answer.Generation{Abstained: true}, nil
	})
	unsupported := generatorFunc(func(context.Context, answer.GenerateInput) (answer.Generation, error) {
		return answer.Generation{Text: "Hold the button [1].", Cited: []int{1}, SupportRatio: 0.2}, nil
	})
	llmStrict := answer.DefaultConfig()
	llmStrict.EscalateOnLLMError = true
	tests := []struct {
		name     string
		cfg      answer.Config
		deps     func(*answer.Deps)
		down     error
		question string
		reason   answer.Reason
		priority answer.Priority
		queue    string
	}{
		{name: "human en", question: "I want to talk to a real person", reason: answer.ReasonHumanRequested, priority: "normal", queue: "support"},
		{name: "human ru", question: "Позовите оператора, пожалуйста", reason: answer.ReasonHumanRequested, priority: "normal", queue: "support-ru"},
		{name: "human zh", question: "转人工", reason: answer.ReasonHumanRequested, priority: "normal", queue: "support-zh"},
		{name: "angry", question: "Your hub is absolutely USELESS GARBAGE!!! Worst purchase ever!!!", reason: answer.ReasonNegativeSentiment, priority: "urgent", queue: "support"},
		{name: "legal", question: "If the hub is not replaced I will contact my lawyer", reason: answer.ReasonSensitiveTopic, priority: "urgent", queue: "legal"},
		{name: "account deletion ru", question: "Удалите мой аккаунт и все данные", reason: answer.ReasonSensitiveTopic, priority: "high", queue: "privacy"},
		{name: "chargeback zh", question: "我要向银行申请拒付", reason: answer.ReasonSensitiveTopic, priority: "urgent", queue: "billing"},
		{name: "no evidence", question: "Quantum flux capacitor teleportation?", reason: answer.ReasonNoEvidence, priority: "normal", queue: "support"},
		{name: "low confidence", question: "Which Zigbee channel, mesh topology and transmit power does the coordinator use on boot?", reason: answer.ReasonLowConfidence, priority: "normal", queue: "support"},
		{name: "retrieval down", down: fmt.Errorf("search: %w: dial tcp: refused", retrieval.ErrUnavailable), question: "How do I factory reset the Lumen hub?", reason: answer.ReasonRetrievalUnavailable, priority: "high", queue: "support"},
		{name: "llm down, strict", cfg: llmStrict, deps: func(d *answer.Deps) { d.Generator = genErr }, question: "How do I factory reset the Lumen hub?", reason: answer.ReasonLLMUnavailable, priority: "normal", queue: "support"},
		{name: "llm abstains", deps: func(d *answer.Deps) { d.Generator = abstain }, question: "How do I factory reset the Lumen hub?", reason: answer.ReasonGroundingFailed, priority: "normal", queue: "support"},
		{name: "llm unsupported", deps: func(d *answer.Deps) { d.Generator = unsupported }, question: "How do I factory reset the Lumen hub?", reason: answer.ReasonGroundingFailed, priority: "normal", queue: "support"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg
			if cfg.K == 0 {
				cfg = answer.DefaultConfig()
			}
			r := newRig(t, cfg, tc.deps)
			r.kb.down = tc.down
			a := ask(t, r, tc.question)
			if a.Decision != answer.Escalated || a.Reason != tc.reason {
				t.Fatalf("decision %s reason %q (confidence %.3f), want escalated %q", a.Decision, a.Reason, a.Confidence, tc.reason)
			}
			if a.Text != "" || len(a.Citations) != 0 {
				t.Errorf("escalation shows text %q / %d citations to the customer", a.Text, len(a.Citations))
			}
			tickets := r.tickets.Tickets()
			if len(tickets) != 1 || a.TicketID != tickets[0].ID || !strings.Contains(a.Notice, a.TicketID) {
				t.Fatalf("ticket %q, notice %q, tickets %+v", a.TicketID, a.Notice, tickets)
			}
			tk := tickets[0]
			if tk.Reason != tc.reason || tk.Priority != tc.priority || tk.Queue != tc.queue || tk.Tenant != "acme" ||
				tk.Lang != a.Lang || tk.Subject == "" || !strings.Contains(tk.Summary, string(tc.reason)) || tk.Status != "open" {
				t.Errorf("ticket %+v; want priority %s queue %s", tk, tc.priority, tc.queue)
			}
			if n := len(tk.Transcript); n != 1 || tk.Transcript[0].Text != tc.question {
				t.Errorf("transcript %+v", tk.Transcript)
			}
		})
	}
}

func TestGeneratorPath(t *testing.T) {
	var got answer.GenerateInput
	gen := generatorFunc(func(_ context.Context, in answer.GenerateInput) (answer.Generation, error) {
		got = in
		return answer.Generation{Text: "Hold the reset button for 10 seconds [1].", Cited: []int{1, 9}, SupportRatio: 1}, nil
	})
	r := newRig(t, answer.DefaultConfig(), func(d *answer.Deps) { d.Generator = gen })
	a := ask(t, r, "How do I factory reset the Lumen hub?")
	if a.Decision != answer.Answered || a.Text != "Hold the reset button for 10 seconds [1]." {
		t.Fatalf("decision %s (%s) text %q", a.Decision, a.Reason, a.Text)
	}
	if len(got.Passages) == 0 || got.Passages[0].N != 1 || got.Passages[0].ChunkID != "faq-reset" || got.Lang != "en" {
		t.Errorf("generator input %+v", got)
	}
	// [9] pointed at no passage: dropped.
	if len(a.Citations) != 1 || a.Citations[0].ChunkID != "faq-reset" || a.Citations[0].Quote == "" {
		t.Errorf("citations %+v", a.Citations)
	}
	if feature(a, answer.FeatureSupportRatio) != 1 {
		t.Errorf("support_ratio feature %v", a.Features)
	}
}

func TestGeneratedAnswerStreamsBySentence(t *testing.T) {
	text := "Hold the reset button for 10 seconds [1]. The ring light blinks amber [1].\nThen set the hub up again [1]."
	gen := generatorFunc(func(context.Context, answer.GenerateInput) (answer.Generation, error) {
		return answer.Generation{Text: text, Cited: []int{1}, SupportRatio: 1}, nil
	})
	r := newRig(t, answer.DefaultConfig(), func(d *answer.Deps) { d.Generator = gen })
	var deltas []string
	a, err := r.eng.Stream(context.Background(), answer.Request{Tenant: "acme", Question: "How do I factory reset the Lumen hub?"}, func(e answer.Event) {
		if e.Type == answer.EventDelta {
			deltas = append(deltas, e.Delta)
		}
	})
	if err != nil || a.Text != text {
		t.Fatalf("text %q err %v", a.Text, err)
	}
	want := []string{"Hold the reset button for 10 seconds [1]. ", "The ring light blinks amber [1].\n", "Then set the hub up again [1]."}
	if d := cmp.Diff(want, deltas); d != "" {
		t.Errorf("deltas (-want +got):\n%s", d)
	}
}

func TestGeneratorFailureFallsBackToExtractive(t *testing.T) {
	gen := generatorFunc(func(context.Context, answer.GenerateInput) (answer.Generation, error) {
		return answer.Generation{}, errors.New("provider timeout")
	})
	r := newRig(t, answer.DefaultConfig(), func(d *answer.Deps) { d.Generator = gen })
	a := ask(t, r, "How do I factory reset the Lumen hub?")
	if a.Decision != answer.Answered || !strings.HasPrefix(a.Text, "Hold the reset button") {
		t.Fatalf("decision %s (%s) text %q", a.Decision, a.Reason, a.Text)
	}
}

func TestStreamEventOrder(t *testing.T) {
	r := newRig(t, answer.DefaultConfig(), nil)
	for _, tc := range []struct {
		question string
		want     []string
	}{
		{"How do I pair a motion sensor with the Lumen app?", []string{"status:triage", "status:retrieve", "delta", "final"}},
		{"Let me speak to a human", []string{"status:triage", "status:retrieve", "status:escalate", "final"}},
	} {
		var events []string
		var deltas strings.Builder
		var final *answer.Answer
		a, err := r.eng.Stream(context.Background(), answer.Request{Tenant: "acme", Question: tc.question}, func(e answer.Event) {
			name := e.Type
			if e.Type == answer.EventStatus {
				name += ":" + e.Stage
			}
			if len(events) == 0 || events[len(events)-1] != name {
				events = append(events, name) // consecutive deltas count once
			}
			deltas.WriteString(e.Delta)
			if e.Type == answer.EventFinal {
				final = e.Answer
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(tc.want, events); d != "" {
			t.Errorf("%q events (-want +got):\n%s", tc.question, d)
		}
		if deltas.String() != a.Text {
			t.Errorf("deltas %q != text %q", deltas.String(), a.Text)
		}
		if final == nil || final.ID != a.ID || final.Decision != a.Decision {
			t.Errorf("final event %+v", final)
		}
	}
}

func TestInvalidRequests(t *testing.T) {
	r := newRig(t, answer.DefaultConfig(), nil)
	for name, req := range map[string]answer.Request{
		"empty":        {Tenant: "acme", Question: ""},
		"blank":        {Tenant: "acme", Question: " \n\t "},
		"too long":     {Tenant: "acme", Question: strings.Repeat("reset ", 1000)},
		"invalid utf8": {Tenant: "acme", Question: "reset \xff\xfe hub"},
		"no tenant":    {Question: "How do I reset the hub?"},
		"controls":     {Tenant: "acme", Question: "\x00\x01\x7f"},
		"long conv id": {Tenant: "acme", Question: "reset", ConversationID: strings.Repeat("x", 200)},
		"zero-width":   {Tenant: "acme", Question: "\u200b\u200b \u200d\ufeff"},
		"2001 chars":   {Tenant: "acme", Question: strings.Repeat("问", 2001)},
	} {
		_, err := r.eng.Answer(context.Background(), req)
		if !errors.Is(err, answer.ErrInvalidRequest) {
			t.Errorf("%s: err %v, want ErrInvalidRequest", name, err)
		}
	}
	if n := len(r.kb.queries); n != 0 {
		t.Errorf("%d searches for invalid requests", n)
	}
}

// TestLimitInCharacters: the limit counts characters, not bytes; 1,334
// Chinese characters (4,002 bytes) used to be refused by a 4,000-byte
// limit under the API's 2,000-character promise.
func TestLimitInCharacters(t *testing.T) {
	r := newRig(t, answer.DefaultConfig(), nil)
	for _, n := range []int{1334, 2000} {
		q := strings.Repeat("问", n-1) + "？"
		if _, err := r.eng.Answer(context.Background(), answer.Request{Tenant: "acme", Question: q}); err != nil {
			t.Errorf("%d Chinese characters: %v", n, err)
		}
	}
}

func TestTenantComesFromRequest(t *testing.T) {
	r := newRig(t, answer.DefaultConfig(), nil)
	a := ask(t, r, "What is the reset password for Globex hubs? swordfish canary")
	for _, h := range a.Hits {
		if h.DocumentID == "secret.md" {
			t.Fatalf("tenant acme saw globex's document: %+v", a.Hits)
		}
	}
	for _, q := range r.kb.queries {
		if q.Tenant != "acme" {
			t.Errorf("searched tenant %q", q.Tenant)
		}
	}
}

func TestTicketWriterFailureIsAnError(t *testing.T) {
	r := newRig(t, answer.DefaultConfig(), func(d *answer.Deps) { d.Tickets = failingTickets{} })
	_, err := r.eng.Answer(context.Background(), answer.Request{Tenant: "acme", Question: "I want a human agent"})
	if err == nil || errors.Is(err, answer.ErrInvalidRequest) {
		t.Fatalf("err %v, want a ticket error", err)
	}
}

func TestConversationFollowUp(t *testing.T) {
	r := newRig(t, answer.DefaultConfig(), nil)
	ctx := context.Background()
	first, err := r.eng.Answer(ctx, answer.Request{Tenant: "acme", Question: "How do I pair a Lumen motion sensor?"})
	if err != nil {
		t.Fatal(err)
	}
	second, err := r.eng.Answer(ctx, answer.Request{Tenant: "acme", ConversationID: first.ConversationID, Question: "and how much does it cost?"})
	if err != nil {
		t.Fatal(err)
	}
	if second.ConversationID != first.ConversationID || !strings.Contains(second.Standalone, "motion sensor") {
		t.Errorf("standalone %q", second.Standalone)
	}
	cites := append(second.Citations, second.AttemptedCitations...)
	found := false
	for _, c := range cites {
		found = found || c.DocumentID == "pricing.md"
	}
	if !found {
		t.Errorf("follow-up did not cite the pricing page: %+v", cites)
	}
	// A third turn asking for a person carries the whole conversation.
	third, err := r.eng.Answer(ctx, answer.Request{Tenant: "acme", ConversationID: first.ConversationID, Question: "ok, connect me to an agent"})
	if err != nil {
		t.Fatal(err)
	}
	if third.Reason != answer.ReasonHumanRequested {
		t.Fatalf("reason %q", third.Reason)
	}
	tk := r.tickets.Tickets()[len(r.tickets.Tickets())-1]
	var roles []string
	for _, m := range tk.Transcript {
		roles = append(roles, m.Role)
	}
	if d := cmp.Diff([]string{"customer", "assistant", "customer", "assistant", "customer"}, roles); d != "" {
		t.Errorf("transcript roles (-want +got):\n%s", d)
	}
	turns, _ := r.convs.Turns(ctx, "acme", first.ConversationID)
	if len(turns) != 6 || turns[5].Text != third.Notice {
		t.Errorf("conversation has %d turns: %+v", len(turns), turns)
	}
}

func TestRewriterAndFallback(t *testing.T) {
	var calls int
	rw := rewriterFunc(func(h []answer.Message, q string) (string, error) {
		calls++
		if strings.Contains(q, "fail") {
			return "", errors.New("model down")
		}
		return "How much does the Lumen motion sensor cost?", nil
	})
	r := newRig(t, answer.DefaultConfig(), func(d *answer.Deps) { d.Rewriter = rw })
	ctx := context.Background()
	first, _ := r.eng.Answer(ctx, answer.Request{Tenant: "acme", Question: "How do I pair a Lumen motion sensor?"})
	a, err := r.eng.Answer(ctx, answer.Request{Tenant: "acme", ConversationID: first.ConversationID, Question: "price?"})
	if err != nil || a.Standalone != "How much does the Lumen motion sensor cost?" {
		t.Errorf("standalone %q err %v", a.Standalone, err)
	}
	b, err := r.eng.Answer(ctx, answer.Request{Tenant: "acme", ConversationID: first.ConversationID, Question: "fail it?"})
	if err != nil || !strings.Contains(b.Standalone, "motion sensor") {
		t.Errorf("fallback standalone %q err %v", b.Standalone, err)
	}
	if calls != 2 {
		t.Errorf("rewriter called %d times", calls)
	}
}

func TestLogsCarryNoCustomerText(t *testing.T) {
	r := newRig(t, answer.DefaultConfig(), nil)
	q := "My email is jane.doe@example.com and I want to speak to a human about my hub"
	ask(t, r, q)
	ask(t, r, "How do I factory reset the Lumen hub?")
	logs := r.logs.String()
	for _, s := range []string{"jane.doe", "speak to a human", "factory reset"} {
		if strings.Contains(logs, s) {
			t.Errorf("info logs contain customer text %q:\n%s", s, logs)
		}
	}
	if tk := r.tickets.Tickets()[0]; strings.Contains(tk.Transcript[0].Text, "jane.doe@example.com") || !strings.Contains(tk.Transcript[0].Text, "[EMAIL]") {
		t.Errorf("stored ticket not redacted: %q", tk.Transcript[0].Text)
	}
}

func TestNewRequiresDeps(t *testing.T) {
	if _, err := answer.New(answer.DefaultConfig(), answer.Deps{Tickets: &answer.MemoryTickets{}}); err == nil {
		t.Error("no retriever accepted")
	}
	if _, err := answer.New(answer.DefaultConfig(), answer.Deps{Retriever: &memIndex{}}); err == nil {
		t.Error("no ticket writer accepted")
	}
	bad := answer.DefaultConfig()
	bad.EscalateSentiment = "sometimes"
	if _, err := answer.New(bad, answer.Deps{Retriever: &memIndex{}, Tickets: &answer.MemoryTickets{}}); err == nil {
		t.Error("bad escalate_sentiment accepted")
	}
}

// embedderFunc is a scripted answer.QueryEmbedder.
type embedderFunc func(text string) ([]float32, error)

func (f embedderFunc) EmbedQuery(_ context.Context, text string) ([]float32, error) { return f(text) }

func TestEmbedderFeedsDenseQuery(t *testing.T) {
	fail := false
	emb := embedderFunc(func(text string) ([]float32, error) {
		if fail {
			return nil, errors.New("embedding server down")
		}
		return []float32{0.6, 0.8}, nil
	})
	r := newRig(t, answer.DefaultConfig(), func(d *answer.Deps) { d.Embedder = emb })
	a := ask(t, r, "How do I factory reset the Lumen hub?")
	if got := r.kb.queries[0].Dense; len(got) != 2 {
		t.Errorf("query vector %v", got)
	}
	fail = true
	b := ask(t, r, "How do I factory reset the Lumen hub?")
	if q := r.kb.queries[1]; q.Dense != nil {
		t.Errorf("failed embedding still sent a vector: %v", q.Dense)
	}
	if a.Decision != answer.Answered || b.Decision != answer.Answered {
		t.Errorf("decisions %s, %s: an embedding outage must fall back to sparse", a.Decision, b.Decision)
	}
}

// TestQuestionAnalyzedOnce: the store gets the engine's analysis of the
// question (Query.Terms) instead of analyzing the text again.
func TestQuestionAnalyzedOnce(t *testing.T) {
	r := newRig(t, answer.DefaultConfig(), nil)
	q := "How can I factory reset my Lumen hub?"
	ask(t, r, q)
	if len(r.kb.queries) != 1 {
		t.Fatalf("%d searches, want 1", len(r.kb.queries))
	}
	got := r.kb.queries[0]
	if diff := cmp.Diff(retrieval.DefaultAnalyzer.Terms(q), got.Terms); diff != "" || got.Text != q {
		t.Errorf("query %q terms (-want +got):\n%s", got.Text, diff)
	}
}

// TestDraftWritesNothing: a draft for an agent (Request.Draft) is composed
// and verified like an answer but writes no ticket (the ticket writer
// here fails on any write) and no conversation turn, and triage's request
// for a person does not escalate it.
func TestDraftWritesNothing(t *testing.T) {
	r := newRig(t, answer.DefaultConfig(), func(d *answer.Deps) { d.Tickets = failingTickets{} })
	ctx := context.Background()
	a, err := r.eng.Answer(ctx, answer.Request{Tenant: "acme", Question: "How can I factory reset my Lumen hub?", Draft: true})
	if err != nil || a.Decision != answer.Answered || a.TicketID != "" || len(a.Citations) == 0 {
		t.Fatalf("draft: %+v %v", a, err)
	}
	if turns, _ := r.convs.Turns(ctx, "acme", a.ConversationID); len(turns) != 0 {
		t.Errorf("draft wrote turns %+v", turns)
	}
	a, err = r.eng.Answer(ctx, answer.Request{Tenant: "acme", Question: "I want a human agent", Draft: true})
	if err != nil || a.Reason == answer.ReasonHumanRequested || a.TicketID != "" {
		t.Errorf("draft of a request for a person: %+v %v", a, err)
	}
	a, err = r.eng.Answer(ctx, answer.Request{Tenant: "acme", Question: "Can I use the hub to mine bitcoin?", Draft: true})
	if err != nil || a.Decision != answer.Escalated || a.Reason == "" || a.TicketID != "" {
		t.Errorf("unanswerable draft: %+v %v", a, err)
	}
}

// TestAnswerAndConversationIDsSortByTime: answer and new conversation ids
// are UUIDs of version 7, increasing from one answer to the next, so that
// the answer log's primary key and conversation index take them at their
// last page instead of a random one.
func TestAnswerAndConversationIDsSortByTime(t *testing.T) {
	r := newRig(t, answer.DefaultConfig(), nil)
	var ids, convs []string
	for range 20 {
		a, err := r.eng.Answer(context.Background(), answer.Request{Tenant: "acme", Question: "How do I factory reset the hub?"})
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{a.ID, a.ConversationID} {
			if u, err := uuid.Parse(id); err != nil || u.Version() != 7 {
				t.Fatalf("id %q: want a UUID of version 7 (%v)", id, err)
			}
		}
		ids, convs = append(ids, a.ID), append(convs, a.ConversationID)
	}
	if !slices.IsSorted(ids) || !slices.IsSorted(convs) {
		t.Errorf("ids of answers one after the other do not increase: answers %v, conversations %v", ids, convs)
	}
}
