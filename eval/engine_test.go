package eval

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/eval/suite/suitetest"
	"github.com/answerdesk/answerdesk/ingest"
	"github.com/google/go-cmp/cmp"
)

// queryTopics is topicEmbedder embedding questions too, counting the
// questions embedded in batches.
type queryTopics struct {
	topicEmbedder
	batched *[]string
}

func (e queryTopics) EmbedQuery(ctx context.Context, text string) ([]float32, error) {
	return e.vec(text), nil
}

func (e queryTopics) EmbedQueries(ctx context.Context, texts []string) ([][]float32, error) {
	*e.batched = append(*e.batched, texts...)
	return e.EmbedDocuments(ctx, texts)
}

const engineCorpus = `{"id":"a","title":"Reset","text":"To reset the hub hold the button for ten seconds."}
{"id":"b","title":"Billing","text":"An invoice is sent every month by email."}
{"id":"c","title":"Warranty","text":"The hub has a two year warranty."}`

const engineQueries = `{"id":"q1","text":"how do I reset the hub","lang":"en","relevant":["a"],"answerable":true}
{"id":"q2","text":"how long is the warranty of the hub","lang":"en","relevant":["c"],"answerable":true}
{"id":"q3","text":"can I bring my cat to the office","lang":"en","relevant":[],"answerable":false}`

func engineOptions() EngineOptions {
	return EngineOptions{Config: answer.DefaultConfig(), ConfigFile: "answerdesk.json", StoreName: "embedded",
		OpenStore: OpenEmbedded, Loaders: ingest.CoreLoaders(), Options: Options{Workers: 2, MaxFailures: 5}}
}

func TestEngineHarnessDescribesTheEngine(t *testing.T) {
	cfg := answer.DefaultConfig()
	model := answer.DefaultConfidenceModel()
	model.Threshold = 0.625
	data, err := MarshalModel(model)
	if err != nil {
		t.Fatal(err)
	}
	modelFile := filepath.Join(t.TempDir(), "confidence.json")
	if err := os.WriteFile(modelFile, data, 0o600); err != nil {
		t.Fatal(err)
	}
	sparse := map[string]string{"store": "embedded (throwaway)", "confidence": "shipped (answer/confidence.json)",
		"generator": "extractive", "retrieval": "sparse", "k": fmt.Sprint(max(cfg.K, 20)),
		"threshold": fmt.Sprintf("%.4g", cfg.Confidence.Threshold)}
	with := func(m map[string]string, kv ...string) map[string]string {
		out := map[string]string{}
		for k, v := range m {
			out[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			out[kv[i]] = kv[i+1]
		}
		return out
	}
	var batched []string
	tests := []struct {
		name string
		edit func(*EngineOptions)
		want map[string]string
	}{
		{"defaults", func(*EngineOptions) {}, sparse},
		{"configured model", func(o *EngineOptions) { o.Config.Confidence.Threshold = 0.5 },
			with(sparse, "confidence", "config answerdesk.json", "threshold", "0.5")},
		{"model file", func(o *EngineOptions) { o.ConfidenceFile = modelFile },
			with(sparse, "confidence", modelFile, "threshold", "0.625")},
		{"hybrid", func(o *EngineOptions) {
			o.Embedder, o.EmbedCache = queryTopics{batched: &batched}, "/cache/topics.jsonl"
		}, with(sparse, "retrieval", "hybrid topics", "confidence", "shipped (answer/confidence-hybrid.json)",
			"cross confidence", "shipped (answer/confidence-cross.json)",
			"embedding cache", "/cache/topics.jsonl", "threshold", fmt.Sprintf("%.4g", cfg.HybridConfidence.Threshold))},
		{"hybrid model file", func(o *EngineOptions) { o.Embedder, o.ConfidenceFile = queryTopics{batched: &batched}, modelFile },
			with(sparse, "retrieval", "hybrid topics", "confidence", modelFile, "threshold", "0.625",
				"cross confidence", "shipped (answer/confidence-cross.json)")},
		{"hybrid, cross-language model file", func(o *EngineOptions) {
			o.Embedder, o.CrossConfidenceFile = queryTopics{batched: &batched}, modelFile
		}, with(sparse, "retrieval", "hybrid topics", "confidence", "shipped (answer/confidence-hybrid.json)",
			"cross confidence", modelFile, "threshold", fmt.Sprintf("%.4g", cfg.HybridConfidence.Threshold))},
		{"knock-out, cache, degraded, llm", func(o *EngineOptions) {
			o.Knockout, o.CacheDir, o.Degrade, o.Generator = Knockout{Fraction: 0.3, Seed: 7}, "/data/eval-cache", DegradeDropTopHit, "llm openai"
		}, with(sparse, "knockout", "0.3 seed 7", "store", "embedded (cached in /data/eval-cache)", "degraded", "drop-top-hit", "generator", "llm openai")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := engineOptions()
			tt.edit(&o)
			h, err := NewEngineHarness(o)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, h.Engine); diff != "" {
				t.Errorf("engine (-want +got):\n%s", diff)
			}
			if h.Hybrid() != (o.Embedder != nil) {
				t.Errorf("Hybrid() = %v with embedder %v", h.Hybrid(), o.Embedder)
			}
			if h.Config.K < 20 {
				t.Errorf("K = %d, want at least 20 for the rank-10 metrics", h.Config.K)
			}
		})
	}
}

func TestEngineHarnessBadOptions(t *testing.T) {
	for name, edit := range map[string]func(*EngineOptions){
		"no store":        func(o *EngineOptions) { o.OpenStore = nil },
		"unknown degrade": func(o *EngineOptions) { o.Degrade = "drop-everything" },
		"missing model":   func(o *EngineOptions) { o.ConfidenceFile = filepath.Join(t.TempDir(), "none.json") },
		"not a model file": func(o *EngineOptions) {
			o.ConfidenceFile = suitetest.Write(t, map[string]string{"m.json": "weights: none"}) + "/m.json"
		},
	} {
		t.Run(name, func(t *testing.T) {
			o := engineOptions()
			edit(&o)
			if _, err := NewEngineHarness(o); err == nil {
				t.Error("no error")
			}
		})
	}
}

func TestEngineHarnessRunsTheEngine(t *testing.T) {
	dir := suitetest.Write(t, map[string]string{"corpus.jsonl": engineCorpus, "queries.jsonl": engineQueries})
	ctx := context.Background()
	report := func(edit func(*EngineOptions)) *Report {
		t.Helper()
		o := engineOptions()
		edit(&o)
		h, err := NewEngineHarness(o)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := h.Report(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Suites) != 1 || rep.Version != ReportVersion || rep.Engine["retrieval"] == "" {
			t.Fatalf("report %+v", rep)
		}
		return rep
	}
	rep := report(func(*EngineOptions) {})
	if s := rep.Suites[0]; s.Documents != 3 || s.Queries != 3 || s.Retrieval.Hit1 != 1 {
		t.Errorf("suite: %d documents, %d queries, hit@1 %v; want 3, 3 and 1", s.Documents, s.Queries, s.Retrieval.Hit1)
	}
	// The degraded engine loses every question's best hit.
	if got := report(func(o *EngineOptions) { o.Degrade = DegradeDropTopHit }).Suites[0].Retrieval.Hit1; got != 0 {
		t.Errorf("degraded hit@1 = %v, want 0", got)
	}
	// With an embedding cache the questions are embedded in one batch
	// before any is asked.
	var batched []string
	report(func(o *EngineOptions) { o.Embedder, o.EmbedCache = queryTopics{batched: &batched}, "cache" })
	if len(batched) != 3 || batched[0] != "how do I reset the hub" {
		t.Errorf("questions embedded in batches: %q, want the suite's 3", batched)
	}
}

func TestEngineHarnessFusion(t *testing.T) {
	dir := suitetest.Write(t, map[string]string{"corpus.jsonl": engineCorpus, "queries.jsonl": engineQueries})
	h, err := NewEngineHarness(engineOptions())
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Fusion(context.Background(), &bytes.Buffer{}, dir); !errors.Is(err, ErrNoEmbedder) {
		t.Errorf("sparse engine: err = %v, want ErrNoEmbedder", err)
	}
	var batched []string
	o := engineOptions()
	o.Embedder = queryTopics{batched: &batched}
	if h, err = NewEngineHarness(o); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := h.Fusion(context.Background(), &out, dir); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), filepath.Base(dir)) || len(batched) == 0 {
		t.Errorf("fusion table without the suite or no question embedded (%d):\n%s", len(batched), out.String())
	}
}

func TestPublish(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	ctx := context.Background()
	if _, _, err := Published(dir).LatestEvalReport(ctx); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("nothing published: err = %v, want fs.ErrNotExist", err)
	}
	rep := &Report{Version: ReportVersion, Engine: map[string]string{"retrieval": "sparse"}, Suites: []SuiteReport{{Name: "kb", Breakdown: Breakdown{Queries: 3}}}}
	path, err := Publish(dir, rep)
	if err != nil {
		t.Fatal(err)
	}
	if path != filepath.Join(dir, PublishedReport) {
		t.Errorf("published to %s", path)
	}
	b, at, err := Published(dir).LatestEvalReport(ctx)
	if err != nil || at.IsZero() {
		t.Fatalf("read back: %v (at %v)", err, at)
	}
	back, err := ReadReport(path)
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if err := WriteJSON(&want, back); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, want.Bytes()) || back.Suites[0].Name != "kb" {
		t.Errorf("read back %s, want %s", b, want.Bytes())
	}
	// A file too large for a report is refused, not read.
	if err := os.Truncate(path, maxPublished+1); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Published(dir).LatestEvalReport(ctx); err == nil || !strings.Contains(err.Error(), "more than an eval report's") {
		t.Errorf("oversized report: err = %v", err)
	}
}
