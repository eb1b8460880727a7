package api

import (
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The command line prints the reports the HTTP API sends as JSON; their
// text (and CSV) forms live here, beside the JSON, so that the two never
// drift apart.

// WriteText prints the analytics report of tenant for a person.
func (r AnalyticsReport) WriteText(w io.Writer, tenant string) error {
	end := "now"
	if r.To != nil {
		end = r.To.Format(time.RFC3339)
	}
	fmt.Fprintf(w, "tenant %q, %s to %s\n\n", tenant, r.From.Format(time.RFC3339), end)
	fmt.Fprintf(w, "questions:   %d (answered %d, escalated %d)\n", r.Volume, r.Answered, r.Escalated)
	fmt.Fprintf(w, "deflection:  %.1f%% (%d answers not followed by an escalation or negative feedback)\n", 100*r.DeflectionRate, r.Deflected)
	fmt.Fprintf(w, "CSAT:        %.1f%% of %d ratings; thumbs up %d, down %d\n", 100*r.CSAT, r.Ratings, r.ThumbsUp, r.ThumbsDown)
	fmt.Fprintf(w, "latency:     p50 %.0f ms, p95 %.0f ms, p99 %.0f ms\n", r.LatencyMS.P50, r.LatencyMS.P95, r.LatencyMS.P99)
	for _, g := range []struct {
		name string
		m    map[string]int
	}{{"by reason", r.EscalatedByReason}, {"by intent", r.EscalatedByIntent}, {"by language", r.EscalatedByLang}, {"by queue", r.EscalatedByQueue}} {
		if len(g.m) > 0 {
			fmt.Fprintf(w, "escalated %-12s %s\n", g.name+":", counts(g.m))
		}
	}
	if len(r.TopCited) > 0 {
		fmt.Fprintln(w, "\nmost cited documents:")
		for _, d := range r.TopCited {
			fmt.Fprintf(w, "  %5d  %s\n", d.Count, d.ID)
		}
	}
	if len(r.NeverCited) > 0 {
		fmt.Fprintf(w, "\nnever cited (%d): %s\n", len(r.NeverCited), strings.Join(r.NeverCited[:min(10, len(r.NeverCited))], ", "))
	}
	if r.NoEvidence > 0 {
		fmt.Fprintf(w, "\nno evidence for %d questions; the latest:\n", r.NoEvidence)
		for _, q := range r.NoEvidenceQuestions {
			fmt.Fprintf(w, "  - %s\n", q)
		}
	}
	fmt.Fprintf(w, "\nby %s:\n", r.Bucket)
	for _, p := range r.Series {
		fmt.Fprintf(w, "  %s  %5d questions, %5d answered, %5d escalated\n", p.Start.Format(time.RFC3339), p.Volume, p.Answered, p.Escalated)
	}
	return nil
}

// counts formats counts, most frequent first: "billing 12, support 3".
func counts(m map[string]int) string {
	type kv struct {
		k string
		n int
	}
	var out []kv
	for k, n := range m {
		if k == "" {
			k = "(none)"
		}
		out = append(out, kv{k, n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].n != out[j].n {
			return out[i].n > out[j].n
		}
		return out[i].k < out[j].k
	})
	parts := make([]string, len(out))
	for i, x := range out {
		parts[i] = fmt.Sprintf("%s %d", x.k, x.n)
	}
	return strings.Join(parts, ", ")
}

// WriteText prints the gap report for a person: each gap with its
// questions and nearest documents.
func (r GapReport) WriteText(out io.Writer) error {
	fmt.Fprintf(out, "%d unanswered questions from %s to %s (%s): %d gaps, %d questions like no other\n",
		r.Questions, r.From.Format(time.RFC3339), r.To.Format(time.RFC3339), r.Vectors, len(r.Gaps), r.Unclustered)
	for i, g := range r.Gaps {
		fmt.Fprintf(out, "\n%d. %d questions (%d earlier, %d recent) · %s · terms: %s\n",
			i+1, g.Size, g.Earlier, g.Recent, counts(g.Languages), strings.Join(g.Terms, ", "))
		for _, q := range g.Questions {
			fmt.Fprintf(out, "   - %s\n", q)
		}
		for _, d := range g.Documents {
			fmt.Fprintf(out, "   nearest: %s %q (score %.3f)\n", d.ID, d.Title, d.Score)
		}
		if len(g.Documents) == 0 {
			fmt.Fprintln(out, "   nearest: no document at all")
		}
	}
	return nil
}

// WriteCSV writes the gap report as CSV, one row per gap with its
// nearest document.
func (r GapReport) WriteCSV(out io.Writer) error {
	w := csv.NewWriter(out)
	w.Write([]string{"size", "earlier", "recent", "languages", "terms", "questions", "nearest_document", "nearest_title", "nearest_score"})
	for _, g := range r.Gaps {
		doc, title, score := "", "", ""
		if len(g.Documents) > 0 {
			d := g.Documents[0]
			doc, title, score = d.ID, d.Title, strconv.FormatFloat(d.Score, 'f', 4, 64)
		}
		w.Write([]string{strconv.Itoa(g.Size), strconv.Itoa(g.Earlier), strconv.Itoa(g.Recent), counts(g.Languages),
			strings.Join(g.Terms, " "), strings.Join(g.Questions, " | "), doc, title, score})
	}
	w.Flush()
	return w.Error()
}

// WriteText prints the candidates, one a line: id, status, where it comes
// from and the question.
func (l FAQCandidateList) WriteText(w io.Writer) error {
	for _, c := range l.Candidates {
		if _, err := fmt.Fprintf(w, "%d\t%s\t%s:%s\t%s\n", c.ID, c.Status, c.Source, c.SourceID, strings.ReplaceAll(c.Question, "\n", " ")); err != nil {
			return err
		}
	}
	return nil
}

// WriteText prints the decision on one line: the candidate's id and
// status, and for an approval what ingesting it did to which entry.
func (d FAQDecision) WriteText(w io.Writer) error {
	fmt.Fprintf(w, "%d %s", d.Candidate.ID, d.Candidate.Status)
	if d.Ingest != "" {
		fmt.Fprintf(w, " (%s %s)", d.Ingest, d.Candidate.DocumentID)
	}
	_, err := fmt.Fprintln(w)
	return err
}
