package bench

import (
	"bufio"
	"compress/gzip"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"
)

// CorpusVersion changes whenever the corpus builder would produce different
// passages, so that stale caches are not reused.
const CorpusVersion = 3

// Passage is one retrievable unit of a man page.
type Passage struct {
	Page    int    // index into Corpus.Pages
	Heading string // section heading path, "OPTIONS" or "DESCRIPTION › Flags"
	Text    string
}

// Page is one man page of the corpus.
type Page struct {
	ID    string // path under the man root without .gz, "man1/ls.1"
	Title string // "ls(1)"
	// Query is the page's one-line NAME description, "list directory
	// contents"; the page is its answer. Empty when the page has none.
	Query string
}

// Corpus is a man-page passage corpus with its queries.
type Corpus struct {
	Root     string
	Pages    []Page
	Passages []Passage
	Bytes    int64 // total passage text bytes
}

// Options shape a corpus.
type Options struct {
	// MaxPassages caps the corpus; pages are taken in a fixed pseudo-random
	// order until the cap is reached (0 = every page).
	MaxPassages int
	// MinWords and MaxWords bound a passage: short paragraphs of one section
	// are merged up to MinWords, long ones are cut at MaxWords.
	MinWords, MaxWords int
	// Exclude drops pages whose file name starts with one of these prefixes.
	// nil means DefaultExclude; use an empty non-nil slice to keep every page.
	Exclude []string
}

// DefaultExclude drops the 16,631 generated google-cloud-cli pages
// (gcloud_*): one CLI whose pages repeat the same flag boilerplate would
// otherwise be three quarters of the corpus.
var DefaultExclude = []string{"gcloud"}

func (o Options) withDefaults() Options {
	if o.MinWords <= 0 {
		o.MinWords = 40
	}
	if o.MaxWords <= o.MinWords {
		o.MaxWords = max(160, 2*o.MinWords)
	}
	if o.Exclude == nil {
		o.Exclude = DefaultExclude
	}
	return o
}

// ErrTooFewPages means the man root holds too few pages to build a corpus.
var ErrTooFewPages = errors.New("too few man pages")

// listPages returns the regular gzip'd files of the English man sections
// (root/man*/), sorted. Symbolic links are aliases and are skipped.
func listPages(root string, exclude []string) ([]string, error) {
	dirs, err := filepath.Glob(filepath.Join(root, "man*"))
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", root, err)
	}
	var files []string
	for _, d := range dirs {
		ents, err := os.ReadDir(d)
		if err != nil {
			continue
		}
		for _, e := range ents {
			if !e.Type().IsRegular() || !strings.HasSuffix(e.Name(), ".gz") {
				continue
			}
			if slices.ContainsFunc(exclude, func(p string) bool { return strings.HasPrefix(e.Name(), p) }) {
				continue
			}
			rel, _ := filepath.Rel(root, filepath.Join(d, e.Name()))
			files = append(files, rel)
		}
	}
	slices.Sort(files)
	return files, nil
}

// cacheKey identifies a corpus built from root with opts. It deliberately
// ignores the installed pages themselves: a benchmark series must keep
// measuring the same corpus even when packages are installed in between.
// Delete the cache directory to rebuild from the pages installed now.
func cacheKey(root string, opts Options) string {
	h := sha256.New()
	fmt.Fprintf(h, "v%d %s %+v\n", CorpusVersion, root, opts)
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// LoadCorpus returns the corpus of the man pages under root (normally
// /usr/share/man), reading it from cacheDir when a corpus of the same root
// and options was cached there, building and caching it otherwise. An empty
// cacheDir disables the cache. The cache is not invalidated when pages are
// installed or removed (see cacheKey).
func LoadCorpus(root, cacheDir string, opts Options) (*Corpus, error) {
	opts = opts.withDefaults()
	var path string
	if cacheDir != "" {
		path = filepath.Join(cacheDir, "manpages-"+cacheKey(root, opts)+".gob")
		if c, err := readCache(path); err == nil {
			return c, nil
		}
	}
	files, err := listPages(root, opts.Exclude)
	if err != nil {
		return nil, err
	}
	if len(files) < 100 {
		return nil, fmt.Errorf("%w: %d under %s", ErrTooFewPages, len(files), root)
	}
	c, err := build(root, files, opts)
	if err != nil {
		return nil, err
	}
	if path != "" {
		if err := writeCache(path, c); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func readCache(path string) (*Corpus, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var c Corpus
	if err := gob.NewDecoder(bufio.NewReaderSize(f, 1<<20)).Decode(&c); err != nil {
		return nil, fmt.Errorf("read corpus cache %s: %w", path, err)
	}
	return &c, nil
}

// writeCache writes the corpus to path atomically (temp file and rename).
func writeCache(path string, c *Corpus) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return fmt.Errorf("corpus cache: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".manpages-*")
	if err != nil {
		return fmt.Errorf("corpus cache: %w", err)
	}
	w := bufio.NewWriterSize(tmp, 1<<20)
	err = gob.NewEncoder(w).Encode(c)
	if err == nil {
		err = w.Flush()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write corpus cache %s: %w", path, err)
	}
	return nil
}

// build parses every page, then takes pages in an order fixed by a hash of
// their path (so a cap samples all sections and packages alike) until
// MaxPassages is reached. Pages keep their sorted order in the result.
func build(root string, files []string, opts Options) (*Corpus, error) {
	type parsed struct {
		page     Page
		passages []Passage
		order    string
	}
	var all []parsed
	for _, f := range files {
		p, ok, err := parsePage(filepath.Join(root, f), f, opts)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		sum := sha256.Sum256([]byte(f))
		all = append(all, parsed{page: p.page, passages: p.passages, order: hex.EncodeToString(sum[:8])})
	}
	if opts.MaxPassages > 0 {
		byHash := slices.Clone(all)
		slices.SortFunc(byHash, func(a, b parsed) int { return strings.Compare(a.order, b.order) })
		keep := map[string]bool{}
		n := 0
		for _, p := range byHash {
			if n+len(p.passages) > opts.MaxPassages {
				break
			}
			keep[p.page.ID] = true
			n += len(p.passages)
		}
		all = slices.DeleteFunc(all, func(p parsed) bool { return !keep[p.page.ID] })
	}
	c := &Corpus{Root: root}
	for _, p := range all {
		i := len(c.Pages)
		c.Pages = append(c.Pages, p.page)
		for _, ps := range p.passages {
			ps.Page = i
			c.Passages = append(c.Passages, ps)
			c.Bytes += int64(len(ps.Text))
		}
	}
	return c, nil
}

type parsedPage struct {
	page     Page
	passages []Passage
}

// parsePage reads one gzip'd page. ok is false for pages that are only a
// .so redirect or have no text; a page that cannot be read is an error.
func parsePage(path, rel string, opts Options) (parsedPage, bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return parsedPage{}, false, fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		// Not gzip after all: skip rather than fail the whole corpus.
		return parsedPage{}, false, nil
	}
	raw, err := io.ReadAll(io.LimitReader(zr, 16<<20))
	if err != nil {
		return parsedPage{}, false, nil
	}
	src := string(raw)
	if !utf8.ValidString(src) {
		src = latin1(raw)
	}
	if isRedirect(src) {
		return parsedPage{}, false, nil
	}
	secs := parseRoff(src)
	name := strings.TrimSuffix(filepath.Base(rel), ".gz")
	title := name
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		title = name[:i] + "(" + name[i+1:] + ")"
	}
	pp := parsedPage{page: Page{ID: strings.TrimSuffix(rel, ".gz"), Title: title}}
	for _, s := range secs {
		if s.heading == "" {
			continue // before the first .SH: leftovers of macro definitions
		}
		if strings.EqualFold(s.heading, "NAME") || strings.EqualFold(s.heading, "NAZWA") {
			if len(s.paras) > 0 && pp.page.Query == "" {
				_, desc := splitName(strings.Join(s.paras, " "))
				if len(strings.Fields(desc)) >= 2 {
					pp.page.Query = desc
				}
			}
			// The NAME line is the query: indexing it would make every
			// query an exact-phrase lookup.
			continue
		}
		for _, text := range passages(s.paras, opts) {
			pp.passages = append(pp.passages, Passage{Heading: s.heading, Text: text})
		}
	}
	if len(pp.passages) == 0 {
		return parsedPage{}, false, nil
	}
	return pp, true, nil
}

// passages merges a section's short paragraphs up to MinWords and cuts long
// ones at MaxWords.
func passages(paras []string, opts Options) []string {
	var out, cur []string
	for _, p := range paras {
		words := strings.Fields(p)
		for len(words) > opts.MaxWords {
			cut := opts.MaxWords
			if len(words)-cut < opts.MinWords/2 {
				cut = len(words) / 2
			}
			cur = append(cur, words[:cut]...)
			if len(cur) >= opts.MinWords {
				out = append(out, strings.Join(cur, " "))
				cur = cur[:0]
			}
			words = words[cut:]
		}
		cur = append(cur, words...)
		if len(cur) >= opts.MinWords {
			out = append(out, strings.Join(cur, " "))
			cur = cur[:0]
		}
	}
	if len(cur) > 0 {
		if len(out) > 0 && len(cur) < opts.MinWords/4 {
			out[len(out)-1] += " " + strings.Join(cur, " ")
		} else {
			out = append(out, strings.Join(cur, " "))
		}
	}
	return out
}

func isRedirect(src string) bool {
	for _, line := range strings.SplitN(src, "\n", 20) {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, `.\"`) || strings.HasPrefix(t, `'\"`) {
			continue
		}
		return strings.HasPrefix(t, ".so ")
	}
	return false
}

func latin1(b []byte) string {
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

// Relevant returns, for each page with a query, the indexes of every page
// sharing that query text (case-insensitively): aliases such as gzip(1) and
// gunzip(1), or a Linux and a FreeBSD page of one system call, answer the
// same description, and finding either one is not a miss.
func (c *Corpus) Relevant() map[int][]int {
	byQuery := map[string][]int{}
	for i, p := range c.Pages {
		if p.Query != "" {
			byQuery[strings.ToLower(p.Query)] = append(byQuery[strings.ToLower(p.Query)], i)
		}
	}
	rel := map[int][]int{}
	for i, p := range c.Pages {
		if p.Query != "" {
			rel[i] = byQuery[strings.ToLower(p.Query)]
		}
	}
	return rel
}
