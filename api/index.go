package api

import (
	"fmt"
	"io"

	"github.com/answerdesk/answerdesk/retrieval"
)

// The index store as the command line shows it (`answerdesk store stats`
// and `answerdesk search --json`); no route serves these forms yet.

// StoreStats describes an index store.
type StoreStats struct {
	Store         string  `json:"store"`
	ServerVersion string  `json:"server_version,omitempty"`
	Documents     int     `json:"documents"`
	Chunks        int     `json:"chunks"`
	Tenants       int     `json:"tenants"`
	DenseModel    string  `json:"dense_model"`
	DenseDim      int     `json:"dense_dim"`
	AvgChunkLen   float64 `json:"avg_chunk_len,omitempty"`
}

// NewStoreStats is the description of the store named name holding st.
func NewStoreStats(name string, st retrieval.Stats) StoreStats {
	return StoreStats{Store: name, Documents: st.Documents, Chunks: st.Chunks, Tenants: st.Tenants, DenseModel: st.DenseModel, DenseDim: st.DenseDim}
}

// WriteText prints the description for a person.
func (s StoreStats) WriteText(w io.Writer) error {
	fmt.Fprintf(w, "store:      %s\n", s.Store)
	if s.ServerVersion != "" {
		fmt.Fprintf(w, "server:     qdrant %s\n", s.ServerVersion)
	}
	fmt.Fprintf(w, "documents:  %d\nchunks:     %d\ntenants:    %d\n", s.Documents, s.Chunks, s.Tenants)
	if s.DenseModel != "" {
		fmt.Fprintf(w, "dense:      %s (%d dimensions)\n", s.DenseModel, s.DenseDim)
	} else {
		fmt.Fprintf(w, "dense:      none (sparse retrieval only)\n")
	}
	var err error
	if s.AvgChunkLen > 0 {
		_, err = fmt.Fprintf(w, "avg chunk:  %.1f terms\n", s.AvgChunkLen)
	}
	return err
}

// SearchHit is a passage found in the index store.
type SearchHit struct {
	ChunkID     string  `json:"chunk_id"`
	DocumentID  string  `json:"document_id"`
	Title       string  `json:"title"`
	Heading     string  `json:"heading,omitempty"`
	URL         string  `json:"url,omitempty"`
	Page        int     `json:"page,omitempty"`
	Kind        string  `json:"kind"`
	Lang        string  `json:"lang,omitempty"`
	Text        string  `json:"text"`
	Score       float64 `json:"score"`
	SparseScore float64 `json:"sparse_score"`
	DenseScore  float64 `json:"dense_score,omitempty"`
}

// SearchHits are the hits of a search, best first.
type SearchHits struct {
	Hits []SearchHit `json:"hits"`
}

// NewSearchHits converts a search result.
func NewSearchHits(res retrieval.Result) SearchHits {
	out := SearchHits{Hits: []SearchHit{}}
	for _, h := range res.Hits {
		out.Hits = append(out.Hits, SearchHit{ChunkID: h.ID, DocumentID: h.DocumentID, Title: h.Title, Heading: h.Heading,
			URL: h.URL, Page: h.Page, Kind: string(h.Kind), Lang: h.Lang, Text: h.Text, Score: h.Score, SparseScore: h.SparseScore, DenseScore: h.DenseScore})
	}
	return out
}
