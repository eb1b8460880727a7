package api

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/answerdesk/answerdesk/api/web"
	"github.com/gin-gonic/gin"
)

// asset is a static file served with its gzip form and an ETag.
type asset struct {
	typ  string
	body []byte
	gz   []byte
	etag string
}

func newAsset(typ string, body []byte) asset {
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.Write(body)
	zw.Close()
	sum := sha256.Sum256(body)
	return asset{typ: typ, body: body, gz: gz.Bytes(), etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
}

// widgetAssets builds widget.js (with widget.css inlined as a string for
// its constructable stylesheet) and widget.css.
func widgetAssets() (js, css asset, err error) {
	src, err := web.FS.ReadFile("widget.js")
	if err != nil {
		return js, css, fmt.Errorf("widget: %w", err)
	}
	style, err := web.FS.ReadFile("widget.css")
	if err != nil {
		return js, css, fmt.Errorf("widget: %w", err)
	}
	lit, _ := json.Marshal(string(style))
	body := strings.Replace(string(src), "__ANSWERDESK_CSS__", string(lit), 1)
	return newAsset("text/javascript; charset=utf-8", []byte(body)), newAsset("text/css; charset=utf-8", style), nil
}

// WidgetSize reports the size of widget.js as served, plain and gzipped.
func WidgetSize() (plain, gzipped int, err error) {
	js, _, err := widgetAssets()
	return len(js.body), len(js.gz), err
}

// serveAsset serves a, gzipped when the client accepts it. Assets may be
// loaded by any page (the widget is embedded on other sites).
func serveAsset(a asset) gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.Writer.Header()
		h.Set("Cache-Control", "public, max-age=300")
		h.Set("ETag", a.etag)
		h.Set("Vary", "Accept-Encoding")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cross-Origin-Resource-Policy", "cross-origin")
		if c.GetHeader("If-None-Match") == a.etag {
			c.Status(http.StatusNotModified)
			return
		}
		body := a.body
		if acceptsGzip(c.GetHeader("Accept-Encoding")) {
			h.Set("Content-Encoding", "gzip")
			body = a.gz
		}
		c.Data(http.StatusOK, a.typ, body)
	}
}

func acceptsGzip(ae string) bool {
	for _, p := range strings.Split(ae, ",") {
		enc, q, _ := strings.Cut(strings.TrimSpace(p), ";")
		if strings.EqualFold(strings.TrimSpace(enc), "gzip") && strings.ReplaceAll(strings.TrimSpace(q), " ", "") != "q=0" {
			return true
		}
	}
	return false
}
