// Package zendesktest is a local stand-in for a Zendesk Support account's
// Tickets API, for tests: the endpoints the delivery.Zendesk sink calls,
// with the documented request and response shapes, status codes and
// error bodies, kept in memory, and failures that a test scripts (429
// with Retry-After, 5xx, a response lost after the write).
//
// It implements what the Zendesk documentation says of these endpoints
// (https://developer.zendesk.com/api-reference/ticketing/tickets/tickets/,
// .../ticket_comments/, .../introduction/rate-limits/); it was never
// compared with a live account.
package zendesktest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Ticket is a ticket as the server keeps it.
type Ticket struct {
	ID          int64
	ExternalID  string
	Subject     string
	Priority    string
	Status      string
	Tags        []string
	RequesterID int64
	Comments    []Comment
}

// Comment is one ticket comment.
type Comment struct {
	ID       int64
	Body     string
	Public   bool
	AuthorID int64
	Created  time.Time
}

// User is an end user created from a ticket's requester.
type User struct {
	ID    int64
	Name  string
	Email string
}

// Failure scripts the response to a coming request.
type Failure struct {
	// Method and Path select the requests it applies to ("" matches any);
	// Path is matched without the query.
	Method, Path string
	Status       int
	RetryAfter   string // the Retry-After header, when not empty
	// AfterWrite performs the request first and then answers Status: the
	// response is lost, the write is not.
	AfterWrite bool
}

// Server is the fake account. Its zero value is not usable: call New.
type Server struct {
	*httptest.Server
	Email, Token string
	// PerPage is the page size of the comment list [100].
	PerPage int

	mu       sync.Mutex
	nextID   int64
	tickets  map[int64]*Ticket
	users    map[string]*User // by e-mail
	agentID  int64
	failures []Failure
	requests []string // "METHOD /path?query" of every request
}

// New starts a fake account that accepts email/token:token.
func New(email, token string) *Server {
	s := &Server{Email: email, Token: token, PerPage: 100, nextID: 1000, tickets: map[int64]*Ticket{}, users: map[string]*User{}}
	s.agentID = s.newID()
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// Fail queues failures, answered in order to the requests they match.
func (s *Server) Fail(fs ...Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, fs...)
}

// Tickets returns copies of every ticket, by id.
func (s *Server) Tickets() map[int64]Ticket {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[int64]Ticket{}
	for id, t := range s.tickets {
		c := *t
		c.Comments = append([]Comment(nil), t.Comments...)
		c.Tags = append([]string(nil), t.Tags...)
		out[id] = c
	}
	return out
}

// ByExternalID returns the tickets whose external_id is id.
func (s *Server) ByExternalID(id string) []Ticket {
	var out []Ticket
	for _, t := range s.Tickets() {
		if t.ExternalID == id {
			out = append(out, t)
		}
	}
	return out
}

// User returns the end user with e-mail email.
func (s *Server) User(email string) (User, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[strings.ToLower(email)]
	if !ok {
		return User{}, false
	}
	return *u, true
}

// SetStatus changes a ticket's status, as an agent would.
func (s *Server) SetStatus(id int64, status string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.tickets[id]; ok {
		t.Status = status
	}
}

// Requests returns "METHOD /path?query" of every request received.
func (s *Server) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.requests...)
}

func (s *Server) newID() int64 {
	s.nextID++
	return s.nextID
}

var (
	ticketPath   = regexp.MustCompile(`^/api/v2/tickets/(\d+)\.json$`)
	commentsPath = regexp.MustCompile(`^/api/v2/tickets/(\d+)/comments\.json$`)
)

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, r.Method+" "+r.URL.RequestURI())
	// "Couldn't authenticate you" is the documented 401 body.
	user, pass, ok := r.BasicAuth()
	if !ok || user != s.Email+"/token" || pass != s.Token {
		w.Header().Set("WWW-Authenticate", `Basic realm="Web Password"`)
		writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "Couldn't authenticate you"})
		return
	}
	var fail *Failure
	for i, f := range s.failures {
		if (f.Method == "" || f.Method == r.Method) && (f.Path == "" || f.Path == r.URL.Path) {
			fail = &f
			s.failures = append(s.failures[:i:i], s.failures[i+1:]...)
			break
		}
	}
	if fail != nil && !fail.AfterWrite {
		s.writeFailure(w, *fail)
		return
	}
	rec := httptest.NewRecorder()
	s.route(rec, r)
	if fail != nil {
		s.writeFailure(w, *fail)
		return
	}
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	w.Write(rec.Body.Bytes())
}

func (s *Server) writeFailure(w http.ResponseWriter, f Failure) {
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	if f.Status == http.StatusTooManyRequests {
		// Zendesk's 429 body is text, not JSON.
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(f.Status)
		fmt.Fprint(w, "Number of allowed API requests per minute exceeded")
		return
	}
	writeJSON(w, f.Status, map[string]any{"error": http.StatusText(f.Status)})
}

func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/api/v2/tickets.json" && r.Method == http.MethodPost:
		s.create(w, r)
	case r.URL.Path == "/api/v2/tickets.json" && r.Method == http.MethodGet:
		s.list(w, r)
	case ticketPath.MatchString(r.URL.Path) && r.Method == http.MethodPut:
		id, _ := strconv.ParseInt(ticketPath.FindStringSubmatch(r.URL.Path)[1], 10, 64)
		s.update(w, r, id)
	case commentsPath.MatchString(r.URL.Path) && r.Method == http.MethodGet:
		id, _ := strconv.ParseInt(commentsPath.FindStringSubmatch(r.URL.Path)[1], 10, 64)
		s.comments(w, r, id)
	default:
		writeJSON(w, http.StatusNotFound, map[string]any{"error": "InvalidEndpoint", "description": "Not found"})
	}
}

// ticketIn is the request body's ticket object.
type ticketIn struct {
	ExternalID *string  `json:"external_id"`
	Subject    *string  `json:"subject"`
	Priority   *string  `json:"priority"`
	Status     *string  `json:"status"`
	Tags       []string `json:"tags"`
	Requester  *struct {
		Name  string `json:"name"`
		Email string `json:"email"`
	} `json:"requester"`
	Comment *struct {
		Body   string `json:"body"`
		Public *bool  `json:"public"`
	} `json:"comment"`
}

func decodeTicket(w http.ResponseWriter, r *http.Request) (ticketIn, bool) {
	var in struct {
		Ticket *ticketIn `json:"ticket"`
	}
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		writeJSON(w, http.StatusUnsupportedMediaType, map[string]any{"error": "Unsupported Media Type"})
		return ticketIn{}, false
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.Ticket == nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "Unprocessable JSON", "description": "expected {\"ticket\": {…}}"})
		return ticketIn{}, false
	}
	return *in.Ticket, true
}

// recordInvalid writes the documented 422 validation error.
func recordInvalid(w http.ResponseWriter, field, desc string) {
	writeJSON(w, http.StatusUnprocessableEntity, map[string]any{
		"error": "RecordInvalid", "description": "Record validation errors",
		"details": map[string]any{field: []map[string]string{{"description": desc, "error": "InvalidValue"}}},
	})
}

var priorities = map[string]bool{"": true, "urgent": true, "high": true, "normal": true, "low": true}

func (s *Server) create(w http.ResponseWriter, r *http.Request) {
	in, ok := decodeTicket(w, r)
	if !ok {
		return
	}
	if in.Comment == nil || strings.TrimSpace(in.Comment.Body) == "" {
		recordInvalid(w, "description", "Description: cannot be blank")
		return
	}
	t := &Ticket{ID: s.newID(), Status: "new", RequesterID: s.agentID}
	if in.Priority != nil {
		if !priorities[*in.Priority] {
			recordInvalid(w, "priority", "Priority: is not included in the list")
			return
		}
		t.Priority = *in.Priority
	}
	if in.Subject != nil {
		if len([]rune(*in.Subject)) > 150 {
			recordInvalid(w, "subject", "Subject: is too long (maximum is 150 characters)")
			return
		}
		t.Subject = *in.Subject
	}
	if in.ExternalID != nil {
		t.ExternalID = *in.ExternalID
	}
	if in.Requester != nil {
		if !strings.Contains(in.Requester.Email, "@") {
			recordInvalid(w, "requester", "Requester: Email is invalid")
			return
		}
		u, ok := s.users[strings.ToLower(in.Requester.Email)]
		if !ok {
			u = &User{ID: s.newID(), Name: in.Requester.Name, Email: in.Requester.Email}
			s.users[strings.ToLower(u.Email)] = u
		}
		t.RequesterID = u.ID
	}
	t.Tags = in.Tags
	s.addComment(t, in.Comment.Body, in.Comment.Public, t.RequesterID)
	s.tickets[t.ID] = t
	w.Header().Set("Location", s.URL+"/api/v2/tickets/"+strconv.FormatInt(t.ID, 10)+".json")
	writeJSON(w, http.StatusCreated, map[string]any{"ticket": s.ticketOut(t)})
}

func (s *Server) addComment(t *Ticket, body string, public *bool, author int64) {
	pub := true // "public: true if a public comment; false if an internal note. The initial value set on ticket creation persists"
	if public != nil {
		pub = *public
	}
	t.Comments = append(t.Comments, Comment{ID: s.newID(), Body: body, Public: pub, AuthorID: author, Created: time.Now().UTC()})
}

func (s *Server) update(w http.ResponseWriter, r *http.Request, id int64) {
	t, ok := s.tickets[id]
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]any{"error": "RecordNotFound", "description": "Not found"})
		return
	}
	in, ok := decodeTicket(w, r)
	if !ok {
		return
	}
	if t.Status == "closed" {
		recordInvalid(w, "status", "Status: closed prevents ticket update")
		return
	}
	if in.Comment != nil {
		if strings.TrimSpace(in.Comment.Body) == "" {
			recordInvalid(w, "comment", "Comment: cannot be blank")
			return
		}
		s.addComment(t, in.Comment.Body, in.Comment.Public, s.agentID)
	}
	if in.Status != nil {
		t.Status = *in.Status
	}
	writeJSON(w, http.StatusOK, map[string]any{"ticket": s.ticketOut(t), "audit": map[string]any{"ticket_id": t.ID}})
}

// list is List Tickets filtered by external_id ("Lists tickets by external
// id. External ids don't have to be unique for each ticket").
func (s *Server) list(w http.ResponseWriter, r *http.Request) {
	ext := r.URL.Query().Get("external_id")
	out := []map[string]any{}
	for _, t := range s.tickets {
		if ext == "" || t.ExternalID == ext {
			out = append(out, s.ticketOut(t))
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"tickets": out, "next_page": nil, "previous_page": nil, "count": len(out)})
}

// comments is List Comments with offset pagination (page, per_page) and
// sort_order asc (the default) or desc.
func (s *Server) comments(w http.ResponseWriter, r *http.Request, id int64) {
	t, ok := s.tickets[id]
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]any{"error": "RecordNotFound", "description": "Not found"})
		return
	}
	q := r.URL.Query()
	cs := append([]Comment(nil), t.Comments...)
	if q.Get("sort_order") == "desc" {
		for i, j := 0, len(cs)-1; i < j; i, j = i+1, j-1 {
			cs[i], cs[j] = cs[j], cs[i]
		}
	}
	per := s.PerPage
	if n, err := strconv.Atoi(q.Get("per_page")); err == nil && n > 0 && n <= 100 {
		per = n
	}
	page := 1
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 0 {
		page = n
	}
	from := min((page-1)*per, len(cs))
	to := min(from+per, len(cs))
	out := []map[string]any{}
	for _, c := range cs[from:to] {
		out = append(out, map[string]any{"id": c.ID, "type": "Comment", "body": c.Body, "plain_body": c.Body,
			"public": c.Public, "author_id": c.AuthorID, "created_at": c.Created.Format(time.RFC3339)})
	}
	var next any
	if to < len(cs) {
		nq := url.Values{}
		for k, v := range q {
			nq[k] = v
		}
		nq.Set("page", strconv.Itoa(page+1))
		next = s.URL + r.URL.Path + "?" + nq.Encode()
	}
	writeJSON(w, http.StatusOK, map[string]any{"comments": out, "next_page": next, "previous_page": nil, "count": len(cs)})
}

func (s *Server) ticketOut(t *Ticket) map[string]any {
	var ext, prio any
	if t.ExternalID != "" {
		ext = t.ExternalID
	}
	if t.Priority != "" {
		prio = t.Priority
	}
	desc := ""
	if len(t.Comments) > 0 {
		desc = t.Comments[0].Body
	}
	return map[string]any{"id": t.ID, "url": s.URL + "/api/v2/tickets/" + strconv.FormatInt(t.ID, 10) + ".json",
		"external_id": ext, "subject": t.Subject, "raw_subject": t.Subject, "description": desc, "priority": prio,
		"status": t.Status, "requester_id": t.RequesterID, "submitter_id": s.agentID, "tags": t.Tags}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
