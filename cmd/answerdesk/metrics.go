package main

import (
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/answerdesk/answerdesk/api"
)

// backendName names the index store in metrics.
func (a *app) backendName() string {
	if strings.HasPrefix(a.store, "qdrant://") {
		return "qdrant"
	}
	return "embedded"
}

// serveMetrics serves GET /metrics of m on its own listener at addr (never
// on the API's: operators scrape it from inside their network), until
// the returned stop is called.
func serveMetrics(addr string, m *api.Metrics) (url string, stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, fmt.Errorf("metrics listener: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.Gatherer(), promhttp.HandlerOpts{}))
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, WriteTimeout: 30 * time.Second}
	go hs.Serve(ln)
	return "http://" + displayAddr(ln.Addr()) + "/metrics", func() { hs.Close() }, nil
}
