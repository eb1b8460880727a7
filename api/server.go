package api

import (
	"go.opentelemetry.io/otel/trace"

	"context"
	"io"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/answer/state"
	"github.com/answerdesk/answerdesk/api/web"
	"github.com/answerdesk/answerdesk/ingest"
	"github.com/answerdesk/answerdesk/retrieval"
	"github.com/gin-gonic/gin"
)

// Answerer answers questions (answer.Engine implements it).
type Answerer interface {
	Answer(ctx context.Context, req answer.Request) (answer.Answer, error)
	Stream(ctx context.Context, req answer.Request, emit func(answer.Event)) (answer.Answer, error)
}

// Keys authenticates API keys (state.KeyStore implements it).
type Keys interface {
	Authenticate(ctx context.Context, key string) (state.Key, error)
	// AllowsOrigin reports whether an active publishable key lists origin.
	AllowsOrigin(ctx context.Context, origin string) (bool, error)
}

// AnswerLog records the answers that feedback can refer to
// (state.ConversationStore implements it).
type AnswerLog interface {
	LogAnswer(ctx context.Context, tenant string, a answer.Answer) error
}

// FeedbackRecorder records feedback on logged answers (state.FeedbackStore
// implements it).
type FeedbackRecorder interface {
	AddFeedback(ctx context.Context, f state.Feedback) (state.Feedback, error)
}

// Tickets reads and updates tickets (state.TicketStore implements it).
type Tickets interface {
	Ticket(ctx context.Context, tenant, id string) (answer.Ticket, error)
	Tickets(ctx context.Context, f state.TicketFilter) ([]answer.Ticket, error)
	SetTicketStatus(ctx context.Context, tenant, id, status string) (answer.Ticket, error)
}

// Jobs looks up ingest jobs (state.JobStore implements it).
type Jobs interface {
	Job(ctx context.Context, tenant, id string) (ingest.Job, error)
}

// Pinger reports whether a dependency answers (state.DB implements it).
type Pinger interface {
	Ping(ctx context.Context) error
}

// Documents is the part of the index store the API uses.
type Documents interface {
	Documents(ctx context.Context, f retrieval.DocFilter) ([]retrieval.Document, error)
	DeleteDocument(ctx context.Context, tenant, id string) error
	Stats(ctx context.Context) (retrieval.Stats, error)
}

// IngestJobs starts background ingestion of uploads (ingest.JobRunner
// implements it).
type IngestJobs interface {
	// Receive takes a place in the upload queue for tenant and returns
	// the spool the upload's files stream into; it fails with
	// ingest.ErrQueueFull, ErrShuttingDown or ErrQuota before the body is
	// read.
	Receive(ctx context.Context, tenant string) (*ingest.Spool, error)
}

var (
	_ Keys             = (*state.KeyStore)(nil)
	_ AnswerLog        = (*state.ConversationStore)(nil)
	_ FeedbackRecorder = (*state.FeedbackStore)(nil)
	_ Tickets          = (*state.TicketStore)(nil)
	_ Jobs             = (*state.JobStore)(nil)
	_ Pinger           = (*state.DB)(nil)
	_ Documents        = retrieval.Store(nil)
	_ IngestJobs       = (*ingest.JobRunner)(nil)
	_ Answerer         = (*answer.Engine)(nil)
)

// Limits bound what a client may send; zero values take the defaults in brackets.
type Limits struct {
	MaxBody    int64 // JSON request body in bytes [64 KiB]
	MaxComment int   // feedback comment in characters [4000]
	MaxUpload  int64 // multipart upload request in bytes [20 MiB]
	MaxFiles   int   // files per upload [20]
	MaxDepth   int   // JSON nesting [16]
	// RatePerSecond and Burst: the per-key token bucket [20/s, 40]; a
	// negative RatePerSecond disables rate limiting.
	RatePerSecond float64
	Burst         int
	// PublicIPRate and PublicIPBurst: the token bucket per publishable key
	// and client IP [1/s, 10], on top of the per-key bucket.
	PublicIPRate  float64
	PublicIPBurst int
	// AnswerTimeout bounds one answer [30s].
	AnswerTimeout time.Duration
	// AuthCacheTTL caches successful key lookups [2s]; a revoked key stops
	// working within this time. Negative disables the cache.
	AuthCacheTTL time.Duration
	// AuthFailuresPerSecond and AuthFailureBurst: the token bucket of
	// failed authentications (missing, unknown or revoked key) per peer
	// address [1/s, 30]; an address out of tokens gets 429 before its key
	// is even looked up. A negative AuthFailuresPerSecond disables it.
	AuthFailuresPerSecond float64
	AuthFailureBurst      int
}

func (l *Limits) defaults() {
	if l.MaxBody <= 0 {
		l.MaxBody = 64 << 10
	}
	if l.MaxComment <= 0 {
		l.MaxComment = 4000
	}
	if l.MaxUpload <= 0 {
		l.MaxUpload = 20 << 20
	}
	if l.MaxFiles <= 0 {
		l.MaxFiles = 20
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = 16
	}
	if l.RatePerSecond == 0 {
		l.RatePerSecond = 20
	}
	if l.Burst <= 0 {
		l.Burst = int(2 * max(l.RatePerSecond, 1))
	}
	if l.PublicIPRate == 0 {
		l.PublicIPRate = 1
	}
	if l.PublicIPBurst <= 0 {
		l.PublicIPBurst = 10
	}
	if l.AnswerTimeout <= 0 {
		l.AnswerTimeout = 30 * time.Second
	}
	if l.AuthCacheTTL == 0 {
		l.AuthCacheTTL = 2 * time.Second
	}
	if l.AuthFailuresPerSecond == 0 {
		l.AuthFailuresPerSecond = 1
	}
	if l.AuthFailureBurst <= 0 {
		l.AuthFailureBurst = 30
	}
}

// Deps are the server's collaborators. Engine, Keys, Answers, Feedback,
// Tickets, Jobs and Health are required; without Docs and Ingest the
// document routes answer 503.
type Deps struct {
	Engine   Answerer
	Keys     Keys
	Answers  AnswerLog
	Feedback FeedbackRecorder
	Tickets  Tickets
	Jobs     Jobs
	// Health is pinged by /readyz (the state database).
	Health Pinger
	Docs   Documents
	// MaxQuestion and MaxMessage are the engine's limits in characters on
	// the question it reads and on the message as sent
	// (answer.Config.MaxQuestion and MaxMessage; answer.DefaultConfig's
	// when 0), published in /openapi.json. The engine enforces them.
	MaxQuestion, MaxMessage int
	// Gaps, when set, serves GET /v1/gaps.
	Gaps GapFinder
	// Analytics, when set, serves GET /v1/analytics.
	Analytics Analytics
	// Audit, when set, records administrative actions and serves GET
	// /v1/audit.
	Audit AuditLog
	// Customers, when set, serves a customer's export and erasure.
	Customers Customers
	// Ingest runs upload jobs; the server does not own it (whoever built it
	// shuts it down after the server drained).
	Ingest IngestJobs
	// Accepts reports whether an upload's extension (".md") has a loader.
	Accepts func(ext string) bool
	Limits  Limits
	Logger  *slog.Logger
	Version string
	// DemoKey, when set, makes / serve the demo page with the widget on
	// the publishable key it returns (`answerdesk demo`).
	DemoKey func() string
	// Metrics, when set, records request and answer metrics (see Metrics;
	// the server does not serve them: /metrics belongs on another listener).
	Metrics *Metrics
	// KeyAdmin, when set, serves /v1/keys (the console's key page).
	KeyAdmin KeyAdmin
	// Conversations, when set, serves /v1/conversations (review).
	Conversations Conversations
	// FAQ, when set, serves the FAQ candidates; FAQIngest ingests the
	// approved ones.
	FAQ       FAQCandidates
	FAQIngest SourceIngester
	// TicketCandidates, when set, makes a ticket solved with an agent's
	// reply an FAQ candidate.
	TicketCandidates TicketCandidates
	// TicketReplies, when set, takes the resolution of PATCH
	// /v1/tickets/{id}.
	TicketReplies TicketReplies
	// FeedbackLog, when set, serves GET /v1/feedback.
	FeedbackLog FeedbackReader
	// Sessions, when set, keeps the admin console's sign-in sessions;
	// without it the console cannot be signed in to.
	Sessions Sessions
	// EvalReports, when set, serves GET /v1/eval/report (the console's
	// eval page).
	EvalReports EvalReports
	// Tracer, when set, traces every request (see traceRequest).
	Tracer trace.TracerProvider
	// HandBacks and Helpdesk, when set, serve POST /v1/helpdesk/events:
	// a signed "solved" from the helpdesk hands the conversation back to
	// the bot.
	HandBacks HandBacks
	Helpdesk  HelpdeskSecrets
}

// StateDeps are Deps with every collaborator the state database provides
// taken from st: keys, the answer log and conversations, feedback,
// tickets (with their replies, hand-backs and FAQ candidates), ingest
// jobs, health, analytics, the audit log, customers' data, FAQ candidates
// and console sessions. The caller adds the engine, the index store,
// ingestion and the rest.
func StateDeps(st *state.Services) Deps {
	return Deps{Keys: st.Keys, Answers: st.Conversations, Feedback: st.Feedback, Tickets: st.Tickets, Jobs: st.Jobs,
		Health: st.DB, Analytics: st.Analytics, Audit: st.Audit, Customers: st.Customers, KeyAdmin: st.Keys,
		Conversations: st.Conversations, Sessions: st.Sessions, FAQ: st.FAQ, TicketCandidates: st.FAQ,
		FeedbackLog: st.Feedback, TicketReplies: st.Tickets, HandBacks: st.Tickets}
}

// Server is the HTTP API.
type Server struct {
	d         Deps
	metrics   *Metrics     // nil records nothing
	tracer    trace.Tracer // nil traces nothing
	lim       Limits
	log       *slog.Logger
	engine    *gin.Engine
	limiter   *limiter
	authFails *limiter
	ipLimiter *limiter
	auth      *authCache
	origins   *originCache
	widgetJS  asset
	widgetCSS asset
	demoCSS   asset
	// openapiDoc is the served OpenAPI document.
	openapiDoc []byte
	console    struct{ js, css asset }

	draining atomic.Bool
}

// NewServer builds the API over deps.
func NewServer(d Deps) *Server {
	d.Limits.defaults()
	log := d.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s := &Server{
		d: d, metrics: d.Metrics, lim: d.Limits, log: log,
		limiter:   newLimiter(d.Limits.RatePerSecond, d.Limits.Burst),
		authFails: newLimiter(d.Limits.AuthFailuresPerSecond, d.Limits.AuthFailureBurst),
		auth:      newAuthCache(d.Limits.AuthCacheTTL),
		origins:   newOriginCache(d.Limits.AuthCacheTTL),
		ipLimiter: newLimiter(d.Limits.PublicIPRate, d.Limits.PublicIPBurst),
	}
	if d.Tracer != nil {
		s.tracer = d.Tracer.Tracer("github.com/answerdesk/answerdesk/api")
	}
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.HandleMethodNotAllowed = true
	e.UseRawPath = true // document ids may hold an escaped "/"
	e.UnescapePathValues = true
	e.RemoveExtraSlash = false
	e.RedirectTrailingSlash = false
	e.RedirectFixedPath = false
	e.ContextWithFallback = true
	s.engine = e
	var err error
	if s.widgetJS, s.widgetCSS, err = widgetAssets(); err != nil {
		panic(err) // the assets are embedded: a build error, not a runtime one
	}
	css, err := web.FS.ReadFile("demo.css")
	if err != nil {
		panic(err)
	}
	s.demoCSS = newAsset("text/css; charset=utf-8", css)
	if d.MaxQuestion <= 0 {
		d.MaxQuestion = answer.DefaultConfig().MaxQuestion
	}
	if d.MaxMessage <= 0 {
		d.MaxMessage = answer.DefaultConfig().MaxMessage
	}
	d.MaxMessage = max(d.MaxMessage, d.MaxQuestion)
	if s.openapiDoc, err = openapiDocument(d.MaxQuestion, d.MaxMessage); err != nil {
		panic(err) // embedded too
	}
	for _, a := range []struct {
		dst  *asset
		name string
		typ  string
	}{{&s.console.js, "console.js", "text/javascript; charset=utf-8"}, {&s.console.css, "console.css", "text/css; charset=utf-8"}} {
		b, err := web.FS.ReadFile(a.name)
		if err != nil {
			panic(err)
		}
		*a.dst = newAsset(a.typ, b)
	}
	s.routes()
	return s
}

// Handler returns the server's http.Handler.
func (s *Server) Handler() http.Handler { return s.engine }

// Drain makes /readyz report unavailable so that a load balancer stops
// sending traffic before the process stops.
func (s *Server) Drain() { s.draining.Store(true) }
