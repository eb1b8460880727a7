package api

import (
	"context"
	"net/http"
	"time"

	"github.com/answerdesk/answerdesk/answer/state"
	"github.com/answerdesk/answerdesk/retrieval"
	"github.com/gin-gonic/gin"
)

// Analytics computes a tenant's support figures (state.AnalyticsStore
// implements it).
type Analytics interface {
	Analytics(ctx context.Context, q state.AnalyticsQuery) (state.Analytics, error)
}

var _ Analytics = (*state.AnalyticsStore)(nil)

// AnalyticsReport is the response of GET /v1/analytics.
type AnalyticsReport struct {
	From                time.Time         `json:"from"`
	To                  *time.Time        `json:"to,omitempty"`
	Volume              int               `json:"volume"`
	Answered            int               `json:"answered"`
	Escalated           int               `json:"escalated"`
	EscalatedByReason   map[string]int    `json:"escalated_by_reason"`
	EscalatedByIntent   map[string]int    `json:"escalated_by_intent"`
	EscalatedByLang     map[string]int    `json:"escalated_by_lang"`
	EscalatedByQueue    map[string]int    `json:"escalated_by_queue"`
	Deflected           int               `json:"deflected"`
	DeflectionRate      float64           `json:"deflection_rate"`
	Ratings             int               `json:"ratings"`
	CSAT                float64           `json:"csat"`
	ThumbsUp            int               `json:"thumbs_up"`
	ThumbsDown          int               `json:"thumbs_down"`
	ThumbsUpShare       float64           `json:"thumbs_up_share"`
	LatencyMS           LatencyPercentile `json:"latency_ms"`
	TopCited            []CitedDocument   `json:"top_cited_documents"`
	NeverCited          []string          `json:"never_cited_documents"`
	NoEvidence          int               `json:"no_evidence"`
	NoEvidenceQuestions []string          `json:"no_evidence_questions"`
	Bucket              string            `json:"bucket"`
	Series              []AnalyticsPoint  `json:"series"`
}

// LatencyPercentile are answer-path latency percentiles in milliseconds.
type LatencyPercentile struct {
	P50 float64 `json:"p50"`
	P95 float64 `json:"p95"`
	P99 float64 `json:"p99"`
}

// CitedDocument is a document with how many answers cited it.
type CitedDocument struct {
	ID    string `json:"id"`
	Count int    `json:"count"`
}

// AnalyticsPoint is one bucket of the volume series.
type AnalyticsPoint struct {
	Start     time.Time `json:"start"`
	Volume    int       `json:"volume"`
	Answered  int       `json:"answered"`
	Escalated int       `json:"escalated"`
}

// NewAnalyticsReport converts analytics to their wire form.
func NewAnalyticsReport(a state.Analytics, bucket string) AnalyticsReport {
	r := AnalyticsReport{From: a.From, Volume: a.Volume, Answered: a.Answered, Escalated: a.Escalated,
		EscalatedByReason: a.ByReason, EscalatedByIntent: a.ByIntent, EscalatedByLang: a.ByLang, EscalatedByQueue: a.ByQueue,
		Deflected: a.Deflected, DeflectionRate: a.DeflectionRate, Ratings: a.Ratings, CSAT: a.CSAT,
		ThumbsUp: a.ThumbsUp, ThumbsDown: a.ThumbsDown,
		LatencyMS:  LatencyPercentile{P50: a.LatencyP50, P95: a.LatencyP95, P99: a.LatencyP99},
		TopCited:   []CitedDocument{},
		NeverCited: a.NeverCited, NoEvidence: a.NoEvidence, NoEvidenceQuestions: a.NoEvidenceQuestions,
		Bucket: bucket, Series: []AnalyticsPoint{}}
	if bucket == "" {
		r.Bucket = state.BucketDay
	}
	if !a.To.IsZero() {
		to := a.To
		r.To = &to
	}
	if n := a.ThumbsUp + a.ThumbsDown; n > 0 {
		r.ThumbsUpShare = float64(a.ThumbsUp) / float64(n)
	}
	for _, d := range a.TopCited {
		r.TopCited = append(r.TopCited, CitedDocument{ID: d.ID, Count: d.Count})
	}
	for _, p := range a.Series {
		r.Series = append(r.Series, AnalyticsPoint{Start: p.Start, Volume: p.Volume, Answered: p.Answered, Escalated: p.Escalated})
	}
	return r
}

// maxAnalyticsDocuments bounds the documents checked for never being cited.
const maxAnalyticsDocuments = 100_000

// getAnalytics reports the key's tenant's figures of a window (from, to:
// RFC 3339 or dates, rounded out to whole hours; the last seven days by
// default) with a volume series by hour, day or week.
func (s *Server) getAnalytics(c *gin.Context) {
	if s.d.Analytics == nil {
		s.fail(c, errf(http.StatusServiceUnavailable, CodeUnavailable, "analytics are not configured"))
		return
	}
	from, to, err := Window(c.Query("from"), c.Query("to"), time.Now())
	if err != nil {
		s.fail(c, err)
		return
	}
	q := state.AnalyticsQuery{Tenant: keyOf(c).Tenant, From: from, To: to, Bucket: c.Query("bucket")}
	var docs retrieval.DocumentLister
	if s.d.Docs != nil {
		docs = s.d.Docs
	}
	r, err := TenantAnalytics(c.Request.Context(), s.d.Analytics, docs, q)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, r)
}

// TenantAnalytics computes the figures q asks for, with the tenant's
// documents docs lists (at most 100,000) checked for never being cited;
// none are when docs is nil. (GET /v1/analytics and `answerdesk report`.)
func TenantAnalytics(ctx context.Context, an Analytics, docs retrieval.DocumentLister, q state.AnalyticsQuery) (AnalyticsReport, error) {
	if docs != nil {
		ds, err := docs.Documents(ctx, retrieval.DocFilter{Tenant: q.Tenant, Limit: maxAnalyticsDocuments})
		if err != nil {
			return AnalyticsReport{}, err
		}
		for _, d := range ds {
			q.Documents = append(q.Documents, d.ID)
		}
	}
	a, err := an.Analytics(ctx, q)
	if err != nil {
		return AnalyticsReport{}, err
	}
	return NewAnalyticsReport(a, q.Bucket), nil
}
