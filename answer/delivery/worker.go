package delivery

import (
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/answer/state"
)

// Outbox is the part of the state store the worker drains.
type Outbox interface {
	Claim(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]state.OutboxItem, error)
	ReleaseClaims(ctx context.Context, owner string) (int, error)
	Delivered(ctx context.Context, ticketID, sink string, at time.Time) error
	Failed(ctx context.Context, ticketID, sink, reason string, next time.Time, dead bool) error
}

// Sink delivers a ticket somewhere. An error wrapping ErrPermanent
// dead-letters the delivery at once; a *RetryAfterError asks for a retry
// not before its delay; any other error is retried with backoff.
type Sink interface {
	Deliver(ctx context.Context, t answer.Ticket, ev Event, attempt int) error
}

// Event says what a delivery reports about its ticket.
type Event struct {
	// Name is state.EventTicketCreated or state.EventTicketUpdated (new
	// customer messages on a handed-over conversation).
	Name string
	// Revision counts the ticket's updates (0 for the creation).
	Revision int
}

// ErrPermanent marks a failure that retrying cannot fix (the receiver
// rejected the payload).
var ErrPermanent = errors.New("permanent delivery failure")

// RetryAfterError is a retryable failure whose receiver said when to retry.
type RetryAfterError struct {
	After time.Duration
	Err   error
}

func (e *RetryAfterError) Error() string {
	return fmt.Sprintf("%v (retry after %s)", e.Err, e.After)
}

func (e *RetryAfterError) Unwrap() error { return e.Err }

// Options tune a Worker; zero values take the defaults in brackets.
type Options struct {
	Poll  time.Duration // how often to look for due rows [1s]
	Lease time.Duration // how long a claim lasts before another worker may retry [2m]
	// Instance names this worker's process across restarts (the host
	// name, say) ["local"]: its leases are recorded under it, and Run
	// first takes back the leases a crashed predecessor of the same name
	// left, instead of waiting them out. Two workers running at once must
	// have different names.
	Instance    string
	Batch       int           // rows claimed at once [32]
	Concurrency int           // deliveries in flight [4]
	MaxAttempts int           // attempts before dead-lettering [10]
	BaseBackoff time.Duration // delay after the first failure [2s]
	MaxBackoff  time.Duration // cap on the delay [15m]
	// MaxRetryAfter caps a receiver's Retry-After [1h].
	MaxRetryAfter time.Duration
	// Timeout bounds one delivery attempt [20s].
	Timeout time.Duration
	// Wake, when set, signals that new rows may be due (a state.Notifier's
	// C), so that the worker need not wait for its next poll.
	Wake <-chan struct{}
	// Observe, when set, is told of every attempt's result: err nil when
	// delivered, dead when the row was dead-lettered (metrics).
	Observe func(sink string, err error, dead bool)
	// Tracer, when set, traces every attempt as a "delivery.deliver" span.
	Tracer trace.TracerProvider
	// Now and Jitter (a number in [0,1)) are injectable for tests.
	Now    func() time.Time
	Jitter func() float64
}

func (o *Options) defaults() {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.Poll, time.Second)
	def(&o.Lease, 2*time.Minute)
	def(&o.BaseBackoff, 2*time.Second)
	def(&o.MaxBackoff, 15*time.Minute)
	def(&o.MaxRetryAfter, time.Hour)
	def(&o.Timeout, 20*time.Second)
	if o.Instance == "" {
		o.Instance = "local"
	}
	if o.Batch <= 0 {
		o.Batch = 32
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 4
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 10
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Tracer == nil {
		o.Tracer = noop.NewTracerProvider()
	}
	if o.Jitter == nil {
		o.Jitter = rand.Float64
	}
}

// Worker drains the outbox into sinks.
type Worker struct {
	ob    Outbox
	sinks map[string]Sink
	o     Options
	log   *slog.Logger
}

// New returns a worker delivering rows of ob to sinks keyed by sink name
// (state.SinkQueue, state.SinkWebhook).
func New(ob Outbox, sinks map[string]Sink, o Options, log *slog.Logger) *Worker {
	o.defaults()
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Worker{ob: ob, sinks: sinks, o: o, log: log}
}

// Run delivers until ctx is done. It starts by taking back the leases
// this instance held when it last stopped (only a crash leaves any).
// Deliveries in flight when ctx ends are finished (each bounded by
// Options.Timeout) and recorded before Run returns, so a graceful stop
// leaves no row claimed.
func (w *Worker) Run(ctx context.Context) error {
	if n, err := w.ob.ReleaseClaims(ctx, w.o.Instance); err != nil {
		w.log.Error("outbox: take back this instance's leases", "instance", w.o.Instance, "err", err)
	} else if n > 0 {
		w.log.Info("outbox: took back the leases of a previous run", "instance", w.o.Instance, "rows", n)
	}
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-timer.C:
		case <-w.o.Wake:
		}
		for {
			n, err := w.RunOnce(ctx)
			if err != nil && ctx.Err() == nil {
				w.log.Error("outbox claim", "err", err)
			}
			if ctx.Err() != nil {
				return nil
			}
			if err != nil || n < w.o.Batch {
				break
			}
		}
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
		timer.Reset(w.o.Poll)
	}
}

// RunOnce claims one batch of due rows and delivers it, returning how many
// rows were claimed.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	if ctx.Err() != nil {
		return 0, ctx.Err()
	}
	items, err := w.ob.Claim(ctx, w.o.Instance, w.o.Now(), w.o.Lease, w.o.Batch)
	if err != nil {
		return 0, err
	}
	// Deliveries outlive a stop request: they finish and are recorded.
	dctx := context.WithoutCancel(ctx)
	sem := make(chan struct{}, w.o.Concurrency)
	var wg sync.WaitGroup
	for _, it := range items {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			w.deliver(dctx, it)
		}()
	}
	wg.Wait()
	return len(items), nil
}

func (w *Worker) deliver(ctx context.Context, it state.OutboxItem) {
	attempt := it.Attempts + 1
	ctx, sp := w.o.Tracer.Tracer("github.com/answerdesk/answerdesk/answer/delivery").Start(ctx, "delivery.deliver",
		trace.WithSpanKind(trace.SpanKindProducer), trace.WithAttributes(attribute.String("answerdesk.sink", it.Sink),
			attribute.String("answerdesk.ticket", it.TicketID), attribute.Int("answerdesk.attempt", attempt)))
	defer sp.End()
	sink, ok := w.sinks[it.Sink]
	var err error
	if !ok {
		err = fmt.Errorf("sink %q is not configured", it.Sink)
	} else {
		actx, cancel := context.WithTimeout(ctx, w.o.Timeout)
		err = safeDeliver(actx, sink, it.Ticket, Event{Name: it.Event, Revision: it.Revision}, attempt)
		cancel()
	}
	now := w.o.Now()
	dead := err != nil && (errors.Is(err, ErrPermanent) || attempt >= w.o.MaxAttempts)
	if w.o.Observe != nil {
		w.o.Observe(it.Sink, err, dead)
	}
	if err != nil {
		sp.RecordError(err)
		sp.SetStatus(codes.Error, err.Error())
		sp.SetAttributes(attribute.Bool("answerdesk.dead", dead))
	}
	if err == nil {
		if err := w.ob.Delivered(ctx, it.TicketID, it.Sink, now); err != nil {
			w.log.Error("outbox record delivered", "ticket", it.TicketID, "sink", it.Sink, "err", err)
		}
		w.log.Info("ticket delivered", "ticket", it.TicketID, "sink", it.Sink, "attempt", attempt)
		return
	}
	next := now.Add(w.backoff(attempt, err))
	if dead {
		next = time.Time{}
	}
	if rerr := w.ob.Failed(ctx, it.TicketID, it.Sink, err.Error(), next, dead); rerr != nil {
		w.log.Error("outbox record failure", "ticket", it.TicketID, "sink", it.Sink, "err", rerr)
	}
	if dead {
		w.log.Error("ticket delivery dead-lettered", "ticket", it.TicketID, "sink", it.Sink, "attempt", attempt, "err", err)
	} else {
		w.log.Warn("ticket delivery failed", "ticket", it.TicketID, "sink", it.Sink, "attempt", attempt, "retry_at", next, "err", err)
	}
}

// safeDeliver turns a sink's panic into an error: a bad ticket must not stop
// the worker.
func safeDeliver(ctx context.Context, s Sink, t answer.Ticket, ev Event, attempt int) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("sink panic: %v", r)
		}
	}()
	return s.Deliver(ctx, t, ev, attempt)
}

// backoff is the delay before the attempt after attempt: the receiver's
// Retry-After when it gave one (capped), else exponential from BaseBackoff
// with "equal jitter" (half fixed, half random) capped at MaxBackoff.
func (w *Worker) backoff(attempt int, err error) time.Duration {
	var ra *RetryAfterError
	if errors.As(err, &ra) && ra.After >= 0 {
		return min(ra.After, w.o.MaxRetryAfter)
	}
	d := w.o.BaseBackoff
	for i := 1; i < attempt && d < w.o.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, w.o.MaxBackoff)
	return d/2 + time.Duration(w.o.Jitter()*float64(d/2))
}

// Queue is the local queue sink: the state database's tickets, where
// agents and `answerdesk tickets` see them. A ticket is delivered there as
// it is stored; Deliver only checks that it is.
type Queue struct {
	Q Enqueuer
}

// Deliver delivers t to the local queue; repeats are no-ops.
func (q Queue) Deliver(ctx context.Context, t answer.Ticket, _ Event, _ int) error {
	return q.Q.Enqueue(ctx, t)
}
