package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/answer/delivery"
	"github.com/answerdesk/answerdesk/answer/state"
	"github.com/answerdesk/answerdesk/api"
	"github.com/answerdesk/answerdesk/retrieval"
	"github.com/answerdesk/answerdesk/retrieval/embedded"
)

// End-to-end tests: the real run() with `serve --addr 127.0.0.1:0`, real
// stores, the real engine, HTTP on a real socket.

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// e2eCLI runs one command to completion.
func e2eCLI(t *testing.T, env map[string]string, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errb)
	if err != nil {
		t.Fatalf("answerdesk %s: %v\n%s%s", strings.Join(args, " "), err, out.String(), errb.String())
	}
	return out.String()
}

func e2eRepo(parts ...string) string {
	return filepath.Join(append([]string{"..", ".."}, parts...)...)
}

type e2eServer struct {
	url    string
	stdout *lockedBuffer
	stderr *lockedBuffer
	cancel context.CancelFunc
	done   chan error
}

// startServe runs `answerdesk serve --addr 127.0.0.1:0` and learns the
// port from the "url:" line it prints.
func startServe(t *testing.T, env map[string]string) *e2eServer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &e2eServer{stdout: &lockedBuffer{}, stderr: &lockedBuffer{}, cancel: cancel, done: make(chan error, 1)}
	go func() {
		s.done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0"}, func(k string) string { return env[k] }, strings.NewReader(""), s.stdout, s.stderr)
	}()
	deadline := time.Now().Add(60 * time.Second)
	for s.url == "" {
		for _, line := range strings.Split(s.stdout.String(), "\n") {
			if u, ok := strings.CutPrefix(line, "url: "); ok {
				s.url = strings.TrimSpace(u)
			}
		}
		select {
		case err := <-s.done:
			t.Fatalf("serve exited early: %v\n%s", err, s.stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve printed no url\n%s", s.stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Cleanup(func() { s.stop(t) })
	return s
}

// printed is what serve printed after prefix on a line of its own (its
// url, its metrics address); the test fails when there is no such line.
func (s *e2eServer) printed(t *testing.T, prefix string) string {
	t.Helper()
	for _, line := range strings.Split(s.stdout.String(), "\n") {
		if v, ok := strings.CutPrefix(line, prefix); ok {
			return strings.TrimSpace(v)
		}
	}
	t.Fatalf("serve printed no %q line:\n%s", prefix, s.stdout.String())
	return ""
}

// stop shuts the server down gracefully and checks it exited cleanly.
func (s *e2eServer) stop(t *testing.T) {
	t.Helper()
	if s.cancel == nil {
		return
	}
	s.cancel()
	s.cancel = nil
	select {
	case err := <-s.done:
		if err != nil {
			t.Errorf("serve: %v\n%s", err, s.stderr.String())
		}
	case <-time.After(60 * time.Second):
		t.Fatal("serve did not stop")
	}
}

type e2eReply struct {
	status int
	header http.Header
	body   []byte
}

func (r e2eReply) code() string {
	var e api.ErrorResponse
	json.Unmarshal(r.body, &e)
	return e.Error.Code
}

func (s *e2eServer) do(t *testing.T, method, path, key string, body io.Reader, header ...string) e2eReply {
	t.Helper()
	req, err := http.NewRequest(method, s.url+path, body)
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
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return e2eReply{status: resp.StatusCode, header: resp.Header, body: b}
}

func (s *e2eServer) ask(t *testing.T, key, question string) api.AnswerResponse {
	t.Helper()
	b, _ := json.Marshal(api.AnswerRequest{Question: question})
	r := s.do(t, http.MethodPost, "/v1/answer", key, bytes.NewReader(b))
	if r.status != http.StatusOK {
		t.Fatalf("answer %q: %d %s", question, r.status, r.body)
	}
	var a api.AnswerResponse
	if err := json.Unmarshal(r.body, &a); err != nil {
		t.Fatal(err)
	}
	return a
}

// createKey runs `keys create` and takes the key from the last line.
func createKey(t *testing.T, env map[string]string, tenant, scopes string) string {
	t.Helper()
	out := strings.TrimSpace(e2eCLI(t, env, "keys", "create", "--tenant", tenant, "--scopes", scopes))
	lines := strings.Split(out, "\n")
	return lines[len(lines)-1]
}

// kbEnv ingests the bundled KB for tenant acme and a canary document for
// tenant globex into a fresh data dir.
func kbEnv(t *testing.T, extra map[string]string) map[string]string {
	t.Helper()
	env := map[string]string{"ANSWERDESK_DATA": t.TempDir(), "ANSWERDESK_RATE_LIMIT": "off"}
	for k, v := range extra {
		env[k] = v
	}
	e2eCLI(t, env, "ingest", "--tenant", "acme", e2eRepo("testdata", "kb", "docs"))
	canary := filepath.Join(t.TempDir(), "canary.md")
	os.WriteFile(canary, []byte("# Zorblax vault\n\nThe zorblax vault access code is ZX-4417-CANARY. Only globex staff may use the zorblax vault.\n"), 0o644)
	e2eCLI(t, env, "ingest", "--tenant", "globex", canary)
	return env
}

// webhookEnv is kbEnv with the signed webhook sink posting to a test
// receiver served by h (closed when the test ends): secret "e2e-secret",
// a short backoff and outbox poll. extra is set last and may override any
// of them.
func webhookEnv(t *testing.T, h http.Handler, extra map[string]string) map[string]string {
	t.Helper()
	hook := httptest.NewServer(h)
	t.Cleanup(hook.Close)
	env := map[string]string{
		"ANSWERDESK_WEBHOOK_URL": hook.URL, "ANSWERDESK_WEBHOOK_SECRET": "e2e-secret",
		"ANSWERDESK_WEBHOOK_BACKOFF": "30ms", "ANSWERDESK_OUTBOX_POLL": "20ms",
	}
	for k, v := range extra {
		env[k] = v
	}
	return kbEnv(t, env)
}

// tenantKeys are an ask and an admin key for each of kbEnv's two tenants.
type tenantKeys struct {
	askAcme, adminAcme, askGlobex, adminGlobex string
}

// serveTwoTenants serves a fresh kbEnv and creates tenantKeys in it, for
// the tests of what each tenant (and only an admin key) may see.
func serveTwoTenants(t *testing.T) (map[string]string, *e2eServer, tenantKeys) {
	t.Helper()
	env := kbEnv(t, nil)
	s := startServe(t, env)
	return env, s, tenantKeys{
		askAcme: createKey(t, env, "acme", "ask"), adminAcme: createKey(t, env, "acme", "admin"),
		askGlobex: createKey(t, env, "globex", "ask"), adminGlobex: createKey(t, env, "globex", "admin"),
	}
}

type kbQuery struct {
	ID         string   `json:"id"`
	Text       string   `json:"text"`
	Lang       string   `json:"lang"`
	Relevant   []string `json:"relevant"`
	Answerable bool     `json:"answerable"`
}

// kbQueries reads the bundled suite's questions.
func kbQueries(t *testing.T) []kbQuery {
	t.Helper()
	f, err := os.Open(e2eRepo("testdata", "kb", "queries.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var qs []kbQuery
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var q kbQuery
		if err := json.Unmarshal(sc.Bytes(), &q); err != nil {
			t.Fatal(err)
		}
		qs = append(qs, q)
	}
	return qs
}

func TestE2EAnswersTicketsIsolation(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	env := kbEnv(t, nil)
	acme := createKey(t, env, "acme", "ask,ingest,admin")
	acmeAsk := createKey(t, env, "acme", "ask")
	globex := createKey(t, env, "globex", "ask,ingest")
	revoked := createKey(t, env, "acme", "admin")
	list := e2eCLI(t, env, "keys", "list")
	var revokedID string
	for _, line := range strings.Split(list, "\n") {
		if strings.Contains(line, revoked[:10]) {
			revokedID = strings.Fields(line)[0]
		}
	}
	e2eCLI(t, env, "keys", "revoke", revokedID)
	s := startServe(t, env)

	// Answerable and unanswerable questions in en, ru and zh, from the KB's suite.
	qs := kbQueries(t)
	right, wrongDecision := 0, 0
	var tickets []string
	for _, q := range qs {
		a := s.ask(t, acme, q.Text)
		switch {
		case a.Decision == "answered":
			if len(a.Citations) == 0 || !strings.Contains(a.Answer, "[1]") {
				t.Errorf("%s: answered without citations: %+v", q.ID, a)
			}
			if !q.Answerable {
				t.Errorf("%s: unanswerable %q was answered: %q", q.ID, q.Text, a.Answer)
				wrongDecision++
				continue
			}
			cited := false
			for _, c := range a.Citations {
				for _, r := range q.Relevant {
					cited = cited || c.DocumentID == r
				}
			}
			if !cited {
				t.Logf("%s: answered from %v, relevant %v", q.ID, a.Citations[0].DocumentID, q.Relevant)
			} else {
				right++
			}
		case a.Decision == "escalated":
			if a.TicketID == "" || a.Reason == "" {
				t.Errorf("%s: escalation without ticket or reason: %+v", q.ID, a)
			}
			tickets = append(tickets, a.TicketID)
			if q.Answerable {
				t.Logf("%s: answerable %q escalated (%s, confidence %.2f)", q.ID, q.Text, a.Reason, a.Confidence)
				wrongDecision++
			} else {
				right++
			}
		default:
			t.Errorf("%s: decision %q", q.ID, a.Decision)
		}
	}
	t.Logf("KB suite through the API: %d/%d right decisions (answered with a relevant citation, or escalated when unanswerable)", right, len(qs))
	// No wrong answer is tolerated (above); the shipped model, fitted leave
	// one suite out with in-domain knock-outs, escalates borderline answers,
	// so two thirds right is the bar (docs/eval.md).
	if right < len(qs)*2/3 {
		t.Errorf("only %d of %d questions decided right", right, len(qs))
	}
	// Language of the answer follows the question.
	for _, tc := range []struct{ q, lang string }{
		{"How do I factory reset my hub?", "en"}, {"Как сбросить хаб к заводским настройкам?", "ru"}, {"如何恢复出厂设置？", "zh"},
	} {
		if a := s.ask(t, acme, tc.q); a.Decision != "answered" || a.Lang != tc.lang {
			t.Errorf("%q: decision %s lang %s", tc.q, a.Decision, a.Lang)
		}
	}
	// A request for a person escalates with a ticket carrying the transcript.
	a := s.ask(t, acmeAsk, "I want to talk to a human agent about my order")
	if a.Decision != "escalated" || a.Reason != "human_requested" {
		t.Errorf("human request: %+v", a)
	}
	r := s.do(t, http.MethodGet, "/v1/tickets/"+a.TicketID, acme, nil)
	var tk api.Ticket
	json.Unmarshal(r.body, &tk)
	if r.status != 200 || len(tk.Transcript) == 0 || tk.Reason != "human_requested" {
		t.Errorf("ticket: %d %s", r.status, r.body)
	}
	// Tickets are listed with their queue delivery, for admins only.
	if r := s.do(t, http.MethodGet, "/v1/tickets", acmeAsk, nil); r.status != http.StatusForbidden {
		t.Errorf("ask key lists tickets: %d", r.status)
	}
	if r := s.do(t, http.MethodGet, "/v1/tickets", revoked, nil); r.status != http.StatusUnauthorized {
		t.Errorf("revoked key: %d", r.status)
	}
	waitDelivered(t, s, acme, append(tickets, a.TicketID), "queue")

	// Tenant isolation: globex's canary is retrievable by globex, never by acme.
	g := s.ask(t, globex, "What is the zorblax vault access code?")
	if g.Decision != "answered" || !strings.Contains(g.Answer, "ZX-4417") {
		t.Errorf("globex cannot reach its own canary (the isolation check would be vacuous): %+v", g)
	}
	for _, q := range []string{"What is the zorblax vault access code?", "zorblax", "ZX-4417-CANARY"} {
		a := s.ask(t, acme, q)
		// What came from the index: the answer and its sources (the question
		// itself may be echoed back).
		seen, _ := json.Marshal([]any{a.Answer, a.Citations})
		if strings.Contains(string(seen), "ZX-4417") || strings.Contains(string(seen), "zorblax") || strings.Contains(string(seen), "canary") {
			t.Errorf("acme sees globex's canary for %q: %s", q, seen)
		}
		if a.TicketID != "" {
			var tk api.Ticket
			json.Unmarshal(s.do(t, http.MethodGet, "/v1/tickets/"+a.TicketID, acme, nil).body, &tk)
			if seen, _ := json.Marshal([]any{tk.Attempted, tk.Citations}); strings.Contains(string(seen), "ZX-4417") || strings.Contains(string(seen), "canary") {
				t.Errorf("acme's ticket carries globex's canary: %s", seen)
			}
		}
	}
	r = s.do(t, http.MethodGet, "/v1/documents?limit=1000", acme, nil)
	if r.status != 200 || strings.Contains(string(r.body), "canary") || !strings.Contains(string(r.body), "en/billing") {
		t.Errorf("acme's documents: %d %.300s", r.status, r.body)
	}
	if r := s.do(t, http.MethodDelete, "/v1/documents/canary", acme, nil); r.status != http.StatusNotFound {
		t.Errorf("acme deletes globex's document: %d", r.status)
	}
	// A spoofed tenant in the body is refused, not obeyed.
	r = s.do(t, http.MethodPost, "/v1/answer", acme, strings.NewReader(`{"question":"What is the zorblax vault access code?","tenant_id":"globex"}`))
	if r.status != http.StatusBadRequest || r.code() != api.CodeUnknownField {
		t.Errorf("spoofed tenant_id: %d %s", r.status, r.body)
	}

	// Upload through the API, then answer from it.
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"../../quux.md\"\r\nContent-Type: text/markdown\r\n\r\n# Quux pairing\n\nTo pair a quux sensor, hold the quux button for nine seconds until it chirps twice.\n\r\n--B--\r\n")
	r = s.do(t, http.MethodPost, "/v1/documents", acme, &buf, "Content-Type", "multipart/form-data; boundary=B")
	var job api.Job
	json.Unmarshal(r.body, &job)
	if r.status != http.StatusAccepted || len(job.Files) != 1 || job.Files[0] != "quux.md" {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	for i := 0; job.State != "succeeded" && job.State != "failed"; i++ {
		if i > 600 {
			t.Fatalf("job stuck: %+v", job)
		}
		time.Sleep(10 * time.Millisecond)
		json.Unmarshal(s.do(t, http.MethodGet, "/v1/ingest/jobs/"+job.ID, acme, nil).body, &job)
	}
	if job.State != "succeeded" || job.Added != 1 {
		t.Errorf("job: %+v", job)
	}
	if a := s.ask(t, acme, "How do I pair a quux sensor?"); a.Decision != "answered" || !strings.Contains(a.Answer, "nine seconds") {
		t.Errorf("answer from the upload: %+v", a)
	}
	if a := s.ask(t, globex, "How do I pair a quux sensor?"); strings.Contains(a.Answer, "nine seconds") {
		t.Errorf("globex answered from acme's upload")
	}

	// tickets list|show on the same data dir.
	s.stop(t)
	out := e2eCLI(t, env, "tickets", "list", "--tenant", "acme")
	if !strings.Contains(out, a.TicketID) || !strings.Contains(out, "queue:delivered") {
		t.Errorf("tickets list:\n%s", out)
	}
	out = e2eCLI(t, env, "tickets", "show", "--tenant", "acme", a.TicketID)
	if !strings.Contains(out, "human_requested") || !strings.Contains(out, "delivery:") {
		t.Errorf("tickets show:\n%s", out)
	}
}

// waitDelivered waits until every ticket's delivery to sink is delivered.
func waitDelivered(t *testing.T, s *e2eServer, key string, ids []string, sink string) {
	t.Helper()
	for _, id := range ids {
		for i := 0; ; i++ {
			var tk api.Ticket
			json.Unmarshal(s.do(t, http.MethodGet, "/v1/tickets/"+id, key, nil).body, &tk)
			ok := false
			for _, d := range tk.Deliveries {
				ok = ok || (d.Sink == sink && d.State == "delivered")
			}
			if ok {
				break
			}
			if i > 1000 {
				t.Fatalf("ticket %s not delivered to %s: %+v", id, sink, tk.Deliveries)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}

// flakyReceiver is a webhook receiver that fails the first n posts with 503
// and counts accepted tickets by idempotency key.
type flakyReceiver struct {
	mu       sync.Mutex
	failLeft int
	posts    int
	accepted map[string]int
	badSig   int
}

func (f *flakyReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.posts++
	if err := delivery.Verify([]byte("e2e-secret"), r.Header.Get(delivery.HeaderTimestamp), r.Header.Get(delivery.HeaderSignature), body, time.Now(), time.Minute); err != nil {
		f.badSig++
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if f.failLeft > 0 {
		f.failLeft--
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	var p delivery.WebhookTicket
	if err := json.Unmarshal(body, &p); err != nil || p.ID != r.Header.Get(delivery.HeaderIdempotency) {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	f.accepted[p.ID]++
	w.WriteHeader(http.StatusOK)
}

// TestE2EWebhookAcrossRestart: escalations before and after a restart, a
// receiver that fails the first posts: every ticket arrives exactly once.
func TestE2EWebhookAcrossRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	// The receiver is down (503) until the server has restarted, then fails
	// three more posts.
	rcv := &flakyReceiver{failLeft: 1 << 30, accepted: map[string]int{}}
	env := webhookEnv(t, rcv, map[string]string{"ANSWERDESK_WEBHOOK_MAX_ATTEMPTS": "50"})
	key := createKey(t, env, "acme", "ask,admin")
	questions := []string{
		"I need to speak to a human", "Can I use the Lumen hub to mine bitcoin?", "What is the weather forecast for Berlin tomorrow?",
		"Позовите оператора", "Как приготовить борщ?", "我要人工客服",
		"Does Lumen integrate with my Tesla car?", "今天北京的天气怎么样？", "operator please, this is a legal matter",
		"Можно ли подключить хаб к телевизору Samsung через HDMI?",
	}
	var created []string
	s := startServe(t, env)
	for _, q := range questions[:5] {
		a := s.ask(t, key, q)
		if a.Decision != "escalated" {
			t.Fatalf("%q was not escalated: %+v", q, a)
		}
		created = append(created, a.TicketID)
	}
	waitPosts(t, rcv, len(created))
	s.stop(t) // restart in the middle of the outage: every delivery so far failed
	rcv.mu.Lock()
	failedBefore := rcv.posts
	if len(rcv.accepted) != 0 {
		t.Errorf("receiver accepted tickets during its outage")
	}
	rcv.failLeft = 3
	rcv.mu.Unlock()
	s = startServe(t, env)
	for _, q := range questions[5:] {
		a := s.ask(t, key, q)
		if a.Decision != "escalated" {
			t.Fatalf("%q was not escalated: %+v", q, a)
		}
		created = append(created, a.TicketID)
	}
	waitDelivered(t, s, key, created, "webhook")
	rcv.mu.Lock()
	defer rcv.mu.Unlock()
	lost, dup := 0, 0
	for _, id := range created {
		switch n := rcv.accepted[id]; {
		case n == 0:
			lost++
		case n > 1:
			dup++
		}
	}
	if lost != 0 || dup != 0 || len(rcv.accepted) != len(created) || rcv.badSig != 0 {
		t.Errorf("created %d tickets, receiver accepted %d: %d lost, %d duplicate, %d bad signatures", len(created), len(rcv.accepted), lost, dup, rcv.badSig)
	}
	t.Logf("webhook: %d tickets, %d posts (%d failed before the restart, 3 after), %d lost, %d duplicate", len(created), rcv.posts, failedBefore, lost, dup)
	// The delivery state is visible per ticket.
	var tk api.Ticket
	json.Unmarshal(s.do(t, http.MethodGet, "/v1/tickets/"+created[0], key, nil).body, &tk)
	if len(tk.Deliveries) != 2 {
		t.Errorf("deliveries: %+v", tk.Deliveries)
	}
}

// waitPosts waits until the receiver has seen at least n posts.
func waitPosts(t *testing.T, rcv *flakyReceiver, n int) {
	t.Helper()
	for i := 0; ; i++ {
		rcv.mu.Lock()
		got := rcv.posts
		rcv.mu.Unlock()
		if got >= n {
			return
		}
		if i > 3000 {
			t.Fatalf("receiver saw %d posts, want %d", got, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestE2EDeadLetterVisible(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer hook.Close()
	env := map[string]string{"ANSWERDESK_DATA": t.TempDir(), "ANSWERDESK_WEBHOOK_URL": hook.URL, "ANSWERDESK_WEBHOOK_SECRET": "x",
		"ANSWERDESK_WEBHOOK_BACKOFF": "10ms", "ANSWERDESK_OUTBOX_POLL": "10ms", "ANSWERDESK_WEBHOOK_MAX_ATTEMPTS": "3"}
	key := createKey(t, env, "acme", "ask,admin")
	s := startServe(t, env)
	// /healthz reports the version `answerdesk version` prints.
	var h api.Health
	if r := s.do(t, http.MethodGet, "/healthz", "", nil); r.status != http.StatusOK || json.Unmarshal(r.body, &h) != nil || h.Version != version() {
		t.Errorf("healthz: %d %s, want version %q", r.status, r.body, version())
	}
	a := s.ask(t, key, "I want to talk to a person")
	for i := 0; ; i++ {
		var tk api.Ticket
		json.Unmarshal(s.do(t, http.MethodGet, "/v1/tickets/"+a.TicketID, key, nil).body, &tk)
		var wh api.Delivery
		for _, d := range tk.Deliveries {
			if d.Sink == "webhook" {
				wh = d
			}
		}
		if wh.State == "dead" {
			if wh.Attempts != 3 || !strings.Contains(wh.LastError, "500") {
				t.Errorf("dead delivery: %+v", wh)
			}
			break
		}
		if i > 1000 {
			t.Fatalf("not dead-lettered: %+v", tk.Deliveries)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestE2ELimitsSSEAndNaughtyStrings(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	env := kbEnv(t, nil)
	key := createKey(t, env, "acme", "ask,admin")
	ingestOnly := createKey(t, env, "acme", "ingest")
	s := startServe(t, env)

	// SSE framing with the real engine.
	r := s.do(t, http.MethodPost, "/v1/answer", key, strings.NewReader(`{"question":"How do I factory reset my hub?"}`), "Accept", "text/event-stream")
	if !strings.HasPrefix(r.header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("Content-Type %q", r.header.Get("Content-Type"))
	}
	var names []string
	var text string
	var final api.AnswerResponse
	for _, block := range strings.Split(strings.TrimSuffix(string(r.body), "\n\n"), "\n\n") {
		lines := strings.Split(block, "\n")
		if len(lines) != 2 || !strings.HasPrefix(lines[0], "event: ") || !strings.HasPrefix(lines[1], "data: ") {
			t.Fatalf("bad SSE frame %q", block)
		}
		name, data := strings.TrimPrefix(lines[0], "event: "), strings.TrimPrefix(lines[1], "data: ")
		names = append(names, name)
		switch name {
		case "delta":
			var d api.StreamDelta
			json.Unmarshal([]byte(data), &d)
			text += d.Text
		case "final":
			json.Unmarshal([]byte(data), &final)
		}
	}
	if names[0] != "status" || names[len(names)-1] != "final" || !strings.Contains(strings.Join(names, ","), "delta") {
		t.Errorf("event order %v", names)
	}
	if final.Decision != "answered" || strings.TrimSpace(text) != strings.TrimSpace(final.Answer) || len(final.Citations) == 0 {
		t.Errorf("deltas %q vs final %q", text, final.Answer)
	}

	// Scopes and limits.
	if r := s.do(t, http.MethodPost, "/v1/answer", ingestOnly, strings.NewReader(`{"question":"hi"}`)); r.status != http.StatusForbidden {
		t.Errorf("ingest key asks: %d", r.status)
	}
	if r := s.do(t, http.MethodPost, "/v1/answer", key, strings.NewReader(`{"question":"`+strings.Repeat("a", 100<<10)+`"}`)); r.status != http.StatusRequestEntityTooLarge {
		t.Errorf("large body: %d", r.status)
	}
	if shared := e2eShared(t); shared != "" {
		bomb, err := os.Open(filepath.Join(shared, "security", "generated-nasties", "bombs", "body_1GiB_spaces.json.gz"))
		if err != nil {
			t.Fatal(err)
		}
		r := s.do(t, http.MethodPost, "/v1/answer", key, bomb, "Content-Encoding", "gzip")
		bomb.Close()
		if r.status != http.StatusUnsupportedMediaType || r.code() != api.CodeUnsupportedEncode {
			t.Errorf("gzip bomb: %d %s", r.status, r.body)
		}
		b, err := os.ReadFile(filepath.Join(shared, "security", "naughty-strings", "blns.json"))
		if err != nil {
			t.Fatal(err)
		}
		var naughty []string
		json.Unmarshal(b, &naughty)
		statuses := map[int]int{}
		for _, q := range naughty {
			body, _ := json.Marshal(map[string]any{"question": q, "customer": map[string]string{"note": q}})
			r := s.do(t, http.MethodPost, "/v1/answer", key, bytes.NewReader(body))
			statuses[r.status]++
			if r.status >= 500 || (r.status != 200 && r.code() == "") {
				t.Errorf("naughty %q: %d %s", q, r.status, r.body)
			}
		}
		t.Logf("naughty strings through the real engine: %v", statuses)
	}
	s.stop(t)

	// Per-key rate limit on a server started with 1 answer/s.
	env["ANSWERDESK_RATE_LIMIT"] = "1"
	s = startServe(t, env)
	got := map[int]int{}
	var retryAfter string
	for i := 0; i < 5; i++ {
		r := s.do(t, http.MethodPost, "/v1/answer", key, strings.NewReader(`{"question":"How do I factory reset my hub?"}`))
		got[r.status]++
		if r.status == http.StatusTooManyRequests {
			retryAfter = r.header.Get("Retry-After")
		}
	}
	if got[http.StatusTooManyRequests] == 0 || retryAfter == "" {
		t.Errorf("no 429 with Retry-After at 1/s: %v", got)
	}
}

func e2eShared(t *testing.T) string {
	shared := e2eRepo("..", "shared")
	if _, err := os.Stat(shared); err != nil {
		if os.Getenv("ANSWERDESK_REQUIRE_SHARED") == "1" {
			t.Fatalf("../shared not found")
		}
		t.Log("../shared not found: skipping the adversarial inputs")
		return ""
	}
	return shared
}

func TestE2EDemoPrintsURLKeyAndCurl(t *testing.T) {
	d := startDemo(t)
	if !strings.Contains(d.stdout.String(), "curl -s "+d.url+"/v1/answer -H 'Authorization: Bearer "+d.key+"'") {
		t.Errorf("no ready curl line:\n%s", d.stdout.String())
	}
	if a := d.ask(t, d.key, "How do I factory reset my hub?"); a.Decision != "answered" {
		t.Errorf("demo answer: %+v", a)
	}
	d.stop(t)
}

// TestE2EGracefulShutdownUnderLoad stops the server while clients are
// asking: every answer a client received is whole, and every ticket it was
// told about exists after a restart with its outbox delivered.
func TestE2EGracefulShutdownUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	env := kbEnv(t, nil)
	key := createKey(t, env, "acme", "ask,admin")
	s := startServe(t, env)
	var mu sync.Mutex
	var tickets []string
	answered, refused := 0, 0
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				q := fmt.Sprintf("I want to talk to a human about order %d-%d", w, i)
				if i%2 == 1 {
					q = "How do I factory reset my hub?"
				}
				body, _ := json.Marshal(api.AnswerRequest{Question: q})
				req, _ := http.NewRequest(http.MethodPost, s.url+"/v1/answer", bytes.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+key)
				req.Header.Set("Content-Type", "application/json")
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					mu.Lock()
					refused++ // the listener is closed: the request never started
					mu.Unlock()
					time.Sleep(5 * time.Millisecond)
					continue
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				var a api.AnswerResponse
				if resp.StatusCode != http.StatusOK || json.Unmarshal(b, &a) != nil || a.Decision == "" {
					t.Errorf("during shutdown: %d %q", resp.StatusCode, b)
					continue
				}
				mu.Lock()
				answered++
				if a.TicketID != "" {
					tickets = append(tickets, a.TicketID)
				}
				mu.Unlock()
			}
		}(w)
	}
	time.Sleep(300 * time.Millisecond)
	s.stop(t)
	time.Sleep(50 * time.Millisecond)
	close(stop)
	wg.Wait()
	if len(tickets) == 0 {
		t.Fatal("no escalations before the shutdown")
	}
	s = startServe(t, env)
	waitDelivered(t, s, key, tickets, "queue")
	t.Logf("shutdown under load: %d answers (%d tickets) complete, %d requests refused after the listener closed", answered, len(tickets), refused)
}

// benchStore opens the embedded store of the data dir named by
// ANSWERDESK_BENCH_DATA (built with `answerdesk --data DIR bench
// manpages`), closed when the benchmark ends, and returns it with the
// dir's questions; it skips when the variable is unset.
func benchStore(b *testing.B) (*embedded.Store, []string) {
	b.Helper()
	dir := os.Getenv("ANSWERDESK_BENCH_DATA")
	if dir == "" {
		b.Skip("set ANSWERDESK_BENCH_DATA to a data dir built by `answerdesk bench manpages`")
	}
	qb, err := os.ReadFile(filepath.Join(dir, "questions.txt"))
	if err != nil {
		b.Fatal(err)
	}
	store, err := embedded.Open(context.Background(), dir, embedded.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	return store, strings.Split(strings.TrimSpace(string(qb)), "\n")
}

// BenchmarkServeAnswer is POST /v1/answer through the real handler, engine,
// store and state over ANSWERDESK_BENCH_DATA, in process (no sockets):
// with -cpu 1 its ns/op is the CPU cost of one answer.
func BenchmarkServeAnswer(b *testing.B) {
	store, qs := benchStore(b)
	ctx := context.Background()
	db, err := state.Open(ctx, filepath.Join(b.TempDir(), "state.db"), state.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	tickets, convs, keys := state.NewTicketStore(db, nil, nil), state.NewConversationStore(db), state.NewKeyStore(db)
	eng, err := answer.New(answer.DefaultConfig(), answer.Deps{Retriever: store, Tickets: tickets, Conversations: convs})
	if err != nil {
		b.Fatal(err)
	}
	key, _, _ := keys.CreateKey(ctx, retrieval.DefaultTenant, "bench", []string{state.ScopeAsk})
	h := api.NewServer(api.Deps{Engine: eng, Keys: keys, Answers: convs, Feedback: state.NewFeedbackStore(db, convs),
		Tickets: tickets, Jobs: state.NewJobStore(db), Health: db, Docs: store, Limits: api.Limits{RatePerSecond: -1}}).Handler()
	bodies := make([][]byte, len(qs))
	for i, q := range qs {
		bodies[i], _ = json.Marshal(api.AnswerRequest{Question: q})
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/v1/answer", bytes.NewReader(bodies[i%len(bodies)]))
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("%d %s", w.Code, w.Body)
		}
		i++
	}
}

// BenchmarkServeRetrieve is the retrieval the answer path makes for the
// same questions (k=8, as the engine asks): BenchmarkServeAnswer minus this
// is the cost of everything but retrieval.
func BenchmarkServeRetrieve(b *testing.B) {
	store, qs := benchStore(b)
	ctx := context.Background()
	k := answer.DefaultConfig().K
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := store.Search(ctx, retrieval.Query{Text: qs[i%len(qs)], Tenant: retrieval.DefaultTenant, K: k}); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
