package api

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/answer/state"
)

// events records what happened, in order.
type events struct {
	mu   sync.Mutex
	list []string
}

func (e *events) add(s string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.list = append(e.list, s)
}

func (e *events) String() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return strings.Join(e.list, ",")
}

// blockingEngine answers once released.
type blockingEngine struct {
	started chan struct{}
	release chan struct{}
	ev      *events
}

func (b *blockingEngine) Answer(ctx context.Context, req answer.Request) (answer.Answer, error) {
	close(b.started)
	<-b.release
	b.ev.add("answered")
	return answer.Answer{ID: "ans_1", Decision: answer.Answered, Text: "yes", Question: req.Question}, nil
}

func (b *blockingEngine) Stream(ctx context.Context, req answer.Request, _ func(answer.Event)) (answer.Answer, error) {
	return b.Answer(ctx, req)
}

type jobsFunc func(ctx context.Context) error

func (f jobsFunc) Shutdown(ctx context.Context) error { return f(ctx) }

// TestServeGracefulStop: when ctx ends, the answer in flight completes and
// reaches its client, then the ingest jobs shut down, then the background
// work stops, and Serve returns nil.
func TestServeGracefulStop(t *testing.T) {
	ev := &events{}
	eng := &blockingEngine{started: make(chan struct{}), release: make(chan struct{}), ev: ev}
	d := Deps{Engine: eng, Limits: Limits{RatePerSecond: -1, AuthFailuresPerSecond: -1}}
	db := withState(t, &d)
	defer db.Close()
	key, _, err := state.NewKeyStore(db).CreateKey(context.Background(), "acme", "k", []string{state.ScopeAsk})
	if err != nil {
		t.Fatal(err)
	}
	srv := NewServer(d)
	ln, url, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Errorf("url = %q", url)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	served := make(chan error, 1)
	go func() {
		served <- srv.Serve(ctx, ln, ServeOptions{
			Jobs:       jobsFunc(func(context.Context) error { ev.add("jobs"); return nil }),
			Background: []func(context.Context){func(ctx context.Context) { <-ctx.Done(); ev.add("background") }},
		})
	}()
	status := make(chan int, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodPost, url+"/v1/answer", strings.NewReader(`{"question":"is it on?"}`))
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Errorf("answer in flight: %v", err)
			status <- 0
			return
		}
		resp.Body.Close()
		status <- resp.StatusCode
	}()
	<-eng.started
	cancel()
	// Once the listener refuses connections the shutdown has begun; only
	// then may the answer finish.
	for {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			break
		}
		c.Close()
	}
	close(eng.release)
	if got := <-status; got != http.StatusOK {
		t.Errorf("answer in flight: status %d, want 200", got)
	}
	if err := <-served; err != nil {
		t.Errorf("Serve: %v", err)
	}
	if got, want := ev.String(), "answered,jobs,background"; got != want {
		t.Errorf("stop order %s, want %s", got, want)
	}
}

// TestServeListenerFails: a listener that fails is Serve's error, and the
// background work is stopped all the same.
func TestServeListenerFails(t *testing.T) {
	d := Deps{}
	db := withState(t, &d)
	defer db.Close()
	ln, _, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln.Close()
	ev := &events{}
	err = NewServer(d).Serve(context.Background(), ln, ServeOptions{
		Background: []func(context.Context){func(ctx context.Context) { <-ctx.Done(); ev.add("background") }},
	})
	if err == nil || !strings.HasPrefix(err.Error(), "serve: ") {
		t.Errorf("Serve on a closed listener: %v, want a serve error", err)
	}
	if ev.String() != "background" {
		t.Errorf("background work not stopped: %q", ev.String())
	}
}

// TestListenURL: an unspecified host is reached as localhost.
func TestListenURL(t *testing.T) {
	ln, url, err := Listen(":0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if port := ln.Addr().(*net.TCPAddr).Port; url != "http://localhost:"+strconv.Itoa(port) {
		t.Errorf("url = %q for port %d", url, port)
	}
	if _, _, err := Listen("127.0.0.1:-1"); err == nil || !strings.HasPrefix(err.Error(), "serve: ") {
		t.Errorf("bad address: %v", err)
	}
}
