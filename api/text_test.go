package api

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestReportText: the text forms the command line prints carry the
// report's figures; counts come most frequent first, and the CSV has a
// header and one row per gap with its nearest document.
func TestReportText(t *testing.T) {
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var b bytes.Buffer
	r := AnalyticsReport{From: from, Volume: 10, Answered: 7, Escalated: 3, Deflected: 6, DeflectionRate: 0.6,
		EscalatedByReason: map[string]int{"low_confidence": 1, "no_evidence": 2, "": 1},
		NeverCited:        []string{"a", "b"}, Bucket: "day"}
	if err := r.WriteText(&b, "acme"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`tenant "acme", 2026-01-01T00:00:00Z to now`, "questions:   10 (answered 7, escalated 3)",
		"deflection:  60.0%", "escalated by reason:   no_evidence 2, (none) 1, low_confidence 1", "never cited (2): a, b", "by day:"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("analytics text lacks %q:\n%s", want, b.String())
		}
	}

	g := GapReport{From: from, To: from.Add(24 * time.Hour), Questions: 5, Vectors: "sparse", Gaps: []Gap{
		{Size: 3, Recent: 3, Languages: map[string]int{"en": 2, "ru": 1}, Questions: []string{"q1", "q2"}, Terms: []string{"wifi", "reset"},
			Documents: []GapDocument{{ID: "guide", Title: "Guide", Score: 0.5}}},
		{Size: 2, Languages: map[string]int{"en": 2}, Questions: []string{"q3"}},
	}}
	b.Reset()
	if err := g.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"5 unanswered questions", "1. 3 questions (0 earlier, 3 recent) · en 2, ru 1 · terms: wifi, reset",
		`nearest: guide "Guide" (score 0.500)`, "nearest: no document at all"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("gaps text lacks %q:\n%s", want, b.String())
		}
	}
	b.Reset()
	if err := g.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"size", "earlier", "recent", "languages", "terms", "questions", "nearest_document", "nearest_title", "nearest_score"},
		{"3", "0", "3", "en 2, ru 1", "wifi reset", "q1 | q2", "guide", "Guide", "0.5000"},
		{"2", "0", "0", "en 2", "", "q3", "", "", ""},
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("gaps CSV (-want +got):\n%s", diff)
	}
}
