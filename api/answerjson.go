package api

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
)

// The answer response is the one body written for every answer, so it is
// encoded without reflection, into a pooled buffer: appendAnswerResponse
// writes exactly the bytes encoding/json would (HTML escaping included;
// TestAnswerJSONMatchesEncodingJSON holds it to that, field by field), at
// a fraction of the cost (BenchmarkAnswerJSON).

var jsonBufs = sync.Pool{New: func() any { return new([]byte) }}

// maxPooledJSON bounds the buffers kept for reuse: an answer with long
// quotes may need more, once.
const maxPooledJSON = 64 << 10

// writeAnswer writes r as the 200 response.
func writeAnswer(c *gin.Context, r *AnswerResponse) {
	bp := jsonBufs.Get().(*[]byte)
	b, ok := appendAnswerResponse((*bp)[:0], r)
	if !ok {
		jsonBufs.Put(bp)
		c.JSON(http.StatusOK, r) // encoding/json's own handling (and error) of such a value
		return
	}
	c.Data(http.StatusOK, "application/json; charset=utf-8", b)
	if cap(b) <= maxPooledJSON {
		*bp = b
		jsonBufs.Put(bp)
	}
}

// appendAnswerResponse appends r as encoding/json marshals it. ok is false
// for a value encoding/json refuses (a NaN or infinite number, a time
// outside years 0-9999): the caller falls back to encoding/json.
func appendAnswerResponse(b []byte, r *AnswerResponse) (_ []byte, ok bool) {
	e := jsonAppender{b: b, ok: true}
	e.raw(`{"id":`)
	e.str(r.ID)
	e.raw(`,"conversation_id":`)
	e.str(r.ConversationID)
	e.raw(`,"decision":`)
	e.str(r.Decision)
	e.optStr(`,"act":`, r.Act)
	e.raw(`,"answer":`)
	e.str(r.Answer)
	e.optStr(`,"notice":`, r.Notice)
	e.optStr(`,"reason":`, r.Reason)
	e.optStr(`,"ticket_id":`, r.TicketID)
	e.raw(`,"handed_over":`)
	e.b = strconv.AppendBool(e.b, r.HandedOver)
	e.raw(`,"confidence":`)
	e.float(r.Confidence)
	e.raw(`,"threshold":`)
	e.float(r.Threshold)
	e.raw(`,"features":`)
	if r.Features == nil {
		e.raw("null")
	} else {
		e.raw("[")
		for i, f := range r.Features {
			if i > 0 {
				e.raw(",")
			}
			e.raw(`{"name":`)
			e.str(f.Name)
			e.raw(`,"value":`)
			e.float(f.Value)
			e.raw(`,"contribution":`)
			e.float(f.Contribution)
			e.raw("}")
		}
		e.raw("]")
	}
	e.raw(`,"citations":`)
	if r.Citations == nil {
		e.raw("null")
	} else {
		e.raw("[")
		for i := range r.Citations {
			if i > 0 {
				e.raw(",")
			}
			c := &r.Citations[i]
			e.raw(`{"n":`)
			e.b = strconv.AppendInt(e.b, int64(c.N), 10)
			e.raw(`,"chunk_id":`)
			e.str(c.ChunkID)
			e.raw(`,"document_id":`)
			e.str(c.DocumentID)
			e.raw(`,"title":`)
			e.str(c.Title)
			e.optStr(`,"url":`, c.URL)
			if c.Page != 0 {
				e.raw(`,"page":`)
				e.b = strconv.AppendInt(e.b, int64(c.Page), 10)
			}
			e.optStr(`,"heading":`, c.Heading)
			e.raw(`,"quote":`)
			e.str(c.Quote)
			e.raw(`,"score":`)
			e.float(c.Score)
			e.raw("}")
		}
		e.raw("]")
	}
	e.raw(`,"lang":`)
	e.str(r.Lang)
	e.optStr(`,"intent":`, r.Intent)
	if r.IntentScore != 0 {
		e.raw(`,"intent_score":`)
		e.float(r.IntentScore)
	}
	e.optStr(`,"sentiment":`, r.Sentiment)
	e.optStr(`,"standalone_question":`, r.Standalone)
	t := &r.TimingsMS
	e.raw(`,"timings_ms":{"triage":`)
	e.float(t.Triage)
	e.raw(`,"retrieve":`)
	e.float(t.Retrieve)
	e.raw(`,"generate":`)
	e.float(t.Generate)
	e.raw(`,"verify":`)
	e.float(t.Verify)
	e.raw(`,"total":`)
	e.float(t.Total)
	e.raw(`},"created":`)
	e.time(r.Created)
	if len(r.Articles) > 0 {
		e.raw(`,"articles":[`)
		for i := range r.Articles {
			if i > 0 {
				e.raw(",")
			}
			a := &r.Articles[i]
			e.raw(`{"document_id":`)
			e.str(a.DocumentID)
			e.raw(`,"title":`)
			e.str(a.Title)
			e.optStr(`,"url":`, a.URL)
			e.raw("}")
		}
		e.raw("]")
	}
	e.raw("}")
	return e.b, e.ok
}

// jsonAppender appends JSON values the way encoding/json writes them; ok
// turns false at the first value it would refuse.
type jsonAppender struct {
	b  []byte
	ok bool
}

func (e *jsonAppender) raw(s string) { e.b = append(e.b, s...) }

// optStr writes key and s unless s is empty (omitempty).
func (e *jsonAppender) optStr(key, s string) {
	if s != "" {
		e.raw(key)
		e.str(s)
	}
}

// float writes f as encoding/json does: like ES6, 'e' notation below 1e-6
// and from 1e21, without a leading zero in the exponent.
func (e *jsonAppender) float(f float64) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		e.ok = false
		return
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b := strconv.AppendFloat(e.b, f, format, -1, 64)
	if format == 'e' {
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	e.b = b
}

// time writes t as time.Time.MarshalJSON does (RFC 3339 with nanoseconds).
func (e *jsonAppender) time(t time.Time) {
	if y := t.Year(); y < 0 || y > 9999 {
		e.ok = false
		return
	}
	e.b = append(e.b, '"')
	e.b = t.AppendFormat(e.b, time.RFC3339Nano)
	e.b = append(e.b, '"')
}

const hexDigits = "0123456789abcdef"

// str writes s quoted as encoding/json does with HTML escaping: <, > and &
// as \u003c, \u003e, \u0026; control characters escaped; invalid UTF-8 as
// \ufffd; U+2028 and U+2029 escaped.
func (e *jsonAppender) str(s string) {
	b := append(e.b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	e.b = append(b, '"')
}
