package api

import (
	"net/http"

	"github.com/answerdesk/answerdesk/answer/state"
	"github.com/gin-gonic/gin"
)

// routes lists every route of the API. The OpenAPI document
// (openapi.json) describes exactly these; a test keeps them in step.
func (s *Server) routes() {
	e := s.engine
	e.Use(s.withRequestID)
	if s.tracer != nil {
		e.Use(s.traceRequest)
	}
	if s.metrics != nil {
		e.Use(s.observe) // outside recoverPanic: a panic is counted as its 500
	}
	e.Use(s.recoverPanic, s.accessLog)
	e.NoRoute(s.noRoute)
	e.NoMethod(s.noMethod)

	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/openapi.json", s.openapi)
	e.GET("/widget.js", serveAsset(s.widgetJS))
	e.GET("/widget.css", serveAsset(s.widgetCSS))
	if s.d.DemoKey != nil {
		e.GET("/", s.demoPage)
		e.GET("/demo.css", serveAsset(s.demoCSS))
	}

	form := s.bodyGuard(4 << 10)
	e.GET("/admin/login", s.loginPage)
	e.POST("/admin/login", form, s.login)
	e.POST("/admin/logout", form, s.logout)
	e.GET("/admin/console.js", serveAsset(s.console.js))
	e.GET("/admin/console.css", serveAsset(s.console.css))
	e.GET("/admin", func(c *gin.Context) { c.Redirect(http.StatusMovedPermanently, "/admin/") })
	e.GET("/admin/", s.consolePage)
	e.GET("/admin/:page", s.consolePage)

	json := s.bodyGuard(s.lim.MaxBody)
	upload := s.bodyGuard(s.lim.MaxUpload)
	none := s.bodyGuard(0)
	ask := s.authenticate(state.ScopeAsk)
	ingest := s.authenticate(state.ScopeIngest)
	admin := s.authenticate(state.ScopeAdmin)

	v1 := e.Group("/v1")
	v1.POST("/answer", s.cors, json, ask, s.postAnswer)
	v1.POST("/feedback", s.cors, json, ask, s.postFeedback)
	v1.OPTIONS("/answer", s.cors, s.preflight)
	v1.OPTIONS("/feedback", s.cors, s.preflight)

	v1.POST("/documents", upload, ingest, s.postDocuments)
	v1.GET("/documents", none, ingest, s.listDocuments)
	v1.DELETE("/documents/:id", none, ingest, s.deleteDocument)
	v1.GET("/ingest/jobs/:id", none, ingest, s.getJob)

	v1.GET("/tickets", none, admin, s.listTickets)
	v1.GET("/tickets/:id", none, admin, s.getTicket)
	v1.PATCH("/tickets/:id", json, admin, s.patchTicket)
	v1.GET("/tickets/:id/similar", none, admin, s.similarTickets)
	v1.POST("/tickets/:id/suggest", none, admin, s.suggestReply)
	v1.GET("/gaps", none, admin, s.getGaps)
	v1.GET("/analytics", none, admin, s.getAnalytics)
	v1.GET("/audit", none, admin, s.listAudit)
	v1.GET("/feedback", none, admin, s.listFeedback)
	v1.GET("/faq-candidates", none, admin, s.listCandidates)
	v1.POST("/faq-candidates/:id/approve", none, admin, s.approveCandidate)
	v1.POST("/faq-candidates/:id/reject", none, admin, s.rejectCandidate)

	v1.GET("/eval/report", none, admin, s.getEvalReport)

	v1.GET("/conversations", none, admin, s.listConversations)
	v1.GET("/conversations/:id", none, admin, s.getConversation)

	v1.GET("/keys", none, admin, s.listKeys)
	v1.POST("/keys", json, admin, s.createKey)
	v1.DELETE("/keys/:id", none, admin, s.revokeKey)
	v1.POST("/helpdesk/events", s.bodyGuard(maxEventBody), s.postHelpdeskEvent) // signed, no API key
	v1.GET("/customers/:id/export", none, admin, s.exportCustomer)
	v1.DELETE("/customers/:id", none, admin, s.eraseCustomer)
}
