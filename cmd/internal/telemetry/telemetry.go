// Package telemetry builds the OpenTelemetry SDK for the composition root:
// the tracer provider and its OTLP exporter, configured by the standard
// OTEL_* variables. It is the only importer of the SDK; the libraries use
// the OpenTelemetry API only (docs/observability.md).
package telemetry

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// ErrProtocol is an OTLP protocol answerdesk does not export over.
var ErrProtocol = errors.New("answerdesk exports traces over http/protobuf or grpc")

// TracerProvider returns the tracer provider of a server: an OTLP exporter
// to OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (used as is) or
// OTEL_EXPORTER_OTLP_ENDPOINT (a base URL: /v1/traces is appended for
// http/protobuf), over OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL http/protobuf
// (the default) or grpc, for service "answerdesk" at version; the SDK reads
// the other standard variables (headers, timeout, certificates,
// OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES) from the process
// environment. Without an endpoint it returns nil: tracing off. shutdown
// flushes the spans still buffered.
func TracerProvider(ctx context.Context, getenv func(string) string, version string) (tp trace.TracerProvider, shutdown func(context.Context) error, err error) {
	endpoint := getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
	perSignal := endpoint != ""
	if !perSignal {
		endpoint = getenv("OTEL_EXPORTER_OTLP_ENDPOINT")
	}
	if endpoint == "" {
		return nil, func(context.Context) error { return nil }, nil
	}
	protocol := getenv("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL")
	if protocol == "" {
		protocol = getenv("OTEL_EXPORTER_OTLP_PROTOCOL")
	}
	var exp *otlptrace.Exporter
	switch protocol {
	case "", "http/protobuf":
		if !perSignal {
			// The general endpoint is a base URL (the OTLP specification).
			endpoint = strings.TrimSuffix(endpoint, "/") + "/v1/traces"
		}
		exp, err = otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(endpoint))
	case "grpc":
		exp, err = otlptracegrpc.New(ctx, otlptracegrpc.WithEndpointURL(endpoint))
	default:
		return nil, nil, fmt.Errorf("OTEL_EXPORTER_OTLP_PROTOCOL %q: %w", protocol, ErrProtocol)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("otlp trace exporter: %w", err)
	}
	// The service name defaults to answerdesk; the environment overrides it.
	res, err := resource.New(ctx, resource.WithAttributes(attribute.String("service.name", "answerdesk"), attribute.String("service.version", version)),
		resource.WithFromEnv(), resource.WithTelemetrySDK())
	if err != nil {
		return nil, nil, fmt.Errorf("otel resource: %w", err)
	}
	p := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
	return p, p.Shutdown, nil
}
