package qdrant_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/answerdesk/answerdesk/retrieval"
	"github.com/answerdesk/answerdesk/retrieval/qdrant"
	"github.com/answerdesk/answerdesk/retrieval/qdrant/qdranttest"
	"github.com/answerdesk/answerdesk/retrieval/storetest"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// openTest opens a store on srv's URL with a fresh collection.
func openTest(t testing.TB, rawURL string, mod func(*qdrant.Config)) *qdrant.Store {
	t.Helper()
	cfg, err := qdrant.ParseURL(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Logger = quiet
	if mod != nil {
		mod(&cfg)
	}
	s, err := qdrant.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConformanceInProcess(t *testing.T) {
	srv := qdranttest.Start(t, qdranttest.Options{})
	var n atomic.Int64
	storetest.Run(t, func(t *testing.T) retrieval.Store {
		// A fresh collection per subtest: the suite wants an empty store.
		return openTest(t, fmt.Sprintf("%s?collection=conf%d", srv.URL, n.Add(1)), nil)
	})
}

func TestExporter(t *testing.T) {
	srv := qdranttest.Start(t, qdranttest.Options{})
	for _, params := range []string{"collection=export", "collection=exportpt&per_tenant=1"} {
		t.Run(params, func(t *testing.T) {
			storetest.RunExporter(t, func(t *testing.T) retrieval.Store { return openTest(t, srv.URL+"?"+params, nil) })
		})
	}
}

func TestConformanceTenantCollections(t *testing.T) {
	srv := qdranttest.Start(t, qdranttest.Options{})
	var n atomic.Int64
	storetest.Run(t, func(t *testing.T) retrieval.Store {
		return openTest(t, fmt.Sprintf("%s?collection=pt%d&per_tenant=1", srv.URL, n.Add(1)), nil)
	})
}

// TestConformanceRealQdrant runs the suite against a real server when
// QDRANT_URL (qdrant://host:6334) is set; ANSWERDESK_QDRANT_API_KEY is
// used when set. Collections are named answerdesk_test_<time>_<n> and
// dropped afterwards.
func TestConformanceRealQdrant(t *testing.T) {
	u := os.Getenv("QDRANT_URL")
	if u == "" {
		t.Skip("QDRANT_URL not set: skipping the conformance suite against a real Qdrant (set QDRANT_URL=qdrant://localhost:6334 to run it)")
	}
	prefix := fmt.Sprintf("answerdesk_test_%d", time.Now().Unix())
	var n atomic.Int64
	storetest.Run(t, func(t *testing.T) retrieval.Store {
		name := fmt.Sprintf("%s_%d", prefix, n.Add(1))
		sep := "?"
		if containsQuery(u) {
			sep = "&"
		}
		// A real server may predate CreateVectorName: create the dense
		// vector with the collection (the suite uses size 3).
		open := func() *qdrant.Store {
			return openTest(t, u+sep+"collection="+name+"&dense_dim=3", func(c *qdrant.Config) {
				c.APIKey = os.Getenv("ANSWERDESK_QDRANT_API_KEY")
			})
		}
		t.Cleanup(func() { // the suite has closed the store by now
			s := open()
			defer s.Close()
			if err := s.DropCollections(context.Background()); err != nil {
				t.Logf("drop test collections %s: %v", name, err)
			}
		})
		return open()
	})
}

func containsQuery(u string) bool {
	for i := 0; i < len(u); i++ {
		if u[i] == '?' {
			return true
		}
	}
	return false
}
