package api

import (
	"bytes"
	"crypto/subtle"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/answerdesk/answerdesk/answer/state"
	"github.com/answerdesk/answerdesk/api/web"
	"github.com/gin-gonic/gin"
)

// The admin console at /admin/: server-rendered pages whose script
// (console.js) calls the same /v1 API a program would, with the session
// cookie instead of a bearer key. Pages of endpoints this server does not
// serve (analytics, gaps, FAQ candidates before they exist) say so.

var consoleTmpl = template.Must(template.ParseFS(web.FS, "console.html", "login.html"))

// consolePages are the console's pages: path segment → title.
var consolePages = []struct{ Path, Title string }{
	{"", "Overview"}, {"tickets", "Tickets"}, {"conversations", "Conversations"}, {"documents", "Documents"},
	{"gaps", "Knowledge gaps"}, {"faq", "FAQ candidates"}, {"keys", "Keys"}, {"eval", "Eval report"},
}

const consoleCSP = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

func consoleHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", consoleCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	// same-origin, not no-referrer: with no-referrer the browser sends
	// "Origin: null" on the sign-in form's post, which sameOrigin refuses.
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
}

func (s *Server) render(c *gin.Context, status int, name string, data any) {
	var b bytes.Buffer
	if err := consoleTmpl.ExecuteTemplate(&b, name, data); err != nil {
		s.fail(c, err)
		return
	}
	consoleHeaders(c)
	c.Data(status, "text/html; charset=utf-8", b.Bytes())
}

type consoleView struct {
	Page, Title string
	Pages       []struct{ Path, Title string }
	CSRF        string
	Tenant      string
	KeyName     string
	Error       string
}

// consolePage renders one page of the console, or sends the browser to
// the sign-in page.
func (s *Server) consolePage(c *gin.Context) {
	page := strings.Trim(c.Param("page"), "/")
	title := ""
	for _, p := range consolePages {
		if p.Path == page {
			title = p.Title
		}
	}
	if title == "" {
		s.fail(c, errf(http.StatusNotFound, CodeNotFound, "no such console page"))
		return
	}
	token, k, err := s.sessionOf(c.Request)
	switch {
	case errors.Is(err, state.ErrNotFound), errors.Is(err, state.ErrRevoked), err == nil && !k.Has(state.ScopeAdmin):
		c.Redirect(http.StatusSeeOther, "/admin/login")
		return
	case err != nil:
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "console.html", consoleView{Page: page, Title: title, Pages: consolePages, CSRF: csrfToken(token), Tenant: k.Tenant, KeyName: k.Name})
}

func (s *Server) loginPage(c *gin.Context) {
	s.render(c, http.StatusOK, "login.html", consoleView{Title: "Sign in"})
}

// sameOrigin reports whether a browser form post comes from this server's
// own pages (a missing Origin is a non-browser client).
func sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	return err == nil && u.Host == r.Host
}

// login exchanges an admin key (form field "key") for a session.
func (s *Server) login(c *gin.Context) {
	ip := peerIP(c.Request)
	if wait, ok := s.authFails.peek(ip, time.Now()); !ok {
		consoleHeaders(c)
		s.tooMany(c, wait, "too many failed sign-ins from your address")
		return
	}
	if !sameOrigin(c.Request) {
		s.fail(c, errf(http.StatusForbidden, CodeForbidden, "sign in from the console's own page"))
		return
	}
	raw := strings.TrimSpace(c.PostForm("key"))
	k, err := s.lookupKey(c.Request.Context(), raw)
	msg := ""
	switch {
	case errors.Is(err, state.ErrNotFound), errors.Is(err, state.ErrRevoked), raw == "":
		msg = "That key is not valid."
	case err != nil:
		s.fail(c, err)
		return
	case !k.Has(state.ScopeAdmin) || k.Publishable():
		msg = "That key has no admin scope."
	}
	if msg != "" {
		s.authFails.allow(ip, time.Now())
		s.render(c, http.StatusUnauthorized, "login.html", consoleView{Title: "Sign in", Error: msg})
		return
	}
	if s.d.Sessions == nil {
		s.fail(c, errf(http.StatusServiceUnavailable, CodeUnavailable, "console sessions are not configured"))
		return
	}
	id, err := s.d.Sessions.CreateSession(c.Request.Context(), k.ID, time.Now().Add(sessionTTL))
	if err != nil {
		s.fail(c, err)
		return
	}
	setSessionCookie(c.Writer, c.Request, id, int(sessionTTL.Seconds()))
	c.Redirect(http.StatusSeeOther, "/admin/")
}

// logout ends the session (form post with the session's CSRF token).
func (s *Server) logout(c *gin.Context) {
	token, _, err := s.sessionOf(c.Request)
	live := err == nil || errors.Is(err, state.ErrRevoked)
	if live && (subtle.ConstantTimeCompare([]byte(c.PostForm("csrf")), []byte(csrfToken(token))) != 1 || !sameOrigin(c.Request)) {
		s.fail(c, errf(http.StatusForbidden, CodeForbidden, "missing or wrong CSRF token"))
		return
	}
	if live {
		if err := s.d.Sessions.EndSession(c.Request.Context(), token); err != nil {
			s.fail(c, err)
			return
		}
	}
	setSessionCookie(c.Writer, c.Request, "", -1)
	c.Redirect(http.StatusSeeOther, "/admin/login")
}
