package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/answer/gaps"
	"github.com/answerdesk/answerdesk/answer/state"
	"github.com/answerdesk/answerdesk/ingest"
	"github.com/answerdesk/answerdesk/retrieval"
	"github.com/gin-gonic/gin"
)

// Stable error codes clients branch on; the OpenAPI document lists them.
const (
	CodeBadJSON           = "invalid_json"
	CodeInvalidUTF8       = "invalid_utf8"
	CodeTooDeep           = "json_too_deep"
	CodeUnknownField      = "unknown_field"
	CodeInvalidField      = "invalid_field"
	CodeInvalidRequest    = "invalid_request"
	CodeBodyTooLarge      = "body_too_large"
	CodeUnsupportedMedia  = "unsupported_media_type"
	CodeUnsupportedEncode = "unsupported_content_encoding"
	CodeUnauthorized      = "unauthorized"
	CodeForbidden         = "forbidden"
	CodeOriginRefused     = "origin_not_allowed"
	CodeNotFound          = "not_found"
	CodeConflict          = "conflict"
	CodeMethodNotAllowed  = "method_not_allowed"
	CodeRateLimited       = "rate_limited"
	CodeUnavailable       = "unavailable"
	CodeTimeout           = "timeout"
	CodeClientClosed      = "client_closed_request" // logged only: the client is gone
	CodeInternal          = "internal"
	CodeInvalidFilename   = "invalid_filename"
	CodeTooManyFiles      = "too_many_files"
	CodeUnsupportedFile   = "unsupported_file_type"
	CodeQuotaExceeded     = "quota_exceeded"
	CodeNoEvalReport      = "no_eval_report"
)

// apiError is an error with its HTTP status and code, raised by handlers
// for request problems they detect themselves.
type apiError struct {
	status int
	code   string
	msg    string
}

func (e *apiError) Error() string { return e.msg }

func errf(status int, code, format string, args ...any) error {
	return &apiError{status: status, code: code, msg: fmt.Sprintf(format, args...)}
}

// errorTable maps the sentinel errors of the layers below to statuses:
// the one place that decides them.
var errorTable = []struct {
	err    error
	status int
	code   string
}{
	{answer.ErrQuestionTooLong, http.StatusBadRequest, CodeInvalidField},
	{answer.ErrEmptyQuestion, http.StatusBadRequest, CodeInvalidField},
	{answer.ErrInvalidRequest, http.StatusBadRequest, CodeInvalidRequest},
	{state.ErrInvalid, http.StatusBadRequest, CodeInvalidRequest},
	{retrieval.ErrInvalid, http.StatusBadRequest, CodeInvalidRequest},
	{gaps.ErrWindow, http.StatusBadRequest, CodeInvalidField},
	{answer.ErrNotFound, http.StatusNotFound, CodeNotFound},
	{state.ErrNotFound, http.StatusNotFound, CodeNotFound},
	{state.ErrConflict, http.StatusConflict, CodeConflict},
	{answer.ErrTicketClosed, http.StatusConflict, CodeConflict},
	{retrieval.ErrNotFound, http.StatusNotFound, CodeNotFound},
	{ingest.ErrUnsupported, http.StatusUnsupportedMediaType, CodeUnsupportedFile},
	{ingest.ErrTooLarge, http.StatusRequestEntityTooLarge, CodeBodyTooLarge},
	{ingest.ErrQuota, http.StatusRequestEntityTooLarge, CodeQuotaExceeded},
	{retrieval.ErrUnavailable, http.StatusServiceUnavailable, CodeUnavailable},
	{ingest.ErrShuttingDown, http.StatusServiceUnavailable, CodeUnavailable},
	{context.DeadlineExceeded, http.StatusGatewayTimeout, CodeTimeout},
}

// classify returns the status, code and client message for err. Messages
// of 5xx errors are generic: internals never reach a client.
func classify(err error) (int, string, string) {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae.status, ae.code, ae.msg
	}
	var mbe *httpMaxBytesError
	if errors.As(err, &mbe) {
		return http.StatusRequestEntityTooLarge, CodeBodyTooLarge, "request body too large"
	}
	for _, row := range errorTable {
		if errors.Is(err, row.err) {
			msg := err.Error()
			if row.status >= 500 {
				msg = http.StatusText(row.status)
			}
			return row.status, row.code, msg
		}
	}
	return http.StatusInternalServerError, CodeInternal, "internal error; quote the request id when reporting it"
}

// fail writes err as a JSON error. A 5xx is logged here, once, with the
// request id.
func (s *Server) fail(c *gin.Context, err error) {
	status, code, msg := classify(err)
	rid := requestID(c)
	if status >= 500 {
		s.log.Error("request failed", "request_id", rid, "method", c.Request.Method, "route", c.FullPath(), "status", status, "err", err)
	}
	if status == http.StatusUnauthorized {
		c.Header("WWW-Authenticate", `Bearer realm="answerdesk"`)
	}
	c.AbortWithStatusJSON(status, ErrorResponse{Error: ErrorBody{Code: code, Message: msg, RequestID: rid}})
}
