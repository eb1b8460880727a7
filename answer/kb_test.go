package answer_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/eval/suite"
	"github.com/answerdesk/answerdesk/ingest"
	"github.com/answerdesk/answerdesk/retrieval"
	"github.com/answerdesk/answerdesk/retrieval/embedded"
)

// moduleRoot walks up from the test directory to go.mod.
func moduleRoot(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("go.mod not found")
		}
		dir = parent
	}
}

// bundledKB ingests the repository's testdata/kb into a fresh embedded
// store.
func bundledKB(tb testing.TB) (*embedded.Store, string) {
	tb.Helper()
	kb := filepath.Join(moduleRoot(tb), "testdata", "kb")
	ctx := context.Background()
	store, err := embedded.Open(ctx, tb.TempDir(), embedded.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { store.Close() })
	sum, err := ingest.NewPipeline(store, ingest.CoreLoaders(), nil, nil).IngestPaths(ctx, []string{filepath.Join(kb, "docs")}, ingest.Options{})
	if err != nil || len(sum.Failed) > 0 || sum.Chunks == 0 {
		tb.Fatalf("ingest %s: %v, failed %v, %d chunks", kb, err, sum.Failed, sum.Chunks)
	}
	return store, kb
}

// TestBundledKB asks the bundled Lumen KB's questions (answerable and
// unanswerable, en/ru/zh) through the engine over the real embedded store.
func TestBundledKB(t *testing.T) {
	store, kb := bundledKB(t)
	tickets := &answer.MemoryTickets{}
	eng, err := answer.New(answer.DefaultConfig(), answer.Deps{Retriever: store, Tickets: tickets, Conversations: &answer.MemoryConversations{}})
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(kb, "queries.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	qs, err := suite.ReadQueries(f)
	if err != nil {
		t.Fatal(err)
	}
	type tally struct{ answerable, answeredRight, answeredWrong, unanswerable, escalated int }
	per := map[string]*tally{}
	for _, q := range qs {
		a, err := eng.Answer(context.Background(), answer.Request{Tenant: retrieval.DefaultTenant, Question: q.Text})
		if err != nil {
			t.Fatalf("%s: %v", q.ID, err)
		}
		tl := per[q.Lang]
		if tl == nil {
			tl = &tally{}
			per[q.Lang] = tl
		}
		if a.Lang != q.Lang {
			t.Errorf("%s: answered in %q, asked in %q", q.ID, a.Lang, q.Lang)
		}
		first := ""
		if len(a.Citations) > 0 {
			first = a.Citations[0].DocumentID
		}
		t.Logf("%s %-9s %-15s conf %.3f cites %-22s %q", q.ID, a.Decision, a.Reason, a.Confidence, first, snip(a.Text))
		if !q.Answerable {
			tl.unanswerable++
			if a.Decision == answer.Escalated {
				tl.escalated++
			} else {
				t.Errorf("%s %q is not in the KB but was answered: %q", q.ID, q.Text, a.Text)
			}
			continue
		}
		tl.answerable++
		if a.Decision != answer.Answered {
			continue
		}
		if slices.Contains(q.Relevant, first) {
			tl.answeredRight++
		} else {
			tl.answeredWrong++
			t.Errorf("%s %q answered from %s, want one of %v", q.ID, q.Text, first, q.Relevant)
		}
		for _, c := range a.Citations {
			if c.Quote == "" || c.ChunkID == "" || c.Title == "" {
				t.Errorf("%s: incomplete citation %+v", q.ID, c)
			}
		}
	}
	for _, lang := range []string{"en", "ru", "zh"} {
		tl := per[lang]
		if tl == nil {
			t.Fatalf("no %s questions", lang)
		}
		t.Logf("%s: answered %d/%d answerable correctly (%d wrong), escalated %d/%d unanswerable",
			lang, tl.answeredRight, tl.answerable, tl.answeredWrong, tl.escalated, tl.unanswerable)
		// The shipped model is fitted leave-one-suite-out with in-domain
		// knock-outs (docs/eval.md): it escalates a borderline answer rather
		// than risk a wrong one, so a third answered (and none wrong, above)
		// is the bar, not a half.
		if 3*tl.answeredRight < tl.answerable {
			t.Errorf("%s: answered only %d of %d answerable questions", lang, tl.answeredRight, tl.answerable)
		}
	}
	// Every escalation left a ticket.
	esc := 0
	for _, tl := range per {
		esc += tl.escalated + tl.answerable - tl.answeredRight - tl.answeredWrong
	}
	if n := len(tickets.Tickets()); n != esc {
		t.Errorf("%d tickets for %d escalations", n, esc)
	}
}

func snip(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 70 {
		return string(r[:70]) + "…"
	}
	return s
}
