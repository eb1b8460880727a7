package api

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/gin-gonic/gin"
)

// fillValue sets every field of v, recursively, to a value that is not
// the zero one (slices get two elements), so that a field the hand-written
// encoder leaves out shows in the comparison.
func fillValue(v reflect.Value, n *int) {
	*n++
	switch v.Kind() {
	case reflect.String:
		v.SetString("s<" + strings.Repeat("é", *n%3) + "&\"\u2028")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int64:
		v.SetInt(int64(*n))
	case reflect.Float64:
		v.SetFloat(float64(*n) / 7)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range 2 {
			fillValue(v.Index(i), n)
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeOf(time.Time{}) {
			v.Set(reflect.ValueOf(time.Date(2026, 12, 4, 16, 30, 1, 123456789, time.UTC)))
			return
		}
		for i := range v.NumField() {
			fillValue(v.Field(i), n)
		}
	default:
		panic("fillValue: add a case for " + v.Kind().String())
	}
}

// TestAnswerJSONMatchesEncodingJSON: the hand-written encoder writes the
// bytes encoding/json writes, for every field set, for none, and for
// strings and numbers at the edges of the encoding.
func TestAnswerJSONMatchesEncodingJSON(t *testing.T) {
	var full AnswerResponse
	n := 0
	fillValue(reflect.ValueOf(&full).Elem(), &n)
	cases := map[string]AnswerResponse{
		"every field set": full,
		"zero":            {},
		"engine answer": NewAnswerResponse(answer.Answer{ID: "ans_1", Decision: answer.Answered, Text: "Hold the button [1].", Lang: "en",
			Confidence: 0.93, Threshold: 0.86, Citations: []answer.Citation{{N: 1, ChunkID: "c", DocumentID: "d", Title: "T", Quote: "q", Score: 12.5}},
			Created: time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("X", 3*3600))}),
	}
	strs := []string{"", "plain", "<script>&amp;</script>", "quote\" back\\slash", "\x00\x01\b\f\n\r\t\x1f\x7f", "bad \xff\xfe utf8 \xe2\x82",
		"line\u2028para\u2029", "日本語 и русский", "emoji 😀", "\xed\xa0\x80 surrogate"}
	floats := []float64{0, math.Copysign(0, -1), 1, -1, 0.1, 1e-6, 9.99e-7, 1e-7, 1e20, 1e21, 1.5e300, math.SmallestNonzeroFloat64, 123456789.123456789, 1e-9}
	for i, s := range strs {
		r := full
		r.Answer, r.Notice, r.ID = s, s, s
		r.Confidence = floats[i%len(floats)]
		r.TimingsMS.Total = floats[(i+3)%len(floats)]
		cases["edge "+s] = r
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 200 {
		r := full
		b := make([]byte, rng.IntN(40))
		for j := range b {
			b[j] = byte(rng.IntN(256))
		}
		r.Answer = string(b)
		r.Confidence = math.Float64frombits(rng.Uint64())
		if math.IsNaN(r.Confidence) || math.IsInf(r.Confidence, 0) {
			r.Confidence = float64(i)
		}
		cases["random "+string(rune('a'+i%26))+string(rune('a'+i/26))] = r
	}
	for name, r := range cases {
		want, err := json.Marshal(r)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, ok := appendAnswerResponse(nil, &r)
		if !ok || string(got) != string(want) {
			t.Errorf("%s: ok %v\n got %s\nwant %s", name, ok, got, want)
		}
	}
}

// TestAnswerJSONRefusesWhatEncodingJSONRefuses: such a response falls back
// to encoding/json (which fails it) instead of writing invalid JSON.
func TestAnswerJSONRefusesWhatEncodingJSONRefuses(t *testing.T) {
	for name, r := range map[string]AnswerResponse{
		"NaN":      {Confidence: math.NaN()},
		"infinity": {TimingsMS: Timings{Total: math.Inf(1)}},
		"year":     {Created: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)},
	} {
		if _, err := json.Marshal(r); err == nil {
			t.Fatalf("%s: encoding/json accepts it", name)
		}
		if _, ok := appendAnswerResponse(nil, &r); ok {
			t.Errorf("%s: the hand-written encoder accepted it", name)
		}
	}
}

// TestWriteAnswerReusesNoBytes: a pooled buffer reused by the next answer
// does not change the body already written.
func TestWriteAnswerReusesNoBytes(t *testing.T) {
	gin.SetMode(gin.ReleaseMode)
	var bodies []string
	for _, text := range []string{"first answer, long enough to matter", "second"} {
		w := httptest.NewRecorder()
		c, _ := gin.CreateTestContext(w)
		writeAnswer(c, &AnswerResponse{Answer: text})
		bodies = append(bodies, w.Body.String())
		if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/json; charset=utf-8" {
			t.Errorf("status %d, content type %q", w.Code, w.Header().Get("Content-Type"))
		}
	}
	for i, text := range []string{"first answer, long enough to matter", "second"} {
		var r AnswerResponse
		if err := json.Unmarshal([]byte(bodies[i]), &r); err != nil || r.Answer != text {
			t.Errorf("body %d: %q (%v), want the answer %q", i, bodies[i], err, text)
		}
	}
}

// BenchmarkAnswerJSON encodes a typical answer response (three citations,
// the confidence features) with encoding/json and with the hand-written
// encoder into a reused buffer.
func BenchmarkAnswerJSON(b *testing.B) {
	a := answer.Answer{ID: "0b6f0b7e-8e0c-4c36-9a53-0d8c3f7a1e21", ConversationID: "5f9e6a0c-2b7d-4d51-8f3e-6b1c0a9d4e72", Decision: answer.Answered,
		Text: "Press and hold the reset button for ten seconds until the light blinks amber [1]. The hub then restarts with factory settings [2].",
		Lang: "en", Confidence: 0.9312, Threshold: 0.8588, Created: time.Now()}
	for i := range 3 {
		a.Citations = append(a.Citations, answer.Citation{N: i + 1, ChunkID: "kb/hub/reset#3", DocumentID: "kb/hub/reset", Title: "Resetting the hub",
			URL: "https://example.com/hub/reset", Heading: "Hub › Reset", Quote: "Press and hold the reset button for ten seconds.", Score: 21.75})
	}
	for _, name := range []string{"top_score_ratio", "margin", "coverage", "specificity", "question_sim", "agreement"} {
		a.Features = append(a.Features, answer.Feature{Name: name, Value: 0.734, Contribution: 1.25})
	}
	a.Timings.Retrieve, a.Timings.Total = 140*time.Microsecond, 610*time.Microsecond
	b.Run("wire-form", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			NewAnswerResponse(a)
		}
	})
	r := NewAnswerResponse(a)
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(r); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("hand-written", func(b *testing.B) {
		b.ReportAllocs()
		var buf []byte
		for b.Loop() {
			buf, _ = appendAnswerResponse(buf[:0], &r)
		}
	})
}
