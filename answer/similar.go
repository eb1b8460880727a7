package answer

import (
	"math"
	"sort"
	"strings"

	"github.com/answerdesk/answerdesk/retrieval"
)

// SimilarTicket is a ticket with its similarity to another, in [0, 1].
type SimilarTicket struct {
	Ticket Ticket
	Score  float64
}

// TicketText is the text a ticket is compared by: its subject and the
// customer's messages (what the ticket is about, not how it was answered).
func TicketText(t Ticket) string {
	var b strings.Builder
	b.WriteString(t.Subject)
	for _, m := range t.Transcript {
		if m.Role == RoleCustomer {
			b.WriteByte('\n')
			b.WriteString(m.Text)
		}
	}
	return b.String()
}

// Similar ranks pool by the cosine of TF-IDF vectors (the retrieval
// analyzer's terms, IDF over pool and t) between TicketText of t and of
// each ticket, and returns the best k with a positive score, best first;
// t itself is skipped.
func Similar(t Ticket, pool []Ticket, k int) []SimilarTicket {
	if k <= 0 || len(pool) == 0 {
		return nil
	}
	tfs := make([]map[string]int, len(pool)+1)
	df := map[string]int{}
	for i := range tfs {
		src := t
		if i > 0 {
			src = pool[i-1]
		}
		tfs[i], _ = retrieval.DefaultAnalyzer.TermFreqs(TicketText(src))
		for term := range tfs[i] {
			df[term]++
		}
	}
	n := len(tfs)
	vec := func(tf map[string]int) (map[string]float64, float64) {
		v := make(map[string]float64, len(tf))
		norm := 0.0
		for term, c := range tf {
			w := (1 + math.Log(float64(c))) * math.Log(1+float64(n)/float64(df[term]))
			v[term] = w
			norm += w * w
		}
		return v, math.Sqrt(norm)
	}
	q, qn := vec(tfs[0])
	if qn == 0 {
		return nil
	}
	var out []SimilarTicket
	for i, c := range pool {
		if c.ID == t.ID {
			continue
		}
		v, vn := vec(tfs[i+1])
		if vn == 0 {
			continue
		}
		dot := 0.0
		for term, w := range q {
			dot += w * v[term]
		}
		if s := dot / (qn * vn); s > 0 {
			out = append(out, SimilarTicket{Ticket: c, Score: s})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Score > out[j].Score })
	if len(out) > k {
		out = out[:k]
	}
	return out
}
