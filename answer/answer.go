package answer

import (
	"context"
	"errors"
	"time"
)

// Decision is what the engine did with a question. Its string is the wire
// and database form.
type Decision string

// Decisions.
const (
	Answered  Decision = "answered"
	Escalated Decision = "escalated"
	// HandedOver: a person has the conversation (its ticket is neither
	// solved nor closed); the message was added to the ticket, unanswered.
	HandedOver Decision = "handed_over"
	// Replied: the message was a conversation act (a greeting, thanks, …)
	// and got a short reply; nothing was retrieved and no ticket opened.
	Replied Decision = "replied"
)

// Reason is why a question was escalated. Code decides it; neither the
// customer's text nor a document can set one. Its string is the wire and
// database form.
type Reason string

// Escalation reasons.
const (
	ReasonHumanRequested       Reason = "human_requested"
	ReasonNegativeSentiment    Reason = "negative_sentiment"
	ReasonSensitiveTopic       Reason = "sensitive_topic"
	ReasonNoEvidence           Reason = "no_evidence"
	ReasonLowConfidence        Reason = "low_confidence"
	ReasonGroundingFailed      Reason = "grounding_failed"
	ReasonLLMUnavailable       Reason = "llm_unavailable"
	ReasonRetrievalUnavailable Reason = "retrieval_unavailable"
	// ReasonUnsafeContent: a confident answer would have had to quote
	// passages that address the assistant or push links outside the
	// tenant's allowed domains.
	ReasonUnsafeContent Reason = "unsafe_content"
	// ReasonCrossLanguage: the answer would quote a passage in another
	// script than the question that no Generator read and verified, and
	// Config.CrossLanguageQuotes is off. The quote goes to the ticket as
	// the attempted answer.
	ReasonCrossLanguage Reason = "cross_language"
	// ReasonCaseReference: the message refers to the customer's own case
	// by its number (an order, a booking, an invoice; CaseRef), which
	// only a person who can open it answers.
	ReasonCaseReference Reason = "case_reference"
)

// Priority is a ticket's urgency. Its string is the wire and database form.
type Priority string

// Priorities, lowest first.
const (
	PriorityLow    Priority = "low"
	PriorityNormal Priority = "normal"
	PriorityHigh   Priority = "high"
	PriorityUrgent Priority = "urgent"
)

// Errors callers branch on.
var (
	// ErrInvalidRequest: the question is empty, too long or not valid UTF-8.
	ErrInvalidRequest = errors.New("invalid request")
	// ErrNotFound: no such answer, conversation or ticket.
	ErrNotFound = errors.New("not found")
	// ErrTicketClosed: the ticket is solved or closed; nothing more is
	// added to it.
	ErrTicketClosed = errors.New("ticket solved or closed")
)

// Request is one customer question.
type Request struct {
	Tenant         string // from the API key, never from the request body
	Question       string
	ConversationID string // "" starts a new conversation
	Lang           string // optional hint
	// Customer is the customer's contact and context as the tenant gave
	// it ("id", "email", "name", "tier", …): the ticket carries it
	// unredacted for the agent, apart from the redacted free text.
	Customer map[string]string
	// Channel identifies the caller ("api", "cli", "eval").
	Channel string
	// Draft asks for a reply that a human agent will send (agent assist):
	// the same retrieval, composition, verification and confidence, but
	// no handover, small-talk reply or triage escalation (the text is the
	// customer's, already escalated), no conversation history, and nothing
	// written — no ticket, no conversation turn. A draft that would
	// escalate comes back Escalated with its Reason and the Attempted text
	// and citations, without a ticket.
	Draft bool
}

// Message is one turn of a conversation.
type Message struct {
	Role string // "customer", "assistant", "agent"
	Text string
	At   time.Time
	// Redacted is Text with personal data masked (redact.Text) when the
	// sender has redacted it already, "" when not: a store that redacts
	// writes it instead of redacting Text again.
	Redacted string `json:"-"`
}

// Citation ties an answer's [n] marker to the passage it came from.
type Citation struct {
	N          int // the n of [n], from 1
	ChunkID    string
	DocumentID string
	Title      string
	URL        string
	Page       int
	Heading    string
	Quote      string // the quoted span of the passage
	Score      float64
}

// Article is an article offered with an escalation: a document of the
// knowledge base, by its title and link.
type Article struct {
	DocumentID string
	Title      string
	URL        string
}

// Feature is one input of the confidence model with its contribution to the
// logit, so that the response can say what drove the decision.
type Feature struct {
	Name         string
	Value        float64
	Contribution float64
}

// Timings of the answer path's stages.
type Timings struct {
	Triage   time.Duration
	Retrieve time.Duration
	Generate time.Duration
	Verify   time.Duration
	Total    time.Duration
}

// Answer is the engine's reply: an answer with citations, or an escalation.
type Answer struct {
	ID             string
	ConversationID string
	Question       string
	// QuestionRedacted is Question with personal data masked
	// (redact.Text), when the engine redacted it for a ticket; "" when it
	// did not. Stores write it instead of redacting Question again.
	QuestionRedacted string `json:"-"`
	// Standalone is the question as retrieved, after follow-up rewriting.
	Standalone string
	Lang       string
	Intent     string
	// IntentScore is the trained intent model's probability for Intent, 0
	// when the label came from a keyword rule or no rule.
	IntentScore float64
	// CustomerID is the request's customer["id"], "" when none: what
	// erasing and exporting a customer's data finds the answer by.
	CustomerID string
	Sentiment  string // "neutral", "negative", "angry"
	Text       string // the answer shown to the customer; "" when escalated with nothing to say
	Citations  []Citation
	Confidence float64 // calibrated probability the answer is right, 0..1
	Threshold  float64
	Features   []Feature
	// CrossLanguage: the answer is quoted from a passage in another script
	// than the question's and scored by Config.CrossConfidence on its own
	// features (the hybrid model never sees such answers).
	CrossLanguage bool
	Decision      Decision
	// Act is the conversation act of a Replied message, "" otherwise.
	Act      Act
	Reason   Reason // "" when answered
	TicketID string // set when escalated
	// Notice is the message shown to the customer when escalated (in the
	// question's language), "" when answered.
	Notice string
	// Attempted and AttemptedCitations are the answer the engine drafted
	// before escalating (also on the ticket), for agents and evaluation;
	// never shown to the customer.
	Attempted          string
	AttemptedCitations []Citation
	// Articles are the knowledge base's articles the question most
	// likely concerns, offered to the customer with an escalation for low
	// confidence while a person takes over: not an answer, so nothing of
	// them is quoted. See Engine.articles.
	Articles []Article
	// Priority and Queue of the ticket when escalated.
	Priority Priority
	Queue    string
	// Hits are the retrieved passages behind the answer, best first (for eval
	// and debugging; the API exposes citations only).
	Hits    []HitSummary
	Timings Timings
	Created time.Time
}

// HitSummary is a retrieved passage as the answer path saw it.
type HitSummary struct {
	ChunkID     string
	DocumentID  string
	Title       string
	Score       float64
	SparseScore float64
	DenseScore  float64
}

// Ticket is an escalation handed to a human.
type Ticket struct {
	ID             string
	Tenant         string
	Status         string // "open", "pending", "solved", "closed"
	Subject        string
	Summary        string
	Lang           string
	Intent         string
	Priority       Priority
	Queue          string
	Reason         Reason
	ConversationID string
	Customer       map[string]string
	Transcript     []Message
	// Attempted is the answer the engine would have given, with its sources.
	Attempted  string
	Citations  []Citation
	Confidence float64
	Created    time.Time
	Updated    time.Time
	// Deliveries is the delivery state per sink, filled by the ticket store.
	Deliveries []Delivery
}

// Delivery is the state of a ticket's delivery to one sink.
type Delivery struct {
	Sink      string // "queue", "webhook", "zendesk"
	State     string // "pending", "delivered", "dead"
	Attempts  int
	LastError string
	NextAt    time.Time
	Delivered time.Time
}

// TicketWriter persists an escalation. Implementations write the ticket and
// its outbox entries in one transaction and return the ticket with ID and
// timestamps set. The engine has redacted personal data before the call:
// implementations store what they are given.
type TicketWriter interface {
	CreateTicket(ctx context.Context, t Ticket) (Ticket, error)
}

// Handoffs keeps conversations handed over to a person: while a
// conversation's escalation ticket is neither solved nor closed, the
// customer's messages go to the ticket instead of being answered.
type Handoffs interface {
	// HandedOver returns the conversation's open ticket, "" when none.
	HandedOver(ctx context.Context, tenant, conversationID string) (ticketID string, err error)
	// AppendToTicket adds messages (redacted by the engine) to the ticket's
	// transcript and queues their delivery; ErrTicketClosed (wrapped) when
	// the ticket was solved or closed meanwhile.
	AppendToTicket(ctx context.Context, tenant, ticketID string, msgs ...Message) error
}

// Conversations stores the turns of conversations, so that follow-up
// questions can be made standalone and tickets carry the whole transcript.
type Conversations interface {
	// Turns returns the conversation's turns, oldest first; none for an
	// unknown id.
	Turns(ctx context.Context, tenant, conversationID string) ([]Message, error)
	// Append adds turns to a conversation, creating it when new.
	Append(ctx context.Context, tenant, conversationID string, turns ...Message) error
}

// Passage is a retrieved chunk as handed to a Generator, numbered from 1 in
// the order the [n] citations refer to.
type Passage struct {
	N          int
	ChunkID    string
	DocumentID string
	Title      string
	URL        string
	Heading    string
	Page       int
	Text       string
}

// GenerateInput is what a Generator answers from.
type GenerateInput struct {
	Question string // standalone question
	Lang     string // language to answer in
	Passages []Passage
	History  []Message
}

// Generation is a generated answer after verification.
type Generation struct {
	// Text holds only sentences that passed verification, with [n] markers
	// that refer to Passages.
	Text string
	// Cited lists the passage numbers cited in Text.
	Cited []int
	// SupportRatio is the share of generated sentences that passed
	// verification, 0..1; it feeds the confidence.
	SupportRatio float64
	// Abstained reports that the model said the passages do not answer.
	Abstained bool
	// Dropped lists sentences removed because they failed verification.
	Dropped []string
}

// Generator writes a grounded answer from passages (an LLM behind
// answer/llm). onToken, when not nil, receives raw text as it streams; the
// returned Generation is what verification kept. Errors mean the provider
// failed: the engine falls back to an extractive answer or escalates with
// ReasonLLMUnavailable.
type Generator interface {
	Generate(ctx context.Context, in GenerateInput, onToken func(string)) (Generation, error)
}

// Rewriter makes a follow-up question standalone from the conversation.
type Rewriter interface {
	Rewrite(ctx context.Context, history []Message, question string) (string, error)
}

// IntentClassifier labels a question with the tenant's trained intent
// model (intent.Dir implements it). terms are the question's terms by
// retrieval.DefaultAnalyzer, as the engine analyzed it (the classifier
// does not analyze it again); vec is its embedding, nil when there is
// none. ok is false when the tenant has no model or the model finds the
// question out of scope: the keyword intents decide then.
type IntentClassifier interface {
	Classify(ctx context.Context, tenant, text string, terms []string, vec []float32) (label string, score float64, ok bool, err error)
}

// QueryEmbedder embeds a question for dense retrieval.
type QueryEmbedder interface {
	EmbedQuery(ctx context.Context, text string) ([]float32, error)
}

// PassageEmbedder embeds passage text with the document model. When
// Deps.Embedder is one too (answer/llm's embedder and its cache are), a
// cross-language answer quotes the sentences of its passage nearest the
// question.
type PassageEmbedder interface {
	EmbedDocuments(ctx context.Context, texts []string) ([][]float32, error)
}

// ConfidenceModel maps an answer's features to a calibrated probability:
// p = calibrate(sigmoid(Intercept + Σ Weights[name]·value)). It is loaded
// from a JSON file (shipped default embedded in the binary; `answerdesk eval
// calibrate` writes a new one).
type ConfidenceModel struct {
	Intercept float64            `json:"intercept"`
	Weights   map[string]float64 `json:"weights"`
	// Platt scaling applied to the logit: sigmoid(A·logit + B); nil = none.
	Platt *Platt `json:"platt,omitempty"`
	// Isotonic calibration points (raw probability → calibrated), sorted by
	// X; applied after Platt when present, interpolating linearly.
	Isotonic []CalPoint `json:"isotonic,omitempty"`
	// Threshold: answer when the calibrated probability is at least this.
	Threshold float64 `json:"threshold"`
	// Vetoes names features that hold the probability below the threshold
	// whenever they are 1 (at least ½): at most half the threshold,
	// whatever the weights say. A veto is a rule, not a weight: it is for
	// evidence too rare in the calibration suites to be weighed, whose
	// meaning alone says the answer cannot be right (the passage holds no
	// value of the type asked: FeatureAnswerTypeMiss). Calibration keeps
	// the current model's vetoes.
	Vetoes []string `json:"vetoes,omitempty"`
	// FittedOn names the suites the model was fitted on, for the record.
	FittedOn []string `json:"fitted_on,omitempty"`
}

// Platt holds Platt-scaling coefficients.
type Platt struct {
	A float64 `json:"a"`
	B float64 `json:"b"`
}

// CalPoint is one point of an isotonic calibration curve.
type CalPoint struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}

// Stream event types.
const (
	EventStatus = "status" // a stage of the answer path started
	EventDelta  = "delta"  // a piece of the answer text
	EventFinal  = "final"  // the complete Answer
)

// Stages reported in status events, in order; a path may skip some.
const (
	StageTriage   = "triage"
	StageRetrieve = "retrieve"
	StageGenerate = "generate"
	StageEscalate = "escalate"
)

// Event is one step of a streamed answer: status events, then the answer
// text in deltas (only text that is final and verified: never raw model
// output), then one final event carrying the Answer. Escalations send no
// deltas.
type Event struct {
	Type   string  // EventStatus, EventDelta or EventFinal
	Stage  string  // for EventStatus: one of the Stage constants
	Delta  string  // for EventDelta: the next piece of Answer.Text
	Answer *Answer // for EventFinal
}
