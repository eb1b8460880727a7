package bench

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"slices"
	"strings"

	"github.com/answerdesk/answerdesk/retrieval"
)

// Tenant is the tenant the corpus is stored under.
const Tenant = retrieval.DefaultTenant

// Documents returns the corpus as store documents, one per page with its
// passages as chunks, in page order.
func (c *Corpus) Documents() []retrieval.DocumentChunks {
	docs := make([]retrieval.DocumentChunks, len(c.Pages))
	for i, p := range c.Pages {
		docs[i].Document = retrieval.Document{
			ID: p.ID, Tenant: Tenant, Kind: retrieval.KindDoc, Title: p.Title, Lang: "en",
			Source: c.Root + "/" + p.ID + ".gz",
		}
	}
	hs := make([]hash.Hash, len(c.Pages))
	for _, ps := range c.Passages {
		d := &docs[ps.Page]
		d.Chunks = append(d.Chunks, retrieval.Chunk{
			ID:         fmt.Sprintf("%s#%d", d.Document.ID, len(d.Chunks)),
			DocumentID: d.Document.ID, Tenant: Tenant, Kind: retrieval.KindDoc,
			Title: d.Document.Title, Heading: ps.Heading, Text: ps.Text, Lang: "en",
			Position: len(d.Chunks),
		})
		if hs[ps.Page] == nil {
			hs[ps.Page] = sha256.New()
		}
		fmt.Fprintf(hs[ps.Page], "%s\x00%s\x00", ps.Heading, ps.Text)
	}
	for i, h := range hs {
		if h != nil {
			docs[i].Document.Hash = hex.EncodeToString(h.Sum(nil))
		}
	}
	return docs
}

// Query is one evaluation query: a page's description and the pages that
// answer it.
type Query struct {
	Text     string
	Relevant []string // page ids
}

// Queries returns one query per distinct page description (compared
// case-insensitively), in page order. Every page with that description
// answers it (gzip(1) and gunzip(1) alike).
func (c *Corpus) Queries() []Query {
	rel := c.Relevant()
	seen := map[string]bool{}
	var qs []Query
	for i, p := range c.Pages {
		key := strings.ToLower(p.Query)
		if p.Query == "" || seen[key] {
			continue
		}
		seen[key] = true
		q := Query{Text: p.Query}
		for _, j := range rel[i] {
			q.Relevant = append(q.Relevant, c.Pages[j].ID)
		}
		qs = append(qs, q)
	}
	return qs
}

// Hit reports whether one of the ranked document ids answers q.
func (q Query) Hit(docIDs []string) bool {
	return slices.ContainsFunc(docIDs, func(id string) bool { return slices.Contains(q.Relevant, id) })
}

// Write writes docs into dst in batches of 500 documents, the batch size of
// the ingest pipeline, and returns the number of chunks written.
func Write(ctx context.Context, dst retrieval.BatchReplacer, docs []retrieval.DocumentChunks) (int, error) {
	n := 0
	for start := 0; start < len(docs); start += 500 {
		batch := docs[start:min(start+500, len(docs))]
		if err := dst.ReplaceDocuments(ctx, batch); err != nil {
			return n, err
		}
		for _, d := range batch {
			n += len(d.Chunks)
		}
	}
	return n, nil
}

// OneLineQuestions are the texts of the queries that fit on one line: the
// questions file of the HTTP load harness (answerdesk bench load).
func (c *Corpus) OneLineQuestions() []string {
	var qs []string
	for _, q := range c.Queries() {
		if !strings.ContainsAny(q.Text, "\n\r") {
			qs = append(qs, q.Text)
		}
	}
	return qs
}
