package api

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/answer/state"
	"github.com/answerdesk/answerdesk/ingest"
	"github.com/answerdesk/answerdesk/retrieval"
	"github.com/gin-gonic/gin"
	"github.com/google/go-cmp/cmp"
)

// fakeEngine checks the question with the engine's own rule, answers
// questions about passwords, escalates the rest (with a ticket written
// through the real state store), and panics on "panic!".
type fakeEngine struct {
	tickets answer.TicketWriter
	mu      sync.Mutex
	reqs    []answer.Request
	n       int
}

func (f *fakeEngine) Answer(ctx context.Context, req answer.Request) (answer.Answer, error) {
	return f.Stream(ctx, req, nil)
}

func (f *fakeEngine) Stream(ctx context.Context, req answer.Request, emit func(answer.Event)) (answer.Answer, error) {
	if emit == nil {
		emit = func(answer.Event) {}
	}
	if _, err := answer.DefaultConfig().CheckQuestion(req.Question); err != nil {
		return answer.Answer{}, err
	}
	f.mu.Lock()
	f.reqs = append(f.reqs, req)
	f.n++
	id := fmt.Sprintf("ans_%d", f.n)
	f.mu.Unlock()
	if req.Question == "panic!" {
		panic("engine exploded: secret internals")
	}
	if req.Question == "fail!" {
		return answer.Answer{}, fmt.Errorf("database is on fire at /var/lib/secret")
	}
	emit(answer.Event{Type: answer.EventStatus, Stage: answer.StageTriage})
	emit(answer.Event{Type: answer.EventStatus, Stage: answer.StageRetrieve})
	a := answer.Answer{ID: id, ConversationID: "conv_1", Question: req.Question, Lang: "en", Created: time.Now(), Threshold: 0.5}
	if strings.Contains(strings.ToLower(req.Question), "password") {
		a.Decision, a.Confidence = answer.Answered, 0.9
		a.Text = "Open Settings and choose Reset password [1]. A link arrives by e-mail [1]."
		a.Citations = []answer.Citation{{N: 1, DocumentID: "guides/account", ChunkID: "c1", Title: "Account", Quote: "Reset password"}}
		for _, part := range []string{"Open Settings and choose Reset password [1].", " A link arrives by e-mail [1]."} {
			emit(answer.Event{Type: answer.EventDelta, Delta: part})
		}
	} else {
		a.Decision, a.Reason = answer.Escalated, answer.ReasonNoEvidence
		t, err := f.tickets.CreateTicket(ctx, answer.Ticket{Tenant: req.Tenant, Subject: req.Question, Reason: a.Reason,
			Transcript: []answer.Message{{Role: "customer", Text: req.Question}}})
		if err != nil {
			return answer.Answer{}, err
		}
		a.TicketID = t.ID
		emit(answer.Event{Type: answer.EventStatus, Stage: answer.StageEscalate})
	}
	emit(answer.Event{Type: answer.EventFinal, Answer: &a})
	return a, nil
}

func (f *fakeEngine) last() answer.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.reqs[len(f.reqs)-1]
}

// fakeDocs is an in-memory document list.
type fakeDocs struct {
	mu   sync.Mutex
	docs map[string]retrieval.Document // tenant/id
}

func (d *fakeDocs) Documents(_ context.Context, f retrieval.DocFilter) ([]retrieval.Document, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []retrieval.Document
	for _, doc := range d.docs {
		if doc.Tenant == f.Tenant && doc.ID > f.After && (f.Kind == "" || f.Kind == doc.Kind) {
			out = append(out, doc)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out, nil
}

func (d *fakeDocs) DeleteDocument(_ context.Context, tenant, id string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.docs[tenant+"/"+id]; !ok {
		return fmt.Errorf("document %q: %w", id, retrieval.ErrNotFound)
	}
	delete(d.docs, tenant+"/"+id)
	return nil
}

func (d *fakeDocs) Stats(context.Context) (retrieval.Stats, error) { return retrieval.Stats{}, nil }

// IngestSource parses nothing: every non-empty file becomes one document.
func (d *fakeDocs) IngestSource(_ context.Context, src ingest.Source, o ingest.Options) (ingest.Summary, error) {
	rc, _ := src.Open()
	b, _ := io.ReadAll(rc)
	if len(bytes.TrimSpace(b)) == 0 {
		return ingest.Summary{Files: 1, Failed: []ingest.Failure{{Path: src.Path, Err: fmt.Errorf("%s: %w", src.Path, ingest.ErrEmpty)}}}, nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.docs[o.Tenant+"/"+src.ID] = retrieval.Document{ID: src.ID, Tenant: o.Tenant, Kind: retrieval.KindDoc, Title: src.ID, Chunks: 1}
	return ingest.Summary{Files: 1, Added: 1, Chunks: 1}, nil
}

type harness struct {
	srv    *Server
	ts     *httptest.Server
	db     *state.DB
	eng    *fakeEngine
	docs   *fakeDocs
	logs   *syncBuffer
	jobs   *ingest.JobRunner
	keys   map[string]string // name → key
	keyIDs map[string]string
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// withState opens a state database for the test and fills d's state
// collaborators from it; the caller closes it.
func withState(tb testing.TB, d *Deps) *state.DB {
	tb.Helper()
	db, err := state.Open(context.Background(), filepath.Join(tb.TempDir(), "state.db"), state.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	convs := state.NewConversationStore(db)
	d.Keys, d.Answers, d.Feedback, d.Health = state.NewKeyStore(db), convs, state.NewFeedbackStore(db, convs), db
	d.Tickets, d.Jobs = state.NewTicketStore(db, nil, nil), state.NewJobStore(db)
	d.KeyAdmin, d.Conversations, d.Audit = state.NewKeyStore(db), convs, state.NewAuditStore(db)
	d.Sessions = state.NewSessionStore(db)
	return db
}

func newHarness(t testing.TB, lim Limits) *harness {
	t.Helper()
	d := Deps{}
	db := withState(t, &d)
	keys := state.NewKeyStore(db)
	h := &harness{db: db, eng: &fakeEngine{tickets: state.NewTicketStore(db, nil, nil)}, docs: &fakeDocs{docs: map[string]retrieval.Document{}}, logs: &syncBuffer{},
		keys: map[string]string{}, keyIDs: map[string]string{}}
	if lim.RatePerSecond == 0 {
		lim.RatePerSecond = -1
	}
	if lim.AuthFailuresPerSecond == 0 {
		lim.AuthFailuresPerSecond = -1
	}
	jobs, err := ingest.NewJobRunner(state.NewJobStore(db), h.docs, ingest.RunnerOptions{SpoolDir: filepath.Join(t.TempDir(), "spool")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	h.jobs = jobs
	d.Engine, d.Docs, d.Ingest, d.Limits = h.eng, h.docs, jobs, lim
	d.Accepts = func(ext string) bool { return ext == ".md" || ext == ".txt" || ext == ".csv" }
	d.Logger = slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h.srv = NewServer(d)
	h.ts = httptest.NewServer(h.srv.Handler())
	t.Cleanup(func() {
		h.ts.Close()
		jobs.Shutdown(context.Background())
		db.Close()
	})
	for name, spec := range map[string]struct {
		tenant string
		scopes []string
	}{
		"ask": {"acme", []string{"ask"}}, "ingest": {"acme", []string{"ingest"}}, "admin": {"acme", []string{"admin"}},
		"other": {"globex", []string{"admin"}}, "revoked": {"acme", []string{"admin"}},
	} {
		key, k, err := keys.CreateKey(context.Background(), spec.tenant, name, spec.scopes)
		if err != nil {
			t.Fatal(err)
		}
		h.keys[name], h.keyIDs[name] = key, k.ID
	}
	if err := keys.RevokeKey(context.Background(), h.keyIDs["revoked"]); err != nil {
		t.Fatal(err)
	}
	return h
}

type reply struct {
	status int
	header http.Header
	body   []byte
}

func (r reply) code() string {
	var e ErrorResponse
	json.Unmarshal(r.body, &e)
	return e.Error.Code
}

func (h *harness) do(t testing.TB, method, path, key string, body io.Reader, header ...string) reply {
	t.Helper()
	req, err := http.NewRequest(method, h.ts.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := h.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return reply{status: resp.StatusCode, header: resp.Header, body: b}
}

func (h *harness) post(t testing.TB, path, key, body string, header ...string) reply {
	t.Helper()
	return h.do(t, http.MethodPost, path, key, strings.NewReader(body), header...)
}

func TestAnswerTenantFromKey(t *testing.T) {
	h := newHarness(t, Limits{})
	r := h.post(t, "/v1/answer", h.keys["ask"], `{"question":"How do I reset my password?","customer":{"plan":"pro"}}`)
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	var a AnswerResponse
	if err := json.Unmarshal(r.body, &a); err != nil {
		t.Fatal(err)
	}
	if a.Decision != string(answer.Answered) || len(a.Citations) != 1 || a.Citations[0].DocumentID != "guides/account" {
		t.Errorf("answer = %+v", a)
	}
	if got := h.eng.last(); got.Tenant != "acme" || got.Channel != "api" || got.Customer["plan"] != "pro" {
		t.Errorf("engine request = %+v", got)
	}
	if r.header.Get(HeaderRequestID) == "" {
		t.Errorf("no request id")
	}
	// A tenant in the body is an unknown field, never obeyed.
	r = h.post(t, "/v1/answer", h.keys["ask"], `{"question":"hi","tenant_id":"globex"}`)
	if r.status != http.StatusBadRequest || r.code() != CodeUnknownField {
		t.Errorf("tenant_id in body: %d %s", r.status, r.body)
	}
}

func TestAuthAndScopes(t *testing.T) {
	h := newHarness(t, Limits{})
	q := `{"question":"password?"}`
	tests := []struct {
		name, method, path, key, body string
		want                          int
	}{
		{"no key", "POST", "/v1/answer", "", q, 401},
		{"unknown key", "POST", "/v1/answer", "adk_nope", q, 401},
		{"revoked key", "POST", "/v1/answer", h.keys["revoked"], q, 401},
		{"ask answers", "POST", "/v1/answer", h.keys["ask"], q, 200},
		{"ingest cannot ask", "POST", "/v1/answer", h.keys["ingest"], q, 403},
		{"admin can ask", "POST", "/v1/answer", h.keys["admin"], q, 200},
		{"ask cannot list tickets", "GET", "/v1/tickets", h.keys["ask"], "", 403},
		{"ask cannot list documents", "GET", "/v1/documents", h.keys["ask"], "", 403},
		{"ingest lists documents", "GET", "/v1/documents", h.keys["ingest"], "", 200},
		{"ingest cannot list tickets", "GET", "/v1/tickets", h.keys["ingest"], "", 403},
		{"admin lists tickets", "GET", "/v1/tickets", h.keys["admin"], "", 200},
		{"health needs no key", "GET", "/healthz", "", "", 200},
		{"ready needs no key", "GET", "/readyz", "", "", 200},
		{"openapi needs no key", "GET", "/openapi.json", "", "", 200},
		{"unknown route", "GET", "/v1/nope", h.keys["admin"], "", 404},
		{"wrong method", "PUT", "/v1/answer", h.keys["admin"], "", 405},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var body io.Reader
			if tc.body != "" {
				body = strings.NewReader(tc.body)
			}
			r := h.do(t, tc.method, tc.path, tc.key, body)
			if r.status != tc.want {
				t.Errorf("status %d, want %d: %s", r.status, tc.want, r.body)
			}
			if r.status >= 400 && r.code() == "" {
				t.Errorf("error without code: %s", r.body)
			}
		})
	}
}

// sharedDir finds ../shared relative to the module root.
func sharedDir(t testing.TB) string {
	t.Helper()
	dir, _ := os.Getwd()
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found")
		}
		dir = parent
	}
	shared := filepath.Join(dir, "..", "shared")
	if _, err := os.Stat(shared); err != nil {
		if os.Getenv("ANSWERDESK_REQUIRE_SHARED") == "1" {
			t.Fatalf("../shared not found: %v", err)
		}
		t.Skip("adversarial inputs: ../shared not found")
	}
	return shared
}

func TestBadInput(t *testing.T) {
	h := newHarness(t, Limits{MaxBody: 64 << 10})
	key := h.keys["admin"]
	deep := strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
	tests := []struct {
		name   string
		body   string
		header []string
		status int
		code   string
	}{
		{"invalid UTF-8", "{\"question\":\"How do I reset my password\xc3\x28?\"}", nil, 400, CodeInvalidUTF8},
		{"deep JSON", `{"question":` + deep + `}`, nil, 413, CodeBodyTooLarge},
		{"deep JSON under the size limit", `{"question":"x","customer":` + strings.Repeat(`{"a":`, 100) + `"b"` + strings.Repeat("}", 100) + `}`, nil, 400, CodeTooDeep},
		{"unknown field", `{"question":"hi","filter":{"must":[]}}`, nil, 400, CodeUnknownField},
		{"proto pollution", `{"question":"hi","__proto__":{"admin":true}}`, nil, 400, CodeUnknownField},
		{"duplicate tenant_id", `{"tenant_id":"t_victim","question":"hi","tenant_id":"t_attacker"}`, nil, 400, CodeUnknownField},
		{"wrong type", `{"question":42}`, nil, 400, CodeInvalidField},
		{"huge number", `{"question":"x","stream":1` + strings.Repeat("0", 5000) + `}`, nil, 400, CodeInvalidField},
		{"malformed", `{"question":`, nil, 400, CodeBadJSON},
		{"empty body", ``, nil, 400, CodeBadJSON},
		{"trailing data", `{"question":"hi"} {"question":"again"}`, nil, 400, CodeBadJSON},
		{"array body", `["question"]`, nil, 400, CodeInvalidField},
		{"empty question", `{"question":"   "}`, nil, 400, CodeInvalidField},
		{"question too long", `{"question":"` + strings.Repeat("я", 2001) + `"}`, nil, 400, CodeInvalidField},
		{"question too long, streamed", `{"stream":true,"question":"` + strings.Repeat("я", 2001) + `"}`, nil, 400, CodeInvalidField},
		{"zero-width spaces only", `{"question":"\u200b\u200b\u2060\ufeff"}`, nil, 400, CodeInvalidField},
		{"zero-width spaces only, streamed", `{"question":"\u200b\u200b"}`, []string{"Accept", "text/event-stream"}, 400, CodeInvalidField},
		{"1334 Chinese characters", `{"question":"` + strings.Repeat("问", 1334) + `"}`, nil, 200, ""},
		{"an email reply over a long quoted thread", `{"question":"How do I reset my hub?\n\nOn Tue, 3 Nov 2026 at 09:41, Lumen <help@lumen.example> wrote:\n` +
			strings.Repeat(`> You can reset the hub from the app.\n`, 150) + `"}`, nil, 200, ""},
		{"an email whose own text is too long", `{"question":"` + strings.Repeat("я", 2001) + `\n\nOn Tue, 3 Nov 2026 at 09:41, Lumen <help@lumen.example> wrote:\n> Reset it.\n"}`, nil, 400, CodeInvalidField},
		{"a message over max_message", `{"question":"How?\n\nOn Tue, 3 Nov 2026 at 09:41, Lumen <help@lumen.example> wrote:\n` +
			strings.Repeat(`> You can reset the hub from the app.\n`, 300) + `"}`, nil, 400, CodeInvalidField},
		{"bad conversation id", `{"question":"hi","conversation_id":"../../etc"}`, nil, 400, CodeInvalidField},
		{"bad lang", `{"question":"hi","lang":"<script>"}`, nil, 400, CodeInvalidField},
		{"too many customer fields", `{"question":"hi","customer":{` + customerFields(21) + `}}`, nil, 400, CodeInvalidField},
		{"body too large", `{"question":"` + strings.Repeat("a", 70<<10) + `"}`, nil, 413, CodeBodyTooLarge},
		{"gzip encoded", `{"question":"hi"}`, []string{"Content-Encoding", "gzip"}, 415, CodeUnsupportedEncode},
		{"wrong content type", `{"question":"hi"}`, []string{"Content-Type", "text/plain"}, 415, CodeUnsupportedMedia},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := h.post(t, "/v1/answer", key, tc.body, tc.header...)
			if r.status != tc.status || r.code() != tc.code {
				t.Errorf("got %d %q, want %d %q: %.200s", r.status, r.code(), tc.status, tc.code, r.body)
			}
		})
	}
}

func customerFields(n int) string {
	var parts []string
	for i := 0; i < n; i++ {
		parts = append(parts, fmt.Sprintf(`"k%d":"v"`, i))
	}
	return strings.Join(parts, ",")
}

// TestSharedNasties sends the project's generated adversarial bodies.
func TestSharedNasties(t *testing.T) {
	shared := sharedDir(t)
	h := newHarness(t, Limits{})
	nasty := filepath.Join(shared, "security", "generated-nasties")
	tests := []struct {
		file   string
		header []string
		status int
		code   string
	}{
		{"bombs/body_1GiB_spaces.json.gz", []string{"Content-Encoding", "gzip"}, 415, CodeUnsupportedEncode},
		{"json/long_string_64MiB.json.gz", []string{"Content-Encoding", "gzip"}, 415, CodeUnsupportedEncode},
		{"json/deep_nesting_100k.json", nil, 413, CodeBodyTooLarge},
		{"json/deep_object_nesting_20k.json", nil, 413, CodeBodyTooLarge},
		{"json/duplicate_keys.json", nil, 400, CodeUnknownField},
		{"json/unknown_fields.json", nil, 400, CodeUnknownField},
		{"json/huge_number.json", nil, 400, CodeUnknownField},
		{"utf8/question_invalid_utf8.json", nil, 400, CodeInvalidUTF8},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(nasty, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			for _, path := range []string{"/v1/answer", "/v1/feedback", "/v1/tickets/tkt_x"} {
				method := http.MethodPost
				if strings.HasPrefix(path, "/v1/tickets") {
					method = http.MethodPatch
				}
				r := h.do(t, method, path, h.keys["admin"], bytes.NewReader(b), tc.header...)
				if r.status != tc.status || r.code() != tc.code {
					t.Errorf("%s: got %d %q, want %d %q: %.200s", path, r.status, r.code(), tc.status, tc.code, r.body)
				}
			}
		})
	}
	// Raw invalid byte sequences as the question.
	raws, _ := filepath.Glob(filepath.Join(nasty, "utf8", "raw", "*"))
	for _, f := range raws {
		b, _ := os.ReadFile(f)
		body := append(append([]byte(`{"question":"`), b...), '"', '}')
		r := h.do(t, http.MethodPost, "/v1/answer", h.keys["ask"], bytes.NewReader(body))
		if r.status >= 500 || (r.status != 200 && r.code() == "") {
			t.Errorf("%s: status %d %s", filepath.Base(f), r.status, r.body)
		}
	}
}

// TestNaughtyStrings puts every naughty string in every field: never a 5xx,
// never an error without a code.
func TestNaughtyStrings(t *testing.T) {
	shared := sharedDir(t)
	b, err := os.ReadFile(filepath.Join(shared, "security", "naughty-strings", "blns.json"))
	if err != nil {
		t.Fatal(err)
	}
	var naughty []string
	if err := json.Unmarshal(b, &naughty); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, Limits{})
	key := h.keys["admin"]
	check := func(what string, r reply) {
		t.Helper()
		if r.status >= 500 || (r.status >= 400 && r.code() == "") {
			t.Errorf("%s: status %d: %.200s", what, r.status, r.body)
		}
	}
	enc := func(v any) string { b, _ := json.Marshal(v); return string(b) }
	for i, s := range naughty {
		for field, body := range map[string]string{
			"question":        enc(map[string]any{"question": s}),
			"conversation_id": enc(map[string]any{"question": "password?", "conversation_id": s}),
			"lang":            enc(map[string]any{"question": "password?", "lang": s}),
			"customer key":    enc(map[string]any{"question": "password?", "customer": map[string]string{s: "v"}}),
			"customer value":  enc(map[string]any{"question": "password?", "customer": map[string]string{"k": s}}),
		} {
			check(fmt.Sprintf("answer %s #%d", field, i), h.post(t, "/v1/answer", key, body))
		}
		check(fmt.Sprintf("feedback answer_id #%d", i), h.post(t, "/v1/feedback", key, enc(map[string]any{"answer_id": s, "thumbs": "up"})))
		check(fmt.Sprintf("feedback thumbs #%d", i), h.post(t, "/v1/feedback", key, enc(map[string]any{"answer_id": "ans_1", "thumbs": s})))
		check(fmt.Sprintf("feedback comment #%d", i), h.post(t, "/v1/feedback", key, enc(map[string]any{"answer_id": "ans_1", "comment": s})))
		check(fmt.Sprintf("ticket status #%d", i), h.do(t, http.MethodPatch, "/v1/tickets/tkt_1", key, strings.NewReader(enc(map[string]any{"status": s}))))
		esc := urlEscape(s)
		check(fmt.Sprintf("ticket id #%d", i), h.do(t, http.MethodGet, "/v1/tickets/"+esc, key, nil))
		check(fmt.Sprintf("job id #%d", i), h.do(t, http.MethodGet, "/v1/ingest/jobs/"+esc, key, nil))
		check(fmt.Sprintf("document id #%d", i), h.do(t, http.MethodDelete, "/v1/documents/"+esc, key, nil))
		check(fmt.Sprintf("query #%d", i), h.do(t, http.MethodGet, "/v1/tickets?status="+esc+"&before="+esc+"&limit="+esc, key, nil))
		check(fmt.Sprintf("documents query #%d", i), h.do(t, http.MethodGet, "/v1/documents?kind="+esc+"&after="+esc+"&limit="+esc, key, nil))
		check(fmt.Sprintf("upload filename #%d", i), h.upload(t, key, []string{s}, nil))
		check(fmt.Sprintf("request id #%d", i), h.do(t, http.MethodGet, "/healthz", "", nil, "X-Request-Id", strings.Map(func(r rune) rune {
			if r < ' ' || r == 0x7f {
				return -1
			}
			return r
		}, s)))
	}
}

func urlEscape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	if b.Len() == 0 {
		return "%20"
	}
	return b.String()
}

func (h *harness) upload(t testing.TB, key string, names []string, fields map[string]string) reply {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	for _, n := range names {
		// CreateFormFile escapes quotes; write the header ourselves to keep hostile names intact.
		hdr := make(map[string][]string)
		hdr["Content-Disposition"] = []string{fmt.Sprintf(`form-data; name="file"; filename="%s"`, strings.ReplaceAll(n, `"`, `\"`))}
		w, err := mw.CreatePart(hdr)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(w, "# Title\n\nSome text about %s.\n", "uploads")
	}
	mw.Close()
	return h.do(t, http.MethodPost, "/v1/documents", key, &buf, "Content-Type", mw.FormDataContentType())
}

// TestUploadOverQuota: an upload over the quota is refused with 413
// quota_exceeded before a job starts.
func TestUploadOverQuota(t *testing.T) {
	h := newHarness(t, Limits{})
	h.jobs.SetQuota(ingest.Quota{UploadBytes: 50})
	r := h.upload(t, h.keys["ingest"], []string{"a.md", "b.md"}, nil)
	if r.status != http.StatusRequestEntityTooLarge || r.code() != CodeQuotaExceeded || !strings.Contains(string(r.body), "limit per upload") {
		t.Errorf("upload over quota: %d %s, want 413 quota_exceeded naming the limit", r.status, r.body)
	}
	if r := h.upload(t, h.keys["ingest"], []string{"a.md"}, nil); r.status != http.StatusAccepted {
		t.Errorf("upload within quota: %d %s, want 202", r.status, r.body)
	}
}

// TestUploadSameStem: billing.md and billing.txt in one upload become two
// documents, not one overwriting the other.
func TestUploadSameStem(t *testing.T) {
	h := newHarness(t, Limits{})
	key := h.keys["ingest"]
	r := h.upload(t, key, []string{"billing.md", "billing.txt", "faq.md"}, nil)
	if r.status != http.StatusAccepted {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	var j Job
	json.Unmarshal(r.body, &j)
	for i := 0; j.State != ingest.JobSucceeded && j.State != ingest.JobFailed; i++ {
		if i > 500 {
			t.Fatalf("job stuck in %q", j.State)
		}
		time.Sleep(5 * time.Millisecond)
		json.Unmarshal(h.do(t, http.MethodGet, "/v1/ingest/jobs/"+j.ID, key, nil).body, &j)
	}
	var ids []string
	h.docs.mu.Lock()
	for k := range h.docs.docs {
		ids = append(ids, k)
	}
	h.docs.mu.Unlock()
	sort.Strings(ids)
	if diff := cmp.Diff([]string{"acme/billing.md", "acme/billing.txt", "acme/faq"}, ids); diff != "" {
		t.Errorf("document ids (-want +got):\n%s", diff)
	}
}

func TestUploadJobAndDocuments(t *testing.T) {
	h := newHarness(t, Limits{MaxUpload: 1 << 20, MaxFiles: 3})
	key := h.keys["ingest"]
	r := h.upload(t, key, []string{"billing.md", `..\..\evil/refunds.md`}, map[string]string{"kind": "doc"})
	if r.status != http.StatusAccepted {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	var j Job
	json.Unmarshal(r.body, &j)
	if diff := cmp.Diff([]string{"billing.md", "refunds.md"}, j.Files); diff != "" {
		t.Errorf("sanitized names (-want +got):\n%s", diff)
	}
	if r.header.Get("Location") != "/v1/ingest/jobs/"+j.ID {
		t.Errorf("Location = %q", r.header.Get("Location"))
	}
	for i := 0; j.State != ingest.JobSucceeded && j.State != ingest.JobFailed; i++ {
		if i > 500 {
			t.Fatalf("job stuck in %q", j.State)
		}
		time.Sleep(5 * time.Millisecond)
		r = h.do(t, http.MethodGet, "/v1/ingest/jobs/"+j.ID, key, nil)
		json.Unmarshal(r.body, &j)
	}
	if j.State != ingest.JobSucceeded || j.Added != 2 {
		t.Errorf("job = %+v", j)
	}
	// Other tenants see neither the job nor the documents.
	if r := h.do(t, http.MethodGet, "/v1/ingest/jobs/"+j.ID, h.keys["other"], nil); r.status != 404 {
		t.Errorf("other tenant's job: %d", r.status)
	}
	r = h.do(t, http.MethodGet, "/v1/documents?limit=1", key, nil)
	var dl DocumentList
	json.Unmarshal(r.body, &dl)
	if len(dl.Documents) != 1 || dl.Documents[0].ID != "billing" || dl.Next != "billing" {
		t.Errorf("page 1 = %+v", dl)
	}
	r = h.do(t, http.MethodGet, "/v1/documents", h.keys["other"], nil)
	json.Unmarshal(r.body, &dl)
	if len(dl.Documents) != 0 {
		t.Errorf("other tenant lists %d documents", len(dl.Documents))
	}
	if r := h.do(t, http.MethodDelete, "/v1/documents/refunds", h.keys["other"], nil); r.status != 404 {
		t.Errorf("other tenant deletes: %d", r.status)
	}
	if r := h.do(t, http.MethodDelete, "/v1/documents/refunds", key, nil); r.status != 204 {
		t.Errorf("delete: %d %s", r.status, r.body)
	}
	tests := []struct {
		name   string
		files  []string
		fields map[string]string
		status int
		code   string
	}{
		{"tenant field", []string{"a.md"}, map[string]string{"tenant": "globex"}, 400, CodeUnknownField},
		{"bad kind", []string{"a.md"}, map[string]string{"kind": "exe"}, 400, CodeInvalidField},
		{"unsupported type", []string{"a.exe"}, nil, 415, CodeUnsupportedFile},
		{"no usable name", []string{".."}, nil, 400, CodeInvalidFilename},
		{"too many files", []string{"a.md", "b.md", "c.md", "d.md"}, nil, 400, CodeTooManyFiles},
		{"no files", nil, map[string]string{"kind": "doc"}, 400, CodeInvalidField},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := h.upload(t, key, tc.files, tc.fields)
			if r.status != tc.status || r.code() != tc.code {
				t.Errorf("got %d %q, want %d %q: %s", r.status, r.code(), tc.status, tc.code, r.body)
			}
		})
	}
	big := bytes.Repeat([]byte("a"), 2<<20)
	r = h.do(t, http.MethodPost, "/v1/documents", key, bytes.NewReader(big), "Content-Type", "multipart/form-data; boundary=x")
	if r.status != 413 {
		t.Errorf("oversized upload: %d %s", r.status, r.body)
	}
}

func TestSSEFraming(t *testing.T) {
	h := newHarness(t, Limits{})
	for _, tc := range []struct {
		name, body string
		header     []string
	}{
		{"stream field", `{"question":"password?","stream":true}`, nil},
		{"accept header", `{"question":"password?"}`, []string{"Accept", "application/json, text/event-stream"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := h.post(t, "/v1/answer", h.keys["ask"], tc.body, tc.header...)
			if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
				t.Fatalf("Content-Type %q", ct)
			}
			events := parseSSE(t, r.body)
			var names []string
			var text string
			for _, e := range events {
				names = append(names, e.name)
				if e.name == "delta" {
					var d StreamDelta
					if err := json.Unmarshal([]byte(e.data), &d); err != nil {
						t.Fatal(err)
					}
					text += d.Text
				}
			}
			if diff := cmp.Diff([]string{"status", "status", "delta", "delta", "final"}, names); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
			var final AnswerResponse
			if err := json.Unmarshal([]byte(events[len(events)-1].data), &final); err != nil {
				t.Fatal(err)
			}
			if final.Answer != text || final.Decision != string(answer.Answered) || len(final.Citations) == 0 {
				t.Errorf("final %+v does not match deltas %q", final, text)
			}
		})
	}
	r := h.post(t, "/v1/answer", h.keys["ask"], `{"question":"fail!","stream":true}`)
	events := parseSSE(t, r.body)
	last := events[len(events)-1]
	if last.name != "error" || strings.Contains(last.data, "fire") {
		t.Errorf("error event = %+v", last)
	}
}

type sseEvent struct{ name, data string }

// parseSSE checks the framing strictly: "event:" and "data:" lines, each
// event ended by a blank line.
func parseSSE(t *testing.T, b []byte) []sseEvent {
	t.Helper()
	var out []sseEvent
	var cur sseEvent
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if cur.name == "" || cur.data == "" {
				t.Fatalf("incomplete event before blank line: %+v", cur)
			}
			out = append(out, cur)
			cur = sseEvent{}
		case strings.HasPrefix(line, "event: "):
			cur.name = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			cur.data = strings.TrimPrefix(line, "data: ")
			if !json.Valid([]byte(cur.data)) {
				t.Fatalf("data is not JSON: %q", cur.data)
			}
		default:
			t.Fatalf("unexpected SSE line %q", line)
		}
	}
	if cur.name != "" || len(out) == 0 {
		t.Fatalf("stream not terminated by a blank line or empty: %q", b)
	}
	return out
}

func TestRateLimit(t *testing.T) {
	h := newHarness(t, Limits{RatePerSecond: 0.5, Burst: 2})
	q := `{"question":"password?"}`
	for i := 0; i < 2; i++ {
		if r := h.post(t, "/v1/answer", h.keys["ask"], q); r.status != 200 {
			t.Fatalf("request %d: %d", i, r.status)
		}
	}
	r := h.post(t, "/v1/answer", h.keys["ask"], q)
	if r.status != http.StatusTooManyRequests || r.code() != CodeRateLimited || r.header.Get("Retry-After") != "2" {
		t.Errorf("third request: %d %q Retry-After=%q", r.status, r.code(), r.header.Get("Retry-After"))
	}
	// Buckets are per key.
	if r := h.post(t, "/v1/answer", h.keys["admin"], q); r.status != 200 {
		t.Errorf("another key: %d", r.status)
	}
}

func TestInternalErrorsAreGeneric(t *testing.T) {
	h := newHarness(t, Limits{})
	for _, q := range []string{"panic!", "fail!"} {
		r := h.post(t, "/v1/answer", h.keys["ask"], `{"question":"`+q+`"}`, HeaderRequestID, "rid-"+strings.Trim(q, "!"))
		if r.status != 500 || r.code() != CodeInternal {
			t.Fatalf("%s: %d %s", q, r.status, r.body)
		}
		if strings.Contains(string(r.body), "secret") || strings.Contains(string(r.body), "fire") {
			t.Errorf("%s: internals leaked: %s", q, r.body)
		}
		var e ErrorResponse
		json.Unmarshal(r.body, &e)
		if e.Error.RequestID != "rid-"+strings.Trim(q, "!") {
			t.Errorf("request id %q", e.Error.RequestID)
		}
		if n := strings.Count(h.logs.String(), "level=ERROR msg=") - 0; n == 0 {
			t.Errorf("5xx not logged")
		}
	}
	logs := h.logs.String()
	if strings.Count(logs, "request_id=rid-fail") != 2 { // once as the error, once in the debug access log
		t.Errorf("fail! logged %d times:\n%s", strings.Count(logs, "request_id=rid-fail"), logs)
	}
}

func TestFeedbackAndTickets(t *testing.T) {
	h := newHarness(t, Limits{})
	r := h.post(t, "/v1/answer", h.keys["ask"], `{"question":"password?"}`)
	var a AnswerResponse
	json.Unmarshal(r.body, &a)
	tests := []struct {
		name, key, body string
		status          int
	}{
		{"thumbs up", h.keys["ask"], `{"answer_id":"` + a.ID + `","thumbs":"up"}`, 201},
		{"rating and comment", h.keys["ask"], `{"answer_id":"` + a.ID + `","rating":5,"comment":"great"}`, 201},
		{"rating out of range", h.keys["ask"], `{"answer_id":"` + a.ID + `","rating":9}`, 400},
		{"thumbs sideways", h.keys["ask"], `{"answer_id":"` + a.ID + `","thumbs":"sideways"}`, 400},
		{"nothing given", h.keys["ask"], `{"answer_id":"` + a.ID + `"}`, 400},
		{"unknown answer", h.keys["ask"], `{"answer_id":"ans_nope","thumbs":"up"}`, 404},
		{"other tenant", h.keys["other"], `{"answer_id":"` + a.ID + `","thumbs":"down"}`, 404},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if r := h.post(t, "/v1/feedback", tc.key, tc.body); r.status != tc.status {
				t.Errorf("status %d, want %d: %s", r.status, tc.status, r.body)
			}
		})
	}

	r = h.post(t, "/v1/answer", h.keys["ask"], `{"question":"I want a refund, mail me at jane@example.com"}`)
	json.Unmarshal(r.body, &a)
	if a.Decision != string(answer.Escalated) || a.TicketID == "" {
		t.Fatalf("escalation = %+v", a)
	}
	r = h.do(t, http.MethodGet, "/v1/tickets/"+a.TicketID, h.keys["admin"], nil)
	var tk Ticket
	json.Unmarshal(r.body, &tk)
	// Redacting the ticket is the engine's (answer.TestTicketRedactedOnceWhateverTheStore).
	if tk.Status != "open" || len(tk.Deliveries) != 1 || tk.Deliveries[0].State != "delivered" {
		t.Errorf("ticket = %s", r.body)
	}
	if r := h.do(t, http.MethodGet, "/v1/tickets/"+a.TicketID, h.keys["other"], nil); r.status != 404 {
		t.Errorf("other tenant reads ticket: %d", r.status)
	}
	r = h.do(t, http.MethodPatch, "/v1/tickets/"+a.TicketID, h.keys["admin"], strings.NewReader(`{"status":"solved"}`))
	json.Unmarshal(r.body, &tk)
	if r.status != 200 || tk.Status != "solved" {
		t.Errorf("patch: %d %s", r.status, r.body)
	}
	if r := h.do(t, http.MethodPatch, "/v1/tickets/"+a.TicketID, h.keys["admin"], strings.NewReader(`{"status":"deleted"}`)); r.status != 400 {
		t.Errorf("bad status: %d", r.status)
	}
	r = h.do(t, http.MethodGet, "/v1/tickets?status=solved", h.keys["admin"], nil)
	var tl TicketList
	json.Unmarshal(r.body, &tl)
	if len(tl.Tickets) != 1 || tl.Tickets[0].ID != a.TicketID {
		t.Errorf("list solved = %s", r.body)
	}
}

func TestReadyzDraining(t *testing.T) {
	h := newHarness(t, Limits{})
	h.srv.Drain()
	if r := h.do(t, http.MethodGet, "/readyz", "", nil); r.status != 503 {
		t.Errorf("draining readyz: %d", r.status)
	}
	if r := h.do(t, http.MethodGet, "/healthz", "", nil); r.status != 200 {
		t.Errorf("draining healthz: %d", r.status)
	}
}

func TestJSONDepth(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{`{}`, 1},
		{`{"a":[1,{"b":2}]}`, 3},
		{`{"a":"[[[[{{{{"}`, 1},
		{`{"a":"\"[[["}`, 1},
		{`"x"`, 0},
	}
	for _, tc := range tests {
		if got := jsonDepth([]byte(tc.in)); got != tc.want {
			t.Errorf("jsonDepth(%s) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

func TestCleanFilename(t *testing.T) {
	tests := map[string]string{
		"faq.csv":                "faq.csv",
		"../../etc/passwd":       "passwd",
		`C:\Windows\win.ini`:     "win.ini",
		"file\x00.pdf":           "file.pdf",
		"\u202efdp.exe":          "fdp.exe",
		".htaccess":              "htaccess",
		"..":                     "",
		".":                      "",
		" ":                      "",
		"":                       "",
		"~/.ssh/authorized_keys": "authorized_keys",
		"report.pdf\x00.exe":     "report.pdf.exe",
		strings.Repeat("a", 300): "",
	}
	for in, want := range tests {
		if got := cleanFilename(in); got != want {
			t.Errorf("cleanFilename(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDeleteDocumentWithSlashInID(t *testing.T) {
	h := newHarness(t, Limits{})
	h.docs.docs["acme/guides/billing"] = retrieval.Document{ID: "guides/billing", Tenant: "acme", Kind: retrieval.KindDoc}
	if r := h.do(t, http.MethodDelete, "/v1/documents/guides%2Fbilling", h.keys["ingest"], nil); r.status != http.StatusNoContent {
		t.Fatalf("delete escaped id: %d %s", r.status, r.body)
	}
	if _, ok := h.docs.docs["acme/guides/billing"]; ok {
		t.Errorf("document still there")
	}
	if r := h.do(t, http.MethodDelete, "/v1/documents/guides/billing", h.keys["ingest"], nil); r.status != http.StatusNotFound {
		t.Errorf("unescaped slash: %d", r.status)
	}
}

// TestBadPagingCursor: a "before" that is not a positive id is a 400 naming
// what the cursor is (through the audit list; queryBefore serves the FAQ
// candidates and feedback lists too).
func TestBadPagingCursor(t *testing.T) {
	h := newHarness(t, Limits{})
	for _, v := range []string{"x", "0", "-1", "1.5"} {
		r := h.do(t, http.MethodGet, "/v1/audit?before="+v, h.keys["admin"], nil)
		if r.status != http.StatusBadRequest || r.code() != CodeInvalidField || !strings.Contains(string(r.body), "before must be an entry id") {
			t.Errorf("before=%s: %d %s, want 400 %s", v, r.status, r.body, CodeInvalidField)
		}
	}
	if r := h.do(t, http.MethodGet, "/v1/audit?before=7", h.keys["admin"], nil); r.status != http.StatusOK {
		t.Errorf("before=7: %d %s, want 200", r.status, r.body)
	}
	for _, tc := range []struct {
		query string
		want  int64
		err   bool
	}{{"", 0, false}, {"?before=42", 42, false}, {"?before=0", 0, true}, {"?before=abc", 0, true}} {
		c, _ := gin.CreateTestContext(httptest.NewRecorder())
		c.Request = httptest.NewRequest(http.MethodGet, "/v1/feedback"+tc.query, nil)
		got, err := queryBefore(c, "a feedback")
		if got != tc.want || (err != nil) != tc.err {
			t.Errorf("queryBefore(%q) = %d, %v", tc.query, got, err)
		}
		if tc.err && (err == nil || !strings.Contains(err.Error(), "before must be a feedback id")) {
			t.Errorf("queryBefore(%q) error %v does not name the cursor", tc.query, err)
		}
	}
}
