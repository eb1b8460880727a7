package intent_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/answerdesk/answerdesk/answer/intent"
	"github.com/answerdesk/answerdesk/answer/llm/embedtest"
	"github.com/answerdesk/answerdesk/retrieval/storetest"
)

func readBanking(tb testing.TB, name string) []intent.Example {
	tb.Helper()
	shared := storetest.SharedDir(tb, "banking77 intents")
	f, err := os.Open(filepath.Join(shared, "datasets", "banking77-intents", name))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	ex, err := intent.ReadCSV(f)
	if err != nil {
		tb.Fatal(err)
	}
	return ex
}

// TestBanking77 trains on the BANKING77 train split (10,003 questions, 77
// intents) and measures the test split (3,080): accuracy and macro F1 of
// the top intent, with the analyzer features only and, when
// ANSWERDESK_TEST_EMBED_URL names a real embedding server, with the
// embedding head too. Then the reject option: 11 intents (every seventh)
// are held out of training, and their test questions must be refused as
// out of scope while the others are kept.
//
// The race detector slows training about tenfold (17 minutes of CI), so
// under -race this measurement is skipped and .ci/run runs it on its own
// without -race; TestBanking77Subset runs the same code on 11 intents
// under -race.
func TestBanking77(t *testing.T) {
	if testing.Short() {
		t.Skip("banking77 training: skipped in -short mode")
	}
	if raceEnabled {
		t.Skip("banking77 training: measured without -race (.ci/run: go test -run 'TestBanking77$' ./answer/intent); TestBanking77Subset covers it under -race")
	}
	measureBanking(t, readBanking(t, "train.csv"), readBanking(t, "test.csv"), 0.88, 0.91)
}

// TestBanking77Subset is TestBanking77 on every seventh intent (11 of 77):
// the same training, evaluation and reject option, small enough for -race.
func TestBanking77Subset(t *testing.T) {
	if testing.Short() {
		t.Skip("banking77 training: skipped in -short mode")
	}
	keep := func(ex []intent.Example) []intent.Example {
		labels := map[string]bool{}
		for _, e := range ex {
			labels[e.Label] = true
		}
		sorted := make([]string, 0, len(labels))
		for l := range labels {
			sorted = append(sorted, l)
		}
		sort.Strings(sorted)
		kept := map[string]bool{}
		for i := 0; i < len(sorted); i += 7 {
			kept[sorted[i]] = true
		}
		var out []intent.Example
		for _, e := range ex {
			if kept[e.Label] {
				out = append(out, e)
			}
		}
		return out
	}
	measureBanking(t, keep(readBanking(t, "train.csv")), keep(readBanking(t, "test.csv")), 0.95, 0.95)
}

// measureBanking trains on train and measures test, sparse and, when an
// embedding server is configured, with the embedding head: the accuracy
// must reach floor (sparse) or denseFloor, and the reject option must
// separate held-out intents.
func measureBanking(t *testing.T, train, test []intent.Example, floor, denseFloor float64) {
	ctx := context.Background()
	modes := []struct {
		name  string
		emb   intent.Embedder
		model string
		floor float64
	}{{name: "sparse", floor: floor}}
	if emb := embedtest.New(t); emb != nil {
		modes = append(modes, struct {
			name  string
			emb   intent.Embedder
			model string
			floor float64
		}{"embedding", emb, emb.Model(), denseFloor})
	} else {
		t.Log("embedding head not measured: set ANSWERDESK_TEST_EMBED_URL (a real embedding server, see .ci/models.sh)")
	}
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			m, err := intent.Train(ctx, train, intent.Options{Embedder: mode.emb, EmbedModel: mode.model})
			if err != nil {
				t.Fatal(err)
			}
			r, err := intent.Evaluate(ctx, m, test, mode.emb)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("banking77 %s (%d intents): accuracy %.4f, macro F1 %.4f; reject option: %.1f%% refused, accuracy of the rest %.4f",
				mode.name, len(m.Labels()), r.Accuracy, r.MacroF1, 100*r.Rejected, r.AcceptedAccuracy)
			if r.Dense != (mode.emb != nil) {
				t.Errorf("dense head used = %v, want %v", r.Dense, mode.emb != nil)
			}
			if r.Accuracy < mode.floor {
				t.Errorf("accuracy %.4f below %.2f", r.Accuracy, mode.floor)
			}

			oos := outOfScope(t, ctx, train, test, mode.emb, mode.model)
			t.Logf("banking77 %s out-of-scope (every seventh intent held out): %s", mode.name, oos)
			if oos.auroc < 0.8 || oos.oosRecall < 0.3 || oos.inRejected > 0.15 {
				t.Errorf("reject option too weak: %s", oos)
			}
		})
	}
}

type oosResult struct {
	oosRecall, inRejected, inAccuracy, auroc float64
}

func (r oosResult) String() string {
	return fmt.Sprintf("%.1f%% of out-of-scope questions refused, %.1f%% of in-scope refused, in-scope accuracy of the kept %.4f, AUROC of the top probability %.3f",
		100*r.oosRecall, 100*r.inRejected, r.inAccuracy, r.auroc)
}

// outOfScope trains without every seventh intent and measures how the
// reject option separates the test questions of held-out intents from the
// others.
func outOfScope(t *testing.T, ctx context.Context, train, test []intent.Example, emb intent.Embedder, model string) oosResult {
	t.Helper()
	labels := map[string]bool{}
	for _, ex := range train {
		labels[ex.Label] = true
	}
	sorted := make([]string, 0, len(labels))
	for l := range labels {
		sorted = append(sorted, l)
	}
	sort.Strings(sorted)
	held := map[string]bool{}
	for i := 3; i < len(sorted); i += 7 {
		held[sorted[i]] = true
	}
	var in []intent.Example
	for _, ex := range train {
		if !held[ex.Label] {
			in = append(in, ex)
		}
	}
	m, err := intent.Train(ctx, in, intent.Options{Embedder: emb, EmbedModel: model})
	if err != nil {
		t.Fatal(err)
	}
	var vecs [][]float32
	if emb != nil {
		texts := make([]string, len(test))
		for i, ex := range test {
			texts[i] = ex.Text
		}
		if vecs, err = emb.EmbedQueries(ctx, texts); err != nil {
			t.Fatal(err)
		}
	}
	var r oosResult
	var inScores, oosScores []float64
	kept, keptRight := 0, 0
	for i, ex := range test {
		var v []float32
		if vecs != nil {
			v = vecs[i]
		}
		p := m.Predict(ex.Text, v)
		if held[ex.Label] {
			oosScores = append(oosScores, p.Score)
			if p.Label == "" {
				r.oosRecall++
			}
			continue
		}
		inScores = append(inScores, p.Score)
		if p.Label == "" {
			r.inRejected++
			continue
		}
		kept++
		if p.Label == ex.Label {
			keptRight++
		}
	}
	r.oosRecall /= float64(len(oosScores))
	r.inRejected /= float64(len(inScores))
	r.inAccuracy = float64(keptRight) / float64(kept)
	// AUROC: the probability that an in-scope question scores above an
	// out-of-scope one.
	var wins float64
	for _, a := range inScores {
		for _, b := range oosScores {
			switch {
			case a > b:
				wins++
			case a == b:
				wins += 0.5
			}
		}
	}
	r.auroc = wins / float64(len(inScores)*len(oosScores))
	return r
}
