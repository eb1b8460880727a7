package qdrant

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/answerdesk/answerdesk/retrieval"
)

func TestMapErr(t *testing.T) {
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name      string
		ctx       context.Context
		err       error
		want      error // errors.Is target; nil = none of the sentinels
		retryable bool
	}{
		{"unavailable", context.Background(), status.Error(codes.Unavailable, "down"), retrieval.ErrUnavailable, true},
		{"deadline", context.Background(), status.Error(codes.DeadlineExceeded, "slow"), retrieval.ErrUnavailable, true},
		{"exhausted", context.Background(), status.Error(codes.ResourceExhausted, "busy"), retrieval.ErrUnavailable, true},
		{"wrapped by go-client", context.Background(), fmt.Errorf("Query() failed: %w", status.Error(codes.Unavailable, "x")), retrieval.ErrUnavailable, true},
		{"not found", context.Background(), status.Error(codes.NotFound, "no collection"), retrieval.ErrNotFound, false},
		{"invalid", context.Background(), status.Error(codes.InvalidArgument, "bad"), retrieval.ErrInvalid, false},
		{"internal", context.Background(), status.Error(codes.Internal, "boom"), nil, false},
		{"caller canceled", canceled, status.Error(codes.Canceled, "x"), context.Canceled, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := mapErr(tc.ctx, "op", tc.err)
			for _, s := range []error{retrieval.ErrUnavailable, retrieval.ErrNotFound, retrieval.ErrInvalid, context.Canceled} {
				if errors.Is(got, s) != (s == tc.want) {
					t.Errorf("mapErr = %v: errors.Is(%v) = %v", got, s, errors.Is(got, s))
				}
			}
			if retryable(tc.err) != tc.retryable {
				t.Errorf("retryable(%v) = %v, want %v", tc.err, !tc.retryable, tc.retryable)
			}
		})
	}
}
