package answer

import (
	"go.opentelemetry.io/otel/attribute"

	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/answerdesk/answerdesk/ingest/markup"
	"github.com/answerdesk/answerdesk/ingest/redact"
)

// Priorities, lowest first.
var priorities = []Priority{PriorityLow, PriorityNormal, PriorityHigh, PriorityUrgent}

// reasonPriority is the base priority of an escalation reason (index into
// priorities).
var reasonPriority = map[Reason]int{
	ReasonHumanRequested:       1,
	ReasonNegativeSentiment:    2,
	ReasonSensitiveTopic:       2,
	ReasonNoEvidence:           1,
	ReasonLowConfidence:        1,
	ReasonGroundingFailed:      1,
	ReasonLLMUnavailable:       1,
	ReasonRetrievalUnavailable: 2,
	ReasonUnsafeContent:        2,
	ReasonCrossLanguage:        1,
	ReasonCaseReference:        1,
}

// priority derives a ticket's priority from the reason, the topic and the
// sentiment: negative raises it one level, angry two; legal threats and
// chargebacks are urgent.
func priority(reason Reason, tr Triage) Priority {
	p, ok := reasonPriority[reason]
	if !ok {
		p = 1
	}
	switch tr.Sentiment {
	case SentimentNegative:
		p++
	case SentimentAngry:
		p += 2
	}
	if tr.Topic == "legal_threat" || tr.Topic == "chargeback" {
		p = 3
	}
	return priorities[min(p, len(priorities)-1)]
}

// route picks the queue and the priority floor: the first route matching
// intent, language, reason and customer tier.
func (e *Engine) route(intent, lang string, reason Reason, tier string) (queue string, floor Priority) {
	for _, r := range e.cfg.Routes {
		if (r.Intent == "" || r.Intent == intent) && (r.Lang == "" || r.Lang == lang) &&
			(r.Reason == "" || r.Reason == reason) && (r.Tier == "" || r.Tier == tier) {
			return r.Queue, r.Priority
		}
	}
	return e.cfg.DefaultQueue, ""
}

// priorityRank is the index of p in priorities, -1 if unknown.
func priorityRank(p Priority) int {
	for i, q := range priorities {
		if q == p {
			return i
		}
	}
	return -1
}

// escalate writes the ticket for a. attempted and cites are the answer the
// engine would have given, for the agent's benefit.
func (e *Engine) escalate(ctx context.Context, req Request, a *Answer, tr Triage, history []Message, attempted string, cites []Citation) (out Ticket, err error) {
	ctx, sp := startSpan(ctx, "answer.ticket_write", attribute.String("answerdesk.reason", string(a.Reason)))
	defer func() {
		sp.SetAttributes(attribute.String("answerdesk.ticket", out.ID))
		endSpan(sp, err)
	}()
	queue, floor := e.route(tr.Intent, tr.Lang, a.Reason, req.Customer["tier"])
	prio := priority(a.Reason, tr)
	if priorityRank(floor) > priorityRank(prio) {
		prio = floor
	}
	transcript := make([]Message, 0, len(history)+1)
	transcript = append(transcript, history...)
	// Tickets are plain text (helpdesks and the admin pages may render
	// them as HTML): the customer's markup is removed.
	plain := markup.Strip(req.Question)
	transcript = append(transcript, Message{Role: RoleCustomer, Text: plain, At: a.Created})
	// The question is redacted once per answer: for the ticket here, and
	// handed to the conversation turn and the answer log when it is the
	// question as asked (no markup was removed).
	redacted := redact.Text(plain)
	if plain == req.Question {
		a.QuestionRedacted = redacted
	}
	seen := map[string]string{plain: redacted}
	t := Ticket{
		Tenant:         req.Tenant,
		Status:         "open",
		Subject:        subject(req.Question),
		Summary:        e.summary(a, tr, cites, seen),
		Lang:           tr.Lang,
		Intent:         tr.Intent,
		Priority:       prio,
		Queue:          queue,
		Reason:         a.Reason,
		ConversationID: a.ConversationID,
		Customer:       req.Customer,
		Transcript:     transcript,
		Attempted:      attempted,
		Citations:      cites,
		Confidence:     a.Confidence,
		Created:        e.now(),
	}
	t.Updated = t.Created
	saved, err := e.deps.Tickets.CreateTicket(ctx, redactTicket(t, seen))
	if err != nil {
		return Ticket{}, fmt.Errorf("answer: escalate (%s): create ticket: %w", a.Reason, err)
	}
	if saved.Priority == "" {
		saved.Priority = t.Priority
	}
	if saved.Queue == "" {
		saved.Queue = t.Queue
	}
	return saved, nil
}

// redactTicket returns the copy of t that is stored and delivered: personal
// data masked in what the customer wrote (subject, transcript). The summary
// is composed of redacted pieces (see summary) and left as it is.
// The customer contact (Request.Customer: id, email, name, …) is kept as
// given, so that the agent can reply: it is a field of its own, which the
// tenant supplied on purpose and which erasure clears as a whole, while
// personal data the customer typed into free text stays masked. The attempted answer and its citations are the
// tenant's own knowledge base (ticket exports are redacted at ingestion),
// left as they are so that published contact details stay readable. This
// is the one place tickets are redacted, whatever stores them. seen maps
// texts already redacted to the result (the question, nil when none), and
// gets the texts redacted here.
func redactTicket(t Ticket, seen map[string]string) Ticket {
	// The question is usually the subject and a turn of the transcript:
	// redact each distinct string once.
	if seen == nil {
		seen = map[string]string{}
	}
	text := func(s string) string { return redactSeen(s, seen) }
	t.Subject = text(t.Subject)
	if t.Customer != nil {
		c := make(map[string]string, len(t.Customer))
		for k, v := range t.Customer {
			c[k] = v
		}
		t.Customer = c
	}
	tr := make([]Message, len(t.Transcript))
	for i, m := range t.Transcript {
		m.Text = text(m.Text)
		tr[i] = m
	}
	t.Transcript = tr
	return t
}

// redactSeen is redact.Text(s), from seen when s was redacted before;
// seen gets the result.
func redactSeen(s string, seen map[string]string) string {
	if r, ok := seen[s]; ok {
		return r
	}
	r := redact.Text(s)
	seen[s] = r
	return r
}

// subject is the question's first line as plain text, at most 80 characters.
func subject(q string) string {
	q = markup.Strip(q)
	if i := strings.IndexByte(q, '\n'); i >= 0 {
		q = q[:i]
	}
	q = strings.Join(strings.Fields(q), " ")
	r := []rune(q)
	if len(r) > 80 {
		return string(r[:79]) + "…"
	}
	return q
}

var reasonText = map[Reason]string{
	ReasonHumanRequested:       "the customer asked for a person",
	ReasonNegativeSentiment:    "the customer is upset",
	ReasonSensitiveTopic:       "the topic must be handled by a person",
	ReasonNoEvidence:           "the knowledge base has nothing on this",
	ReasonLowConfidence:        "the best answer found was not reliable enough",
	ReasonGroundingFailed:      "the drafted answer was not supported by the sources",
	ReasonLLMUnavailable:       "the answer model was unavailable",
	ReasonRetrievalUnavailable: "the knowledge base was unavailable",
	ReasonUnsafeContent:        "the only passages that answer it contain instructions to the assistant or foreign links",
	ReasonCrossLanguage:        "the only answer found is a passage in another language, not verified",
	ReasonCaseReference:        "the customer refers to their own case by its number, which the knowledge base cannot open",
}

// summary is a one-paragraph brief for the agent, composed of redacted
// pieces so that it is not redacted again as a whole: the reason, topic,
// intent, language, sentiment and confidence are the engine's own labels
// and numbers; the case references are numbers caseRules.find vetted (no
// personal number among them); the question as read (the customer's
// words) is redacted through seen (the question's own redaction is there
// already); the
// titles of the passages tried (the tenant's documents, which may name a
// person or hold a phone number) are redacted once each and kept in the
// engine's title cache.
func (e *Engine) summary(a *Answer, tr Triage, cites []Citation, seen map[string]string) string {
	var b strings.Builder
	b.WriteString("Escalated: ")
	b.WriteString(reasonText[a.Reason])
	b.WriteString(" (")
	b.WriteString(string(a.Reason))
	b.WriteString(").")
	if tr.Topic != "" {
		b.WriteString(" Topic: ")
		b.WriteString(tr.Topic)
		b.WriteString(".")
	}
	if len(tr.Cases) > 0 {
		// Not redacted: a case's number is what the agent needs, and find
		// took none that is a card's, an IBAN's or another personal
		// number; one with a phone's shape ("лицевой счёт 5512 0873") is
		// the case's, though the transcript masks it.
		refs := make([]string, len(tr.Cases))
		for i, c := range tr.Cases {
			refs[i] = c.String()
		}
		writeList(&b, " Case references:", refs)
	}
	b.WriteString(" Intent: ")
	b.WriteString(tr.Intent)
	b.WriteString(". Language: ")
	b.WriteString(tr.Lang)
	b.WriteString(". Sentiment: ")
	b.WriteString(string(tr.Sentiment))
	b.WriteString(".")
	if a.Features != nil {
		b.WriteString(" Confidence ")
		b.WriteString(strconv.FormatFloat(a.Confidence, 'f', 2, 64))
		b.WriteString(" (threshold ")
		b.WriteString(strconv.FormatFloat(a.Threshold, 'f', 2, 64))
		b.WriteString(").")
	}
	if a.Standalone != "" && a.Standalone != a.Question {
		b.WriteString(" Read as: ")
		b.WriteString(strconv.Quote(redactSeen(subject(a.Standalone), seen)))
		b.WriteString(".")
	}
	if len(cites) > 0 {
		tried := make([]string, 0, 3)
		for _, c := range cites[:min(len(cites), 3)] {
			tried = append(tried, "["+strconv.Itoa(c.N)+"] "+e.titles.redact(c.Title))
		}
		writeList(&b, " Sources tried:", tried)
	}
	if len(a.Articles) > 0 {
		// What the customer was given to read while waiting.
		titles := make([]string, len(a.Articles))
		for i, ar := range a.Articles {
			titles[i] = e.titles.redact(ar.Title)
		}
		writeList(&b, " Articles offered:", titles)
	}
	return b.String()
}

// writeList writes label, then items separated by "; ", then a full stop:
// " Articles offered: Resetting the hub; Wi-Fi."
func writeList(b *strings.Builder, label string, items []string) {
	b.WriteString(label)
	for i, it := range items {
		if i > 0 {
			b.WriteString(";")
		}
		b.WriteString(" ")
		b.WriteString(it)
	}
	b.WriteString(".")
}

// titleCache keeps the redacted titles of passages: a ticket's summary
// names the passages tried, and support traffic tries the same few again
// and again.
type titleCache struct{ c *boundedCache[string, string] }

// titleCacheSize bounds the redacted titles kept (a title is short).
const titleCacheSize = 16384

func newTitleCache(max int) *titleCache {
	return &titleCache{c: newBoundedCache[string, string](max)}
}

// redact returns redact.Text(title), from the cache when it has it.
func (c *titleCache) redact(title string) string {
	if r, ok := c.c.get(title); ok {
		return r
	}
	r := redact.Text(title)
	c.c.put(title, r)
	return r
}
