package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/google/go-cmp/cmp"
)

type openapiDoc struct {
	Paths map[string]map[string]struct {
		RequestBody *struct {
			Content map[string]struct {
				Schema struct {
					Ref string `json:"$ref"`
				} `json:"schema"`
			} `json:"content"`
		} `json:"requestBody"`
	} `json:"paths"`
	Components struct {
		Schemas map[string]struct {
			Properties map[string]any `json:"properties"`
		} `json:"schemas"`
	} `json:"components"`
}

func loadOpenAPI(t *testing.T) openapiDoc {
	t.Helper()
	b, err := openapiFS.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc openapiDoc
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestOpenAPIRoutes: every route the server registers is documented, and
// every documented operation is a route.
func TestOpenAPIRoutes(t *testing.T) {
	doc := loadOpenAPI(t)
	h := newHarness(t, Limits{})
	param := regexp.MustCompile(`:([a-z]+)`)
	var routes []string
	for _, r := range h.srv.engine.Routes() {
		if consoleRoute(r.Path) {
			continue // HTML pages for people, not API operations
		}
		routes = append(routes, r.Method+" "+param.ReplaceAllString(r.Path, "{$1}"))
	}
	var documented []string
	for path, ops := range doc.Paths {
		for method := range ops {
			documented = append(documented, strings.ToUpper(method)+" "+path)
		}
	}
	sort.Strings(routes)
	sort.Strings(documented)
	if diff := cmp.Diff(documented, routes); diff != "" {
		t.Errorf("routes vs openapi.json (-documented +served):\n%s", diff)
	}
}

// wireTypes are the schemas whose properties must equal a Go wire struct's
// JSON fields.
var wireTypes = map[string]any{
	"AnswerRequest": AnswerRequest{}, "AnswerResponse": AnswerResponse{}, "Citation": Citation{}, "Article": Article{}, "Feature": Feature{},
	"Timings": Timings{}, "StreamStatus": StreamStatus{}, "StreamDelta": StreamDelta{},
	"FeedbackRequest": FeedbackRequest{}, "FeedbackResponse": FeedbackResponse{},
	"Job": Job{}, "JobFailure": JobFailure{}, "Document": Document{}, "DocumentList": DocumentList{},
	"Ticket": Ticket{}, "Message": Message{}, "Delivery": Delivery{}, "TicketList": TicketList{}, "TicketPatch": TicketPatch{},
	"ErrorResponse": ErrorResponse{}, "ErrorBody": ErrorBody{}, "Health": Health{},
	"GapReport": GapReport{}, "Gap": Gap{}, "GapDocument": GapDocument{}, "EvalReport": EvalReport{},
	"AuditEntry": AuditEntry{}, "AuditList": AuditList{},
	"FAQCandidate": FAQCandidate{}, "FAQCandidateList": FAQCandidateList{}, "FAQDecision": FAQDecision{},
	"FeedbackEntry": FeedbackEntry{}, "FeedbackList": FeedbackList{},
	"SimilarTicket": SimilarTicket{}, "SimilarTickets": SimilarTickets{}, "Suggestion": Suggestion{},
	"CustomerExport": CustomerExport{}, "ExportedAnswer": ExportedAnswer{}, "ExportedFeedback": ExportedFeedback{}, "Erasure": Erasure{},
	"AnalyticsReport": AnalyticsReport{}, "LatencyPercentile": LatencyPercentile{}, "CitedDocument": CitedDocument{}, "AnalyticsPoint": AnalyticsPoint{},
	"APIKey": APIKey{}, "APIKeyList": APIKeyList{}, "KeyRequest": KeyRequest{}, "CreatedKey": CreatedKey{},
	"LoggedAnswer": LoggedAnswer{}, "AnswerLogPage": AnswerLogPage{}, "Conversation": Conversation{},
	"HelpdeskEvent": HelpdeskEvent{}, "HelpdeskEventDetail": HelpdeskEventDetail{}, "HelpdeskStatusChange": HelpdeskStatusChange{},
	"HelpdeskEventResult": HelpdeskEventResult{},
}

func jsonFields(v any) []string {
	var out []string
	t := reflect.TypeOf(v)
	for i := 0; i < t.NumField(); i++ {
		tag := t.Field(i).Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if name != "" && name != "-" {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

func TestOpenAPISchemasMatchWireTypes(t *testing.T) {
	doc := loadOpenAPI(t)
	for name, v := range wireTypes {
		s, ok := doc.Components.Schemas[name]
		if !ok {
			t.Errorf("schema %s missing", name)
			continue
		}
		var props []string
		for p := range s.Properties {
			props = append(props, p)
		}
		sort.Strings(props)
		if diff := cmp.Diff(jsonFields(v), props); diff != "" {
			t.Errorf("schema %s vs Go fields (-go +documented):\n%s", name, diff)
		}
	}
	for name := range doc.Components.Schemas {
		if _, ok := wireTypes[name]; !ok {
			t.Errorf("schema %s has no Go wire type in the test's table", name)
		}
	}
	// Every JSON request body refers to a wire type.
	for path, ops := range doc.Paths {
		for method, op := range ops {
			if op.RequestBody == nil {
				continue
			}
			if c, ok := op.RequestBody.Content["application/json"]; ok {
				ref := strings.TrimPrefix(c.Schema.Ref, "#/components/schemas/")
				if _, ok := wireTypes[ref]; !ok {
					t.Errorf("%s %s: request body %q is not a wire type", method, path, c.Schema.Ref)
				}
			}
		}
	}
}

// questionMaxLength is AnswerRequest.question's maxLength in an OpenAPI
// document.
func questionMaxLength(t *testing.T, b []byte) float64 {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	q, ok := lookup(doc, "components", "schemas", "AnswerRequest", "properties", "question")
	if !ok {
		t.Fatal("no AnswerRequest.question in the document")
	}
	n, _ := q["maxLength"].(float64)
	return n
}

// TestOpenAPIQuestionLimit: the question bounds in openapi.json are the
// engine's default limits, and /openapi.json publishes the limits the
// engine was configured with (the message never below the question).
func TestOpenAPIQuestionLimit(t *testing.T) {
	b, err := openapiFS.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	def := answer.DefaultConfig()
	if got, want := questionMaxLength(t, b), float64(def.MaxMessage); got != want {
		t.Errorf("openapi.json maxLength = %v, answer.DefaultConfig().MaxMessage = %v", got, want)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if q, _ := lookup(doc, "components", "schemas", "AnswerRequest", "properties", "question"); q["description"] != questionDescription(def.MaxQuestion, def.MaxMessage) {
		t.Errorf("openapi.json question description %q, want %q", q["description"], questionDescription(def.MaxQuestion, def.MaxMessage))
	}
	for _, tc := range []struct{ question, message, want int }{
		{0, 0, def.MaxMessage},
		{1234, 5000, 5000},
		{30000, 0, 30000},
	} {
		d := Deps{Engine: &fakeEngine{}, MaxQuestion: tc.question, MaxMessage: tc.message}
		withState(t, &d).Close()
		srv := NewServer(d)
		w := httptest.NewRecorder()
		srv.Handler().ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/openapi.json", nil))
		if got := questionMaxLength(t, w.Body.Bytes()); w.Code != http.StatusOK || got != float64(tc.want) {
			t.Errorf("limits %d/%d: served maxLength = %v (status %d), want %v", tc.question, tc.message, got, w.Code, tc.want)
		}
	}
}

// consoleRoute reports whether path is a page of the admin console or the
// demo, not an API operation.
func consoleRoute(path string) bool {
	return path == "/" || path == "/demo.css" || path == "/admin" || strings.HasPrefix(path, "/admin/")
}
