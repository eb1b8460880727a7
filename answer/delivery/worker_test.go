package delivery

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/answer/state"
	"github.com/google/go-cmp/cmp"
)

var secret = []byte("s3cret")

// receiver is an httptest webhook receiver that fails the first fail posts
// with status, then accepts; it records every post and verifies signatures.
type receiver struct {
	mu         sync.Mutex
	fail       int
	status     int
	retryAfter string
	posts      []string // Idempotency-Key per post
	accepted   map[string]int
	badSig     int
	block      chan struct{} // when set, each post waits for it
	arrived    atomic.Int32  // posts received, counted before blocking
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.arrived.Add(1)
	if r.block != nil {
		<-r.block
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := Verify(secret, req.Header.Get(HeaderTimestamp), req.Header.Get(HeaderSignature), body, time.Now(), time.Minute); err != nil {
		r.badSig++
	}
	key := req.Header.Get(HeaderIdempotency)
	r.posts = append(r.posts, key)
	if len(r.posts) <= r.fail {
		if r.retryAfter != "" {
			w.Header().Set("Retry-After", r.retryAfter)
		}
		w.WriteHeader(r.status)
		return
	}
	if r.accepted == nil {
		r.accepted = map[string]int{}
	}
	r.accepted[key]++
	w.WriteHeader(http.StatusAccepted)
}

// testState is a ticket store and its outbox with the database under them.
type testState struct {
	*state.TicketStore
	*state.Outbox
	db *state.DB
}

// setup opens a state database whose tickets go to the webhook of rcv;
// a notifier, when given, wakes the worker, which otherwise polls every
// 5ms (o.Poll when set).
func setup(t *testing.T, rcv *receiver, o Options, n ...*state.Notifier) (testState, *Worker, string) {
	t.Helper()
	srv := httptest.NewServer(rcv)
	t.Cleanup(srv.Close)
	path := filepath.Join(t.TempDir(), "state.db")
	db, err := state.Open(context.Background(), path, state.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	var notifier *state.Notifier
	if len(n) > 0 {
		notifier = n[0]
	}
	sinks := Sinks{Webhook: &Webhook{URL: srv.URL, Secret: secret}}
	tickets := state.NewTicketStore(db, sinks.Names(), notifier)
	if o.BaseBackoff == 0 {
		o.BaseBackoff = time.Millisecond
	}
	if o.Poll == 0 {
		o.Poll = 5 * time.Millisecond
	}
	o.Wake = notifier.C()
	outbox := state.NewOutbox(db)
	w := NewWorker(outbox, tickets, sinks, o, nil)
	return testState{tickets, outbox, db}, w, path
}

// drain runs the worker until every delivery of ticket id left pending.
func drain(t *testing.T, db testState, w *Worker, id string) answer.Ticket {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	for i := 0; i < 2000; i++ {
		tk, err := db.Ticket(context.Background(), "acme", id)
		if err != nil {
			t.Fatal(err)
		}
		settled := true
		for _, d := range tk.Deliveries {
			settled = settled && d.State != state.DeliveryPending
		}
		if settled {
			return tk
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("deliveries did not settle")
	return answer.Ticket{}
}

func states(tk answer.Ticket) map[string]string {
	m := map[string]string{}
	for _, d := range tk.Deliveries {
		m[d.Sink] = d.State
	}
	return m
}

func TestWebhookRetriesThenDelivers(t *testing.T) {
	rcv := &receiver{fail: 3, status: http.StatusServiceUnavailable}
	db, w, _ := setup(t, rcv, Options{})
	tk, err := db.CreateTicket(context.Background(), answer.Ticket{Tenant: "acme", Subject: "help"})
	if err != nil {
		t.Fatal(err)
	}
	got := drain(t, db, w, tk.ID)
	if diff := cmp.Diff(map[string]string{"queue": "delivered", "webhook": "delivered"}, states(got)); diff != "" {
		t.Errorf("states (-want +got):\n%s", diff)
	}
	rcv.mu.Lock()
	defer rcv.mu.Unlock()
	if len(rcv.posts) != 4 || rcv.accepted[tk.ID] != 1 || rcv.badSig != 0 {
		t.Errorf("posts=%d accepted=%d badSig=%d", len(rcv.posts), rcv.accepted[tk.ID], rcv.badSig)
	}
	for _, k := range rcv.posts {
		if k != tk.ID {
			t.Errorf("idempotency key %q, want %q", k, tk.ID)
		}
	}
}

func TestWebhookDeadLetter(t *testing.T) {
	tests := []struct {
		name     string
		status   int
		attempts int
	}{
		{"permanent 400 dead at once", http.StatusBadRequest, 1},
		{"5xx dead after max attempts", http.StatusInternalServerError, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rcv := &receiver{fail: 100, status: tc.status}
			db, w, _ := setup(t, rcv, Options{MaxAttempts: 3})
			tk, _ := db.CreateTicket(context.Background(), answer.Ticket{Tenant: "acme"})
			got := drain(t, db, w, tk.ID)
			for _, d := range got.Deliveries {
				if d.Sink != state.SinkWebhook {
					continue
				}
				if d.State != state.DeliveryDead || d.Attempts != tc.attempts || d.LastError == "" {
					t.Errorf("webhook delivery = %+v", d)
				}
			}
		})
	}
}

func TestBackoff(t *testing.T) {
	w := New(nil, nil, Options{BaseBackoff: time.Second, MaxBackoff: 10 * time.Second, MaxRetryAfter: time.Minute, Jitter: func() float64 { return 1 }}, nil)
	tests := []struct {
		name    string
		attempt int
		err     error
		want    time.Duration
	}{
		{"first", 1, errors.New("x"), time.Second},
		{"third", 3, errors.New("x"), 4 * time.Second},
		{"capped", 10, errors.New("x"), 10 * time.Second},
		{"retry-after wins", 1, &RetryAfterError{After: 30 * time.Second}, 30 * time.Second},
		{"retry-after capped", 1, &RetryAfterError{After: time.Hour}, time.Minute},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := w.backoff(tc.attempt, tc.err); got != tc.want {
				t.Errorf("backoff = %s, want %s", got, tc.want)
			}
		})
	}
	w.o.Jitter = func() float64 { return 0 }
	if got := w.backoff(1, errors.New("x")); got != 500*time.Millisecond {
		t.Errorf("jitter floor = %s, want 500ms", got)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"120", 2 * time.Minute, true},
		{"0", 0, true},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"", 0, false},
		{"-5", 0, false},
		{"soon", 0, false},
	}
	for _, tc := range tests {
		got, ok := ParseRetryAfter(tc.in, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ParseRetryAfter(%q) = %s, %v; want %s, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	rcv := &receiver{fail: 1, status: http.StatusTooManyRequests, retryAfter: "3600"}
	db, w, _ := setup(t, rcv, Options{})
	tk, _ := db.CreateTicket(context.Background(), answer.Ticket{Tenant: "acme"})
	if _, err := w.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	got, _ := db.Ticket(context.Background(), "acme", tk.ID)
	for _, d := range got.Deliveries {
		if d.Sink == state.SinkWebhook {
			if wait := time.Until(d.NextAt); d.State != state.DeliveryPending || wait < 59*time.Minute {
				t.Errorf("after 429 with Retry-After 3600: %+v (wait %s)", d, wait)
			}
		}
	}
}

// crashWithClaim claims the pending row of db for owner at now, "crashes"
// (closes the database without recording anything) and reopens it: the
// restarted process's stores and sinks delivering to rcv.
func crashWithClaim(t *testing.T, db testState, path string, rcv *receiver, owner string, now time.Time, lease time.Duration) (testState, map[string]Sink) {
	t.Helper()
	if items, err := db.Claim(context.Background(), owner, now, lease, 10); err != nil || len(items) != 1 {
		t.Fatalf("claim: %v %d", err, len(items))
	}
	db.db.Close() // the crash
	sdb, err := state.Open(context.Background(), path, state.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sdb.Close() })
	db2 := testState{state.NewTicketStore(sdb, nil, nil), state.NewOutbox(sdb), sdb}
	srv := httptest.NewServer(rcv)
	t.Cleanup(srv.Close)
	return db2, map[string]Sink{state.SinkQueue: Queue{Q: db2.TicketStore}, state.SinkWebhook: &Webhook{URL: srv.URL, Secret: secret}}
}

// TestClaimedButUnfinishedIsRetried: a process claims a row and dies before
// recording the outcome; after the lease, another worker delivers it.
func TestClaimedButUnfinishedIsRetried(t *testing.T) {
	rcv := &receiver{}
	db, _, path := setup(t, rcv, Options{})
	tk, _ := db.CreateTicket(context.Background(), answer.Ticket{Tenant: "acme"})
	now := time.Now()
	clock := func() time.Time { return now }
	db2, sinks := crashWithClaim(t, db, path, rcv, "crashed", clock(), time.Minute)
	w := New(db2.Outbox, sinks, Options{Now: clock}, nil)
	if n, _ := w.RunOnce(context.Background()); n != 0 {
		t.Fatalf("claimed %d rows inside the lease", n)
	}
	now = now.Add(2 * time.Minute)
	if n, _ := w.RunOnce(context.Background()); n != 1 {
		t.Fatalf("claimed %d rows after the lease, want 1", n)
	}
	got, _ := db2.Ticket(context.Background(), "acme", tk.ID)
	if diff := cmp.Diff(map[string]string{"queue": "delivered", "webhook": "delivered"}, states(got)); diff != "" {
		t.Errorf("states (-want +got):\n%s", diff)
	}
}

// TestRestartedInstanceTakesBackItsLeases: an instance claims rows and
// crashes; restarted under the same name it delivers them at once, while
// another instance still respects the lease.
func TestRestartedInstanceTakesBackItsLeases(t *testing.T) {
	rcv := &receiver{}
	db, _, path := setup(t, rcv, Options{})
	tk, _ := db.CreateTicket(context.Background(), answer.Ticket{Tenant: "acme"})
	db2, sinks := crashWithClaim(t, db, path, rcv, "host-a", time.Now(), 2*time.Minute)
	run := func(instance string, until func() bool) bool {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() {
			New(db2.Outbox, sinks, Options{Instance: instance, Poll: 10 * time.Millisecond}, nil).Run(ctx)
			close(done)
		}()
		defer func() { cancel(); <-done }()
		for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			if until() {
				return true
			}
		}
		return false
	}
	delivered := func() bool {
		got, _ := db2.Ticket(context.Background(), "acme", tk.ID)
		return cmp.Equal(map[string]string{"queue": "delivered", "webhook": "delivered"}, states(got))
	}
	if run("host-b", delivered) {
		t.Fatal("another instance delivered rows inside host-a's lease")
	}
	if !run("host-a", delivered) {
		got, _ := db2.Ticket(context.Background(), "acme", tk.ID)
		t.Fatalf("restarted host-a did not deliver its leased rows at once: %v", states(got))
	}
}

// TestGracefulStopFinishesInFlight: stopping the worker while a webhook is
// in flight waits for it and records the outcome: nothing stays claimed.
func TestGracefulStopFinishesInFlight(t *testing.T) {
	rcv := &receiver{block: make(chan struct{})}
	db, w, _ := setup(t, rcv, Options{})
	tk, _ := db.CreateTicket(context.Background(), answer.Ticket{Tenant: "acme"})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	for i := 0; ; i++ {
		if rcv.arrived.Load() > 0 {
			break
		}
		if i > 1000 {
			t.Fatal("webhook delivery did not start")
		}
		time.Sleep(2 * time.Millisecond)
	}
	cancel()
	select {
	case <-done:
		t.Fatal("worker stopped with a delivery in flight")
	case <-time.After(50 * time.Millisecond):
	}
	close(rcv.block)
	<-done
	got, _ := db.Ticket(context.Background(), "acme", tk.ID)
	if states(got)["webhook"] != state.DeliveryDelivered {
		t.Errorf("webhook after graceful stop: %+v", got.Deliveries)
	}
}

// TestNotifierWakesWorker: a ticket committed through a store sharing the
// worker's notifier is delivered at once, not at the next poll.
func TestNotifierWakesWorker(t *testing.T) {
	rcv := &receiver{}
	db, w, _ := setup(t, rcv, Options{Poll: time.Hour}, state.NewNotifier())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	// The first poll runs at once: let it find nothing.
	time.Sleep(20 * time.Millisecond)
	tk, err := db.CreateTicket(context.Background(), answer.Ticket{Tenant: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 1000; i++ {
		got, _ := db.Ticket(context.Background(), "acme", tk.ID)
		if states(got)["webhook"] == state.DeliveryDelivered {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("the notifier did not wake the worker (poll is an hour)")
}

func TestVerify(t *testing.T) {
	body := []byte(`{"id":"tkt_1"}`)
	now := time.Unix(1_700_000_000, 0)
	ts := "1700000000"
	sig := Sign(secret, ts, body)
	tests := []struct {
		name          string
		secret        []byte
		ts, sig, body string
		ok            bool
	}{
		{"good", secret, ts, sig, string(body), true},
		{"tampered body", secret, ts, sig, `{"id":"tkt_2"}`, false},
		{"wrong secret", []byte("x"), ts, sig, string(body), false},
		{"old timestamp", secret, "1699990000", Sign(secret, "1699990000", body), string(body), false},
		{"garbage timestamp", secret, "x", sig, string(body), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Verify(tc.secret, tc.ts, tc.sig, []byte(tc.body), now, 5*time.Minute)
			if (err == nil) != tc.ok {
				t.Errorf("Verify = %v, want ok=%v", err, tc.ok)
			}
		})
	}
}
