package eval

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"sort"
)

// Knockout turns a seeded share of a suite's answerable questions into
// in-domain unanswerable ones: their relevant documents are taken out of the
// knowledge base, so the engine meets questions on its own topics whose
// answer is no longer there (sibling documents remain), not only off-topic
// ones.
type Knockout struct {
	// Fraction of the answerable questions to make unanswerable, in [0,1).
	Fraction float64
	// Seed fixes which questions: the same seed gives the same knock-out on
	// every run and machine.
	Seed uint64
	// KeepVocabulary hides the knocked-out documents from every search
	// instead of deleting them: their words stay in the index's statistics
	// (IDF, out-of-vocabulary share). Deleted, a knocked-out question's
	// distinguishing words usually leave the index with its document, so the
	// near-misses made look like questions about something the knowledge
	// base never mentions; hidden, they look like a question about a sibling
	// the knowledge base names but states nothing about.
	KeepVocabulary bool
}

// Apply returns a copy of s with the knock-out applied and the ids of the
// documents to remove from its knowledge base. Answerable questions are
// taken in a seeded random order; each one still answerable has its relevant
// documents removed, until at least Fraction of the answerable questions
// have lost every relevant document. A question that loses every relevant
// document — the chosen ones, and any other whose documents all went with
// them — becomes unanswerable (meta.unanswerable_source "knockout"); one
// that loses some keeps the others as its relevant documents.
func (k Knockout) Apply(s *Suite) (*Suite, []string, error) {
	if !(k.Fraction >= 0 && k.Fraction < 1) {
		return nil, nil, fmt.Errorf("knock-out fraction %v: want a value in [0,1)", k.Fraction)
	}
	out := *s
	out.Queries = append([]Query(nil), s.Queries...)
	if k.Fraction == 0 {
		return &out, nil, nil
	}
	var answerable []int
	for i, q := range s.Queries {
		if q.Answerable {
			answerable = append(answerable, i)
		}
	}
	want := int(k.Fraction*float64(len(answerable)) + 0.5)
	order := append([]int(nil), answerable...)
	r := rand.New(rand.NewPCG(k.Seed, 0x6b6e6f636b6f7574)) // "knockout"
	r.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })

	removed := map[string]bool{}
	lost := func(q Query) bool {
		for _, d := range q.Relevant {
			if !removed[d] {
				return false
			}
		}
		return true
	}
	count := func() int {
		n := 0
		for _, i := range answerable {
			if lost(s.Queries[i]) {
				n++
			}
		}
		return n
	}
	for _, i := range order {
		if count() >= want {
			break
		}
		if lost(s.Queries[i]) {
			continue
		}
		for _, d := range s.Queries[i].Relevant {
			removed[d] = true
		}
	}
	relabel(&out, removed)
	docs := make([]string, 0, len(removed))
	for d := range removed {
		docs = append(docs, d)
	}
	sort.Strings(docs)
	return &out, docs, nil
}

// KnockOut returns a copy of s with the documents docs left out of its
// knowledge base (Suite.Without, deleted after ingestion) and its questions
// relabelled as Knockout.Apply does: a question that loses every relevant
// document becomes unanswerable (meta.unanswerable_source "knockout"), one
// that loses some keeps the others. It makes chosen near-misses: knocking out
// one of two sibling documents leaves questions about it with the sibling as
// the only tempting answer.
func KnockOut(s *Suite, docs ...string) *Suite {
	out := *s
	out.Queries = append([]Query(nil), s.Queries...)
	out.Without = append(append([]string(nil), s.Without...), docs...)
	removed := make(map[string]bool, len(docs))
	for _, d := range docs {
		removed[d] = true
	}
	relabel(&out, removed)
	return &out
}

// relabel drops the removed documents from the relevant ones of s's
// answerable questions; a question left with none becomes unanswerable.
func relabel(s *Suite, removed map[string]bool) {
	for i, q := range s.Queries {
		if q.Answerable {
			s.Queries[i] = keepRelevant(q, func(d string) bool { return !removed[d] }, "knockout")
		}
	}
}

// keepRelevant narrows q's relevant documents to those keep accepts; a
// question left with none becomes unanswerable, its meta.unanswerable_source
// set to source.
func keepRelevant(q Query, keep func(doc string) bool, source string) Query {
	var kept []string
	for _, d := range q.Relevant {
		if keep(d) {
			kept = append(kept, d)
		}
	}
	if len(kept) == len(q.Relevant) {
		return q
	}
	q.Relevant = kept
	if len(kept) == 0 {
		q.Answerable = false
		q.Meta = withMeta(q.Meta, "unanswerable_source", source)
	}
	return q
}

// withMeta returns a copy of meta (a question's meta, a corpus record's
// fields) with key set to value: a rewritten suite must not change the maps
// of the suite it came from.
func withMeta(meta map[string]any, key string, value any) map[string]any {
	out := make(map[string]any, len(meta)+1)
	maps.Copy(out, meta)
	out[key] = value
	return out
}
