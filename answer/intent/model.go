package intent

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/answerdesk/answerdesk/retrieval/dense"
)

// Prediction is a classified question.
type Prediction struct {
	// Label is the most probable intent, "" when the question is out of
	// scope (Score below the model's reject threshold).
	Label string
	// Best is the most probable intent, even when rejected.
	Best string
	// Score is Best's probability, 0..1.
	Score float64
	// Dense reports that the embedding head decided.
	Dense bool
}

// Model is a trained classifier. It is immutable and safe for concurrent use.
type Model struct {
	labels     []string
	vocab      vocabulary
	sparse     head  // analyzer features only
	dense      *head // analyzer features and the embedding; nil without an embedder
	embedModel string
	trained    time.Time
	examples   int
}

// head is one linear classifier: weights feature-major (W[j·C+c]) over the
// sparse columns followed by dim embedding columns.
type head struct {
	dim    int
	w      []float32
	b      []float32
	reject float64 // probability below which a question is out of scope
}

// Labels returns the intents the model knows, sorted.
func (m *Model) Labels() []string { return append([]string(nil), m.labels...) }

// EmbedModel returns the embedding model the dense head was trained with,
// "" when the model has no dense head.
func (m *Model) EmbedModel() string {
	if m.dense == nil {
		return ""
	}
	return m.embedModel
}

// Predict classifies a question. vec is its embedding by the model's
// EmbedModel, or nil: without it (or when its size does not match) the
// sparse head decides.
func (m *Model) Predict(text string, vec []float32) Prediction {
	return m.predict(featureSet(text), vec)
}

// PredictAnalyzed is Predict of a text already analyzed into terms by
// retrieval.DefaultAnalyzer (the answer engine analyzes a question once).
func (m *Model) PredictAnalyzed(text string, terms []string, vec []float32) Prediction {
	return m.predict(analyzedFeatureSet(text, terms), vec)
}

func (m *Model) predict(features []string, vec []float32) Prediction {
	x := m.vocab.vector(features)
	h, dv := &m.sparse, []float32(nil)
	if m.dense != nil && len(vec) == m.dense.dim {
		if dv = dense.Unit(vec); dv != nil {
			h = m.dense
		}
	}
	p := make([]float64, len(m.labels))
	h.probs(x, dv, len(m.vocab.idf), p)
	best := 0
	for c := range p {
		if p[c] > p[best] {
			best = c
		}
	}
	out := Prediction{Best: m.labels[best], Score: p[best], Dense: h == m.dense}
	if p[best] >= h.reject {
		out.Label = out.Best
	}
	return out
}

// probs writes the class probabilities of (x, dv) into p.
func (h *head) probs(x sparseVec, dv []float32, nSparse int, p []float64) {
	C := len(p)
	for c := range p {
		p[c] = float64(h.b[c])
	}
	for k, j := range x.idx {
		row := h.w[int(j)*C : int(j+1)*C]
		v := float64(x.val[k])
		for c, w := range row {
			p[c] += v * float64(w)
		}
	}
	for k, v := range dv {
		row := h.w[(nSparse+k)*C : (nSparse+k+1)*C]
		for c, w := range row {
			p[c] += float64(v) * float64(w)
		}
	}
	softmax(p)
}

func softmax(p []float64) {
	m := math.Inf(-1)
	for _, v := range p {
		m = max(m, v)
	}
	var s float64
	for c, v := range p {
		p[c] = math.Exp(v - m)
		s += p[c]
	}
	for c := range p {
		p[c] /= s
	}
}

// modelVersion is the file format's version.
const modelVersion = 1

// modelFile is the JSON form of a Model; weights are little-endian float32
// arrays (base64 in JSON), feature-major.
type modelFile struct {
	Version    int       `json:"version"`
	Trained    time.Time `json:"trained"`
	Examples   int       `json:"examples"`
	Labels     []string  `json:"labels"`
	Features   []string  `json:"features"`
	IDF        []float32 `json:"idf"`
	Sparse     headFile  `json:"sparse"`
	Dense      *headFile `json:"dense,omitempty"`
	EmbedModel string    `json:"embed_model,omitempty"`
}

type headFile struct {
	Dim     int     `json:"dim,omitempty"`
	Weights []byte  `json:"weights"`
	Bias    []byte  `json:"bias"`
	Reject  float64 `json:"reject"`
}

// MarshalJSON encodes the model.
func (m *Model) MarshalJSON() ([]byte, error) {
	f := modelFile{Version: modelVersion, Trained: m.trained, Examples: m.examples, Labels: m.labels,
		Features: make([]string, len(m.vocab.idf)), IDF: m.vocab.idf, Sparse: m.sparse.file(), EmbedModel: m.EmbedModel()}
	for name, i := range m.vocab.index {
		f.Features[i] = name
	}
	if m.dense != nil {
		d := m.dense.file()
		f.Dense = &d
	}
	return json.Marshal(f)
}

// UnmarshalJSON decodes and checks a model.
func (m *Model) UnmarshalJSON(b []byte) error {
	var f modelFile
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	if f.Version != modelVersion {
		return fmt.Errorf("intent model version %d, want %d", f.Version, modelVersion)
	}
	if len(f.Labels) < 2 {
		return errors.New("intent model has fewer than two labels")
	}
	if len(f.IDF) != len(f.Features) {
		return fmt.Errorf("intent model has %d features and %d idf values", len(f.Features), len(f.IDF))
	}
	nm := Model{labels: f.Labels, trained: f.Trained, examples: f.Examples, embedModel: f.EmbedModel,
		vocab: vocabulary{index: make(map[string]int, len(f.Features)), idf: f.IDF}}
	for i, name := range f.Features {
		nm.vocab.index[name] = i
	}
	var err error
	if nm.sparse, err = f.Sparse.head(len(f.Features), 0, len(f.Labels)); err != nil {
		return fmt.Errorf("intent model sparse head: %w", err)
	}
	if f.Dense != nil {
		if f.Dense.Dim <= 0 {
			return errors.New("intent model dense head has no dimension")
		}
		d, err := f.Dense.head(len(f.Features), f.Dense.Dim, len(f.Labels))
		if err != nil {
			return fmt.Errorf("intent model dense head: %w", err)
		}
		nm.dense = &d
	}
	*m = nm
	return nil
}

func (h head) file() headFile {
	return headFile{Dim: h.dim, Weights: f32bytes(h.w), Bias: f32bytes(h.b), Reject: h.reject}
}

func (f headFile) head(nSparse, dim, classes int) (head, error) {
	h := head{dim: dim, reject: f.Reject}
	var err error
	if h.w, err = bytesF32(f.Weights, (nSparse+dim)*classes); err != nil {
		return head{}, fmt.Errorf("weights: %w", err)
	}
	if h.b, err = bytesF32(f.Bias, classes); err != nil {
		return head{}, fmt.Errorf("bias: %w", err)
	}
	if math.IsNaN(h.reject) || h.reject < 0 || h.reject > 1 {
		return head{}, fmt.Errorf("reject threshold %v outside 0..1", h.reject)
	}
	return h, nil
}

func f32bytes(v []float32) []byte {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return b
}

func bytesF32(b []byte, n int) ([]float32, error) {
	if len(b) != 4*n {
		return nil, fmt.Errorf("%d bytes, want %d", len(b), 4*n)
	}
	v := make([]float32, n)
	for i := range v {
		x := math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return nil, fmt.Errorf("value %d is not finite", i)
		}
		v[i] = x
	}
	return v, nil
}
