package qdrant_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/answerdesk/answerdesk/retrieval"
	"github.com/answerdesk/answerdesk/retrieval/embedded"
	"github.com/answerdesk/answerdesk/retrieval/qdrant"
	"github.com/answerdesk/answerdesk/retrieval/qdrant/qdranttest"
)

// benchCorpus makes n one-chunk documents of 20 to 100 words drawn from a
// Zipf-distributed vocabulary, with dense vectors of size dim (none if 0).
func benchCorpus(n, dim int, seed uint64) []retrieval.DocumentChunks {
	r := rand.New(rand.NewPCG(seed, 1))
	z := rand.NewZipf(r, 1.1, 2, 5000)
	words := make([]string, 5001)
	for i := range words {
		words[i] = fmt.Sprintf("w%dx", i)
	}
	docs := make([]retrieval.DocumentChunks, n)
	for i := range docs {
		var b strings.Builder
		for j, n := 0, 20+r.IntN(81); j < n; j++ {
			b.WriteString(words[z.Uint64()])
			b.WriteByte(' ')
		}
		id := fmt.Sprintf("doc%06d", i)
		d := retrieval.Document{ID: id, Tenant: "bench", Kind: retrieval.KindDoc, Title: "Document " + id, Hash: id}
		c := retrieval.Chunk{ID: id + "/0", DocumentID: id, Tenant: "bench", Kind: retrieval.KindDoc, Title: d.Title, Text: b.String()}
		if dim > 0 {
			d.DenseModel = "bench"
			c.Dense = make([]float32, dim)
			for k := range c.Dense {
				c.Dense[k] = r.Float32() - 0.5
			}
		}
		docs[i] = retrieval.DocumentChunks{Document: d, Chunks: []retrieval.Chunk{c}}
	}
	return docs
}

func benchQueries(n int) []string {
	r := rand.New(rand.NewPCG(7, 7))
	z := rand.NewZipf(r, 1.1, 2, 5000)
	qs := make([]string, n)
	for i := range qs {
		qs[i] = fmt.Sprintf("w%dx w%dx w%dx w%dx", z.Uint64()+20, z.Uint64()+5, z.Uint64()+50, z.Uint64())
	}
	return qs
}

func benchStore(b *testing.B) (*qdrant.Store, *qdranttest.Server) {
	b.Helper()
	srv, err := qdranttest.Listen(qdranttest.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(srv.Stop)
	return openTest(b, srv.URL, nil), srv
}

// reportSplit reports how much of each operation the in-process server's
// handlers took and the rest: the adapter (request building, analysis,
// decoding) plus gRPC transport on both sides.
func reportSplit(b *testing.B, srv *qdranttest.Server, busy0 time.Duration, start time.Time) {
	if srv == nil {
		return
	}
	n := float64(b.N)
	server := float64(srv.Busy() - busy0)
	b.ReportMetric(server/n, "server-ns/op")
	b.ReportMetric((float64(time.Since(start))-server)/n, "adapter+grpc-ns/op")
}

// BenchmarkUpsert measures ingestion through the adapter: batches of 64
// one-chunk documents (analysis, point building, gRPC, the fake server's
// indexing). Reported as points/s.
func BenchmarkUpsert(b *testing.B) {
	for _, dim := range []int{0, 384} {
		b.Run(fmt.Sprintf("dense=%d", dim), func(b *testing.B) {
			s, srv := benchStore(b)
			defer s.Close()
			docs := benchCorpus(4096, dim, 1)
			ctx := context.Background()
			b.ResetTimer()
			start, busy0 := time.Now(), srv.Busy()
			points := 0
			for i := 0; i < b.N; i++ {
				from := (i * 64) % len(docs)
				if err := s.ReplaceDocuments(ctx, docs[from:from+64]); err != nil {
					b.Fatal(err)
				}
				points += 64
			}
			b.ReportMetric(float64(points)/time.Since(start).Seconds(), "points/s")
			reportSplit(b, srv, busy0, start)
		})
	}
}

// BenchmarkSearch measures query latency through the adapter on 5,000
// chunks, against the embedded store on the same corpus for the adapter's
// own overhead (gRPC round trip, protobuf, IDF probes, payload decoding).
func BenchmarkSearch(b *testing.B) {
	ctx := context.Background()
	const n, dim = 5000, 64
	docs := benchCorpus(n, dim, 2)
	qs := benchQueries(256)
	qv := benchCorpus(256, dim, 3)
	s, srv := benchStore(b)
	defer s.Close()
	for i := 0; i < n; i += 256 {
		if err := s.ReplaceDocuments(ctx, docs[i:min(i+256, n)]); err != nil {
			b.Fatal(err)
		}
	}
	emb, err := embedded.Open(ctx, b.TempDir(), embedded.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer emb.Close()
	if err := emb.ReplaceDocuments(ctx, docs); err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		store retrieval.Store
		srv   *qdranttest.Server
		dense bool
	}{
		{"qdrant/sparse", s, srv, false},
		{"qdrant/hybrid", s, srv, true},
		{"embedded/sparse", emb, nil, false},
		{"embedded/hybrid", emb, nil, true},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var busy0 time.Duration
			if tc.srv != nil {
				busy0 = tc.srv.Busy()
			}
			start := time.Now()
			defer func() { reportSplit(b, tc.srv, busy0, start) }()
			for i := 0; i < b.N; i++ {
				q := retrieval.Query{Text: qs[i%len(qs)], Tenant: "bench", K: 10}
				if tc.dense {
					q.Dense = qv[i%len(qv)].Chunks[0].Dense
				}
				res, err := tc.store.Search(ctx, q)
				if err != nil {
					b.Fatal(err)
				}
				if len(res.Hits) == 0 {
					b.Fatalf("no hits for %q", q.Text)
				}
			}
		})
	}
}
