package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
)

// bindJSON reads the (already size-bounded) body into v strictly: JSON
// content type, valid UTF-8, bounded nesting, no unknown fields (a
// "tenant_id" is one), exactly one value.
func (s *Server) bindJSON(c *gin.Context, v any) error {
	ct := c.GetHeader("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || mt != "application/json" {
		return errf(http.StatusUnsupportedMediaType, CodeUnsupportedMedia, "Content-Type must be application/json")
	}
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errf(http.StatusRequestEntityTooLarge, CodeBodyTooLarge, "request body exceeds the limit of %d bytes", mbe.Limit)
		}
		return errf(http.StatusBadRequest, CodeBadJSON, "read body: %v", err)
	}
	return decodeStrict(body, s.lim.MaxDepth, v)
}

func decodeStrict(body []byte, maxDepth int, v any) error {
	if !utf8.Valid(body) {
		return errf(http.StatusBadRequest, CodeInvalidUTF8, "request body is not valid UTF-8")
	}
	if d := jsonDepth(body); d > maxDepth {
		return errf(http.StatusBadRequest, CodeTooDeep, "JSON nesting deeper than %d", maxDepth)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.Is(err, io.EOF):
			return errf(http.StatusBadRequest, CodeBadJSON, "empty body: a JSON object is required")
		case errors.As(err, &se):
			return errf(http.StatusBadRequest, CodeBadJSON, "malformed JSON at byte %d", se.Offset)
		case errors.As(err, &te) && te.Field == "":
			return errf(http.StatusBadRequest, CodeInvalidField, "the body must be a JSON object, not %s", jsonKind(te.Value))
		case errors.As(err, &te):
			return errf(http.StatusBadRequest, CodeInvalidField, "field %q must be %s, not %s", te.Field, jsonType(te.Type), jsonKind(te.Value))
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			return unknownField("field " + trunc(strings.TrimPrefix(err.Error(), "json: unknown field "), 80))
		default:
			return errf(http.StatusBadRequest, CodeBadJSON, "malformed JSON")
		}
	}
	if dec.More() {
		return errf(http.StatusBadRequest, CodeBadJSON, "trailing data after the JSON object")
	}
	var extra json.RawMessage
	if err := dec.Decode(&extra); err != io.EOF {
		return errf(http.StatusBadRequest, CodeBadJSON, "trailing data after the JSON object")
	}
	return nil
}

// jsonDepth is the deepest nesting of arrays and objects in b, computed
// without decoding so that a 100k-deep document costs one pass.
func jsonDepth(b []byte) int {
	depth, deepest := 0, 0
	inString, escaped := false, false
	for _, ch := range b {
		if inString {
			switch {
			case escaped:
				escaped = false
			case ch == '\\':
				escaped = true
			case ch == '"':
				inString = false
			}
			continue
		}
		switch ch {
		case '"':
			inString = true
		case '{', '[':
			depth++
			deepest = max(deepest, depth)
		case '}', ']':
			depth--
		}
	}
	return deepest
}

// unknownField is the error for an unknown field (what names it: `field
// "x"`); only a field about a tenant is told where the tenant comes from.
func unknownField(what string) error {
	if strings.Contains(strings.ToLower(what), "tenant") {
		return errf(http.StatusBadRequest, CodeUnknownField, "unknown %s: the tenant always comes from the API key", what)
	}
	return errf(http.StatusBadRequest, CodeUnknownField, "unknown %s", what)
}

// jsonType names what a Go type accepts in JSON terms: clients never see
// Go type names.
func jsonType(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.Pointer:
		return jsonType(t.Elem())
	}
	return "another type"
}

// jsonKind names the kind of JSON value encoding/json reports in an
// UnmarshalTypeError's Value ("array", "number 1.5", "string", …).
func jsonKind(v string) string {
	kind, _, _ := strings.Cut(v, " ")
	switch kind {
	case "array", "object":
		return "an " + kind
	case "string", "number":
		return "a " + kind
	case "bool":
		return "true or false"
	}
	return "another value"
}
