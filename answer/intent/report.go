package intent

import (
	"context"
	"fmt"
)

// Report is a model's quality on labelled questions.
type Report struct {
	N int `json:"n"`
	// Accuracy is the share of questions whose most probable intent is
	// their label; MacroF1 the mean F1 over the intents of the data and the
	// predictions. Both ignore the reject option.
	Accuracy float64 `json:"accuracy"`
	MacroF1  float64 `json:"macro_f1"`
	// Rejected is the share of questions the reject option refuses as out
	// of scope; AcceptedAccuracy the accuracy on the others.
	Rejected         float64 `json:"rejected"`
	AcceptedAccuracy float64 `json:"accepted_accuracy"`
	// Unknown counts questions whose label the model does not know.
	Unknown int `json:"unknown_labels"`
	// Dense reports that the embedding head decided.
	Dense bool `json:"dense"`
}

// Evaluate classifies examples with m and scores the predictions. emb, when
// not nil, embeds the questions for the dense head.
func Evaluate(ctx context.Context, m *Model, examples []Example, emb Embedder) (Report, error) {
	if len(examples) == 0 {
		return Report{}, fmt.Errorf("%w: nothing to evaluate", ErrBadData)
	}
	var vecs [][]float32
	if emb != nil && m.dense != nil {
		texts := make([]string, len(examples))
		for i, ex := range examples {
			texts[i] = ex.Text
		}
		var err error
		if vecs, err = emb.EmbedQueries(ctx, texts); err != nil {
			return Report{}, fmt.Errorf("embed questions: %w", err)
		}
		if len(vecs) != len(texts) {
			return Report{}, fmt.Errorf("embed questions: %d vectors for %d questions", len(vecs), len(texts))
		}
	}
	known := map[string]bool{}
	for _, l := range m.labels {
		known[l] = true
	}
	r := Report{N: len(examples)}
	accepted := 0
	got := make([]string, len(examples))
	want := make([]string, len(examples))
	for i, ex := range examples {
		var v []float32
		if vecs != nil {
			v = vecs[i]
		}
		p := m.Predict(ex.Text, v)
		got[i], want[i] = p.Best, ex.Label
		r.Dense = r.Dense || p.Dense
		switch {
		case p.Label == "":
			r.Rejected++
		case p.Label == ex.Label:
			accepted++
		}
		if !known[ex.Label] {
			r.Unknown++
		}
	}
	r.Accuracy, r.MacroF1 = scores(want, got)
	if kept := len(examples) - int(r.Rejected); kept > 0 {
		r.AcceptedAccuracy = float64(accepted) / float64(kept)
	}
	r.Rejected /= float64(len(examples))
	return r, nil
}

// scores returns the accuracy of got against want and the macro F1 over
// the labels occurring in either ("" — rejected — is not a label).
func scores(want, got []string) (accuracy, macroF1 float64) {
	tp, fp, fn := map[string]int{}, map[string]int{}, map[string]int{}
	correct := 0
	for i := range want {
		if got[i] == want[i] {
			correct++
			tp[want[i]]++
			continue
		}
		fn[want[i]]++
		if got[i] != "" {
			fp[got[i]]++
		}
	}
	labels := map[string]bool{}
	for _, m := range []map[string]int{tp, fp, fn} {
		for l := range m {
			labels[l] = true
		}
	}
	var sum float64
	for l := range labels {
		if d := 2*tp[l] + fp[l] + fn[l]; d > 0 {
			sum += 2 * float64(tp[l]) / float64(d)
		}
	}
	return float64(correct) / float64(len(want)), sum / float64(len(labels))
}
