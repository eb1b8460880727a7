package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"strconv"
	"time"
)

// Listen binds addr (":8080", "127.0.0.1:0") for Serve and returns the URL
// clients reach it at: "http://localhost:PORT" when the host is
// unspecified.
func Listen(addr string) (ln net.Listener, url string, err error) {
	ln, err = net.Listen("tcp", addr)
	if err != nil {
		return nil, "", fmt.Errorf("serve: %w", err)
	}
	return ln, "http://" + displayAddr(ln.Addr()), nil
}

func displayAddr(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok {
		return a.String()
	}
	host := tcp.IP.String()
	if tcp.IP == nil || tcp.IP.IsUnspecified() {
		host = "localhost"
	}
	return net.JoinHostPort(host, strconv.Itoa(tcp.Port))
}

// ServeOptions are what runs beside the API and how it stops.
type ServeOptions struct {
	// Grace bounds the graceful stop: in-flight requests, then Jobs [30s].
	Grace time.Duration
	// Jobs, when set, is shut down once the HTTP server has stopped, within
	// what is left of Grace: uploads accepted before the stop finish
	// ingesting (ingest.JobRunner implements it).
	Jobs interface {
		Shutdown(ctx context.Context) error
	}
	// Background runs beside the server (the delivery worker, the
	// janitor); its context ends after Jobs are shut down, and Serve
	// returns when every one has returned, so that the worker finishes the
	// deliveries it has in flight.
	Background []func(ctx context.Context)
	// Pprof, when set, serves net/http/pprof on this address of its own
	// (e.g. 127.0.0.1:6060), never on the API's.
	Pprof string
}

// Serve serves the API on ln until ctx ends or the listener fails, then
// stops gracefully: /readyz reports unavailable (Drain), the server stops
// accepting and finishes the requests in flight (their tickets and outbox
// rows commit), Jobs shut down, and Background stops. The HTTP server has
// read-header, read, write and idle timeouts; the write timeout leaves an
// answer its AnswerTimeout. It returns nil after a stop asked for by ctx.
func (s *Server) Serve(ctx context.Context, ln net.Listener, o ServeOptions) error {
	if o.Grace <= 0 {
		o.Grace = 30 * time.Second
	}
	hs := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       60 * time.Second, // uploads of up to Limits.MaxUpload
		WriteTimeout:      s.lim.AnswerTimeout + 10*time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	bgCtx, stopBackground := context.WithCancel(context.Background())
	defer stopBackground()
	bgDone := make(chan struct{}, len(o.Background))
	for _, run := range o.Background {
		go func() { run(bgCtx); bgDone <- struct{}{} }()
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- hs.Serve(ln) }()
	if o.Pprof != "" {
		mux := http.NewServeMux()
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
		ps := &http.Server{Addr: o.Pprof, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
		go ps.ListenAndServe()
		defer ps.Close()
		s.log.Info("pprof", "addr", o.Pprof)
	}

	var err error
	select {
	case err = <-serveErr:
		// The listener failed: stop the rest and report it.
	case <-ctx.Done():
	}
	s.log.Info("shutting down", "grace", o.Grace)
	s.Drain()
	sctx, cancel := context.WithTimeout(context.Background(), o.Grace)
	defer cancel()
	if serr := hs.Shutdown(sctx); serr != nil {
		s.log.Warn("http shutdown", "err", serr)
		hs.Close()
	}
	if o.Jobs != nil {
		if jerr := o.Jobs.Shutdown(sctx); jerr != nil {
			s.log.Warn("ingest jobs cut short", "err", jerr)
		}
	}
	stopBackground()
	for range o.Background {
		<-bgDone
	}
	s.log.Info("stopped")
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}
