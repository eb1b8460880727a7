package gaps

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/answerdesk/answerdesk/retrieval"
)

type fakeLog struct {
	qs       []Question
	tenant   string
	from, to time.Time
}

func (l *fakeLog) Unanswered(_ context.Context, tenant string, from, to time.Time, limit int) ([]Question, error) {
	l.tenant, l.from, l.to = tenant, from, to
	return l.qs[:min(limit, len(l.qs))], nil
}

type fakeSearch struct {
	queries []retrieval.Query
	err     error
}

func (s *fakeSearch) Search(_ context.Context, q retrieval.Query) (retrieval.Result, error) {
	s.queries = append(s.queries, q)
	if s.err != nil {
		return retrieval.Result{}, s.err
	}
	return retrieval.Result{Hits: []retrieval.Hit{
		{Chunk: retrieval.Chunk{ID: "c1", DocumentID: "faq#refunds", Title: "Refunds"}, Score: 0.9},
		{Chunk: retrieval.Chunk{ID: "c2", DocumentID: "faq#refunds", Title: "Refunds"}, Score: 0.8},
		{Chunk: retrieval.Chunk{ID: "c3", DocumentID: "guide/billing", Title: "Billing"}, Score: 0.4},
	}}, nil
}

func TestFinder(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	texts, truth := topics()
	var qs []Question
	// Newest first, one question an hour over 60 hours; password questions
	// in Russian.
	for i := len(texts) - 1; i >= 0; i-- {
		lang := "en"
		if truth[i] == "password" {
			lang = "ru"
		}
		qs = append(qs, Question{Text: texts[i], Lang: lang, At: t0.Add(time.Duration(i) * time.Hour)})
	}
	qs = append(qs, Question{Text: "zebra", Lang: "en", At: t0})
	log, search := &fakeLog{qs: qs}, &fakeSearch{}
	f := &Finder{Log: log, Search: search}
	r, err := f.Find(context.Background(), "acme", t0, t0.Add(60*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if log.tenant != "acme" || !log.from.Equal(t0) || r.Questions != 61 || r.Unclustered != 1 || r.Dense || len(r.Gaps) != 3 {
		t.Fatalf("report %+v (log asked for %q %v)", r, log.tenant, log.from)
	}
	for _, g := range r.Gaps {
		if g.Size != 20 || g.Earlier+g.Recent != 20 || g.Earlier == 0 || g.Recent == 0 || len(g.Questions) != 5 {
			t.Errorf("gap %+v", g)
		}
		if g.Languages["ru"] != 0 && g.Languages["ru"] != 20 {
			t.Errorf("languages %v: a cluster is one subject", g.Languages)
		}
		if len(g.Documents) != 2 || g.Documents[0] != (NearDocument{"faq#refunds", "Refunds", 0.9}) {
			t.Errorf("documents %+v, want one entry per document", g.Documents)
		}
	}
	for _, q := range search.queries {
		if q.Tenant != "acme" || q.Text == "" {
			t.Errorf("search %+v", q)
		}
	}

	if _, err := f.Find(context.Background(), "acme", t0, t0); !errors.Is(err, ErrWindow) {
		t.Errorf("empty window: %v", err)
	}
	search.err = errors.New("index down")
	if _, err := f.Find(context.Background(), "acme", time.Time{}, time.Time{}); err == nil {
		t.Error("a failing search was not reported")
	}
	empty, err := (&Finder{Log: &fakeLog{}, Search: search}).Find(context.Background(), "acme", time.Time{}, time.Time{})
	if err != nil || empty.Questions != 0 || empty.Gaps == nil {
		t.Errorf("no questions: %+v %v", empty, err)
	}
}
