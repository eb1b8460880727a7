package eval

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/answer/llm/embedtest"
	"github.com/answerdesk/answerdesk/eval/suite"
	"github.com/answerdesk/answerdesk/retrieval"
)

// queryOnly hides a passage embedder's EmbedDocuments from the engine:
// the engine then quotes a cross-language passage from the sentence with
// the question's anchors, or its opening.
type queryOnly struct{ answer.QueryEmbedder }

// timedPassages counts and times the passage embeddings the engine asks for.
type timedPassages struct {
	Embedder
	mu    sync.Mutex
	calls int
	texts int
	spent time.Duration
}

func (t *timedPassages) EmbedDocuments(ctx context.Context, texts []string) ([][]float32, error) {
	start := time.Now()
	v, err := t.Embedder.EmbedDocuments(ctx, texts)
	t.mu.Lock()
	t.calls, t.texts, t.spent = t.calls+1, t.texts+len(texts), t.spent+time.Since(start)
	t.mu.Unlock()
	return v, err
}

// recording keeps each question's answer.
type recording struct {
	Answerer
	mu  *sync.Mutex
	got map[string]answer.Answer
}

func (r recording) Answer(ctx context.Context, req answer.Request) (answer.Answer, error) {
	a, err := r.Answerer.Answer(ctx, req)
	r.mu.Lock()
	r.got[req.Question] = a
	r.mu.Unlock()
	return a, err
}

// TestCrossQuoteHoldsAnswer measures, with the real multilingual-e5-small
// on xquad-cross-ru-zh-to-en, how often a cross-language quote of the
// right paragraph holds the answer (the English answer of the same XQuAD
// question, from xquad-en): sentences chosen by their embeddings' cosine
// to the question against sentences chosen by the question's anchors. It
// fails when the embeddings choose worse than the anchors.
func TestCrossQuoteHoldsAnswer(t *testing.T) {
	shared := suite.SharedDir(t, "cross-language quotes")
	emb := embedtest.New(t)
	if emb == nil {
		t.Skip("cross-language quotes need the real embedder: set ANSWERDESK_TEST_EMBED_URL (see .ci/models.sh)")
	}
	cross, err := LoadSuite(filepath.Join(shared, "datasets", "xquad-cross-ru-zh-to-en"))
	if err != nil {
		t.Fatal(err)
	}
	en, err := LoadSuite(filepath.Join(shared, "datasets", "xquad-en"))
	if err != nil {
		t.Fatal(err)
	}
	answers := map[string][]string{} // question id without language → English answers
	for _, q := range en.Queries {
		for _, a := range metaStrings(q.Meta["answers"]) {
			answers[strings.TrimSuffix(q.ID, "-en")] = append(answers[strings.TrimSuffix(q.ID, "-en")], strings.ToLower(a))
		}
	}
	o := engineOptions()
	o.Embedder = emb
	o.Config.CrossLanguageQuotes = true // "answered" counts the quotes shown
	h, err := NewEngineHarness(o)
	if err != nil {
		t.Fatal(err)
	}
	type share struct{ quotes, holding, answered, answeredHolding int }
	run := func(name string, embedder answer.QueryEmbedder) share {
		var mu sync.Mutex
		got := map[string]answer.Answer{}
		h.NewAnswerer = func(_ context.Context, store retrieval.Store) (Answerer, error) {
			eng, err := answer.New(h.Config, answer.Deps{Retriever: store, Tickets: NullTickets{}, Embedder: embedder})
			return recording{eng, &mu, got}, err
		}
		if _, err := h.RunSuite(context.Background(), cross); err != nil {
			t.Fatal(err)
		}
		var s share
		for _, q := range cross.Queries {
			want := answers[strings.TrimSuffix(q.ID, "-"+q.Lang)]
			a, ok := got[q.Text]
			if !q.Answerable || len(want) == 0 || !ok {
				continue
			}
			cites := a.Citations
			text := a.Text
			if a.Decision != answer.Answered {
				cites, text = a.AttemptedCitations, a.Attempted
			}
			// A quote of the right paragraph by the cross path (scored on
			// the cross-language features).
			crossPath := false
			for _, f := range a.Features {
				crossPath = crossPath || f.Name == answer.FeatureDenseMargin
			}
			if !crossPath || len(cites) == 0 || cites[0].DocumentID != q.Relevant[0] {
				continue
			}
			holds := false
			for _, w := range want {
				holds = holds || strings.Contains(strings.ToLower(text), w)
			}
			s.quotes++
			if holds {
				s.holding++
			}
			if a.Decision == answer.Answered {
				s.answered++
				if holds {
					s.answeredHolding++
				}
			}
		}
		t.Logf("%s: %d quotes of the right paragraph, %.3f hold the answer; answered %d, %.3f hold it",
			name, s.quotes, float64(s.holding)/float64(max(1, s.quotes)), s.answered, float64(s.answeredHolding)/float64(max(1, s.answered)))
		return s
	}
	anchors := run("anchors", queryOnly{emb})
	timed := &timedPassages{Embedder: emb}
	dense := run("sentence embeddings", timed)
	t.Logf("sentence embeddings: %d calls, %d sentences, %v in all (%v per cross-language quote; a warm vector cache hides the server's cost)",
		timed.calls, timed.texts, timed.spent.Round(time.Millisecond), (timed.spent / time.Duration(max(1, dense.quotes))).Round(time.Microsecond))
	if anchors.quotes == 0 || dense.quotes != anchors.quotes {
		t.Fatalf("quotes: %d by anchors, %d by embeddings: the choice of sentences must not change which answers quote", anchors.quotes, dense.quotes)
	}
	if dense.holding < anchors.holding {
		t.Errorf("the sentences nearest the question hold the answer in %d quotes, the anchors' in %d", dense.holding, anchors.holding)
	}
}

// metaStrings reads a JSON list of strings from a query's meta.
func metaStrings(v any) []string {
	xs, _ := v.([]any)
	var out []string
	for _, x := range xs {
		if s, ok := x.(string); ok && s != "" {
			out = append(out, s)
		}
	}
	return out
}
