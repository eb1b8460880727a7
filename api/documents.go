package api

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/answerdesk/answerdesk/answer/state"
	"github.com/answerdesk/answerdesk/ingest"
	"github.com/answerdesk/answerdesk/retrieval"
	"github.com/gin-gonic/gin"
)

// cleanFilename reduces a client's filename to a safe base name, or "" when
// nothing safe is left: no directories, no control or bidi characters, no
// leading dots.
func cleanFilename(name string) string {
	if !utf8.ValidString(name) {
		return ""
	}
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base(name)
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == '/' || r == ':' {
			return -1
		}
		return r
	}, name)
	name = strings.TrimLeft(strings.TrimSpace(name), ".")
	if name == "" || len(name) > 200 {
		return ""
	}
	return name
}

func (s *Server) documentsReady() error {
	if s.d.Docs == nil || s.d.Ingest == nil {
		return errf(http.StatusServiceUnavailable, CodeUnavailable, "document management is not configured")
	}
	return nil
}

// postDocuments accepts a multipart upload ("file" parts, optional "kind"
// and "lang" fields) and starts an ingest job. Each file streams to the
// upload spool as it arrives; a place in the queue is taken before the
// body is read, and whatever fails on the way (a limit, a malformed body,
// the client leaving, the disk) removes what was received and records no
// job.
func (s *Server) postDocuments(c *gin.Context) {
	if err := s.documentsReady(); err != nil {
		s.fail(c, err)
		return
	}
	mt, params, err := mime.ParseMediaType(c.GetHeader("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		s.fail(c, errf(http.StatusUnsupportedMediaType, CodeUnsupportedMedia, "Content-Type must be multipart/form-data"))
		return
	}
	ctx := c.Request.Context()
	sp, err := s.d.Ingest.Receive(ctx, keyOf(c).Tenant)
	if errors.Is(err, ingest.ErrQueueFull) {
		s.tooMany(c, queueFullRetry, "the upload queue is full")
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	defer sp.Discard()
	names, kind, lang, err := s.receiveUpload(multipart.NewReader(c.Request.Body, params["boundary"]), sp)
	if err != nil {
		s.fail(c, err)
		return
	}
	job, err := sp.Start(ctx, retrieval.Kind(kind), lang)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.audit(c, state.AuditDocumentUpload, job.ID, strings.Join(names, ", "))
	c.Header("Location", "/v1/ingest/jobs/"+job.ID)
	c.JSON(http.StatusAccepted, newJob(job))
}

// queueFullRetry is the Retry-After of an upload refused because the
// queue is full: about one job's time.
const queueFullRetry = 10 * time.Second

// receiveUpload reads the parts of an upload, streaming its files into sp,
// and returns the files' names and the kind and lang fields.
func (s *Server) receiveUpload(mr *multipart.Reader, sp *ingest.Spool) ([]string, string, string, error) {
	var names []string
	kind, lang := "", ""
	seen := map[string]bool{}
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, "", "", uploadErr(err)
		}
		field := p.FormName()
		switch field {
		case "file":
			name := cleanFilename(p.FileName())
			if name == "" {
				return nil, "", "", errf(http.StatusBadRequest, CodeInvalidFilename, "file part %d has no usable filename", len(names)+1)
			}
			ext := strings.ToLower(path.Ext(name))
			if s.d.Accepts != nil && !s.d.Accepts(ext) {
				return nil, "", "", errf(http.StatusUnsupportedMediaType, CodeUnsupportedFile, "no loader for %q files", trunc(ext, 16))
			}
			if len(names) == s.lim.MaxFiles {
				return nil, "", "", errf(http.StatusBadRequest, CodeTooManyFiles, "at most %d files per upload", s.lim.MaxFiles)
			}
			if seen[name] {
				return nil, "", "", errf(http.StatusBadRequest, CodeInvalidFilename, "file %q sent twice", name)
			}
			seen[name] = true
			body := &bodyReader{r: p}
			if err := sp.Add(name, body); err != nil {
				if body.err != nil {
					return nil, "", "", uploadErr(body.err)
				}
				return nil, "", "", err
			}
			names = append(names, name)
		case "kind":
			v, err := io.ReadAll(io.LimitReader(p, 16))
			if err != nil {
				return nil, "", "", uploadErr(err)
			}
			kind = string(v)
			if _, ok := retrieval.ParseKind(string(v)); !ok && len(v) > 0 && string(v) != "auto" {
				return nil, "", "", errf(http.StatusBadRequest, CodeInvalidField, "kind must be auto, doc, faq or ticket")
			}
		case "lang":
			v, err := io.ReadAll(io.LimitReader(p, maxLangLen+1))
			if err != nil {
				return nil, "", "", uploadErr(err)
			}
			lang = string(v)
			if len(lang) > maxLangLen || strings.IndexFunc(lang, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r == '-') }) >= 0 {
				return nil, "", "", errf(http.StatusBadRequest, CodeInvalidField, "lang must be a lowercase language tag")
			}
		default:
			return nil, "", "", unknownField(fmt.Sprintf("form field %q", trunc(field, 40)))
		}
	}
	if len(names) == 0 {
		return nil, "", "", errf(http.StatusBadRequest, CodeInvalidField, "no file part in the upload")
	}
	return names, kind, lang, nil
}

// bodyReader keeps the error of reading the request body, so that a file
// that could not be spooled tells the client's fault (a malformed or too
// large body, a client gone) from the server's (the disk).
type bodyReader struct {
	r   io.Reader
	err error
}

func (b *bodyReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err != nil && err != io.EOF {
		b.err = err
	}
	return n, err
}

func uploadErr(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return errf(http.StatusRequestEntityTooLarge, CodeBodyTooLarge, "upload exceeds the limit of %d bytes", mbe.Limit)
	}
	return errf(http.StatusBadRequest, CodeInvalidRequest, "malformed multipart body")
}

// getJob reports an ingest job of the key's tenant.
func (s *Server) getJob(c *gin.Context) {
	id := c.Param("id")
	if !validID(id) {
		s.fail(c, errf(http.StatusNotFound, CodeNotFound, "no such job"))
		return
	}
	j, err := s.d.Jobs.Job(c.Request.Context(), keyOf(c).Tenant, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, newJob(j))
}

func queryLimit(c *gin.Context, def, hi int) (int, error) {
	v := c.Query("limit")
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > hi {
		return 0, errf(http.StatusBadRequest, CodeInvalidField, "limit must be 1 to %d", hi)
	}
	return n, nil
}

// queryBefore reads the "before" paging cursor, an id of what is listed
// (what names it in the error); 0 when absent.
func queryBefore(c *gin.Context, what string) (int64, error) {
	v := c.Query("before")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0, errf(http.StatusBadRequest, CodeInvalidField, "before must be %s id", what)
	}
	return n, nil
}

// listDocuments lists the key's tenant's documents by id.
func (s *Server) listDocuments(c *gin.Context) {
	if err := s.documentsReady(); err != nil {
		s.fail(c, err)
		return
	}
	limit, err := queryLimit(c, 100, 1000)
	if err != nil {
		s.fail(c, err)
		return
	}
	kind, ok := retrieval.ParseKind(c.Query("kind"))
	if !ok && c.Query("kind") != "" {
		s.fail(c, errf(http.StatusBadRequest, CodeInvalidField, "kind must be doc, faq or ticket"))
		return
	}
	after := c.Query("after")
	if len(after) > 1024 || !utf8.ValidString(after) {
		s.fail(c, errf(http.StatusBadRequest, CodeInvalidField, "after is not a document id"))
		return
	}
	docs, err := s.d.Docs.Documents(c.Request.Context(), retrieval.DocFilter{Tenant: keyOf(c).Tenant, Kind: kind, Limit: limit, After: after})
	if err != nil {
		s.fail(c, err)
		return
	}
	out := DocumentList{Documents: []Document{}}
	for _, d := range docs {
		out.Documents = append(out.Documents, newDocument(d))
	}
	if len(docs) == limit {
		out.Next = docs[len(docs)-1].ID
	}
	c.JSON(http.StatusOK, out)
}

// deleteDocument removes a document of the key's tenant. Ids holding "/"
// are sent escaped ("guides%2Fbilling").
func (s *Server) deleteDocument(c *gin.Context) {
	if err := s.documentsReady(); err != nil {
		s.fail(c, err)
		return
	}
	id := c.Param("id")
	if id == "" || len(id) > 1024 || !utf8.ValidString(id) {
		s.fail(c, errf(http.StatusNotFound, CodeNotFound, "no such document"))
		return
	}
	if err := s.d.Docs.DeleteDocument(c.Request.Context(), keyOf(c).Tenant, id); err != nil {
		s.fail(c, err)
		return
	}
	s.audit(c, state.AuditDocumentDelete, id, "")
	c.Status(http.StatusNoContent)
}
