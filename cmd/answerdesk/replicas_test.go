package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/answerdesk/answerdesk/answer/delivery"
	"github.com/answerdesk/answerdesk/answer/state"
	"github.com/answerdesk/answerdesk/answer/state/statetest"
	"github.com/answerdesk/answerdesk/api"
	"github.com/answerdesk/answerdesk/retrieval/qdrant/qdranttest"
)

// asBinaryEnv makes the test binary run as answerdesk itself (TestMain
// calls main): the replica test starts real processes it can kill -9.
const asBinaryEnv = "ANSWERDESK_TEST_AS_BINARY"

// replica is one `answerdesk serve` process.
type replica struct {
	name string
	cmd  *exec.Cmd
	out  *lockedBuffer
	url  string
	done chan struct{}
}

// startReplica starts `answerdesk serve` as a child process with env (and
// ANSWERDESK_INSTANCE=name, which names its outbox leases) and waits for
// the URL it prints.
func startReplica(t *testing.T, name string, env map[string]string) *replica {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	r := &replica{name: name, out: &lockedBuffer{}, done: make(chan struct{})}
	r.cmd = exec.Command(exe, "serve", "--addr", "127.0.0.1:0")
	r.cmd.Env = []string{asBinaryEnv + "=1", "ANSWERDESK_INSTANCE=" + name, "PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	for k, v := range env {
		r.cmd.Env = append(r.cmd.Env, k+"="+v)
	}
	r.cmd.Stdout, r.cmd.Stderr = r.out, r.out
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { r.cmd.Wait(); close(r.done) }()
	t.Cleanup(func() { r.stop() })
	deadline := time.Now().Add(90 * time.Second)
	for r.url == "" {
		for _, line := range strings.Split(r.out.String(), "\n") {
			if u, ok := strings.CutPrefix(line, "url: "); ok {
				r.url = strings.TrimSpace(u)
			}
		}
		select {
		case <-r.done:
			t.Fatalf("replica %s exited early:\n%s", name, r.out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("replica %s printed no url:\n%s", name, r.out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	return r
}

// kill9 kills the process at once, as a crash would.
func (r *replica) kill9() {
	r.cmd.Process.Kill()
	<-r.done
}

// stop ends the process gracefully (SIGTERM), or kills it after a while.
func (r *replica) stop() {
	select {
	case <-r.done:
		return
	default:
	}
	r.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-r.done:
	case <-time.After(30 * time.Second):
		r.kill9()
	}
}

// hookReceiver counts the webhook posts per idempotency key.
type hookReceiver struct {
	mu    sync.Mutex
	posts map[string]int
}

func (h *hookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// A receiver that takes a while: a replica killed mid-run has
	// deliveries in flight, whose leases its restart takes back.
	time.Sleep(20 * time.Millisecond)
	h.mu.Lock()
	h.posts[r.Header.Get(delivery.HeaderIdempotency)]++
	h.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

func (h *hookReceiver) snapshot() map[string]int {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make(map[string]int, len(h.posts))
	for k, n := range h.posts {
		out[k] = n
	}
	return out
}

// TestReplicasKill9: two serve processes on one PostgreSQL state and one
// index (Qdrant when QDRANT_URL is set) answer 16 clients; one is killed with SIGKILL mid-run and started
// again. Every answer that returned a ticket id is stored (0 lost), every
// ticket reaches the webhook receiver, exactly once by idempotency key,
// and a key revoked through the CLI is refused by both replicas within
// their key cache time.
func TestReplicasKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	pg := statetest.PostgresURL(t)
	rcv := &hookReceiver{posts: map[string]int{}}
	hook := httptest.NewServer(rcv)
	defer hook.Close()
	shared := map[string]string{"ANSWERDESK_STATE": pg, "ANSWERDESK_WEBHOOK_URL": hook.URL, "ANSWERDESK_WEBHOOK_SECRET": "replica-secret"}
	// One index for both: a real Qdrant when there is one (CI), otherwise
	// the embedded store of the data directory they share.
	if u := os.Getenv(qdranttest.EnvURL); u != "" {
		shared["ANSWERDESK_STORE"] = qdranttest.WithCollection(u, qdranttest.RealCollection("replicas"))
		t.Logf("index: Qdrant at %s", u)
	}
	env := kbEnv(t, shared)
	key := createKey(t, env, "acme", "ask")
	doomed := createKey(t, env, "acme", "ask")

	var mu sync.Mutex
	live := map[string]string{} // replica name → URL
	a, b := startReplica(t, "replica-a", env), startReplica(t, "replica-b", env)
	live[a.name], live[b.name] = a.url, b.url
	urls := func() []string {
		mu.Lock()
		defer mu.Unlock()
		var out []string
		for _, u := range live {
			out = append(out, u)
		}
		return out
	}

	const clients, runFor = 16, 30 * time.Second
	questions := []string{"I want to talk to a human, please", "How do I reset the hub to factory settings?",
		"Please connect me to a person", "What does a blinking amber light mean?"}
	type outcome struct{ ok, tickets, failed int }
	var (
		omu     sync.Mutex
		out     = map[string]*outcome{}
		tickets = map[string]bool{}
	)
	record := func(u string, f func(o *outcome)) {
		omu.Lock()
		defer omu.Unlock()
		if out[u] == nil {
			out[u] = &outcome{}
		}
		f(out[u])
	}
	ctx, cancel := context.WithTimeout(context.Background(), runFor)
	defer cancel()
	client := &http.Client{Timeout: 30 * time.Second}
	var wg sync.WaitGroup
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := c; ctx.Err() == nil; i++ {
				us := urls()
				u := us[i%len(us)]
				body, _ := json.Marshal(api.AnswerRequest{Question: fmt.Sprintf("%s (client %d, #%d)", questions[i%len(questions)], c, i)})
				req, _ := http.NewRequest(http.MethodPost, u+"/v1/answer", bytes.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+key)
				req.Header.Set("Content-Type", "application/json")
				resp, err := client.Do(req)
				if err != nil {
					record(u, func(o *outcome) { o.failed++ }) // the replica was killed: try the next one
					time.Sleep(10 * time.Millisecond)
					continue
				}
				var ar api.AnswerResponse
				err = json.NewDecoder(resp.Body).Decode(&ar)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK || err != nil {
					record(u, func(o *outcome) { o.failed++ })
					continue
				}
				record(u, func(o *outcome) {
					o.ok++
					if ar.TicketID != "" {
						o.tickets++
						tickets[ar.TicketID] = true
					}
				})
			}
		}()
	}
	time.Sleep(runFor / 3)
	t.Logf("killing %s at %s", a.name, time.Now().Format("15:04:05.000"))
	a.kill9()
	mu.Lock()
	delete(live, a.name)
	mu.Unlock()
	t.Logf("killed %s (SIGKILL) at %s", a.name, runFor/3)
	time.Sleep(runFor / 6)
	restart := time.Now()
	a2 := startReplica(t, "replica-a", env)
	mu.Lock()
	live[a2.name] = a2.url
	mu.Unlock()
	t.Logf("restarted %s in %s", a2.name, time.Since(restart).Round(time.Millisecond))
	wg.Wait()

	omu.Lock()
	for u, o := range out {
		t.Logf("%s: %d answers (%d with a ticket), %d failed requests", u, o.ok, o.tickets, o.failed)
	}
	omu.Unlock()
	if len(tickets) < 20 {
		t.Fatalf("only %d tickets: the run does not load the replicas", len(tickets))
	}

	// 0 lost: every ticket id a client got is stored.
	db, err := state.Open(context.Background(), pg, state.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ts := state.NewTicketStore(db, nil, nil)
	lost := 0
	for id := range tickets {
		if _, err := ts.Ticket(context.Background(), "acme", id); err != nil {
			lost++
			t.Errorf("ticket %s answered with 200 is not stored: %v", id, err)
		}
	}

	// Every ticket delivered, once per idempotency key (a post that a
	// killed replica had in flight may be repeated: the key tells).
	deadline := time.Now().Add(3 * time.Minute)
	var posts map[string]int
	for {
		posts = rcv.snapshot()
		missing := 0
		for id := range tickets {
			if posts[id] == 0 {
				missing++
			}
		}
		if missing == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d tickets never reached the webhook", missing, len(tickets))
		}
		time.Sleep(200 * time.Millisecond)
	}
	repeated := 0
	for k, n := range posts {
		if n > 1 {
			repeated += n - 1
		}
		if !tickets[k] {
			// A ticket whose request was cut by the kill: stored and
			// delivered, but its client never saw the id.
			if _, err := ts.Ticket(context.Background(), "acme", k); err != nil {
				t.Errorf("webhook got key %q, which is no stored ticket: %v", k, err)
			}
		}
	}
	t.Logf("tickets: %d answered with an id, %d lost; webhook: %d distinct keys, %d repeated posts", len(tickets), lost, len(posts), repeated)
	for _, line := range strings.Split(a2.out.String(), "\n") {
		if strings.Contains(line, "took back the leases") {
			t.Logf("restarted replica: %s", line)
		}
	}

	// A key revoked through the CLI is refused by both replicas within
	// their key cache time (2 s).
	ask := func(u, k string) int {
		body, _ := json.Marshal(api.AnswerRequest{Question: "How do I reset the hub?"})
		req, _ := http.NewRequest(http.MethodPost, u+"/v1/answer", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+k)
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, u := range []string{a2.url, b.url} {
		if code := ask(u, doomed); code != http.StatusOK {
			t.Fatalf("%s: key before revocation: %d", u, code)
		}
	}
	e2eCLI(t, env, "keys", "revoke", doomed[:len(state.KeyPrefix)+6])
	revoked := time.Now()
	for _, u := range []string{a2.url, b.url} {
		for ask(u, doomed) != http.StatusUnauthorized {
			if time.Since(revoked) > 10*time.Second {
				t.Fatalf("%s still accepts a key revoked %s ago", u, time.Since(revoked).Round(time.Millisecond))
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	t.Logf("revocation refused by both replicas %s after it", time.Since(revoked).Round(time.Millisecond))

	// No replica's state or outbox logged an error: a group commit of the
	// answer log must not lose a deadlock with the other replica's and its
	// batch. (Other errors, such as a 504 when the loaded machine starves
	// a request past its 30 s, lose nothing that a client was told of.)
	for label, r := range map[string]*replica{"a (killed)": a, "b": b, "a (restarted)": a2} {
		for _, line := range strings.Split(r.out.String(), "\n") {
			switch {
			case !strings.Contains(line, "level=ERROR"):
			case strings.Contains(line, "msg=state") || strings.Contains(line, "msg=\"outbox"):
				t.Errorf("replica %s logged: %s", label, line)
			default:
				t.Logf("replica %s logged: %s", label, line)
			}
		}
	}
}
