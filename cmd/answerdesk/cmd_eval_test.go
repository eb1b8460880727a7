package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"hash/fnv"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/eval"
	"github.com/answerdesk/answerdesk/eval/suite"
)

const kbSuite = "../../eval/testdata/kbsuite"

// evalCLI runs the binary's run with args and a clean environment.
func evalCLI(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	env := map[string]string{"ANSWERDESK_DATA": t.TempDir()}
	err = run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), err
}

func TestEvalRunWritesReports(t *testing.T) {
	dir := t.TempDir()
	jsonPath, htmlPath := filepath.Join(dir, "r.json"), filepath.Join(dir, "r.html")
	out, _, err := evalCLI(t, "eval", "run", "--quiet", "--json", jsonPath, "--html", htmlPath, kbSuite)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "kbsuite: 22 documents, 56 queries") || !strings.Contains(out, "nDCG@10") {
		t.Errorf("table:\n%s", out)
	}
	var rep map[string]any
	data, err := os.ReadFile(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(htmlPath); err != nil || fi.Size() < 500_000 {
		t.Errorf("html report: %v %v", fi, err)
	}
	// The same engine passes against its own report; a worse one fails.
	if _, _, err := evalCLI(t, "eval", "run", "--quiet", "--workers", "3", "--baseline", jsonPath, "--max-drop", "0", kbSuite); err != nil {
		t.Errorf("gate against itself: %v", err)
	}
	out, _, err = evalCLI(t, "eval", "run", "--quiet", "--degrade", "drop-top-hit", "--baseline", jsonPath, kbSuite)
	if !errors.Is(err, eval.ErrRegression) || exitCode(err, &bytes.Buffer{}) != 1 || !strings.Contains(out, "REGRESSED") {
		t.Errorf("degraded engine: err %v, output:\n%s", err, out)
	}
	if _, _, err := evalCLI(t, "eval", "compare", jsonPath, jsonPath); err != nil {
		t.Errorf("compare with itself: %v", err)
	}
}

func TestEvalUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"no subcommand", []string{"eval"}, 2},
		{"unknown subcommand", []string{"eval", "bogus"}, 2},
		{"run without suites", []string{"eval", "run"}, 2},
		{"bad workers", []string{"eval", "run", "--workers", "0", kbSuite}, 2},
		{"bad degrade", []string{"eval", "run", "--degrade", "x", kbSuite}, 2},
		{"chat above 1", []string{"eval", "run", "--chat", "1.5", kbSuite}, 2},
		{"answer knock-out of 1", []string{"eval", "run", "--knockout-answers", "1", kbSuite}, 2},
		{"negative answer knock-out", []string{"eval", "calibrate", "--knockout-answers", "-0.1", "-o", "x.json", kbSuite}, 2},
		{"negative chat", []string{"eval", "calibrate", "--chat", "-0.1", "-o", "x.json", kbSuite}, 2},
		{"compare one file", []string{"eval", "compare", "a.json"}, 2},
		{"calibrate without -o", []string{"eval", "calibrate", kbSuite}, 2},
		{"fusion without suites", []string{"eval", "fusion"}, 2},
		{"fusion without an embedder", []string{"eval", "fusion", "--quiet", kbSuite}, 2},
		{"calibrate bad target", []string{"eval", "calibrate", "--target-precision", "1", "-o", "x.json", kbSuite}, 2},
		{"calibrate bad threshold policy", []string{"eval", "calibrate", "--threshold-policy", "median", "-o", "x.json", kbSuite}, 2},
		{"held-out without --cross", []string{"eval", "calibrate", "--held-out", kbSuite, "-o", "x.json", kbSuite}, 2},
		{"leave-out-lang without --cross", []string{"eval", "calibrate", "--leave-out-lang", "ru", "-o", "x.json", kbSuite}, 2},
		{"split-docs without --cross", []string{"eval", "calibrate", "--split-docs", "1", "-o", "x.json", kbSuite}, 2},
		{"bad split-docs seed", []string{"eval", "calibrate", "--cross", "--split-docs", "-1", "-o", "x.json", kbSuite}, 2},
		{"cross without an embedder", []string{"eval", "calibrate", "--quiet", "--cross", "-o", "x.json", kbSuite}, 2},
		{"recalibrate with loso", []string{"eval", "calibrate", "--recalibrate", "--loso", "-o", "x.json", kbSuite}, 2},
		{"recalibrate isotonic", []string{"eval", "calibrate", "--recalibrate", "--method", "isotonic", "-o", "x.json", kbSuite}, 2},
		{"recalibrate one fold", []string{"eval", "calibrate", "--recalibrate", "--folds", "1", "-o", "x.json", kbSuite}, 2},
		{"bad cross-confidence file", []string{"eval", "run", "--quiet", "--cross-confidence", "nope.json", kbSuite}, 1},
		{"missing suite", []string{"eval", "run", "--quiet", "does-not-exist"}, 1},
		{"not a suite", []string{"eval", "run", "--quiet", "."}, 1},
		{"missing baseline", []string{"eval", "run", "--baseline", "nope.json", kbSuite}, 1},
		{"help", []string{"eval", "run", "--help"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := evalCLI(t, tt.args...)
			if got := exitCode(err, &bytes.Buffer{}); got != tt.code {
				t.Errorf("exit %d (err %v), want %d", got, err, tt.code)
			}
		})
	}
}

func TestEvalCalibrateWritesModel(t *testing.T) {
	path := filepath.Join(t.TempDir(), "confidence.json")
	out, _, err := evalCLI(t, "eval", "calibrate", "--quiet", "-o", path, kbSuite)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !strings.Contains(out, "held out") {
		t.Errorf("output:\n%s", out)
	}
	// The engine loads what calibrate writes.
	dir := t.TempDir()
	if _, _, err := evalCLI(t, "eval", "run", "--quiet", "--confidence", path, "--json", filepath.Join(dir, "r.json"), kbSuite); err != nil {
		t.Errorf("run with the calibrated model: %v", err)
	}
}

// readModel reads the confidence model eval calibrate wrote to path.
func readModel(t *testing.T, path string) answer.ConfidenceModel {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m, err := answer.ParseConfidenceModel(data)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestEvalCalibrateRecalibrate: the shipped model recalibrated on a suite
// keeps its weights, prints cross-validated figures, and the engine loads
// what it writes.
func TestEvalCalibrateRecalibrate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "confidence.json")
	out, _, err := evalCLI(t, "eval", "calibrate", "--quiet", "--recalibrate", "--folds", "3", "--knockout", "0.3", "--target-precision", "0.8", "-o", path, kbSuite)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{"cross-validated over 3 folds", "before", "recalibrated", "wrote " + path} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	m := readModel(t, path)
	shipped := answer.DefaultConfidenceModel()
	if !maps.Equal(m.Weights, shipped.Weights) || m.Intercept != shipped.Intercept || !slices.Equal(m.Vetoes, shipped.Vetoes) {
		t.Errorf("recalibrated weights %v intercept %v vetoes %v, want the shipped model's", m.Weights, m.Intercept, m.Vetoes)
	}
	if m.Platt == nil || *m.Platt == *shipped.Platt {
		t.Errorf("Platt scaling %+v, want one refitted on the suite", m.Platt)
	}
	if _, _, err := evalCLI(t, "eval", "run", "--quiet", "--confidence", path, "--json", filepath.Join(t.TempDir(), "r.json"), kbSuite); err != nil {
		t.Errorf("run with the recalibrated model: %v", err)
	}
}

func TestEvalCalibrateLOSO(t *testing.T) {
	// Two suites over the same knowledge base under different names, and a
	// file and a folder that are not suites (as in DATASETS/*).
	root := t.TempDir()
	abs, err := filepath.Abs(kbSuite)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"kb-a", "kb-b"} {
		d := filepath.Join(root, name)
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{"queries.jsonl", "docs"} {
			if err := os.Symlink(filepath.Join(abs, f), filepath.Join(d, f)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := os.WriteFile(filepath.Join(root, "README.md"), []byte("not a suite"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, "manuals"), 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(root, "confidence.json")
	args := []string{"eval", "calibrate", "--quiet", "--loso", "--feature-table", "--knockout", "0.3", "--target-precision", "0.8", "-o", path,
		filepath.Join(root, "README.md"), filepath.Join(root, "kb-a"), filepath.Join(root, "kb-b"), filepath.Join(root, "manuals")}
	out, stderr, err := evalCLI(t, args...)
	if err != nil {
		t.Fatalf("%v\n%s\n%s", err, out, stderr)
	}
	for _, want := range []string{"AUROC of each feature", "question_sim_margin", "leave one suite out", "kb-a", "kb-b", "pooled", "wrote " + path} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(stderr, "skipping "+filepath.Join(root, "manuals")) || !strings.Contains(stderr, "README.md: not a suite") {
		t.Errorf("stderr does not say what was skipped:\n%s", stderr)
	}
	m := readModel(t, path)
	if len(m.FittedOn) != 2 {
		t.Errorf("fitted on %v, want both suites", m.FittedOn)
	}
	// A single suite cannot be left out.
	if _, _, err := evalCLI(t, "eval", "calibrate", "--quiet", "--loso", "-o", path, filepath.Join(root, "kb-a")); err == nil {
		t.Error("--loso with one suite succeeded")
	}
}

// fakeEmbeddings serves OpenAI's embeddings endpoint with a vector per text
// derived from its words, and counts the texts it embedded.
func fakeEmbeddings(t *testing.T) (url string, texts *atomic.Int64) {
	t.Helper()
	texts = new(atomic.Int64)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Input []string `json:"input"`
		}
		if r.URL.Path != "/v1/embeddings" || json.NewDecoder(r.Body).Decode(&req) != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		type item struct {
			Object    string    `json:"object"`
			Index     int       `json:"index"`
			Embedding []float32 `json:"embedding"`
		}
		out := struct {
			Object string `json:"object"`
			Data   []item `json:"data"`
		}{Object: "list"}
		for i, in := range req.Input {
			v := make([]float32, 16)
			for _, w := range strings.Fields(strings.ToLower(in)) {
				h := fnv.New32a()
				h.Write([]byte(w))
				v[h.Sum32()%16]++
			}
			v[0] += 0.01
			out.Data = append(out.Data, item{Object: "embedding", Index: i, Embedding: v})
		}
		texts.Add(int64(len(req.Input)))
		json.NewEncoder(w).Encode(out)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/v1", texts
}

func TestEvalFusionCachesVectors(t *testing.T) {
	url, texts := fakeEmbeddings(t)
	cache := t.TempDir()
	env := map[string]string{"ANSWERDESK_DATA": t.TempDir(), "XDG_CACHE_HOME": cache,
		"ANSWERDESK_EMBED_PROVIDER": "openai", "ANSWERDESK_EMBED_URL": url, "ANSWERDESK_EMBED_MODEL": "fake-words"}
	fusion := func() string {
		t.Helper()
		var out, errb bytes.Buffer
		if err := run(context.Background(), []string{"eval", "fusion", "--quiet", kbSuite}, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errb); err != nil {
			t.Fatalf("%v\n%s", err, errb.String())
		}
		return out.String()
	}
	first := fusion()
	for _, want := range []string{"rrf:0.5", "minmax:0.9", "kbsuite", "chosen on all suites:"} {
		if !strings.Contains(first, want) {
			t.Errorf("output lacks %q:\n%s", want, first)
		}
	}
	embedded := texts.Load()
	if embedded == 0 {
		t.Fatal("nothing embedded")
	}
	files, _ := filepath.Glob(filepath.Join(cache, "answerdesk", "embeddings", "vectors-*.jsonl"))
	if len(files) != 1 {
		t.Fatalf("cache files %v, want one in $XDG_CACHE_HOME/answerdesk/embeddings", files)
	}
	// The second run embeds nothing and measures the same.
	if second := fusion(); second != first || texts.Load() != embedded {
		t.Errorf("second run embedded %d more texts; output changed: %v", texts.Load()-embedded, second != first)
	}
	// Without the cache every text is embedded again.
	var out bytes.Buffer
	if err := run(context.Background(), []string{"eval", "run", "--quiet", "--embed-cache", "", kbSuite}, func(k string) string { return env[k] }, strings.NewReader(""), &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if texts.Load() == embedded {
		t.Error("--embed-cache \"\" still read the cache")
	}
}

// TestEvalRunDocs runs questions kept apart from their knowledge base:
// --docs names the documents, the suite folder holds only queries.jsonl.
func TestEvalRunDocs(t *testing.T) {
	questions := filepath.Join(t.TempDir(), "kb-questions")
	if err := os.Mkdir(questions, 0o755); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(kbSuite, "queries.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(questions, "queries.jsonl"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	jsonPath := filepath.Join(t.TempDir(), "r.json")
	out, _, err := evalCLI(t, "eval", "run", "--quiet", "--docs", filepath.Join(kbSuite, "docs"), "--json", jsonPath, questions)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "kb-questions: 22 documents, 56 queries") {
		t.Errorf("table:\n%s", out)
	}
	rep, err := eval.ReadReport(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Suites[0].UnknownRelevant != 0 || rep.Engine["docs"] != filepath.Join(kbSuite, "docs") {
		t.Errorf("report: %d unknown relevant ids, engine %v", rep.Suites[0].UnknownRelevant, rep.Engine)
	}
	// --without leaves chosen documents out: their questions become
	// unanswerable, the others stay.
	answerable := rep.Suites[0].Answerable
	if _, _, err := evalCLI(t, "eval", "run", "--quiet", "--without", "en/troubleshooting", "--json", jsonPath, kbSuite); err != nil {
		t.Fatal(err)
	}
	if rep, err = eval.ReadReport(jsonPath); err != nil {
		t.Fatal(err)
	}
	if s := rep.Suites[0]; s.Documents != 21 || s.Answerable >= answerable || s.Answerable < answerable-10 || rep.Engine["without"] != "en/troubleshooting" {
		t.Errorf("without en/troubleshooting: %d documents, %d answerable (of %d), engine %v", s.Documents, s.Answerable, answerable, rep.Engine)
	}
	// Without --docs the questions are no suite; a missing --docs folder,
	// or a document to leave out that is not there, is an error.
	for _, args := range [][]string{{questions}, {"--docs", filepath.Join(kbSuite, "nope"), questions}, {"--without", "en/nope", kbSuite}} {
		if _, _, err := evalCLI(t, append([]string{"eval", "run", "--quiet"}, args...)...); exitCode(err, &bytes.Buffer{}) != 1 {
			t.Errorf("eval run %v: err %v, want exit 1", args, err)
		}
	}
}

// TestEvalRunAnswerKnockout runs --knockout-answers end to end on xquad-en:
// about 30% of its answerable questions lose the sentences stating their
// answers and become unanswerable, the paragraphs stay (a few left with no
// sentence go), and the report says so.
func TestEvalRunAnswerKnockout(t *testing.T) {
	shared := suite.SharedDir(t, "answer knock-out on xquad-en")
	jsonPath := filepath.Join(t.TempDir(), "r.json")
	xq := filepath.Join(shared, "datasets", "xquad-en")
	if _, _, err := evalCLI(t, "eval", "run", "--quiet", "--json", jsonPath, xq); err != nil {
		t.Fatal(err)
	}
	full, err := eval.ReadReport(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := evalCLI(t, "eval", "run", "--quiet", "--knockout-answers", "0.3", "--seed", "1", "--json", jsonPath, xq); err != nil {
		t.Fatal(err)
	}
	rep, err := eval.ReadReport(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	f, s := full.Suites[0], rep.Suites[0]
	lost := float64(f.Answerable-s.Answerable) / float64(f.Answerable)
	if lost < 0.28 || lost > 0.32 || s.Queries != f.Queries {
		t.Errorf("answerable %d of %d queries → %d of %d (%.3f lost), want about 0.3 of them lost", f.Answerable, f.Queries, s.Answerable, s.Queries, lost)
	}
	if s.Documents > f.Documents || s.Documents < f.Documents*95/100 {
		t.Errorf("%d documents of %d indexed: the cut paragraphs must stay", s.Documents, f.Documents)
	}
	if rep.Engine["answer knockout"] != "0.3 seed 1" {
		t.Errorf("engine %v: no answer knock-out noted", rep.Engine)
	}
}
