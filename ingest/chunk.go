package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode"

	"github.com/answerdesk/answerdesk/retrieval"
)

// DefaultBudget is the default chunk size in tokens: about a paragraph or
// two, small enough for BM25 to rank passages rather than whole pages.
const DefaultBudget = 256

// HeadingSep joins a heading path.
const HeadingSep = " › "

// CountTokens estimates tokens offline: one per word of letters or digits,
// one per Han character. It is stable across runs and languages, which is
// all a chunk budget needs.
func CountTokens(s string) int {
	n := 0
	inWord := false
	for _, r := range s {
		switch {
		case r >= 0x2E80 && unicode.Is(unicode.Han, r):
			n++
			inWord = false
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if !inWord {
				n++
			}
			inWord = true
		default:
			inWord = false
		}
	}
	return n
}

// ChunkID is the deterministic id of the position-th chunk of a document.
func ChunkID(tenant, docID string, position int) string {
	h := sha256.New()
	h.Write([]byte(tenant))
	h.Write([]byte{0})
	h.Write([]byte(docID))
	h.Write([]byte{0})
	var b [8]byte
	for i := range b {
		b[i] = byte(position >> (8 * i))
	}
	h.Write(b[:])
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// Chunk cuts a document into chunks of at most budget tokens (DefaultBudget
// when budget <= 0), following its structure: a chunk never spans sections
// (so it has one heading path), paragraphs are kept whole when they fit and
// split at sentence ends when they do not, tables are split only between
// rows with their header repeated, and an Entry is always one chunk.
func Chunk(doc Document, tenant string, budget int) []retrieval.Chunk {
	if budget <= 0 {
		budget = DefaultBudget
	}
	c := chunker{doc: doc, tenant: tenant, budget: budget}
	for _, s := range doc.Sections {
		c.section(s)
	}
	return c.out
}

type chunker struct {
	doc     Document
	tenant  string
	budget  int
	out     []retrieval.Chunk
	buf     []string
	tokens  int
	heading string
	page    int
}

func (c *chunker) section(s Section) {
	c.heading = strings.Join(nonEmpty(s.Heading), HeadingSep)
	c.page = s.Page
	for _, b := range s.Blocks {
		switch b.Kind {
		case Entry:
			c.flush()
			c.emit(strings.TrimSpace(b.Text))
		case Table:
			c.table(b)
		default:
			c.paragraph(b.Text)
		}
	}
	c.flush()
}

func (c *chunker) add(text string, tokens int) {
	c.buf = append(c.buf, text)
	c.tokens += tokens
}

func (c *chunker) paragraph(text string) {
	text = strings.TrimSpace(text)
	if text == "" {
		return
	}
	n := CountTokens(text)
	if c.tokens+n <= c.budget {
		c.add(text, n)
		return
	}
	c.flush()
	if n <= c.budget {
		c.add(text, n)
		return
	}
	for _, s := range splitLong(text, c.budget) {
		sn := CountTokens(s)
		if c.tokens+sn > c.budget {
			c.flush()
		}
		c.add(s, sn)
	}
}

func (c *chunker) table(b Block) {
	whole := strings.Join(append([]string{b.Header}, b.Rows...), "\n")
	n := CountTokens(whole)
	if c.tokens+n <= c.budget {
		c.add(strings.TrimSpace(whole), n)
		return
	}
	c.flush()
	if n <= c.budget {
		c.add(strings.TrimSpace(whole), n)
		return
	}
	hn := CountTokens(b.Header)
	for _, r := range b.Rows {
		rn := CountTokens(r)
		if c.tokens > 0 && c.tokens+rn > c.budget {
			c.flush()
		}
		if c.tokens == 0 && b.Header != "" {
			c.add(b.Header, hn)
		}
		c.add(r, rn)
	}
	c.flush()
}

func (c *chunker) flush() {
	if len(c.buf) == 0 {
		return
	}
	c.emit(strings.Join(c.buf, "\n\n"))
	c.buf, c.tokens = c.buf[:0], 0
}

func (c *chunker) emit(text string) {
	if strings.TrimSpace(text) == "" {
		return
	}
	pos := len(c.out)
	lang := c.doc.Lang
	if l := retrieval.DetectLang(text); l != "" && lang == "" {
		lang = l
	}
	c.out = append(c.out, retrieval.Chunk{
		ID: ChunkID(c.tenant, c.doc.ID, pos), DocumentID: c.doc.ID, Tenant: c.tenant, Kind: c.doc.Kind,
		Title: c.doc.Title, URL: c.doc.URL, Heading: c.heading, Text: text, Lang: lang, Page: c.page,
		Position: pos, Meta: c.doc.Meta,
	})
}

// splitLong splits text over budget into sentences, and sentences over
// budget into runs of budget tokens.
func splitLong(text string, budget int) []string {
	var out []string
	for _, s := range retrieval.SentenceTexts(text, retrieval.SentenceOptions{}) {
		if CountTokens(s) <= budget {
			out = append(out, s)
			continue
		}
		out = append(out, splitTokens(s, budget)...)
	}
	return out
}

// splitTokens cuts s into pieces of at most budget tokens at word or
// character boundaries.
func splitTokens(s string, budget int) []string {
	var out []string
	start, n := 0, 0
	inWord := false
	for i, r := range s {
		newTok := false
		switch {
		case r >= 0x2E80 && unicode.Is(unicode.Han, r):
			newTok, inWord = true, false
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			newTok = !inWord
			inWord = true
		default:
			inWord = false
		}
		if newTok {
			if n == budget {
				out = append(out, strings.TrimSpace(s[start:i]))
				start, n = i, 0
			}
			n++
		}
	}
	if rest := strings.TrimSpace(s[start:]); rest != "" {
		out = append(out, rest)
	}
	return out
}

func nonEmpty(ss []string) []string {
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
