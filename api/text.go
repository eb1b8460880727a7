package api

import (
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/answer/state"
	"github.com/answerdesk/answerdesk/ingest"
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

// Snippet shortens s to about n bytes on a rune boundary, on one line: how
// the text forms quote customer text in a list.
func Snippet(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && (s[cut]&0xC0) == 0x80 {
		cut--
	}
	return s[:cut] + "…"
}

// SourceLine names where a passage comes from in text forms:
// "doc › heading (page N)", without the parts it lacks.
func SourceLine(doc, heading string, page int) string {
	if heading != "" {
		doc += " › " + heading
	}
	if page > 0 {
		doc += fmt.Sprintf(" (page %d)", page)
	}
	return doc
}

// WriteAnswerText prints an answer for a person: the answer with its
// sources (or the notice of an escalation), then the decision, ticket,
// confidence with its features, language, intent and conversation.
func WriteAnswerText(w io.Writer, a answer.Answer) error {
	if a.Decision == answer.Answered {
		fmt.Fprintf(w, "%s\n\n", a.Text)
		if len(a.Citations) > 0 {
			fmt.Fprintln(w, "sources:")
			for _, c := range a.Citations {
				src := SourceLine(c.DocumentID, c.Heading, c.Page)
				if c.URL != "" {
					src += " " + c.URL
				}
				fmt.Fprintf(w, "  [%d] %s — %s\n      %q\n", c.N, c.Title, src, Snippet(c.Quote, 200))
			}
			fmt.Fprintln(w)
		}
	} else {
		fmt.Fprintf(w, "%s\n\n", a.Notice)
		if len(a.Articles) > 0 {
			fmt.Fprintln(w, "articles offered:")
			for _, ar := range a.Articles {
				line := ar.Title + " — " + ar.DocumentID
				if ar.URL != "" {
					line += " " + ar.URL
				}
				fmt.Fprintf(w, "  %s\n", line)
			}
			fmt.Fprintln(w)
		}
	}
	fmt.Fprintf(w, "decision:   %s", a.Decision)
	if a.Reason != "" {
		fmt.Fprintf(w, " (%s)", a.Reason)
	}
	fmt.Fprintln(w)
	if a.TicketID != "" {
		fmt.Fprintf(w, "ticket:     %s (priority %s, queue %s)\n", a.TicketID, a.Priority, a.Queue)
	}
	fmt.Fprintf(w, "confidence: %.3f (threshold %.3f)\n", a.Confidence, a.Threshold)
	intentScore := ""
	if a.IntentScore > 0 {
		intentScore = fmt.Sprintf(" (model, %.2f)", a.IntentScore)
	}
	fmt.Fprintf(w, "language:   %s · intent %s%s · sentiment %s\n", a.Lang, a.Intent, intentScore, a.Sentiment)
	if a.Standalone != "" && a.Standalone != a.Question {
		fmt.Fprintf(w, "read as:    %s\n", a.Standalone)
	}
	fmt.Fprintf(w, "conversation: %s\n", a.ConversationID)
	if len(a.Features) > 0 {
		fmt.Fprintln(w, "features (value → contribution to the logit):")
		for _, f := range a.Features {
			fmt.Fprintf(w, "  %-18s %7.3f → %+.3f\n", f.Name, f.Value, f.Contribution)
		}
	}
	if a.Decision == answer.Escalated && a.Attempted != "" {
		fmt.Fprintf(w, "attempted answer (on the ticket, not shown to the customer):\n  %s\n", Snippet(a.Attempted, 400))
	}
	return nil
}

// WriteTicketsText prints tickets as a table, one line each, with the
// delivery state per sink.
func WriteTicketsText(w io.Writer, ts []answer.Ticket) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tCREATED\tSTATUS\tPRIORITY\tREASON\tDELIVERY\tSUBJECT")
	for _, t := range ts {
		var ds []string
		for _, d := range t.Deliveries {
			ds = append(ds, d.Sink+":"+d.State)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Created.Format("2006-01-02 15:04"), t.Status, t.Priority, t.Reason,
			strings.Join(ds, " "), Snippet(t.Subject, 60))
	}
	return tw.Flush()
}

// WriteTicketText prints one ticket in full: routing, transcript, the
// attempted answer with its sources, and each sink's delivery.
func WriteTicketText(w io.Writer, t answer.Ticket) error {
	fmt.Fprintf(w, "ticket:     %s (%s)\n", t.ID, t.Status)
	fmt.Fprintf(w, "subject:    %s\n", t.Subject)
	fmt.Fprintf(w, "reason:     %s · priority %s · queue %s · language %s · intent %s\n", t.Reason, t.Priority, t.Queue, t.Lang, t.Intent)
	fmt.Fprintf(w, "created:    %s · conversation %s\n", t.Created.Format("2006-01-02 15:04:05"), t.ConversationID)
	if t.Summary != "" {
		fmt.Fprintf(w, "summary:    %s\n", t.Summary)
	}
	fmt.Fprintln(w, "transcript:")
	for _, m := range t.Transcript {
		fmt.Fprintf(w, "  %-9s %s\n", m.Role+":", m.Text)
	}
	if t.Attempted != "" {
		fmt.Fprintf(w, "attempted answer (confidence %.3f):\n  %s\n", t.Confidence, t.Attempted)
	}
	for _, c := range t.Citations {
		fmt.Fprintf(w, "  [%d] %s — %s\n", c.N, c.Title, c.DocumentID)
	}
	fmt.Fprintln(w, "delivery:")
	for _, d := range t.Deliveries {
		line := fmt.Sprintf("  %-8s %-9s attempts %d", d.Sink, d.State, d.Attempts)
		if !d.Delivered.IsZero() {
			line += " · delivered " + d.Delivered.Format("2006-01-02 15:04:05")
		}
		if d.State == state.DeliveryPending && !d.NextAt.IsZero() {
			line += " · next " + d.NextAt.Format("15:04:05")
		}
		if d.LastError != "" {
			line += " · last error: " + d.LastError
		}
		fmt.Fprintln(w, line)
	}
	return nil
}

// WriteText prints the similar solved tickets, most similar first.
func (s SimilarTickets) WriteText(w io.Writer) error {
	if len(s.Similar) == 0 {
		fmt.Fprintln(w, "no similar solved ticket")
		return nil
	}
	fmt.Fprintln(w, "similar solved tickets:")
	for _, m := range s.Similar {
		fmt.Fprintf(w, "  %.3f  %s  %s\n", m.Score, m.ID, Snippet(m.Subject, 60))
		if m.Resolution != "" {
			fmt.Fprintf(w, "         reply: %s\n", Snippet(m.Resolution, 100))
		}
	}
	return nil
}

// WriteText prints the suggested reply (or why there is none, with the
// unverified attempt), its sources, and the similar solved tickets.
func (s Suggestion) WriteText(w io.Writer) error {
	if s.Suggested {
		fmt.Fprintf(w, "suggested reply (%s, confidence %.3f, threshold %.3f):\n\n%s\n", s.Lang, s.Confidence, s.Threshold, s.Reply)
	} else {
		fmt.Fprintf(w, "no reply suggested (%s; confidence %.3f, threshold %.3f)", s.Reason, s.Confidence, s.Threshold)
		if s.Attempted != "" {
			fmt.Fprintf(w, "; the unverified attempt:\n\n%s", s.Attempted)
		}
		fmt.Fprintln(w)
	}
	for _, c := range s.Citations {
		fmt.Fprintf(w, "  [%d] %s — %s\n", c.N, c.Title, c.DocumentID)
	}
	fmt.Fprintln(w)
	return SimilarTickets{TicketID: s.TicketID, Similar: s.Similar}.WriteText(w)
}

// WriteIngestText prints what an ingestion of d did: the counts, then each
// failed and skipped file and each part of a file that was dropped.
func WriteIngestText(w io.Writer, s ingest.Summary, d time.Duration) error {
	fmt.Fprintf(w, "files: %d  added: %d  updated: %d  unchanged: %d  deleted: %d  failed: %d  chunks written: %d  (%.1fs)\n",
		s.Files, s.Added, s.Updated, s.Unchanged, s.Deleted, len(s.Failed), s.Chunks, d.Seconds())
	for _, f := range s.Failed {
		fmt.Fprintf(w, "FAILED  %s: %v\n", f.Path, f.Err)
	}
	for _, f := range s.Skipped {
		fmt.Fprintf(w, "skipped %s: %v\n", f.Path, f.Err)
	}
	for _, l := range s.Losses {
		for _, loss := range l.Losses {
			fmt.Fprintf(w, "dropped %s %s: %s\n", l.Path, loss.Where, loss.Reason)
		}
	}
	return nil
}

// WriteText prints a page of feedback as a table, with the cursor of the
// next page.
func (l FeedbackList) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tCREATED\tANSWER\tTHUMBS\tRATING\tCOMMENT\tCORRECTION")
	for _, e := range l.Feedback {
		rating := ""
		if e.Rating > 0 {
			rating = strconv.Itoa(e.Rating)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", e.ID, e.Created.Format("2006-01-02 15:04"), e.AnswerID, e.Thumbs, rating,
			Snippet(e.Comment, 40), Snippet(e.Correction, 40))
	}
	if l.Next != 0 {
		fmt.Fprintf(tw, "(more: --before %d)\n", l.Next)
	}
	return tw.Flush()
}

// WriteText prints a page of the audit log as a table, with the cursor of
// the next page.
func (l AuditList) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tAT\tACTOR\tACTION\tTARGET\tDETAIL")
	for _, e := range l.Entries {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", e.ID, e.At.Format("2006-01-02 15:04:05"), e.Actor, e.Action, e.Target, Snippet(e.Detail, 60))
	}
	if l.Next != 0 {
		fmt.Fprintf(tw, "(more: --before %d)\n", l.Next)
	}
	return tw.Flush()
}

// WriteKeysText prints every tenant's keys as a table: never a key, only
// its prefix, with its status and origins.
func WriteKeysText(w io.Writer, keys []state.Key) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tPREFIX\tTENANT\tSCOPES\tNAME\tCREATED\tSTATUS\tORIGINS")
	for _, k := range keys {
		status := "active"
		if !k.Revoked.IsZero() {
			status = "revoked " + k.Revoked.Format("2006-01-02 15:04")
		}
		fmt.Fprintf(tw, "%s\t%s…\t%s\t%s\t%s\t%s\t%s\t%s\n", k.ID, k.Prefix, k.Tenant, strings.Join(k.Scopes, ","), k.Name, k.Created.Format("2006-01-02 15:04"), status, strings.Join(k.Origins, ","))
	}
	return tw.Flush()
}
