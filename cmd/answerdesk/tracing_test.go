package main

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	coltrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"

	"github.com/answerdesk/answerdesk/api"
)

// otlpReceiver is an OTLP/HTTP trace receiver: it decodes the protobuf
// export requests the SDK's exporter posts to /v1/traces.
type otlpReceiver struct {
	mu      sync.Mutex
	spans   []*tracepb.Span
	service string
}

func (o *otlpReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	var req coltrace.ExportTraceServiceRequest
	if r.URL.Path != "/v1/traces" || proto.Unmarshal(b, &req) != nil {
		http.Error(w, "bad export", http.StatusBadRequest)
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, rs := range req.GetResourceSpans() {
		for _, kv := range rs.GetResource().GetAttributes() {
			if kv.GetKey() == "service.name" {
				o.service = kv.GetValue().GetStringValue()
			}
		}
		for _, ss := range rs.GetScopeSpans() {
			o.spans = append(o.spans, ss.GetSpans()...)
		}
	}
	w.Header().Set("Content-Type", "application/x-protobuf")
	out, _ := proto.Marshal(&coltrace.ExportTraceServiceResponse{})
	w.Write(out)
}

// TestE2ETracesOverOTLP: with OTEL_EXPORTER_OTLP_ENDPOINT set, serve
// exports its spans over OTLP/HTTP: a request span per request that
// continues the caller's traceparent, the engine's triage, retrieval and
// ticket-write spans as its children, and the webhook delivery's span;
// stopping serve flushes them.
func TestE2ETracesOverOTLP(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	rcvSpans := &otlpReceiver{}
	collector := httptest.NewServer(rcvSpans)
	defer collector.Close()
	env := webhookEnv(t, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}),
		map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": collector.URL})
	key := createKey(t, env, "acme", "ask")
	s := startServe(t, env)

	const traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
	b, _ := json.Marshal(api.AnswerRequest{Question: "I want to talk to a human agent"})
	r := s.do(t, http.MethodPost, "/v1/answer", key, bytes.NewReader(b), "traceparent", "00-"+traceID+"-00f067aa0ba902b7-01")
	if r.status != http.StatusOK {
		t.Fatalf("answer: %d %s", r.status, r.body)
	}
	time.Sleep(500 * time.Millisecond) // let the worker deliver the ticket
	s.stop(t)

	rcvSpans.mu.Lock()
	defer rcvSpans.mu.Unlock()
	if rcvSpans.service != "answerdesk" {
		t.Errorf("service.name = %q, want answerdesk", rcvSpans.service)
	}
	byName := map[string]*tracepb.Span{}
	for _, sp := range rcvSpans.spans {
		byName[sp.GetName()] = sp
	}
	req := byName["POST /v1/answer"]
	if req == nil {
		t.Fatalf("no request span among %d spans", len(rcvSpans.spans))
	}
	if got := hex.EncodeToString(req.GetTraceId()); got != traceID {
		t.Errorf("request span trace %s, want the caller's %s", got, traceID)
	}
	for _, name := range []string{"answer.triage", "answer.retrieve", "answer.ticket_write"} {
		sp := byName[name]
		if sp == nil {
			t.Errorf("no %s span", name)
			continue
		}
		if !bytes.Equal(sp.GetParentSpanId(), req.GetSpanId()) {
			t.Errorf("%s is not a child of the request span", name)
		}
	}
	if d := byName["delivery.deliver"]; d == nil {
		t.Error("no delivery.deliver span")
	} else if d.GetStatus().GetCode() == tracepb.Status_STATUS_CODE_ERROR {
		t.Errorf("delivery.deliver failed: %v", d.GetStatus())
	}
}
