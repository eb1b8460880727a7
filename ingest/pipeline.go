package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"sync"

	"github.com/answerdesk/answerdesk/ingest/markup"
	"github.com/answerdesk/answerdesk/ingest/redact"
	"github.com/answerdesk/answerdesk/retrieval"
)

// Embedder embeds chunk texts for dense retrieval (answer/llm implements it).
type Embedder interface {
	EmbedDocuments(ctx context.Context, texts []string) ([][]float32, error)
	// Model names the model; a store refuses to mix vectors of two models.
	Model() string
}

// Options control one ingestion run.
type Options struct {
	Tenant string         // retrieval.DefaultTenant when empty
	Kind   retrieval.Kind // "" or "auto": the loader decides
	Lang   string         // "" detects
	// Prune deletes documents whose source file no longer exists.
	Prune bool
	// Budget is the chunk size in tokens (DefaultBudget when zero).
	Budget int
	// MaxFileSize rejects larger files with ErrTooLarge (DefaultMaxFileSize when zero).
	MaxFileSize int64
	// Workers parse files in parallel (2 when zero).
	Workers int
	// Progress, when set, is called after each file.
	Progress func(Progress)
	// Allowance, when set, is charged with each file's new documents before
	// they are written; a file over it fails with ErrQuota and writes
	// nothing (uploads; the CLI ingests without one).
	Allowance *Allowance
}

// DefaultMaxFileSize is the largest file ingested by default.
const DefaultMaxFileSize = 100 << 20

// Progress reports how far a run is.
type Progress struct {
	Files, FilesDone int
	Chunks           int
	Path             string
}

// Failure is a file that could not be ingested, with the reason.
type Failure struct {
	Path string
	Err  error
}

// FileLosses lists what a file's loader dropped.
type FileLosses struct {
	Path   string
	Losses []Loss
}

// Summary is the outcome of a run.
type Summary struct {
	Files     int
	Added     int // documents
	Updated   int
	Unchanged int
	Deleted   int // pruned, or gone from a file that still exists
	Chunks    int // chunks written
	Failed    []Failure
	Skipped   []Failure // files in walked folders with no loader
	Losses    []FileLosses
}

// Pipeline ingests sources into a store.
type Pipeline struct {
	store    retrieval.Store
	loaders  map[string]Loader
	embedder Embedder
	log      *slog.Logger
}

// NewPipeline returns a pipeline writing to store with loaders keyed by
// lowercase extension (".md"). embedder may be nil (sparse only).
func NewPipeline(store retrieval.Store, loaders map[string]Loader, embedder Embedder, log *slog.Logger) *Pipeline {
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Pipeline{store: store, loaders: loaders, embedder: embedder, log: log}
}

// file is a source to ingest and where it came from.
type file struct {
	src      Source
	explicit bool // named on the command line rather than found in a folder
}

// Accepts reports whether the pipeline has a loader for files with the
// extension ext (".md"; any case), the check an upload gets before it is
// queued.
func (p *Pipeline) Accepts(ext string) bool {
	_, ok := p.loaders[strings.ToLower(ext)]
	return ok
}

// IngestPaths ingests files and folders. Folders are walked for files with a
// known extension; hidden files and folders are skipped. The error is for
// the run as a whole (cancelled, store down); per-file problems are in the
// Summary.
func (p *Pipeline) IngestPaths(ctx context.Context, paths []string, o Options) (Summary, error) {
	var sum Summary
	var files []file
	for _, root := range paths {
		fs, skipped, err := p.walk(root, o)
		if err != nil {
			sum.Failed = append(sum.Failed, Failure{Path: root, Err: err})
			continue
		}
		files = append(files, fs...)
		sum.Skipped = append(sum.Skipped, skipped...)
	}
	err := p.ingestFiles(ctx, files, o, &sum)
	if err == nil && o.Prune {
		err = p.prune(ctx, o, &sum)
	}
	return sum, err
}

// IngestSource ingests one source (an upload): its documents replace those
// of the same Source.Path.
func (p *Pipeline) IngestSource(ctx context.Context, src Source, o Options) (Summary, error) {
	var sum Summary
	err := p.ingestFiles(ctx, []file{{src: src, explicit: true}}, o, &sum)
	return sum, err
}

func (p *Pipeline) walk(root string, o Options) ([]file, []Failure, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, nil, err
	}
	info, err := os.Stat(abs)
	if err != nil {
		return nil, nil, err
	}
	if !info.IsDir() {
		return []file{{src: p.fileSource(abs, filepath.Dir(abs), info.Size(), o), explicit: true}}, nil, nil
	}
	var out []file
	var skipped []Failure
	err = filepath.WalkDir(abs, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			skipped = append(skipped, Failure{Path: path, Err: err})
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if strings.HasPrefix(d.Name(), ".") && path != abs {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() || !d.Type().IsRegular() {
			return nil
		}
		ext := strings.ToLower(filepath.Ext(path))
		if !p.Accepts(ext) {
			skipped = append(skipped, Failure{Path: path, Err: fmt.Errorf("%w %q", ErrUnsupported, ext)})
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			skipped = append(skipped, Failure{Path: path, Err: err})
			return nil
		}
		out = append(out, file{src: p.fileSource(path, abs, fi.Size(), o)})
		return nil
	})
	rels := make([]string, len(out))
	for i, f := range out {
		rels[i] = relPath(f.src.Path, abs)
	}
	for i, id := range DocIDs(rels) {
		out[i].src.ID = id
	}
	return out, skipped, err
}

// fileSource describes a file found under root; its ID is the relative
// path without extension (walk keeps the extension of colliding stems).
func (p *Pipeline) fileSource(path, root string, size int64, o Options) Source {
	id := DocIDs([]string{relPath(path, root)})[0]
	kind := o.Kind
	if kind == "auto" {
		kind = ""
	}
	return Source{Path: path, ID: id, Kind: kind, Lang: o.Lang, Size: size, Open: func() (io.ReadCloser, error) { return os.Open(path) }}
}

// sourceExists reports whether a document's source is still there: a file
// on disk that exists, or an upload (uploads are deleted only through the
// API). A document whose file is gone may be taken over by another source
// (the folder was moved).
func sourceExists(source string) bool {
	if !filepath.IsAbs(source) {
		return source != ""
	}
	_, err := os.Stat(source)
	return err == nil
}

// relPath is path relative to root with forward slashes.
func relPath(path, root string) string {
	rel, err := filepath.Rel(root, path)
	if err != nil {
		rel = filepath.Base(path)
	}
	return filepath.ToSlash(rel)
}

// loaded is a parsed and chunked file.
type loaded struct {
	f    file
	docs []retrieval.DocumentChunks
	loss []Loss
	err  error
}

func (p *Pipeline) ingestFiles(ctx context.Context, files []file, o Options, sum *Summary) error {
	tenant := o.Tenant
	if tenant == "" {
		tenant = retrieval.DefaultTenant
	}
	workers := o.Workers
	if workers <= 0 {
		workers = 2
	}
	results := make([]chan loaded, len(files))
	for i := range results {
		results[i] = make(chan loaded, 1)
	}
	sem := make(chan struct{}, workers)
	// The dispatcher is counted in wg too: it adds each load while it is
	// itself counted, so that no load is added after the deferred Wait
	// returned, and it starts none once the run is cancelled.
	var wg sync.WaitGroup
	ctx, cancel := context.WithCancel(ctx)
	defer func() { cancel(); wg.Wait() }()
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i, f := range files {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
			}
			if ctx.Err() != nil {
				for j := i; j < len(files); j++ {
					results[j] <- loaded{f: files[j], err: ctx.Err()}
				}
				return
			}
			wg.Add(1)
			go func(i int, f file) {
				defer wg.Done()
				defer func() { <-sem }()
				results[i] <- p.load(ctx, f, tenant, o)
			}(i, f)
		}
	}()
	for i := range files {
		l := <-results[i]
		sum.Files++
		if l.err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			sum.Failed = append(sum.Failed, Failure{Path: l.f.src.Path, Err: l.err})
		} else {
			if len(l.loss) > 0 {
				sum.Losses = append(sum.Losses, FileLosses{Path: l.f.src.Path, Losses: l.loss})
			}
			if err := p.write(ctx, l, tenant, o.Allowance, sum); err != nil {
				if errors.Is(err, retrieval.ErrUnavailable) || ctx.Err() != nil {
					return err
				}
				sum.Failed = append(sum.Failed, Failure{Path: l.f.src.Path, Err: err})
			}
		}
		if o.Progress != nil {
			o.Progress(Progress{Files: len(files), FilesDone: i + 1, Chunks: sum.Chunks, Path: l.f.src.Path})
		}
	}
	return nil
}

// load parses and chunks one file.
func (p *Pipeline) load(ctx context.Context, f file, tenant string, o Options) (l loaded) {
	l.f = f
	max := o.MaxFileSize
	if max <= 0 {
		max = DefaultMaxFileSize
	}
	docs, err := loadFile(ctx, p.loaders, f.src, max, p.log)
	if err != nil {
		l.err = err
		return l
	}
	for _, d := range docs {
		l.loss = append(l.loss, d.Losses...)
		chunks := Chunk(d, tenant, o.Budget)
		if len(chunks) == 0 {
			l.loss = append(l.loss, Loss{Where: "document " + d.ID, Reason: "no text after parsing"})
			continue
		}
		l.docs = append(l.docs, retrieval.DocumentChunks{
			Document: retrieval.Document{ID: d.ID, Tenant: tenant, Kind: d.Kind, Title: d.Title, URL: d.URL, Lang: d.Lang,
				Source: f.src.Path, Hash: docHash(d, o.Budget), Meta: d.Meta},
			Chunks: chunks,
		})
	}
	if len(l.docs) == 0 {
		l.err = ErrEmpty
	}
	return l
}

// loadFile loads src with the loader of its extension, as ingestion does
// before chunking: a file over maxSize (when positive) is refused, a
// panicking parser is contained (and logged with its stack), and the
// documents get src's ID and the doc kind when the loader left them
// unset, a detected language, and Clean. No document is ErrEmpty.
func loadFile(ctx context.Context, loaders map[string]Loader, src Source, maxSize int64, log *slog.Logger) (docs []Document, err error) {
	defer func() {
		if r := recover(); r != nil {
			log.Error("loader panic", "path", src.Path, "panic", r, "stack", string(debug.Stack()))
			docs, err = nil, fmt.Errorf("%w: parser crashed: %v", ErrMalformed, r)
		}
	}()
	ext := strings.ToLower(filepath.Ext(src.Path))
	loader, ok := loaders[ext]
	if !ok {
		return nil, fmt.Errorf("%w %q (known: %s)", ErrUnsupported, ext, strings.Join(extensions(loaders), " "))
	}
	if maxSize > 0 && src.Size > maxSize {
		return nil, fmt.Errorf("%w: %d MB, the limit is %d MB", ErrTooLarge, src.Size>>20, maxSize>>20)
	}
	docs, err = loader.Load(ctx, src)
	if err != nil {
		return nil, err
	}
	if len(docs) == 0 {
		return nil, ErrEmpty
	}
	for i := range docs {
		d := &docs[i]
		if d.ID == "" {
			d.ID = src.ID
		}
		if d.Kind == "" {
			d.Kind = retrieval.KindDoc
		}
		if d.Lang == "" {
			d.Lang = detectDocLang(*d)
		}
		Clean(d)
	}
	return docs, nil
}

// extensions are the extensions loaders has a loader for, sorted.
func extensions(loaders map[string]Loader) []string {
	var exts []string
	for e := range loaders {
		exts = append(exts, e)
	}
	sort.Strings(exts)
	return exts
}

// chunkerVersion changes when chunking changes, so that unchanged files are
// re-chunked after an upgrade.
const chunkerVersion = "1"

func docHash(d Document, budget int) string {
	h := sha256.New()
	enc := json.NewEncoder(h)
	_ = enc.Encode([]any{chunkerVersion, budget, d.Kind, d.Title, d.URL, d.Lang, d.Meta, d.Sections}) // hashing never fails
	return hex.EncodeToString(h.Sum(nil))
}

func detectDocLang(d Document) string {
	var b strings.Builder
	b.WriteString(d.Title)
	for _, s := range d.Sections {
		for _, bl := range s.Blocks {
			if b.Len() > 4000 {
				break
			}
			b.WriteString(" " + bl.Text + " " + strings.Join(bl.Rows, " "))
		}
	}
	return retrieval.DetectLang(b.String())
}

// batchSize bounds documents per store write.
const batchSize = 500

// write stores a file's documents: unchanged ones are skipped by hash, the
// others replaced in batches, and documents this source no longer yields
// are deleted.
func (p *Pipeline) write(ctx context.Context, l loaded, tenant string, b *Allowance, sum *Summary) error {
	existing, err := p.store.Documents(ctx, retrieval.DocFilter{Tenant: tenant, Source: l.f.src.Path})
	if err != nil {
		return fmt.Errorf("list documents of %s: %w", l.f.src.Path, err)
	}
	old := make(map[string]retrieval.Document, len(existing))
	for _, d := range existing {
		if d.Source == l.f.src.Path {
			old[d.ID] = d
		}
	}
	var todo []retrieval.DocumentChunks
	var added, updated, chunks int
	produced := map[string]bool{}
	for _, dc := range l.docs {
		produced[dc.Document.ID] = true
		prev, ok := old[dc.Document.ID]
		if !ok {
			prev, err = p.store.Document(ctx, tenant, dc.Document.ID)
			ok = err == nil
			if err != nil && !errors.Is(err, retrieval.ErrNotFound) {
				return err
			}
		}
		if ok && prev.Source != dc.Document.Source && sourceExists(prev.Source) {
			return fmt.Errorf("%w: document %q already comes from %s; rename one of the files or delete that document first", ErrConflict, dc.Document.ID, prev.Source)
		}
		if ok && prev.Hash == dc.Document.Hash && prev.Source == dc.Document.Source && (p.embedder == nil || prev.DenseModel == p.embedder.Model()) {
			sum.Unchanged++
			continue
		}
		if ok {
			updated++
		} else {
			added++
		}
		chunks += len(dc.Chunks)
		todo = append(todo, dc)
	}
	var bytes int64
	for _, dc := range todo {
		for _, c := range dc.Chunks {
			bytes += int64(len(c.Text))
		}
	}
	if err := b.charge(added, chunks, bytes); err != nil {
		return err
	}
	if err := p.embed(ctx, todo); err != nil {
		return err
	}
	for start := 0; start < len(todo); start += batchSize {
		end := min(start+batchSize, len(todo))
		if err := p.replace(ctx, todo[start:end]); err != nil {
			return err
		}
	}
	sum.Added += added
	sum.Updated += updated
	sum.Chunks += chunks
	for id := range old {
		if !produced[id] {
			if err := p.store.DeleteDocument(ctx, tenant, id); err != nil && !errors.Is(err, retrieval.ErrNotFound) {
				return err
			}
			sum.Deleted++
		}
	}
	return nil
}

func (p *Pipeline) replace(ctx context.Context, docs []retrieval.DocumentChunks) error {
	if br, ok := p.store.(retrieval.BatchReplacer); ok {
		return br.ReplaceDocuments(ctx, docs)
	}
	for _, d := range docs {
		if err := p.store.ReplaceDocument(ctx, d.Document, d.Chunks); err != nil {
			return err
		}
	}
	return nil
}

// embedBatch bounds texts per embedding call.
const embedBatch = 64

func (p *Pipeline) embed(ctx context.Context, docs []retrieval.DocumentChunks) error {
	if p.embedder == nil {
		return nil
	}
	model := p.embedder.Model()
	var texts []string
	var refs []*retrieval.Chunk
	for i := range docs {
		docs[i].Document.DenseModel = model
		for j := range docs[i].Chunks {
			texts = append(texts, retrieval.IndexText(docs[i].Chunks[j]))
			refs = append(refs, &docs[i].Chunks[j])
		}
	}
	for start := 0; start < len(texts); start += embedBatch {
		end := min(start+embedBatch, len(texts))
		vecs, err := p.embedder.EmbedDocuments(ctx, texts[start:end])
		if err != nil {
			return fmt.Errorf("embed: %w", err)
		}
		if len(vecs) != end-start {
			return fmt.Errorf("embed: %d vectors for %d texts", len(vecs), end-start)
		}
		for i, v := range vecs {
			refs[start+i].Dense = v
		}
	}
	return nil
}

// prune deletes documents of the tenant whose source file is gone.
func (p *Pipeline) prune(ctx context.Context, o Options, sum *Summary) error {
	tenant := o.Tenant
	if tenant == "" {
		tenant = retrieval.DefaultTenant
	}
	return retrieval.EachDocument(ctx, p.store, retrieval.DocFilter{Tenant: tenant}, func(d retrieval.Document) error {
		if !filepath.IsAbs(d.Source) {
			return nil // an upload or another store's record: no file to check
		}
		if _, err := os.Stat(d.Source); errors.Is(err, fs.ErrNotExist) {
			if err := p.store.DeleteDocument(ctx, tenant, d.ID); err != nil && !errors.Is(err, retrieval.ErrNotFound) {
				return err
			}
			sum.Deleted++
		}
		return nil
	})
}

// Clean does to a loaded document what ingestion does before chunking,
// whatever the loader: the text becomes plain text (answers, quotes and
// citations are built from it and a widget inserts them as text), and a
// ticket's personal data is redacted (the ticket loaders redact too;
// redacting twice changes nothing). d.Kind must be set.
func Clean(d *Document) {
	plainDocument(d)
	if d.Kind == retrieval.KindTicket {
		mapText(d, redact.Text)
	}
}

// plainDocument removes markup from a document's text and drops links
// that are not http(s) or relative.
func plainDocument(d *Document) {
	mapText(d, markup.Strip)
	d.URL = markup.URL(d.URL)
	if len(d.Meta) > 0 {
		meta := make(map[string]string, len(d.Meta))
		for k, v := range d.Meta {
			meta[k] = markup.Strip(v)
		}
		d.Meta = meta
	}
}

// mapText replaces every text of d (title, headings, blocks, table rows)
// with f of it, without touching slices d shares with its loader.
func mapText(d *Document, f func(string) string) {
	d.Title = f(d.Title)
	sections := make([]Section, len(d.Sections))
	for i, sec := range d.Sections {
		heading := make([]string, len(sec.Heading))
		for j, h := range sec.Heading {
			heading[j] = f(h)
		}
		sec.Heading = heading
		sec.Blocks = append([]Block(nil), sec.Blocks...)
		for j, b := range sec.Blocks {
			b.Text = f(b.Text)
			b.Header = f(b.Header)
			rows := make([]string, len(b.Rows))
			for k, r := range b.Rows {
				rows[k] = f(r)
			}
			b.Rows = rows
			sec.Blocks[j] = b
		}
		sections[i] = sec
	}
	d.Sections = sections
}
