package eval

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/answerdesk/answerdesk/ingest"
	"github.com/answerdesk/answerdesk/retrieval"
)

// AnswerKnockout turns a seeded share of a suite's answerable questions
// into in-domain unanswerable ones of another kind than Knockout's: their
// relevant documents stay in the knowledge base, but every sentence that
// states the question's answer (one of its meta.answers strings) is cut
// out of them. The engine then meets a question whose topic is still
// there — the same paragraph, the same names — while the fact it asks is
// not: an attribute near-miss, the kind a support knowledge base makes
// when an entry describes a product without the limit or the renewal
// asked about.
//
// It needs the answer strings (meta.answers, as the xquad suites carry)
// and the documents' text; questions without answers are never chosen.
type AnswerKnockout struct {
	// Fraction of the questions whose answers can be located to make
	// unanswerable, in [0,1).
	Fraction float64
	// Seed fixes which questions: the same seed gives the same knock-out
	// on every run and machine.
	Seed uint64
}

// answerKnockoutSource is the meta.unanswerable_source of a question an
// answer knock-out made unanswerable.
const answerKnockoutSource = "answer-knockout"

// answerSentences are the options of the sentences cut: those the engine
// composes its answers from (answer's extractor), so that a cut sentence
// is one the engine could have quoted.
var answerSentences = retrieval.SentenceOptions{EveryLine: true, ListItems: true}

// Apply returns a copy of s with the knock-out applied, given the text of
// the documents (texts, by id; a document missing from it is never cut),
// and the new text of each document it cut ("" for one left with no
// sentence, to delete).
//
// A question's answers are located when one of its meta.answers occurs
// (case-insensitively) in each of its relevant documents. A document may
// be cut only when every answerable question that lists it has its answers
// located: otherwise a cut could remove an answer the labels cannot see
// (a question without answers, or one whose answers are in another
// language than the paragraph). Located questions whose documents may all
// be cut are taken in a seeded random order; each one still answerable
// has every sentence of its relevant documents that holds one of its
// answers cut, until at least Fraction of them have become unanswerable.
// A located question none of whose answers occurs any more in any of its
// relevant documents — the chosen ones, and any other whose answer went
// with a cut sentence — becomes unanswerable (meta.unanswerable_source
// "answer-knockout"); one that still finds an answer in some of them keeps
// those as its relevant documents.
func (k AnswerKnockout) Apply(s *Suite, texts map[string]string) (*Suite, map[string]string, error) {
	if !(k.Fraction >= 0 && k.Fraction < 1) {
		return nil, nil, fmt.Errorf("answer knock-out fraction %v: want a value in [0,1)", k.Fraction)
	}
	out := *s
	out.Queries = append([]Query(nil), s.Queries...)
	if k.Fraction == 0 {
		return &out, nil, nil
	}
	answers := make(map[int][]string) // located questions' answers
	listing := map[string][]int{}     // document → the answerable questions that list it
	for i, q := range s.Queries {
		if !q.Answerable {
			continue
		}
		for _, d := range q.Relevant {
			listing[d] = append(listing[d], i)
		}
		if as := answersOf(q); len(as) > 0 && locatedIn(q.Relevant, as, texts) {
			answers[i] = as
		}
	}
	cuttable := func(d string) bool {
		for _, i := range listing[d] {
			if answers[i] == nil {
				return false
			}
		}
		return true
	}
	var eligible []int
	for i, q := range s.Queries {
		if answers[i] == nil {
			continue
		}
		ok := true
		for _, d := range q.Relevant {
			ok = ok && cuttable(d)
		}
		if ok {
			eligible = append(eligible, i)
		}
	}
	want := int(k.Fraction*float64(len(eligible)) + 0.5)
	r := rand.New(rand.NewPCG(k.Seed, 0x616e737765726b6f)) // "answerko"
	r.Shuffle(len(eligible), func(i, j int) { eligible[i], eligible[j] = eligible[j], eligible[i] })

	cur := map[string]string{} // the cut documents' text so far
	text := func(d string) string {
		if t, ok := cur[d]; ok {
			return t
		}
		return texts[d]
	}
	lost := map[int]bool{}
	for _, i := range eligible {
		if len(lost) >= want {
			break
		}
		if lost[i] {
			continue
		}
		q := s.Queries[i]
		for _, d := range q.Relevant {
			cur[d] = cutSentences(text(d), answers[i])
			for _, j := range listing[d] {
				if !lost[j] && answers[j] != nil && !occursIn(s.Queries[j].Relevant, answers[j], text) {
					lost[j] = true
				}
			}
		}
	}
	changed := map[string]string{}
	for d, t := range cur {
		if t != texts[d] {
			changed[d] = t
		}
	}
	for i := range answers {
		out.Queries[i] = keepRelevant(out.Queries[i], func(d string) bool {
			return occursIn([]string{d}, answers[i], text)
		}, answerKnockoutSource)
	}
	return &out, changed, nil
}

// answersOf returns q's answer strings (meta.answers), blank ones left out.
func answersOf(q Query) []string {
	raw, _ := q.Meta["answers"].([]any)
	var out []string
	for _, v := range raw {
		if a, ok := v.(string); ok && strings.TrimSpace(a) != "" {
			out = append(out, a)
		}
	}
	return out
}

// locatedIn reports whether one of answers occurs in each of the documents
// docs (at least one).
func locatedIn(docs, answers []string, texts map[string]string) bool {
	for _, d := range docs {
		t, ok := texts[d]
		if !ok || len(occurrences(t, answers)) == 0 {
			return false
		}
	}
	return len(docs) > 0
}

// occursIn reports whether one of answers occurs in one of the documents
// docs, whose text is text(id).
func occursIn(docs, answers []string, text func(string) string) bool {
	for _, d := range docs {
		if len(occurrences(text(d), answers)) > 0 {
			return true
		}
	}
	return false
}

// cutSentences returns text without every sentence (answerSentences) that
// overlaps an occurrence of one of answers, each with the space after it,
// so that the sentences left keep their separators; "" when none is left.
func cutSentences(text string, answers []string) string {
	occ := occurrences(text, answers)
	if len(occ) == 0 {
		return text
	}
	ss := retrieval.Sentences(text, answerSentences)
	var b strings.Builder
	from := 0 // text[from:] is not copied yet
	for i, sn := range ss {
		hit := false
		for _, o := range occ {
			hit = hit || (o[0] < sn.End && o[1] > sn.Start)
		}
		if !hit {
			continue
		}
		b.WriteString(text[from:sn.Start])
		from = len(text)
		if i+1 < len(ss) {
			from = ss[i+1].Start
		}
	}
	b.WriteString(text[from:])
	return strings.TrimSpace(b.String())
}

// occurrences returns the byte spans of text where one of needles occurs,
// ignoring case (rune by rune, unicode.ToLower), in text's own offsets. A
// needle that begins or ends with a word character of a spaced script
// (wordRune) must not continue a word there: "four" is not found in
// "fourteen" nor "24" in "1924", while in Chinese, written without spaces,
// any occurrence counts.
func occurrences(text string, needles []string) [][2]int {
	var low strings.Builder
	at := make([]int, 0, len(text)+1) // at[i]: offset in text of low's byte i
	for i, r := range text {
		n := low.Len()
		low.WriteRune(unicode.ToLower(r))
		for range low.Len() - n {
			at = append(at, i)
		}
	}
	at = append(at, len(text))
	hay := low.String()
	var out [][2]int
	for _, n := range needles {
		n = strings.Map(unicode.ToLower, n)
		if n == "" {
			continue
		}
		for from := 0; ; {
			j := strings.Index(hay[from:], n)
			if j < 0 {
				break
			}
			start, end := from+j, from+j+len(n)
			from = start + 1
			first, _ := utf8.DecodeRuneInString(n)
			last, _ := utf8.DecodeLastRuneInString(n)
			before, _ := utf8.DecodeLastRuneInString(hay[:start])
			after, _ := utf8.DecodeRuneInString(hay[end:])
			if (wordRune(first) && wordRune(before)) || (wordRune(last) && wordRune(after)) {
				continue
			}
			out = append(out, [2]int{at[start], at[end]})
		}
	}
	return out
}

// wordRune reports whether r is a letter or digit of a script written with
// spaces between words (not Han, kana or Hangul).
func wordRune(r rune) bool {
	if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
		return false
	}
	return !unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

// needsTexts reports whether the answer knock-out k has anything to cut in
// s: a fraction above 0 and an answerable question with answers.
func (k AnswerKnockout) needsTexts(s *Suite) bool {
	if k.Fraction == 0 {
		return false
	}
	for _, q := range s.Queries {
		if q.Answerable && len(answersOf(q)) > 0 {
			return true
		}
	}
	return false
}

// knockOutAnswers applies h.AnswerKnockout to s: it reads the documents'
// text from s's corpus file and returns the relabelled suite and the
// records of the documents cut (corpusRecords), to write over the index
// (cutAnswers).
func (h *Harness) knockOutAnswers(s *Suite) (*Suite, []corpusRecord, error) {
	k := h.AnswerKnockout
	if !k.needsTexts(s) {
		out, _, err := k.Apply(s, nil)
		return out, nil, err
	}
	recs, err := readCorpusRecords(s.Corpus)
	if err != nil {
		return nil, nil, err
	}
	texts := make(map[string]string, len(recs))
	for _, r := range recs {
		texts[r.id] = r.text
	}
	out, changed, err := k.Apply(s, texts)
	if err != nil {
		return nil, nil, err
	}
	var cut []corpusRecord
	for _, r := range recs {
		if t, ok := changed[r.id]; ok {
			r.text = t
			cut = append(cut, r)
		}
	}
	return out, cut, nil
}

// corpusRecord is one line of a corpus.jsonl: its id and text, and the
// whole line as read, so that a cut document is written back with every
// other field (title, language, kind, meta) unchanged.
type corpusRecord struct {
	id, text string
	fields   map[string]any
}

// readCorpusRecords reads the corpus file path (JSON Lines, the suite
// format). An answer knock-out needs the documents' text as the labels'
// answers were located in: a docs/ folder, whose text is its loaders',
// is refused.
func readCorpusRecords(path string) ([]corpusRecord, error) {
	if !strings.EqualFold(filepath.Ext(path), ".jsonl") {
		return nil, fmt.Errorf("%w: answer knock-out: the knowledge base %s is not a corpus.jsonl", ErrBadSuite, path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("answer knock-out: %w", err)
	}
	var out []corpusRecord
	for n, line := range bytes.Split(data, []byte("\n")) {
		if line = bytes.TrimSpace(line); len(line) == 0 {
			continue
		}
		var fields map[string]any
		if err := json.Unmarshal(line, &fields); err != nil {
			return nil, fmt.Errorf("%w: answer knock-out: %s line %d: %v", ErrBadSuite, path, n+1, err)
		}
		id, _ := fields["id"].(string)
		text, _ := fields["text"].(string)
		out = append(out, corpusRecord{id: id, text: text, fields: fields})
	}
	return out, nil
}

// cutAnswers writes the cut documents over st: each is deleted, and one
// with text left is ingested again from its record with that text (and
// embedded again when the harness has an embedder), under a source of its
// own so that ingestion does not take it for the corpus file's.
func (h *Harness) cutAnswers(ctx context.Context, st retrieval.Store, s *Suite, cut []corpusRecord) error {
	if len(cut) == 0 {
		return nil
	}
	tenant := tenantOr(h.Options.Tenant)
	var buf bytes.Buffer
	for _, r := range cut {
		if err := st.DeleteDocument(ctx, tenant, r.id); err != nil && !errors.Is(err, retrieval.ErrNotFound) {
			return fmt.Errorf("answer knock-out: remove %s: %w", r.id, err)
		}
		if r.text == "" {
			continue
		}
		line, err := json.Marshal(withMeta(r.fields, "text", r.text))
		if err != nil {
			return fmt.Errorf("answer knock-out: %s: %w", r.id, err)
		}
		buf.Write(line)
		buf.WriteByte('\n')
	}
	if buf.Len() == 0 {
		return nil
	}
	data := buf.Bytes()
	src := ingest.Source{
		Path: strings.TrimSuffix(s.Corpus, filepath.Ext(s.Corpus)) + ".answer-knockout.jsonl",
		ID:   "answer-knockout", Size: int64(len(data)),
		Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil },
	}
	p := ingest.NewPipeline(st, h.Loaders, h.Embedder, h.logger())
	sum, err := p.IngestSource(ctx, src, ingest.Options{Tenant: tenant})
	if err != nil {
		return fmt.Errorf("answer knock-out: ingest the cut documents: %w", err)
	}
	if len(sum.Failed) > 0 {
		return fmt.Errorf("answer knock-out: ingest the cut documents: %v", sum.Failed[0].Err)
	}
	return nil
}
