package qdrant_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync/atomic"
	"testing"

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

func TestExporterRealQdrant(t *testing.T) {
	u := qdranttest.RealURL(t, "retrieval.Exporter contract against a real Qdrant")
	storetest.RunExporter(t, func(t *testing.T) retrieval.Store {
		return openReal(t, qdranttest.WithCollection(u, qdranttest.RealCollection("answerdesk_export"), "dense_dim=3"), nil)
	})
}

func TestConformanceTenantCollections(t *testing.T) {
	srv := qdranttest.Start(t, qdranttest.Options{})
	var n atomic.Int64
	storetest.Run(t, func(t *testing.T) retrieval.Store {
		return openTest(t, fmt.Sprintf("%s?collection=pt%d&per_tenant=1", srv.URL, n.Add(1)), nil)
	})
}

// TestConformanceRealQdrant runs the suite against the real server of
// QDRANT_URL (qdrant://host:6334; see qdranttest.RealURL);
// ANSWERDESK_QDRANT_API_KEY is used when set. Every subtest gets its own
// collection, dropped afterwards.
func TestConformanceRealQdrant(t *testing.T) {
	u := qdranttest.RealURL(t, "conformance suite against a real Qdrant")
	storetest.Run(t, func(t *testing.T) retrieval.Store {
		name := qdranttest.RealCollection("answerdesk_conf")
		// Create the dense vector with the collection (the suite uses
		// size 3), as on a server without CreateVectorName.
		return openReal(t, qdranttest.WithCollection(u, name, "dense_dim=3"), nil)
	})
}

// openReal opens a store on a real server's collection and drops the
// collection pair when the test ends (after the test has closed its store).
func openReal(t testing.TB, rawURL string, mod func(*qdrant.Config)) *qdrant.Store {
	t.Helper()
	withKey := func(c *qdrant.Config) {
		c.APIKey = os.Getenv("ANSWERDESK_QDRANT_API_KEY")
		if mod != nil {
			mod(c)
		}
	}
	t.Cleanup(func() {
		s := openTest(t, rawURL, withKey)
		defer s.Close()
		if err := qdrant.NewAdmin(s).DropCollections(context.Background()); err != nil {
			t.Logf("drop test collections of %s: %v", rawURL, err)
		}
	})
	return openTest(t, rawURL, withKey)
}
