package qdrant

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/answerdesk/answerdesk/retrieval"
)

// maxBackoff caps the wait between write retries.
const maxBackoff = 5 * time.Second

// mapErr turns a gRPC error into the retrieval error callers branch on:
// Unavailable, DeadlineExceeded (our per-call timeout) and ResourceExhausted
// become retrieval.ErrUnavailable, NotFound becomes retrieval.ErrNotFound,
// InvalidArgument becomes retrieval.ErrInvalid. The caller's own
// cancellation is returned as the context's error.
func mapErr(ctx context.Context, op string, err error) error {
	if err == nil {
		return nil
	}
	callerErr := ctx.Err()
	if d, ok := ctx.Deadline(); ok && callerErr == nil && !time.Now().Before(d) {
		// The call's context (derived from ctx) saw the caller's deadline
		// before ctx's own timer marked ctx done.
		callerErr = context.DeadlineExceeded
	}
	switch {
	case errors.Is(callerErr, context.Canceled):
		return fmt.Errorf("qdrant %s: %w", op, callerErr)
	case errors.Is(callerErr, context.DeadlineExceeded):
		// The caller's deadline: Qdrant was too slow for it.
		return fmt.Errorf("qdrant %s: %w: %w", op, callerErr, retrieval.ErrUnavailable)
	}
	st, ok := status.FromError(err)
	if !ok {
		if errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("qdrant %s: timed out: %w", op, retrieval.ErrUnavailable)
		}
		return fmt.Errorf("qdrant %s: %w", op, err)
	}
	switch st.Code() {
	case codes.Unavailable, codes.ResourceExhausted, codes.Aborted:
		return fmt.Errorf("qdrant %s: %s: %w", op, st.Message(), retrieval.ErrUnavailable)
	case codes.DeadlineExceeded, codes.Canceled:
		return fmt.Errorf("qdrant %s: timed out: %w", op, retrieval.ErrUnavailable)
	case codes.NotFound:
		return fmt.Errorf("qdrant %s: %s: %w", op, st.Message(), retrieval.ErrNotFound)
	case codes.InvalidArgument:
		return fmt.Errorf("qdrant %s: %s: %w", op, st.Message(), retrieval.ErrInvalid)
	case codes.Unauthenticated, codes.PermissionDenied:
		return fmt.Errorf("qdrant %s: %s (check the API key)", op, st.Message())
	default:
		return fmt.Errorf("qdrant %s: %s: %s", op, st.Code(), st.Message())
	}
}

// retryable reports whether a write may be retried after err. Writes are
// idempotent (deterministic ids, delete by filter), so a timed-out attempt
// that did apply is harmless to repeat.
func retryable(err error) bool {
	st, ok := status.FromError(err)
	if !ok {
		return errors.Is(err, context.DeadlineExceeded)
	}
	switch st.Code() {
	case codes.Unavailable, codes.ResourceExhausted, codes.Aborted, codes.DeadlineExceeded:
		return true
	}
	return false
}

// errCallTimeout is the cause of a per-call timeout, to tell it apart from
// the caller's deadline.
var errCallTimeout = errors.New("qdrant call timeout")

// call runs one RPC under the per-call timeout and maps its error.
func (s *Store) call(ctx context.Context, op string, f func(ctx context.Context) error) error {
	cctx, cancel := context.WithTimeoutCause(ctx, s.cfg.Timeout, errCallTimeout)
	defer cancel()
	return mapErr(ctx, op, f(cctx))
}

// write runs one idempotent write RPC with the per-call timeout, retrying
// transient failures with exponential backoff and jitter.
func (s *Store) write(ctx context.Context, op string, f func(ctx context.Context) error) error {
	backoff := s.cfg.Backoff
	for attempt := 0; ; attempt++ {
		cctx, cancel := context.WithTimeoutCause(ctx, s.cfg.Timeout, errCallTimeout)
		err := f(cctx)
		cancel()
		if err == nil {
			return nil
		}
		if attempt >= s.cfg.Retries || !retryable(err) || ctx.Err() != nil {
			if attempt > 0 {
				return fmt.Errorf("after %d attempts: %w", attempt+1, mapErr(ctx, op, err))
			}
			return mapErr(ctx, op, err)
		}
		wait := backoff/2 + rand.N(backoff/2+1)
		s.cfg.Logger.Warn("qdrant write failed, retrying", "op", op, "attempt", attempt+1, "wait", wait, "err", err)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return mapErr(ctx, op, err)
		case <-t.C:
		}
		backoff = min(backoff*2, maxBackoff)
	}
}
