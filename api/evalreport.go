package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

// EvalReports holds the latest eval report the operator published
// (`answerdesk eval run --publish` writes it into the data directory). It
// returns the report's JSON (eval.Report, docs/eval.md) and when it was
// published; an error wrapping fs.ErrNotExist means none was published.
type EvalReports interface {
	LatestEvalReport(ctx context.Context) (report []byte, published time.Time, err error)
}

// EvalReport is the response of GET /v1/eval/report: the latest published
// eval report as `answerdesk eval run --json` writes it.
type EvalReport struct {
	Published time.Time       `json:"published"`
	Report    json.RawMessage `json:"report"`
}

// getEvalReport serves the latest eval report. The report describes the
// engine, not a tenant's data: every admin key may read it.
func (s *Server) getEvalReport(c *gin.Context) {
	if s.d.EvalReports == nil {
		s.fail(c, errf(http.StatusServiceUnavailable, CodeUnavailable, "eval reports are not configured"))
		return
	}
	b, published, err := s.d.EvalReports.LatestEvalReport(c.Request.Context())
	if errors.Is(err, fs.ErrNotExist) {
		s.fail(c, errf(http.StatusNotFound, CodeNoEvalReport, "no eval report has been published: run `answerdesk eval run --publish SUITE_DIR…` with this server's data directory"))
		return
	}
	if err != nil {
		s.fail(c, fmt.Errorf("read eval report: %w", err))
		return
	}
	var probe struct {
		Suites []json.RawMessage `json:"suites"`
	}
	if err := json.Unmarshal(b, &probe); err != nil || len(probe.Suites) == 0 {
		s.fail(c, fmt.Errorf("read eval report: not a report with suites (err %v)", err))
		return
	}
	c.JSON(http.StatusOK, EvalReport{Published: published.UTC(), Report: b})
}
