package api

import (
	"context"
	"net/http"
	"time"

	"github.com/answerdesk/answerdesk/answer/gaps"
	"github.com/gin-gonic/gin"
)

// GapFinder reports the knowledge gaps of a tenant (gaps.Finder implements
// it).
type GapFinder interface {
	Find(ctx context.Context, tenant string, from, to time.Time) (gaps.Report, error)
}

var _ GapFinder = (*gaps.Finder)(nil)

// GapReport is the response of GET /v1/gaps.
type GapReport struct {
	From        time.Time `json:"from"`
	To          time.Time `json:"to"`
	Questions   int       `json:"questions"`
	Unclustered int       `json:"unclustered"`
	Vectors     string    `json:"vectors"` // "sparse" or "embeddings"
	Gaps        []Gap     `json:"gaps"`
}

// Gap is a cluster of similar unanswered questions.
type Gap struct {
	Size      int            `json:"size"`
	Earlier   int            `json:"earlier"`
	Recent    int            `json:"recent"`
	Languages map[string]int `json:"languages"`
	Questions []string       `json:"questions"`
	Terms     []string       `json:"terms"`
	Cohesion  float64        `json:"cohesion"`
	Documents []GapDocument  `json:"nearest_documents"`
}

// GapDocument is a knowledge-base document near a gap, with its score.
type GapDocument struct {
	ID    string  `json:"id"`
	Title string  `json:"title"`
	Score float64 `json:"score"`
}

// NewGapReport converts a gap report to its wire form.
func NewGapReport(r gaps.Report) GapReport {
	out := GapReport{From: r.From, To: r.To, Questions: r.Questions, Unclustered: r.Unclustered, Vectors: "sparse", Gaps: []Gap{}}
	if r.Dense {
		out.Vectors = "embeddings"
	}
	for _, g := range r.Gaps {
		w := Gap{Size: g.Size, Earlier: g.Earlier, Recent: g.Recent, Languages: g.Languages, Questions: g.Questions,
			Terms: g.Terms, Cohesion: g.Cohesion, Documents: []GapDocument{}}
		for _, d := range g.Documents {
			w.Documents = append(w.Documents, GapDocument{ID: d.ID, Title: d.Title, Score: d.Score})
		}
		out.Gaps = append(out.Gaps, w)
	}
	return out
}

// getGaps clusters the key's tenant's unanswered questions of a window
// (from, to: RFC 3339 or dates; the last seven days by default).
func (s *Server) getGaps(c *gin.Context) {
	if s.d.Gaps == nil {
		s.fail(c, errf(http.StatusServiceUnavailable, CodeUnavailable, "the gap report is not configured"))
		return
	}
	from, to, err := Window(c.Query("from"), c.Query("to"), time.Now())
	if err != nil {
		s.fail(c, err)
		return
	}
	r, err := s.d.Gaps.Find(c.Request.Context(), keyOf(c).Tenant, from, to)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, NewGapReport(r))
}
