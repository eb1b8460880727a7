package telemetry

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

func TestTracerProvider(t *testing.T) {
	ctx := context.Background()
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

	tp, shutdown, err := TracerProvider(ctx, env(nil), "v1")
	if tp != nil || err != nil || shutdown(ctx) != nil {
		t.Errorf("no endpoint: %v %v, want tracing off", tp, err)
	}
	if _, _, err := TracerProvider(ctx, env(map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://x", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"}), "v1"); !errors.Is(err, ErrProtocol) {
		t.Errorf("http/json: %v, want ErrProtocol", err)
	}

	// A span reaches the collector at the base URL's /v1/traces when the
	// provider shuts down.
	var mu sync.Mutex
	var paths []string
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		mu.Lock()
		paths = append(paths, r.URL.Path)
		mu.Unlock()
	}))
	defer collector.Close()
	tp, shutdown, err = TracerProvider(ctx, env(map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": collector.URL + "/"}), "v1")
	if err != nil || tp == nil {
		t.Fatalf("provider: %v %v", tp, err)
	}
	_, sp := tp.Tracer("test").Start(ctx, "span")
	sp.End()
	if err := shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(paths) == 0 || paths[0] != "/v1/traces" {
		t.Errorf("collector got %v, want a POST to /v1/traces", paths)
	}
}
