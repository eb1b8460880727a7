package api

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestDecodeErrorsSpeakJSON: type errors name JSON types, never Go ones,
// and only an unknown field about tenants mentions where the tenant comes
// from.
func TestDecodeErrorsSpeakJSON(t *testing.T) {
	h := newHarness(t, Limits{})
	for _, tc := range []struct {
		name, body, code, want, never string
	}{
		{"top-level array", `[]`, CodeInvalidField, "must be a JSON object, not an array", "api."},
		{"top-level string", `"hi"`, CodeInvalidField, "must be a JSON object, not a string", "api."},
		{"number for a string", `{"question":12}`, CodeInvalidField, `"question" must be a string, not a number`, ""},
		{"array for an object", `{"question":"hi","customer":[1]}`, CodeInvalidField, `"customer" must be an object, not an array`, "map["},
		{"unrelated unknown field", `{"question":"hi","stream_mode":true}`, CodeUnknownField, `unknown field "stream_mode"`, "tenant"},
		{"tenant field", `{"question":"hi","tenant_id":"globex"}`, CodeUnknownField, "the tenant always comes from the API key", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := h.post(t, "/v1/answer", h.keys["ask"], tc.body)
			var e ErrorResponse
			json.Unmarshal(r.body, &e)
			if r.status != http.StatusBadRequest || e.Error.Code != tc.code || !strings.Contains(e.Error.Message, tc.want) {
				t.Fatalf("%d %s %q, want 400 %s containing %q", r.status, e.Error.Code, e.Error.Message, tc.code, tc.want)
			}
			if tc.never != "" && strings.Contains(e.Error.Message, tc.never) {
				t.Errorf("message %q mentions %q", e.Error.Message, tc.never)
			}
		})
	}
}

// TestUnknownFormFieldMentionsTenantOnlyWhenRelevant: the same rule for
// the fields of a multipart upload.
func TestUnknownFormFieldMentionsTenantOnlyWhenRelevant(t *testing.T) {
	h := newHarness(t, Limits{})
	for field, wantTenant := range map[string]bool{"tenant": true, "tenant_id": true, "colour": false} {
		r := h.upload(t, h.keys["ingest"], []string{"faq.md"}, map[string]string{field: "x"})
		var e ErrorResponse
		json.Unmarshal(r.body, &e)
		if r.status != http.StatusBadRequest || e.Error.Code != CodeUnknownField {
			t.Errorf("%s: %d %s", field, r.status, r.body)
		}
		if got := strings.Contains(e.Error.Message, "API key"); got != wantTenant {
			t.Errorf("%s: %q mentions where the tenant comes from: %v, want %v", field, e.Error.Message, got, wantTenant)
		}
	}
}
