package ingest

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/answerdesk/answerdesk/retrieval"
)

// CoreLoaders returns the loaders of this package by lowercase extension:
// Markdown, plain text, FAQ files (CSV, JSON) and suite corpora (JSONL).
// ingest/formats adds PDF, HTML, DOCX and ticket exports.
func CoreLoaders() map[string]Loader {
	md := LoaderFunc(loadMarkdown)
	return map[string]Loader{
		".md":       md,
		".markdown": md,
		".txt":      LoaderFunc(loadText),
		".csv":      LoaderFunc(loadFAQCSV),
		".json":     LoaderFunc(loadFAQJSON),
		".jsonl":    LoaderFunc(loadCorpus),
	}
}

// maxLine bounds one line of a JSONL file.
const maxLine = 16 << 20

// LoadWhole is the Load of a loader that parses a whole file held in
// memory: it reads src up to maxSize bytes (defaultMax when maxSize is not
// positive; ErrTooLarge beyond), parses it, and names format and the path
// in errors ("html guide.html: …").
func LoadWhole(ctx context.Context, src Source, format string, maxSize, defaultMax int64, parse func(ctx context.Context, data []byte, src Source) ([]Document, error)) ([]Document, error) {
	if maxSize <= 0 {
		maxSize = defaultMax
	}
	data, err := ReadAll(src, maxSize)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", format, src.Path, err)
	}
	docs, err := parse(ctx, data, src)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", format, src.Path, err)
	}
	return docs, nil
}

// ReadAll reads a source completely, enforcing limit bytes (ErrTooLarge).
func ReadAll(src Source, limit int64) ([]byte, error) {
	if limit > 0 && src.Size > limit {
		return nil, fmt.Errorf("%w: %d bytes, the limit is %d", ErrTooLarge, src.Size, limit)
	}
	rc, err := src.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	r := io.Reader(rc)
	if limit > 0 {
		r = io.LimitReader(rc, limit+1)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	if limit > 0 && int64(len(data)) > limit {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, limit)
	}
	return data, nil
}

// defaultLimit bounds a text file read into memory.
const defaultLimit = 64 << 20

// readText reads a text source: valid UTF-8 (a BOM is dropped), not empty.
func readText(src Source) (string, error) {
	data, err := ReadAll(src, defaultLimit)
	if err != nil {
		return "", err
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return "", fmt.Errorf("%w: invalid UTF-8 at byte %d", ErrMalformed, invalidAt(data))
	}
	if strings.TrimSpace(string(data)) == "" {
		return "", ErrEmpty
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return "", fmt.Errorf("%w: NUL byte at %d: binary file?", ErrMalformed, bytes.IndexByte(data, 0))
	}
	return string(data), nil
}

func invalidAt(b []byte) int {
	for i := 0; i < len(b); {
		r, w := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && w == 1 {
			return i
		}
		i += w
	}
	return -1
}

func titleFromPath(p string) string {
	base := strings.TrimSuffix(filepath.Base(p), filepath.Ext(p))
	return strings.NewReplacer("_", " ", "-", " ").Replace(base)
}

func kindOr(src Source, def retrieval.Kind) retrieval.Kind {
	if src.Kind != "" {
		return src.Kind
	}
	return def
}

// loadText: paragraphs separated by blank lines.
func loadText(_ context.Context, src Source) ([]Document, error) {
	text, err := readText(src)
	if err != nil {
		return nil, err
	}
	var blocks []Block
	for _, p := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			blocks = append(blocks, Block{Kind: Paragraph, Text: p})
		}
	}
	return []Document{{
		ID: src.ID, Kind: kindOr(src, retrieval.KindDoc), Title: titleFromPath(src.Path), Lang: src.Lang,
		Sections: []Section{{Blocks: blocks}},
	}}, nil
}

// faqEntry is one question and answer.
type faqEntry struct {
	ID, Question, Answer, Category, URL, Lang string
}

func faqDocuments(src Source, entries []faqEntry) ([]Document, error) {
	if len(entries) == 0 {
		return nil, ErrEmpty
	}
	docs := make([]Document, 0, len(entries))
	seen := map[string]int{}
	for i, e := range entries {
		id := e.ID
		if id == "" {
			id = slug(e.Question)
		}
		id = src.ID + "#" + id
		if prev, dup := seen[id]; dup {
			return nil, fmt.Errorf("%w: entry %d has the same id as entry %d (%q): give entries distinct questions or an id", ErrMalformed, i+1, prev+1, id)
		}
		seen[id] = i
		meta := map[string]string{}
		if e.Category != "" {
			meta["category"] = e.Category
		}
		lang := e.Lang
		if lang == "" {
			lang = src.Lang
		}
		docs = append(docs, Document{
			ID: id, Kind: kindOr(src, retrieval.KindFAQ), Title: e.Question, URL: e.URL, Lang: lang, Meta: meta,
			Sections: []Section{{Heading: []string{e.Category}, Blocks: []Block{{Kind: Entry, Text: e.Question + "\n" + e.Answer}}}},
		})
	}
	return docs, nil
}

// slug makes a short stable id from a question.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if b.Len() >= 60 {
			break
		}
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127 && (isLetterOrDigit(r)) {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

var faqColumns = map[string]string{
	"question": "question", "q": "question", "вопрос": "question", "问题": "question",
	"answer": "answer", "a": "answer", "ответ": "answer", "答案": "answer", "回答": "answer",
	"category": "category", "категория": "category", "类别": "category",
	"url": "url", "lang": "lang", "language": "lang", "id": "id",
}

// loadFAQCSV reads a CSV with a header row naming question and answer
// columns (category, url, lang, id optional). A ragged row or an empty
// question or answer rejects the whole file, with its row number, so that
// a half-broken FAQ is fixed rather than half-indexed.
func loadFAQCSV(_ context.Context, src Source) ([]Document, error) {
	text, err := readText(src)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(strings.NewReader(text))
	r.FieldsPerRecord = 0
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrMalformed, err)
	}
	col := map[string]int{}
	for i, h := range header {
		if name, ok := faqColumns[strings.ToLower(strings.TrimSpace(h))]; ok {
			col[name] = i
		}
	}
	for _, need := range []string{"question", "answer"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("%w: no %q column in header %q (need question and answer; optional category, url, lang, id)", ErrMalformed, need, strings.Join(header, ","))
		}
	}
	get := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	var entries []faqEntry
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		line, _ := r.FieldPos(0)
		e := faqEntry{ID: get(rec, "id"), Question: get(rec, "question"), Answer: get(rec, "answer"), Category: get(rec, "category"), URL: get(rec, "url"), Lang: get(rec, "lang")}
		if e.Question == "" || e.Answer == "" {
			return nil, fmt.Errorf("%w: line %d: empty question or answer", ErrMalformed, line)
		}
		entries = append(entries, e)
	}
	return faqDocuments(src, entries)
}

// loadFAQJSON reads [{"question", "answer", …}] or {"faqs": [...]}.
func loadFAQJSON(_ context.Context, src Source) ([]Document, error) {
	text, err := readText(src)
	if err != nil {
		return nil, err
	}
	type jentry struct {
		ID       string `json:"id"`
		Question string `json:"question"`
		Answer   string `json:"answer"`
		Category string `json:"category"`
		URL      string `json:"url"`
		Lang     string `json:"lang"`
	}
	var list []jentry
	trimmed := strings.TrimSpace(text)
	if strings.HasPrefix(trimmed, "{") {
		var wrap struct {
			FAQs []jentry `json:"faqs"`
		}
		if err := json.Unmarshal([]byte(trimmed), &wrap); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		list = wrap.FAQs
	} else if err := json.Unmarshal([]byte(trimmed), &list); err != nil {
		return nil, fmt.Errorf("%w: %v (want an array of {question, answer, category?, url?, lang?, id?})", ErrMalformed, err)
	}
	entries := make([]faqEntry, 0, len(list))
	for i, e := range list {
		if strings.TrimSpace(e.Question) == "" || strings.TrimSpace(e.Answer) == "" {
			return nil, fmt.Errorf("%w: entry %d: empty question or answer", ErrMalformed, i+1)
		}
		entries = append(entries, faqEntry{ID: e.ID, Question: strings.TrimSpace(e.Question), Answer: strings.TrimSpace(e.Answer), Category: e.Category, URL: e.URL, Lang: e.Lang})
	}
	return faqDocuments(src, entries)
}

// loadCorpus reads a suite corpus (see docs/eval.md): one JSON
// document per line with id, title, text, lang, url and meta. A line that
// does not parse rejects the file with its line number.
func loadCorpus(_ context.Context, src Source) ([]Document, error) {
	text, err := readText(src)
	if err != nil {
		return nil, err
	}
	type line struct {
		ID    string         `json:"id"`
		Title string         `json:"title"`
		Text  string         `json:"text"`
		Lang  string         `json:"lang"`
		URL   string         `json:"url"`
		Kind  string         `json:"kind"`
		Meta  map[string]any `json:"meta"`
	}
	var docs []Document
	seen := map[string]int{}
	for n, raw := range strings.Split(text, "\n") {
		raw = strings.TrimSpace(raw)
		if raw == "" {
			continue
		}
		if len(raw) > maxLine {
			return nil, fmt.Errorf("%w: line %d: longer than %d bytes", ErrMalformed, n+1, maxLine)
		}
		var l line
		if err := json.Unmarshal([]byte(raw), &l); err != nil {
			return nil, fmt.Errorf("%w: line %d: %v", ErrMalformed, n+1, err)
		}
		if l.ID == "" || strings.TrimSpace(l.Text) == "" {
			return nil, fmt.Errorf("%w: line %d: a corpus line needs \"id\" and \"text\"", ErrMalformed, n+1)
		}
		if prev, dup := seen[l.ID]; dup {
			return nil, fmt.Errorf("%w: line %d: id %q already on line %d", ErrMalformed, n+1, l.ID, prev)
		}
		seen[l.ID] = n + 1
		kind := kindOr(src, retrieval.Kind(l.Kind))
		if kind == "" {
			kind = retrieval.KindDoc
		}
		var meta map[string]string
		if len(l.Meta) > 0 {
			meta = make(map[string]string, len(l.Meta))
			for k, v := range l.Meta {
				if s, ok := v.(string); ok {
					meta[k] = s
				} else if b, err := json.Marshal(v); err == nil {
					meta[k] = string(b)
				}
			}
		}
		lang := l.Lang
		if lang == "" {
			lang = src.Lang
		}
		docs = append(docs, Document{
			ID: l.ID, Kind: kind, Title: l.Title, URL: l.URL, Lang: lang, Meta: meta,
			Sections: []Section{{Blocks: []Block{{Kind: Paragraph, Text: l.Text}}}},
		})
	}
	if len(docs) == 0 {
		return nil, ErrEmpty
	}
	return docs, nil
}
