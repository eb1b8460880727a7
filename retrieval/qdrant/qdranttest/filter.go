package qdranttest

import (
	"strings"
	"sync"

	"github.com/qdrant/go-client/qdrant"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

var paths sync.Map // string → []string

// parsePath splits a payload key path: "a.b", `a."b.c"`, "a[].b".
func parsePath(path string) ([]string, error) {
	if v, ok := paths.Load(path); ok {
		return v.([]string), nil
	}
	parts, err := splitPath(path)
	if err == nil {
		paths.Store(path, parts)
	}
	return parts, err
}

func splitPath(path string) ([]string, error) {
	var parts []string
	for i := 0; i < len(path); {
		if path[i] == '"' {
			j := strings.IndexByte(path[i+1:], '"')
			if j < 0 {
				return nil, status.Errorf(codes.InvalidArgument, "bad key path %q", path)
			}
			parts = append(parts, path[i+1:i+1+j])
			i += j + 2
		} else {
			j := strings.IndexAny(path[i:], ".[")
			if j < 0 {
				j = len(path) - i
			}
			if j == 0 {
				return nil, status.Errorf(codes.InvalidArgument, "bad key path %q", path)
			}
			parts = append(parts, path[i:i+j])
			i += j
		}
		if strings.HasPrefix(path[i:], "[]") {
			i += 2
		}
		if i < len(path) {
			if path[i] != '.' || i+1 == len(path) {
				return nil, status.Errorf(codes.InvalidArgument, "bad key path %q", path)
			}
			i++
		}
	}
	if len(parts) == 0 {
		return nil, status.Error(codes.InvalidArgument, "empty key path")
	}
	return parts, nil
}

// anyValue reports whether pred holds for any payload value at path,
// arrays flattened: a condition on an array field matches when any element
// matches, as in Qdrant.
func anyValue(payload map[string]*qdrant.Value, path string, pred func(*qdrant.Value) bool) (bool, error) {
	parts, err := parsePath(path)
	if err != nil {
		return false, err
	}
	v, ok := payload[parts[0]]
	if !ok {
		return false, nil
	}
	if len(parts) == 1 {
		if l, ok := v.GetKind().(*qdrant.Value_ListValue); ok {
			for _, e := range l.ListValue.GetValues() {
				if pred(e) {
					return true, nil
				}
			}
			return false, nil
		}
		return pred(v), nil
	}
	vs, err := values(payload, path)
	for _, v := range vs {
		if pred(v) {
			return true, err
		}
	}
	return false, err
}

// values returns the payload values at path, arrays flattened.
func values(payload map[string]*qdrant.Value, path string) ([]*qdrant.Value, error) {
	parts, err := parsePath(path)
	if err != nil {
		return nil, err
	}
	v, ok := payload[parts[0]]
	if !ok {
		return nil, nil
	}
	cur := []*qdrant.Value{v}
	for _, part := range parts[1:] {
		var next []*qdrant.Value
		for _, v := range flatten(cur) {
			if f, ok := v.GetStructValue().GetFields()[part]; ok {
				next = append(next, f)
			}
		}
		cur = next
	}
	return flatten(cur), nil
}

func flatten(vs []*qdrant.Value) []*qdrant.Value {
	var out []*qdrant.Value
	for _, v := range vs {
		if l, ok := v.GetKind().(*qdrant.Value_ListValue); ok {
			out = append(out, flatten(l.ListValue.GetValues())...)
		} else {
			out = append(out, v)
		}
	}
	return out
}

// matches evaluates a filter: every must, no must_not, at least one should
// (when there are any), at least min_count of min_should.
func matches(f *qdrant.Filter, p *point) (bool, error) {
	if f == nil {
		return true, nil
	}
	for _, c := range f.GetMust() {
		ok, err := cond(c, p)
		if err != nil || !ok {
			return false, err
		}
	}
	for _, c := range f.GetMustNot() {
		ok, err := cond(c, p)
		if err != nil || ok {
			return false, err
		}
	}
	if len(f.GetShould()) > 0 {
		any := false
		for _, c := range f.GetShould() {
			ok, err := cond(c, p)
			if err != nil {
				return false, err
			}
			if ok {
				any = true
				break
			}
		}
		if !any {
			return false, nil
		}
	}
	if ms := f.GetMinShould(); ms != nil {
		n := uint64(0)
		for _, c := range ms.GetConditions() {
			ok, err := cond(c, p)
			if err != nil {
				return false, err
			}
			if ok {
				n++
			}
		}
		if n < ms.GetMinCount() {
			return false, nil
		}
	}
	return true, nil
}

func cond(c *qdrant.Condition, p *point) (bool, error) {
	switch x := c.GetConditionOneOf().(type) {
	case *qdrant.Condition_Filter:
		return matches(x.Filter, p)
	case *qdrant.Condition_HasId:
		for _, id := range x.HasId.GetHasId() {
			k, err := idKey(id)
			if err != nil {
				return false, err
			}
			if k == p.key {
				return true, nil
			}
		}
		return false, nil
	case *qdrant.Condition_IsEmpty:
		vs, err := values(p.payload, x.IsEmpty.GetKey())
		if err != nil {
			return false, err
		}
		for _, v := range vs {
			if _, null := v.GetKind().(*qdrant.Value_NullValue); !null {
				return false, nil
			}
		}
		return true, nil
	case *qdrant.Condition_IsNull:
		vs, err := values(p.payload, x.IsNull.GetKey())
		if err != nil {
			return false, err
		}
		for _, v := range vs {
			if _, null := v.GetKind().(*qdrant.Value_NullValue); null {
				return true, nil
			}
		}
		return false, nil
	case *qdrant.Condition_HasVector:
		name := x.HasVector.GetHasVector()
		_, d := p.dense[name]
		_, s := p.sparse[name]
		return d || s, nil
	case *qdrant.Condition_Field:
		return field(x.Field, p)
	default:
		return false, status.Errorf(codes.Unimplemented, "qdranttest: condition %T", x)
	}
}

func field(fc *qdrant.FieldCondition, p *point) (bool, error) {
	if m := fc.GetMatch(); m != nil {
		pred, except, err := matcher(m)
		if err != nil {
			return false, err
		}
		ok, err := anyValue(p.payload, fc.GetKey(), pred)
		return ok != except, err
	}
	vs, err := values(p.payload, fc.GetKey())
	if err != nil {
		return false, err
	}
	switch {
	case fc.GetRange() != nil:
		r := fc.GetRange()
		for _, v := range vs {
			var x float64
			switch k := v.GetKind().(type) {
			case *qdrant.Value_IntegerValue:
				x = float64(k.IntegerValue)
			case *qdrant.Value_DoubleValue:
				x = k.DoubleValue
			default:
				continue
			}
			if (r.Lt == nil || x < r.GetLt()) && (r.Gt == nil || x > r.GetGt()) &&
				(r.Lte == nil || x <= r.GetLte()) && (r.Gte == nil || x >= r.GetGte()) {
				return true, nil
			}
		}
		return false, nil
	case fc.IsEmpty != nil || fc.IsNull != nil:
		return false, status.Error(codes.Unimplemented, "qdranttest: is_empty/is_null inside a field condition")
	default:
		return false, status.Errorf(codes.Unimplemented, "qdranttest: field condition on %q", fc.GetKey())
	}
}

// matcher returns the per-value predicate of a match; except reports that
// the condition holds when no value satisfies it (except_keywords: a
// missing field matches too, as in Qdrant).
func matcher(m *qdrant.Match) (pred func(*qdrant.Value) bool, except bool, err error) {
	str := func(set ...string) func(*qdrant.Value) bool {
		return func(v *qdrant.Value) bool {
			s, ok := v.GetKind().(*qdrant.Value_StringValue)
			if !ok {
				return false
			}
			for _, w := range set {
				if s.StringValue == w {
					return true
				}
			}
			return false
		}
	}
	ints := func(set ...int64) func(*qdrant.Value) bool {
		return func(v *qdrant.Value) bool {
			i, ok := v.GetKind().(*qdrant.Value_IntegerValue)
			if !ok {
				return false
			}
			for _, w := range set {
				if i.IntegerValue == w {
					return true
				}
			}
			return false
		}
	}
	switch x := m.GetMatchValue().(type) {
	case *qdrant.Match_Keyword:
		return str(x.Keyword), false, nil
	case *qdrant.Match_Keywords:
		return str(x.Keywords.GetStrings()...), false, nil
	case *qdrant.Match_ExceptKeywords:
		return str(x.ExceptKeywords.GetStrings()...), true, nil
	case *qdrant.Match_Integer:
		return ints(x.Integer), false, nil
	case *qdrant.Match_Integers:
		return ints(x.Integers.GetIntegers()...), false, nil
	case *qdrant.Match_ExceptIntegers:
		return ints(x.ExceptIntegers.GetIntegers()...), true, nil
	case *qdrant.Match_Boolean:
		return func(v *qdrant.Value) bool {
			b, ok := v.GetKind().(*qdrant.Value_BoolValue)
			return ok && b.BoolValue == x.Boolean
		}, false, nil
	default:
		return nil, false, status.Errorf(codes.Unimplemented, "qdranttest: match %T", x)
	}
}
