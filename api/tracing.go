package api

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// traceRequest runs each request in a server span named after its route
// ("POST /v1/answer"), continuing the caller's trace when the request has
// a W3C traceparent header. The span goes into the request's context, so
// that the engine's spans (triage, retrieval, generation, verification,
// ticket write) are its children.
func (s *Server) traceRequest(c *gin.Context) {
	ctx := propagation.TraceContext{}.Extract(c.Request.Context(), propagation.HeaderCarrier(c.Request.Header))
	route := c.FullPath()
	if route == "" {
		route = "unmatched"
	}
	ctx, sp := s.tracer.Start(ctx, c.Request.Method+" "+route, trace.WithSpanKind(trace.SpanKindServer),
		trace.WithAttributes(attribute.String("http.request.method", c.Request.Method), attribute.String("http.route", route),
			attribute.String("answerdesk.request_id", requestID(c))))
	defer sp.End()
	c.Request = c.Request.WithContext(ctx)
	c.Next()
	status := c.Writer.Status()
	sp.SetAttributes(attribute.Int("http.response.status_code", status))
	if status >= http.StatusInternalServerError {
		sp.SetStatus(codes.Error, strconv.Itoa(status))
	}
}
