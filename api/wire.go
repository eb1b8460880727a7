package api

import (
	"time"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/ingest"
	"github.com/answerdesk/answerdesk/retrieval"
)

// AnswerRequest is the body of POST /v1/answer. There is no tenant field:
// the tenant is the API key's.
type AnswerRequest struct {
	Question       string            `json:"question"`
	ConversationID string            `json:"conversation_id,omitempty"`
	Lang           string            `json:"lang,omitempty"`
	Customer       map[string]string `json:"customer,omitempty"`
	Stream         bool              `json:"stream,omitempty"`
}

// AnswerResponse is an answer or an escalation. `answerdesk ask --json`
// prints the same object.
type AnswerResponse struct {
	ID             string `json:"id"`
	ConversationID string `json:"conversation_id"`
	Decision       string `json:"decision"`
	// Act is the conversation act of a "replied" message.
	Act      string `json:"act,omitempty"`
	Answer   string `json:"answer"`
	Notice   string `json:"notice,omitempty"`
	Reason   string `json:"reason,omitempty"`
	TicketID string `json:"ticket_id,omitempty"`
	// HandedOver is true while a person has the conversation: it was
	// escalated now, or earlier with its ticket still open.
	HandedOver  bool       `json:"handed_over"`
	Confidence  float64    `json:"confidence"`
	Threshold   float64    `json:"threshold"`
	Features    []Feature  `json:"features"`
	Citations   []Citation `json:"citations"`
	Lang        string     `json:"lang"`
	Intent      string     `json:"intent,omitempty"`
	IntentScore float64    `json:"intent_score,omitempty"`
	Sentiment   string     `json:"sentiment,omitempty"`
	Standalone  string     `json:"standalone_question,omitempty"`
	TimingsMS   Timings    `json:"timings_ms"`
	Created     time.Time  `json:"created"`

	// Articles are offered with an escalation for low confidence:
	// documents on the question's topic, not an answer
	// (answer.Answer.Articles).
	Articles []Article `json:"articles,omitempty"`
}

// Citation ties an answer's [n] marker to its passage.
type Citation struct {
	N          int     `json:"n"`
	ChunkID    string  `json:"chunk_id"`
	DocumentID string  `json:"document_id"`
	Title      string  `json:"title"`
	URL        string  `json:"url,omitempty"`
	Page       int     `json:"page,omitempty"`
	Heading    string  `json:"heading,omitempty"`
	Quote      string  `json:"quote"`
	Score      float64 `json:"score"`
}

// Article is a knowledge-base article offered with an escalation.
type Article struct {
	DocumentID string `json:"document_id"`
	Title      string `json:"title"`
	URL        string `json:"url,omitempty"`
}

// Feature is one input of the confidence with its contribution to the logit.
type Feature struct {
	Name         string  `json:"name"`
	Value        float64 `json:"value"`
	Contribution float64 `json:"contribution"`
}

// Timings of the answer path in milliseconds.
type Timings struct {
	Triage   float64 `json:"triage"`
	Retrieve float64 `json:"retrieve"`
	Generate float64 `json:"generate"`
	Verify   float64 `json:"verify"`
	Total    float64 `json:"total"`
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// NewAnswerResponse converts an engine answer to its wire form.
func NewAnswerResponse(a answer.Answer) AnswerResponse {
	r := AnswerResponse{
		ID: a.ID, ConversationID: a.ConversationID, Decision: string(a.Decision), Act: string(a.Act), Answer: a.Text, Notice: a.Notice,
		Reason: string(a.Reason), TicketID: a.TicketID, HandedOver: a.Decision == answer.Escalated || a.Decision == answer.HandedOver, Confidence: a.Confidence, Threshold: a.Threshold,
		Lang: a.Lang, Intent: a.Intent, IntentScore: a.IntentScore, Sentiment: a.Sentiment, Created: a.Created,
		Features: make([]Feature, 0, len(a.Features)),
		TimingsMS: Timings{Triage: ms(a.Timings.Triage), Retrieve: ms(a.Timings.Retrieve), Generate: ms(a.Timings.Generate),
			Verify: ms(a.Timings.Verify), Total: ms(a.Timings.Total)},
	}
	if a.Standalone != a.Question {
		r.Standalone = a.Standalone
	}
	for _, f := range a.Features {
		r.Features = append(r.Features, Feature{Name: f.Name, Value: f.Value, Contribution: f.Contribution})
	}
	r.Citations = citations(a.Citations)
	for _, ar := range a.Articles {
		r.Articles = append(r.Articles, Article{DocumentID: ar.DocumentID, Title: ar.Title, URL: ar.URL})
	}
	return r
}

func citations(cs []answer.Citation) []Citation {
	out := make([]Citation, 0, len(cs))
	for _, c := range cs {
		out = append(out, Citation{N: c.N, ChunkID: c.ChunkID, DocumentID: c.DocumentID, Title: c.Title, URL: c.URL,
			Page: c.Page, Heading: c.Heading, Quote: c.Quote, Score: c.Score})
	}
	return out
}

// StreamStatus is the data of an SSE "status" event.
type StreamStatus struct {
	Stage string `json:"stage"`
}

// StreamDelta is the data of an SSE "delta" event.
type StreamDelta struct {
	Text string `json:"text"`
}

// FeedbackRequest is the body of POST /v1/feedback: thumbs, a rating, a
// comment, or any combination.
type FeedbackRequest struct {
	AnswerID string `json:"answer_id"`
	Thumbs   string `json:"thumbs,omitempty"` // "up" or "down"
	Rating   int    `json:"rating,omitempty"` // 1..5
	Comment  string `json:"comment,omitempty"`
	// Correction is the right answer, from an agent (a secret key, not
	// a publishable one); it makes the question an FAQ candidate.
	Correction string `json:"correction,omitempty"`
}

// FeedbackResponse acknowledges feedback.
type FeedbackResponse struct {
	ID       int64     `json:"id"`
	AnswerID string    `json:"answer_id"`
	Created  time.Time `json:"created"`
}

// Job is an ingest job.
type Job struct {
	ID        string       `json:"id"`
	State     string       `json:"state"`
	Files     []string     `json:"files"`
	Added     int          `json:"added"`
	Updated   int          `json:"updated"`
	Unchanged int          `json:"unchanged"`
	Chunks    int          `json:"chunks"`
	Failed    []JobFailure `json:"failed"`
	Error     string       `json:"error,omitempty"`
	Created   time.Time    `json:"created"`
	Changed   time.Time    `json:"updated_at"`
}

// JobFailure is a file a job could not ingest.
type JobFailure struct {
	File   string `json:"file"`
	Reason string `json:"reason"`
}

func newJob(j ingest.Job) Job {
	out := Job{ID: j.ID, State: j.State, Files: j.Files, Added: j.Result.Added, Updated: j.Result.Updated,
		Unchanged: j.Result.Unchanged, Chunks: j.Result.Chunks, Failed: []JobFailure{}, Error: j.Error,
		Created: j.Created, Changed: j.Updated}
	if out.Files == nil {
		out.Files = []string{}
	}
	for _, f := range j.Result.Failed {
		out.Failed = append(out.Failed, JobFailure{File: f.File, Reason: f.Reason})
	}
	return out
}

// Document is an ingested document.
type Document struct {
	ID      string            `json:"id"`
	Kind    string            `json:"kind"`
	Title   string            `json:"title"`
	URL     string            `json:"url,omitempty"`
	Lang    string            `json:"lang,omitempty"`
	Chunks  int               `json:"chunks"`
	Meta    map[string]string `json:"meta,omitempty"`
	Updated time.Time         `json:"updated"`
}

// DocumentList is a page of documents; Next is the "after" of the next page.
type DocumentList struct {
	Documents []Document `json:"documents"`
	Next      string     `json:"next,omitempty"`
}

func newDocument(d retrieval.Document) Document {
	return Document{ID: d.ID, Kind: string(d.Kind), Title: d.Title, URL: d.URL, Lang: d.Lang, Chunks: d.Chunks, Meta: d.Meta, Updated: d.Updated}
}

// Ticket is an escalation with its delivery state per sink.
type Ticket struct {
	ID             string            `json:"id"`
	Status         string            `json:"status"`
	Subject        string            `json:"subject"`
	Summary        string            `json:"summary"`
	Lang           string            `json:"lang,omitempty"`
	Intent         string            `json:"intent,omitempty"`
	Priority       string            `json:"priority,omitempty"`
	Queue          string            `json:"queue,omitempty"`
	Reason         string            `json:"reason"`
	ConversationID string            `json:"conversation_id,omitempty"`
	Customer       map[string]string `json:"customer,omitempty"`
	Transcript     []Message         `json:"transcript"`
	Attempted      string            `json:"attempted_answer,omitempty"`
	Citations      []Citation        `json:"citations"`
	Confidence     float64           `json:"confidence"`
	Deliveries     []Delivery        `json:"deliveries"`
	Created        time.Time         `json:"created"`
	Updated        time.Time         `json:"updated"`
}

// Message is one turn of a transcript.
type Message struct {
	Role string    `json:"role"`
	Text string    `json:"text"`
	At   time.Time `json:"at,omitzero"`
}

// Delivery is a ticket's delivery state for one sink: "pending",
// "delivered" or "dead" (dead-lettered after the last attempt).
type Delivery struct {
	Sink      string     `json:"sink"`
	State     string     `json:"state"`
	Attempts  int        `json:"attempts"`
	LastError string     `json:"last_error,omitempty"`
	NextAt    *time.Time `json:"next_attempt,omitempty"`
	Delivered *time.Time `json:"delivered,omitempty"`
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func newTicket(t answer.Ticket) Ticket {
	out := Ticket{ID: t.ID, Status: t.Status, Subject: t.Subject, Summary: t.Summary, Lang: t.Lang, Intent: t.Intent,
		Priority: string(t.Priority), Queue: t.Queue, Reason: string(t.Reason), ConversationID: t.ConversationID, Customer: t.Customer,
		Attempted: t.Attempted, Citations: citations(t.Citations), Confidence: t.Confidence, Created: t.Created,
		Updated: t.Updated, Transcript: []Message{}, Deliveries: []Delivery{}}
	for _, m := range t.Transcript {
		out.Transcript = append(out.Transcript, Message{Role: m.Role, Text: m.Text, At: m.At})
	}
	for _, d := range t.Deliveries {
		out.Deliveries = append(out.Deliveries, Delivery{Sink: d.Sink, State: d.State, Attempts: d.Attempts,
			LastError: d.LastError, NextAt: timePtr(d.NextAt), Delivered: timePtr(d.Delivered)})
	}
	return out
}

// TicketList is a page of tickets, newest first; Next is the "before" of the next page.
type TicketList struct {
	Tickets []Ticket `json:"tickets"`
	Next    string   `json:"next,omitempty"`
}

// TicketPatch is the body of PATCH /v1/tickets/{id}.
type TicketPatch struct {
	Status string `json:"status"`
	// Resolution, optional, is the agent's reply, appended to the
	// transcript before the status changes; a ticket solved with one
	// becomes an FAQ candidate.
	Resolution string `json:"resolution,omitempty"`
}

// ErrorResponse is every error's body.
type ErrorResponse struct {
	Error ErrorBody `json:"error"`
}

// ErrorBody says what went wrong: Code is stable, Message is for people.
type ErrorBody struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	RequestID string `json:"request_id"`
}

// Health is the body of /healthz and /readyz.
type Health struct {
	Status  string `json:"status"`
	Version string `json:"version,omitempty"`
}
