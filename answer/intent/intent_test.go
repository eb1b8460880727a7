package intent

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/answerdesk/answerdesk/retrieval"
)

// toyData returns n questions for each of three intents, phrased from
// templates, so that a model must learn the intents' words.
func toyData(n int) []Example {
	intents := map[string][]string{
		"card_arrival":  {"card", "delivery", "arrive", "post", "mail"},
		"exchange_rate": {"exchange", "rate", "currency", "euros", "dollars"},
		"pin_blocked":   {"pin", "blocked", "locked", "code", "wrong"},
	}
	frames := []string{"my %s and %s", "why is the %s %s", "question about %s, %s please", "%s %s help", "can you explain %s with %s"}
	var out []Example
	for label, words := range intents {
		for i := 0; i < n; i++ {
			text := fmt.Sprintf(frames[i%len(frames)], words[i%len(words)], words[(i/len(words)+1+i)%len(words)])
			out = append(out, Example{Text: text, Label: label})
		}
	}
	return out
}

func TestTrainPredict(t *testing.T) {
	m, err := Train(context.Background(), toyData(80), Options{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ text, want string }{
		{"when will my card arrive in the mail", "card_arrival"},
		{"what exchange rate do you use for euros", "exchange_rate"},
		{"my pin is blocked", "pin_blocked"},
	}
	for _, tt := range tests {
		p := m.Predict(tt.text, nil)
		if p.Best != tt.want || p.Label != tt.want {
			t.Errorf("Predict(%q) = %+v, want %s", tt.text, p, tt.want)
		}
		if p.Score <= 1.0/3 || p.Score > 1 {
			t.Errorf("Predict(%q) score %v, want above chance", tt.text, p.Score)
		}
	}
	if m.sparse.reject <= 0 {
		t.Errorf("reject threshold %v: the held-out tenth should have set one", m.sparse.reject)
	}
	// Words the model never saw: the top probability is low, and refused.
	if p := m.Predict("zebra giraffe", nil); p.Label != "" {
		t.Errorf("Predict(unknown words) = %+v, want refused", p)
	}
}

// TestPredictAnalyzed: a question analyzed by the caller is classified as
// Predict classifies the text, and from the terms it was handed: the
// classifier does not analyze the question again.
func TestPredictAnalyzed(t *testing.T) {
	m, err := Train(context.Background(), toyData(80), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"my pin is blocked", "when will my card arrive?", "what is the exchange rate for euros", "hello"} {
		want := m.Predict(q, nil)
		if got := m.PredictAnalyzed(q, retrieval.DefaultAnalyzer.Terms(q), nil); got != want {
			t.Errorf("%q: PredictAnalyzed %+v, Predict %+v", q, got, want)
		}
	}
	q := "my pin is blocked"
	if got := m.PredictAnalyzed(q, nil, nil); got.Label == "pin_blocked" {
		t.Errorf("PredictAnalyzed without terms still found %q: it analyzed the text itself", got.Label)
	}
}

func TestTrainErrors(t *testing.T) {
	tests := []struct {
		name string
		ex   []Example
	}{
		{"no examples", nil},
		{"one intent", []Example{{"a b", "x"}, {"c d", "x"}}},
		{"empty text", []Example{{"a b", "x"}, {" ", "y"}}},
		{"empty label", []Example{{"a b", "x"}, {"c d", ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Train(context.Background(), tt.ex, Options{}); !errors.Is(err, ErrBadData) {
				t.Errorf("Train: %v, want ErrBadData", err)
			}
		})
	}
}

// vecEmbedder embeds a text as counts of its letters a..h: a real, if weak,
// signal for the dense head.
type vecEmbedder struct {
	calls int
	err   error
}

func (e *vecEmbedder) EmbedQueries(ctx context.Context, texts []string) ([][]float32, error) {
	e.calls++
	if e.err != nil {
		return nil, e.err
	}
	out := make([][]float32, len(texts))
	for i, t := range texts {
		v := make([]float32, 8)
		for _, r := range t {
			if r >= 'a' && r <= 'h' {
				v[r-'a']++
			}
		}
		v[0]++ // never zero
		out[i] = v
	}
	return out, nil
}

func TestTrainWithEmbedder(t *testing.T) {
	emb := &vecEmbedder{}
	m, err := Train(context.Background(), toyData(80), Options{Embedder: emb, EmbedModel: "letters"})
	if err != nil {
		t.Fatal(err)
	}
	if m.EmbedModel() != "letters" || m.dense == nil || m.dense.dim != 8 {
		t.Fatalf("dense head: model %q, head %+v", m.EmbedModel(), m.dense)
	}
	v, _ := emb.EmbedQueries(context.Background(), []string{"my pin is blocked"})
	if p := m.Predict("my pin is blocked", v[0]); !p.Dense || p.Best != "pin_blocked" {
		t.Errorf("Predict with vector = %+v, want pin_blocked by the dense head", p)
	}
	if p := m.Predict("my pin is blocked", []float32{1, 2}); p.Dense || p.Best != "pin_blocked" {
		t.Errorf("Predict with a vector of another size = %+v, want pin_blocked by the sparse head", p)
	}

	emb.err = errors.New("embedding server down")
	if _, err := Train(context.Background(), toyData(10), Options{Embedder: emb}); err == nil || !strings.Contains(err.Error(), "embedding server down") {
		t.Errorf("Train with a failing embedder: %v", err)
	}
}

func TestTrainCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Train(ctx, toyData(30), Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Train with a canceled context: %v", err)
	}
}

func TestModelJSONRoundTrip(t *testing.T) {
	m, err := Train(context.Background(), toyData(80), Options{Embedder: &vecEmbedder{}, EmbedModel: "letters",
		Now: func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	b, err := m.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var got Model
	if err := got.UnmarshalJSON(b); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"my card in the post", "euros rate", "zebra"} {
		v := []float32{1, 2, 3, 4, 5, 6, 7, 8}
		if a, b := m.Predict(q, v), got.Predict(q, v); a != b {
			t.Errorf("%q: before %+v, after a round trip %+v", q, a, b)
		}
		if a, b := m.Predict(q, nil), got.Predict(q, nil); a != b {
			t.Errorf("%q sparse: before %+v, after a round trip %+v", q, a, b)
		}
	}
	if !got.trained.Equal(m.trained) || got.examples != 240 {
		t.Errorf("metadata: trained %v examples %d", got.trained, got.examples)
	}

	bad := map[string]string{
		"version":   strings.Replace(string(b), `"version":1`, `"version":9`, 1),
		"truncated": string(b[:len(b)/2]),
		"weights":   strings.Replace(string(b), `"bias":"`, `"bias":"AAAA`, 1),
	}
	for name, s := range bad {
		var m Model
		if err := m.UnmarshalJSON([]byte(s)); err == nil {
			t.Errorf("%s: corrupt model accepted", name)
		}
	}
}

func TestDir(t *testing.T) {
	ctx := context.Background()
	dir := NewDir(filepath.Join(t.TempDir(), "intents"), "letters")
	if _, err := dir.Load("acme"); !errors.Is(err, ErrNoModel) {
		t.Fatalf("Load before training: %v, want ErrNoModel", err)
	}
	if label, _, ok, err := dir.Classify(ctx, "acme", "my pin is blocked", retrieval.DefaultAnalyzer.Terms("my pin is blocked"), nil); ok || err != nil || label != "" {
		t.Fatalf("Classify without a model = %q %v %v, want not ok and no error", label, ok, err)
	}
	m, err := Train(ctx, toyData(80), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tenant := range []string{"acme", "../evil/../x", "~7e", "Бета"} {
		if err := dir.Save(tenant, m); err != nil {
			t.Fatalf("Save(%q): %v", tenant, err)
		}
		label, score, ok, err := dir.Classify(ctx, tenant, "my pin is blocked", retrieval.DefaultAnalyzer.Terms("my pin is blocked"), nil)
		if err != nil || !ok || label != "pin_blocked" || score <= 0 {
			t.Errorf("Classify(%q) = %q %v %v %v", tenant, label, score, ok, err)
		}
	}
	entries, err := os.ReadDir(dir.path)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 4 {
		t.Errorf("%d files in the model directory, want 4 (one per tenant, none outside it)", len(entries))
	}
	if _, err := dir.Load("other"); !errors.Is(err, ErrNoModel) {
		t.Errorf("another tenant's model: %v, want ErrNoModel", err)
	}

	// A retrained model replaces the cached one.
	m2, err := Train(ctx, []Example{{"hello there", "greeting"}, {"hi friend", "greeting"}, {"bye now", "farewell"}, {"see you", "farewell"}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := dir.Save("acme", m2); err != nil {
		t.Fatal(err)
	}
	got, err := dir.Load("acme")
	if err != nil {
		t.Fatal(err)
	}
	if l := got.Labels(); len(l) != 2 || l[0] != "farewell" {
		t.Errorf("after retraining, labels %v", l)
	}

	if err := os.WriteFile(dir.file("broken"), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := dir.Classify(ctx, "broken", "x", retrieval.DefaultAnalyzer.Terms("x"), nil); err == nil {
		t.Error("a corrupt model file classified without error")
	}
}

// TestDirTrainEvaluate: Dir.Train saves a model Load finds, trained with
// the configured embedder; Dir.Evaluate measures it with its dense head
// only under that embedder's name (another Dir over the same files has
// another embedder, and gets the sparse head's report); a tenant without
// a model is ErrNoModel.
func TestDirTrainEvaluate(t *testing.T) {
	ctx := context.Background()
	path := t.TempDir()
	emb := &vecEmbedder{}
	m, err := NewDir(path, "letters").Train(ctx, "acme", toyData(80), emb)
	if err != nil {
		t.Fatal(err)
	}
	if loaded, err := NewDir(path, "").Load("acme"); err != nil || loaded.EmbedModel() != "letters" || m.EmbedModel() != "letters" {
		t.Fatalf("saved model: %v, %v", loaded, err)
	}
	test := toyData(20)
	for model, dense := range map[string]bool{"letters": true, "other": false} {
		got, err := NewDir(path, model).Evaluate(ctx, "acme", test, emb)
		if err != nil {
			t.Fatal(err)
		}
		want, err := Evaluate(ctx, m, test, nil)
		if dense {
			want, err = Evaluate(ctx, m, test, emb)
		}
		if err != nil {
			t.Fatal(err)
		}
		if got != want || got.Dense != dense {
			t.Errorf("configured embedder %q: report %+v, want %+v (dense %v)", model, got, want, dense)
		}
	}
	if _, err := NewDir(path, "letters").Evaluate(ctx, "globex", test, emb); !errors.Is(err, ErrNoModel) {
		t.Errorf("tenant without a model: %v, want ErrNoModel", err)
	}
}

// TestDirEmbedModel: a model trained with another embedder than the
// configured one classifies with its sparse head.
func TestDirEmbedModel(t *testing.T) {
	ctx := context.Background()
	m, err := Train(ctx, toyData(80), Options{Embedder: &vecEmbedder{}, EmbedModel: "letters"})
	if err != nil {
		t.Fatal(err)
	}
	path := t.TempDir()
	if err := NewDir(path, "letters").Save("acme", m); err != nil {
		t.Fatal(err)
	}
	v := []float32{1, 0, 0, 0, 0, 0, 0, 9}
	for model, dense := range map[string]bool{"letters": true, "other": false, "": false} {
		_, score, _, err := NewDir(path, model).Classify(ctx, "acme", "my pin is blocked", retrieval.DefaultAnalyzer.Terms("my pin is blocked"), v)
		if err != nil {
			t.Fatal(err)
		}
		want := m.Predict("my pin is blocked", nil).Score
		if dense {
			want = m.Predict("my pin is blocked", v).Score
		}
		if math.Abs(score-want) > 1e-9 {
			t.Errorf("configured embedder %q: score %v, want %v (dense head %v)", model, score, want, dense)
		}
	}
}

func TestReadCSV(t *testing.T) {
	good := "category,text,extra\ncard_arrival,\"Where is my card, please?\",x\npin_blocked,my pin is blocked,y\n"
	ex, err := ReadCSV(strings.NewReader("\ufeff" + good))
	if err != nil {
		t.Fatal(err)
	}
	if len(ex) != 2 || ex[0] != (Example{"Where is my card, please?", "card_arrival"}) {
		t.Errorf("ReadCSV = %+v", ex)
	}
	bad := []struct{ name, csv, want string }{
		{"empty", "", "empty CSV"},
		{"no category", "text,label\na,b\n", "lacks"},
		{"empty text", "text,category\na,b\n ,c\n", "line 3"},
		{"short row", "text,category\na\n", "line 2"},
		{"header only", "text,category\n", "no rows"},
		{"invalid utf-8", "text,category\n\xff\xfe,b\n", "UTF-8"},
		{"unterminated quote", "text,category\n\"a,b\n", "bad intent data"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadCSV(strings.NewReader(tt.csv))
			if !errors.Is(err, ErrBadData) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ReadCSV: %v, want ErrBadData mentioning %q", err, tt.want)
			}
		})
	}
}

// TestReadCSVFile: a file's questions, or an error naming the file (bad
// data stays ErrBadData) or saying it is missing.
func TestReadCSVFile(t *testing.T) {
	dir := t.TempDir()
	good, bad := filepath.Join(dir, "good.csv"), filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(good, []byte("text,category\nreset my hub,hub_reset\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte("text,category\nonly one column\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if ex, err := ReadCSVFile(good); err != nil || len(ex) != 1 || ex[0] != (Example{"reset my hub", "hub_reset"}) {
		t.Errorf("ReadCSVFile(good) = %+v, %v", ex, err)
	}
	if _, err := ReadCSVFile(bad); !errors.Is(err, ErrBadData) || !strings.HasPrefix(err.Error(), bad+": ") || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("ReadCSVFile(bad): %v, want ErrBadData naming %s and line 2", err, bad)
	}
	if _, err := ReadCSVFile(filepath.Join(dir, "nope.csv")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("ReadCSVFile(missing): %v, want ErrNotExist", err)
	}
}

func TestScores(t *testing.T) {
	want := []string{"a", "a", "a", "b", "c"}
	got := []string{"a", "a", "b", "b", ""}
	acc, f1 := scores(want, got)
	// a: tp 2, fn 1 → 4/5; b: tp 1, fp 1 → 2/3; c: fn 1 → 0.
	if math.Abs(acc-0.6) > 1e-12 || math.Abs(f1-(0.8+2.0/3)/3) > 1e-12 {
		t.Errorf("scores = %v %v", acc, f1)
	}
}

func TestEvaluate(t *testing.T) {
	m, err := Train(context.Background(), toyData(80), Options{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := Evaluate(context.Background(), m, []Example{{"my card in the post", "card_arrival"}, {"euros", "pin_blocked"}, {"pin code", "unknown"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.N != 3 || math.Abs(r.Accuracy-1.0/3) > 1e-12 || r.Unknown != 1 || r.Dense {
		t.Errorf("Evaluate = %+v", r)
	}
	if _, err := Evaluate(context.Background(), m, nil, nil); !errors.Is(err, ErrBadData) {
		t.Errorf("Evaluate(nothing): %v", err)
	}
}

// TestDirRechecksAfterAnInterval: a model another process saves (another
// Dir over the same files) reaches a Dir that has looked for the tenant's
// model within recheck, not at once and not never; a model a Dir saves
// itself is used at its next Load.
func TestDirRechecksAfterAnInterval(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "intents")
	clock := time.Date(2026, 12, 5, 1, 0, 0, 0, time.UTC)
	server := NewDir(path, "")
	server.now = func() time.Time { return clock }
	cli := NewDir(path, "")

	if _, err := server.Load("acme"); !errors.Is(err, ErrNoModel) {
		t.Fatalf("Load before training: %v, want ErrNoModel", err)
	}
	m, err := Train(ctx, toyData(80), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := cli.Save("acme", m); err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(recheck / 2)
	if _, err := server.Load("acme"); !errors.Is(err, ErrNoModel) {
		t.Fatalf("Load within the interval: %v, want what it saw (ErrNoModel)", err)
	}
	clock = clock.Add(recheck / 2)
	got, err := server.Load("acme")
	if err != nil || len(got.Labels()) != len(m.Labels()) {
		t.Fatalf("Load after the interval: %v, %v; want the saved model", got, err)
	}

	m2, err := Train(ctx, []Example{{"hello there", "greeting"}, {"hi friend", "greeting"}, {"bye now", "farewell"}, {"see you", "farewell"}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := cli.Save("acme", m2); err != nil {
		t.Fatal(err)
	}
	if got, _ := server.Load("acme"); len(got.Labels()) == 2 {
		t.Fatal("another process's model used within the interval")
	}
	clock = clock.Add(recheck)
	if got, err := server.Load("acme"); err != nil || len(got.Labels()) != 2 {
		t.Fatalf("another process's retrained model after the interval: %v, %v", got, err)
	}

	if err := server.Save("acme", m); err != nil {
		t.Fatal(err)
	}
	if got, err := server.Load("acme"); err != nil || len(got.Labels()) != len(m.Labels()) {
		t.Fatalf("its own save, at once: %v, %v", got, err)
	}
}

// BenchmarkDirLoadNoModel is what every answer of a tenant without an
// intent model pays to learn that it has none.
func BenchmarkDirLoadNoModel(b *testing.B) {
	d := NewDir(b.TempDir(), "")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := d.Load("acme"); !errors.Is(err, ErrNoModel) {
			b.Fatal(err)
		}
	}
}
