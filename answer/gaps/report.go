package gaps

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/answerdesk/answerdesk/retrieval"
)

// Question is an unanswered question of the log (its text redacted).
type Question struct {
	Text string
	Lang string
	At   time.Time
}

// Log lists a tenant's unanswered questions of a window, newest first.
type Log interface {
	Unanswered(ctx context.Context, tenant string, from, to time.Time, limit int) ([]Question, error)
}

// Searcher finds the documents nearest a question; retrieval.Store
// satisfies it.
type Searcher interface {
	Search(ctx context.Context, q retrieval.Query) (retrieval.Result, error)
}

// Embedder embeds questions.
type Embedder interface {
	EmbedQueries(ctx context.Context, texts []string) ([][]float32, error)
}

// Finder builds knowledge-gap reports. Log and Search are required;
// Embed, when set, clusters by embeddings and searches densely too.
type Finder struct {
	Log    Log
	Search Searcher
	Embed  Embedder
	// Options tune the clustering.
	Options Options
}

// ErrWindow reports a window that ends before it starts.
var ErrWindow = errors.New("bad window")

// Report is the knowledge gaps of a window.
type Report struct {
	From, To time.Time
	// Questions is how many unanswered questions were clustered (the most
	// recent MaxQuestions of the window); Unclustered how many of them
	// resemble no other.
	Questions   int
	Unclustered int
	// Dense reports that embeddings decided similarity.
	Dense bool
	Gaps  []Gap
}

// Gap is a cluster of similar unanswered questions.
type Gap struct {
	Size int
	// Earlier and Recent count the cluster's questions in the first and
	// the second half of the window: the trend.
	Earlier, Recent int
	// Languages counts the questions per language.
	Languages map[string]int
	// Questions are 3–5 representative questions, the most typical first.
	Questions []string
	Terms     []string
	Cohesion  float64
	// Documents are the knowledge base's documents nearest the most
	// typical question, with their retrieval scores: high scores mean the
	// answer exists but was not found or not trusted; low ones that it is
	// missing.
	Documents []NearDocument
}

// NearDocument is a document retrieved for a gap.
type NearDocument struct {
	ID    string
	Title string
	Score float64
}

// nearestDocuments is how many documents a gap lists.
const nearestDocuments = 3

// Find clusters tenant's unanswered questions created in [from, to). A
// zero from or to is replaced by the earliest or latest question.
func (f *Finder) Find(ctx context.Context, tenant string, from, to time.Time) (Report, error) {
	if !from.IsZero() && !to.IsZero() && !to.After(from) {
		return Report{}, fmt.Errorf("%w: to (%s) is not after from (%s)", ErrWindow, to.Format(time.RFC3339), from.Format(time.RFC3339))
	}
	qs, err := f.Log.Unanswered(ctx, tenant, from, to, MaxQuestions)
	if err != nil {
		return Report{}, fmt.Errorf("gaps: %w", err)
	}
	r := Report{From: from, To: to, Questions: len(qs), Gaps: []Gap{}}
	if len(qs) == 0 {
		return r, nil
	}
	if r.From.IsZero() {
		r.From = qs[len(qs)-1].At
	}
	if r.To.IsZero() {
		r.To = qs[0].At.Add(time.Nanosecond)
	}
	texts := make([]string, len(qs))
	for i, q := range qs {
		texts[i] = q.Text
	}
	var vecs [][]float32
	if f.Embed != nil {
		if vecs, err = f.Embed.EmbedQueries(ctx, texts); err != nil {
			return Report{}, fmt.Errorf("gaps: embed %d questions: %w", len(texts), err)
		}
		r.Dense = true
	}
	cs, err := Group(texts, vecs, f.Options)
	if err != nil {
		return Report{}, fmt.Errorf("gaps: %w", err)
	}
	mid := r.From.Add(r.To.Sub(r.From) / 2)
	for _, c := range cs {
		if len(c.Members) < 2 {
			r.Unclustered++
			continue
		}
		g := Gap{Size: len(c.Members), Languages: map[string]int{}, Terms: c.Terms, Cohesion: c.Cohesion}
		for _, m := range c.Members {
			if qs[m].At.Before(mid) {
				g.Earlier++
			} else {
				g.Recent++
			}
			lang := qs[m].Lang
			if lang == "" {
				lang = "unknown"
			}
			g.Languages[lang]++
		}
		for _, m := range c.Representatives {
			g.Questions = append(g.Questions, texts[m])
		}
		var vec []float32
		if vecs != nil {
			vec = vecs[c.Members[0]]
		}
		if g.Documents, err = f.nearest(ctx, tenant, texts[c.Members[0]], vec); err != nil {
			return Report{}, err
		}
		r.Gaps = append(r.Gaps, g)
	}
	return r, nil
}

// nearest returns the documents best matching a question, one entry per
// document.
func (f *Finder) nearest(ctx context.Context, tenant, text string, vec []float32) ([]NearDocument, error) {
	res, err := f.Search.Search(ctx, retrieval.Query{Text: text, Tenant: tenant, K: 4 * nearestDocuments, Dense: vec})
	if err != nil && vec != nil && errors.Is(err, retrieval.ErrModelMismatch) {
		res, err = f.Search.Search(ctx, retrieval.Query{Text: text, Tenant: tenant, K: 4 * nearestDocuments})
	}
	if err != nil {
		return nil, fmt.Errorf("gaps: nearest documents: %w", err)
	}
	out := []NearDocument{}
	seen := map[string]bool{}
	for _, h := range res.Hits {
		if seen[h.DocumentID] {
			continue
		}
		seen[h.DocumentID] = true
		out = append(out, NearDocument{ID: h.DocumentID, Title: h.Title, Score: h.Score})
		if len(out) == nearestDocuments {
			break
		}
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Score > out[b].Score })
	return out, nil
}
