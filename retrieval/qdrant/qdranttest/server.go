package qdranttest

import (
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qdrant/go-client/qdrant"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// DefaultVersion is the Qdrant version the server reports.
const DefaultVersion = "1.18.0"

// Server is a running in-process Qdrant.
type Server struct {
	// Addr is host:port; URL is qdrant://Addr.
	Addr string
	URL  string

	srv     *grpc.Server
	lis     net.Listener
	db      *db
	delay   atomic.Int64 // time.Duration added before every call
	calls   atomic.Int64
	busy    atomic.Int64 // nanoseconds spent in handlers
	version string
	apiKey  string
	stop    sync.Once

	fmu   sync.Mutex
	fails []failure
}

// failure is an injected error for the next calls of a method.
type failure struct {
	method string // full method name suffix, "" for any
	n      int
	code   codes.Code
}

// Options configure a Server.
type Options struct {
	// Version reported by the health check; DefaultVersion when empty.
	Version string
	// APIKey, when set, is required in the api-key header of every call.
	APIKey string
}

// Start starts a server on 127.0.0.1 on a free port; it stops when the test
// ends.
func Start(tb testing.TB, opts Options) *Server {
	tb.Helper()
	s, err := Listen(opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Stop)
	return s
}

// Listen starts a server without a test, for benchmarks and tools.
func Listen(opts Options) (*Server, error) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("qdranttest: listen: %w", err)
	}
	s := &Server{Addr: lis.Addr().String(), lis: lis, db: newDB(), version: opts.Version, apiKey: opts.APIKey}
	s.URL = "qdrant://" + s.Addr
	if s.version == "" {
		s.version = DefaultVersion
	}
	s.srv = grpc.NewServer(grpc.UnaryInterceptor(s.intercept), grpc.MaxRecvMsgSize(64<<20))
	qdrant.RegisterQdrantServer(s.srv, &qdrantService{s: s})
	qdrant.RegisterCollectionsServer(s.srv, &collectionsService{db: s.db})
	qdrant.RegisterPointsServer(s.srv, &pointsService{db: s.db})
	go s.srv.Serve(lis)
	return s, nil
}

// Stop stops the server and drops its connections; clients see Unavailable.
func (s *Server) Stop() { s.stop.Do(s.srv.Stop) }

// SetDelay makes every following call wait d before it is served (a slow
// server); the wait ends early when the caller gives up.
func (s *Server) SetDelay(d time.Duration) { s.delay.Store(int64(d)) }

// Calls is the number of calls served so far.
func (s *Server) Calls() int64 { return s.calls.Load() }

// Busy is the time spent inside handlers so far (the server's own work,
// without transport), to tell a client's overhead from the server's.
func (s *Server) Busy() time.Duration { return time.Duration(s.busy.Load()) }

// Points returns the number of points in a collection (-1 if absent).
func (s *Server) Points(collection string) int {
	s.db.mu.RLock()
	defer s.db.mu.RUnlock()
	c, ok := s.db.cols[collection]
	if !ok {
		return -1
	}
	return len(c.points)
}

// FailNext makes the next n calls whose method ends in method ("Upsert",
// "Points/Delete"; "" for any) fail with code before doing anything.
func (s *Server) FailNext(method string, n int, code codes.Code) {
	s.fmu.Lock()
	defer s.fmu.Unlock()
	s.fails = append(s.fails, failure{method: method, n: n, code: code})
}

func (s *Server) injected(method string) error {
	s.fmu.Lock()
	defer s.fmu.Unlock()
	for i := range s.fails {
		f := &s.fails[i]
		if f.n > 0 && strings.HasSuffix(method, f.method) {
			f.n--
			return status.Errorf(f.code, "qdranttest: injected failure of %s", method)
		}
	}
	return nil
}

func (s *Server) intercept(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
	s.calls.Add(1)
	if err := s.injected(info.FullMethod); err != nil {
		return nil, err
	}
	if d := time.Duration(s.delay.Load()); d > 0 {
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, status.FromContextError(ctx.Err()).Err()
		case <-t.C:
		}
	}
	if s.apiKey != "" && !hasKey(ctx, s.apiKey) {
		return nil, status.Error(codes.PermissionDenied, "Invalid api-key")
	}
	start := time.Now()
	defer func() { s.busy.Add(int64(time.Since(start))) }()
	return h(ctx, req)
}

type qdrantService struct {
	qdrant.UnimplementedQdrantServer
	s *Server
}

func (q *qdrantService) HealthCheck(context.Context, *qdrant.HealthCheckRequest) (*qdrant.HealthCheckReply, error) {
	return &qdrant.HealthCheckReply{Title: "qdrant - vector search engine (qdranttest)", Version: q.s.version}, nil
}
