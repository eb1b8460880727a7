package eval

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/ingest"
	"github.com/answerdesk/answerdesk/retrieval"
)

// StoreOpener opens (creating when absent) a store kept in dir; the
// embedded store's Open is one. Eval stores are throwaway or cached copies,
// so the store must keep everything in dir.
type StoreOpener func(ctx context.Context, dir string) (retrieval.Store, error)

// Harness runs suites end to end: it ingests each suite's corpus into a
// store (throwaway, or cached by corpus hash), builds an Answerer over the
// store and asks every query.
type Harness struct {
	// OpenStore opens the store a suite is ingested into (required).
	OpenStore StoreOpener
	// Loaders parse the corpus files by extension (ingest.CoreLoaders plus
	// ingest/formats for docs/ folders of PDFs and other formats).
	Loaders map[string]ingest.Loader
	// Embedder embeds chunks at ingestion; nil for sparse only.
	Embedder ingest.Embedder
	// NewAnswerer builds the engine over a suite's store.
	NewAnswerer func(ctx context.Context, store retrieval.Store) (Answerer, error)
	// CacheDir, when set, keeps each corpus's index in CacheDir/HASH and
	// reuses it (HASH of the corpus, CacheKey and the running binary's
	// content); otherwise every run ingests into a temporary directory
	// that is removed afterwards.
	CacheDir string
	// CacheKey is mixed into the cache hash: anything besides the corpus
	// that changes the index (the embedding model, the chunk budget).
	CacheKey string
	// Docs, when set, is the knowledge base of every suite run (a folder of
	// documents or a corpus file) instead of each suite's own corpus: a
	// question set kept apart from the documents it asks about
	// (suite.LoadOver).
	Docs string
	// Without, when set, lists documents to leave out of every suite's
	// knowledge base, chosen rather than seeded (KnockOut): questions that
	// lose every relevant document become unanswerable. A document missing
	// from a suite's knowledge base is an error.
	Without []string
	// Knockout, when its Fraction is above 0, removes the relevant
	// documents of a seeded share of the answerable questions from each
	// suite's index and relabels those questions unanswerable.
	Knockout Knockout
	// AnswerKnockout, when its Fraction is above 0, cuts from each
	// suite's index the sentences that state the answers of a seeded share
	// of the answerable questions with answers (meta.answers), after
	// Knockout, and relabels those questions unanswerable.
	AnswerKnockout AnswerKnockout
	// Chat, when its Fraction is above 0, rewrites a seeded share of each
	// suite's questions as chat messages (greetings, context, thanks).
	Chat Chat
	// Email, when its Fraction is above 0, rewrites a seeded share of each
	// suite's questions as emails (a signature, a quoted earlier reply).
	Email Email
	// Prefetch, when set, is given every question of a suite before any is
	// asked (an embedding cache embeds them in batches).
	Prefetch func(ctx context.Context, questions []string) error
	// Options of each run.
	Options Options
	// Log receives ingestion warnings (discarded when nil).
	Log *slog.Logger
	// Phase, when set, is told when a suite starts ingesting and asking.
	Phase func(suite, phase string)
}

// SuiteRun is one suite's report and per-query results.
type SuiteRun struct {
	Suite   *Suite
	Report  SuiteReport
	Results []Result
}

// Run loads and runs each suite directory in turn.
func (h *Harness) Run(ctx context.Context, dirs ...string) ([]SuiteRun, error) {
	suites := make([]*Suite, 0, len(dirs))
	seen := map[string]string{}
	for _, d := range dirs {
		s, err := h.load(d)
		if err != nil {
			return nil, err
		}
		if prev, dup := seen[s.Name]; dup {
			return nil, fmt.Errorf("%w: two suites named %q (%s and %s)", ErrBadSuite, s.Name, prev, d)
		}
		seen[s.Name] = d
		suites = append(suites, s)
	}
	runs := make([]SuiteRun, 0, len(suites))
	for _, s := range suites {
		r, err := h.RunSuite(ctx, s)
		if err != nil {
			return nil, err
		}
		runs = append(runs, r)
	}
	return runs, nil
}

// load reads the suite in dir, over h.Docs when set, with h.Without
// knocked out.
func (h *Harness) load(dir string) (*Suite, error) {
	load := LoadSuite
	if h.Docs != "" {
		load = func(dir string) (*Suite, error) { return LoadSuiteOver(dir, h.Docs) }
	}
	s, err := load(dir)
	if err != nil || len(h.Without) == 0 {
		return s, err
	}
	return KnockOut(s, h.Without...), nil
}

// RunSuite ingests s's corpus and asks its queries.
func (h *Harness) RunSuite(ctx context.Context, s *Suite) (SuiteRun, error) {
	log := h.logger()
	phase := func(p string) {
		if h.Phase != nil {
			h.Phase(s.Name, p)
		}
	}
	if h.OpenStore == nil {
		return SuiteRun{}, fmt.Errorf("suite %s: eval harness without a store opener", s.Name)
	}
	hash, err := s.CorpusHash()
	if err != nil {
		return SuiteRun{}, fmt.Errorf("suite %s: %w", s.Name, err)
	}
	s, err = h.Chat.Apply(s)
	if err != nil {
		return SuiteRun{}, fmt.Errorf("suite %s: %w", s.Name, err)
	}
	s, err = h.Email.Apply(s)
	if err != nil {
		return SuiteRun{}, fmt.Errorf("suite %s: %w", s.Name, err)
	}
	s, knocked, err := h.Knockout.Apply(s)
	if err != nil {
		return SuiteRun{}, fmt.Errorf("suite %s: %w", s.Name, err)
	}
	cutSuite, cut, err := h.knockOutAnswers(s)
	if err != nil {
		return SuiteRun{}, fmt.Errorf("suite %s: %w", s.Name, err)
	}
	s = cutSuite
	// The documents of the suite's knowledge base left out by a document
	// split go with the knocked-out ones.
	knocked = append(knocked, s.Without...)
	phase("ingest")
	t0 := time.Now()
	store, cleanup, err := h.openStore(ctx, s, hash, len(knocked) > 0 || len(cut) > 0, log)
	if err != nil {
		return SuiteRun{}, fmt.Errorf("suite %s: %w", s.Name, err)
	}
	defer cleanup()
	for _, id := range h.Without {
		if err := store.DeleteDocument(ctx, tenantOr(h.Options.Tenant), id); errors.Is(err, retrieval.ErrNotFound) {
			return SuiteRun{}, fmt.Errorf("%w: suite %s: document %q to leave out is not in its knowledge base", ErrBadSuite, s.Name, id)
		} else if err != nil {
			return SuiteRun{}, fmt.Errorf("suite %s: remove document %s: %w", s.Name, id, err)
		}
	}
	searched, err := h.knockOut(ctx, store, s, knocked)
	if err != nil {
		return SuiteRun{}, fmt.Errorf("suite %s: remove documents (knock-out, split): %w", s.Name, err)
	}
	if err := h.cutAnswers(ctx, store, s, cut); err != nil {
		return SuiteRun{}, fmt.Errorf("suite %s: %w", s.Name, err)
	}
	ingestTime := time.Since(t0)
	docs, unknown, err := checkRelevant(ctx, store, s, tenantOr(h.Options.Tenant))
	if err != nil {
		return SuiteRun{}, fmt.Errorf("suite %s: %w", s.Name, err)
	}
	if len(unknown) > 0 {
		log.Warn("eval: relevant documents not in the corpus", "suite", s.Name, "count", len(unknown), "examples", unknown[:min(5, len(unknown))])
	}
	a, err := h.NewAnswerer(ctx, searched)
	if err != nil {
		return SuiteRun{}, fmt.Errorf("suite %s: engine: %w", s.Name, err)
	}
	if h.Prefetch != nil {
		phase("embed")
		texts := make([]string, len(s.Queries))
		for i, q := range s.Queries {
			texts[i] = q.Text
		}
		if err := h.Prefetch(ctx, texts); err != nil {
			return SuiteRun{}, fmt.Errorf("suite %s: embed questions: %w", s.Name, err)
		}
	}
	phase("ask")
	t1 := time.Now()
	results, err := Ask(ctx, s, a, h.Options)
	if err != nil {
		return SuiteRun{}, err
	}
	rep := Summarize(s.Name, results, h.Options.MaxFailures)
	rep.IngestSeconds = Metric(ingestTime.Seconds())
	rep.RunSeconds = Metric(time.Since(t1).Seconds())
	rep.CorpusHash = hash
	rep.Documents, rep.UnknownRelevant = docs, len(unknown)
	return SuiteRun{Suite: s, Report: rep, Results: results}, nil
}

func (h *Harness) logger() *slog.Logger {
	if h.Log == nil {
		return slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return h.Log
}

// deleteDocuments removes the knocked-out documents ids from a suite's
// store; one already absent is not an error.
func deleteDocuments(ctx context.Context, st retrieval.Store, tenant string, ids []string) error {
	for _, id := range ids {
		if err := st.DeleteDocument(ctx, tenant, id); err != nil && !errors.Is(err, retrieval.ErrNotFound) {
			return err
		}
	}
	return nil
}

// knockOut removes the documents knocked (a knock-out's and a document
// split's, s.Without) from a suite's store and returns the store to search:
// with h.Knockout.KeepVocabulary the knock-out's documents are hidden from
// its searches instead (hidingStore), the split's still deleted.
func (h *Harness) knockOut(ctx context.Context, st retrieval.Store, s *Suite, knocked []string) (retrieval.Store, error) {
	tenant := tenantOr(h.Options.Tenant)
	if !h.Knockout.KeepVocabulary {
		return st, deleteDocuments(ctx, st, tenant, knocked)
	}
	split := make(map[string]bool, len(s.Without))
	for _, id := range s.Without {
		split[id] = true
	}
	var hidden []string
	for _, id := range knocked {
		if !split[id] {
			hidden = append(hidden, id)
		}
	}
	return hideDocuments(st, hidden), deleteDocuments(ctx, st, tenant, s.Without)
}

// cacheKey is the name of a corpus's cached index: a hash of the corpus's
// hash, what else changes the index (Harness.CacheKey) and the binary that
// builds it (binaryID).
func cacheKey(corpus, extra, binary string) string {
	return fmt.Sprintf("%x", sha256Sum(corpus+"\x00"+extra+"\x00"+binary))
}

// binaryID identifies the running binary by its content: a cached index is
// what this binary's ingestion (loaders, chunking, analyzer) made of the
// corpus, so another binary — a change to chunking, say — must not reuse it.
// "" when the executable cannot be read: the cache is then keyed by the
// corpus and CacheKey alone.
var binaryID = sync.OnceValue(func() string {
	path, err := os.Executable()
	if err != nil {
		return ""
	}
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sum := sha256.New()
	if _, err := io.Copy(sum, f); err != nil {
		return ""
	}
	return fmt.Sprintf("%x", sum.Sum(nil))
})

// cacheMarker marks a cached index as complete.
const cacheMarker = "COMPLETE"

// openStore returns s's index: a throwaway one, or the cached one. With
// scratch (a knock-out will delete from it), a cached index is copied to a
// throwaway directory first, so that the cache keeps the whole corpus.
func (h *Harness) openStore(ctx context.Context, s *Suite, hash string, scratch bool, log *slog.Logger) (retrieval.Store, func(), error) {
	if h.CacheDir != "" {
		key := cacheKey(hash, h.CacheKey, binaryID())
		dir := filepath.Join(h.CacheDir, key[:24])
		if _, err := os.Stat(filepath.Join(dir, cacheMarker)); err != nil {
			if err := h.buildCache(ctx, s, dir, log); err != nil {
				return nil, nil, err
			}
		} else {
			log.Info("eval: reusing cached index", "suite", s.Name, "dir", dir)
		}
		if !scratch {
			st, err := h.OpenStore(ctx, dir)
			if err != nil {
				return nil, nil, fmt.Errorf("open cached index: %w", err)
			}
			return st, func() { st.Close() }, nil
		}
		tmp, err := os.MkdirTemp("", "answerdesk-eval-")
		if err != nil {
			return nil, nil, fmt.Errorf("throwaway index: %w", err)
		}
		if err := copyDir(dir, tmp); err != nil {
			os.RemoveAll(tmp)
			return nil, nil, fmt.Errorf("copy cached index: %w", err)
		}
		st, err := h.OpenStore(ctx, tmp)
		if err != nil {
			os.RemoveAll(tmp)
			return nil, nil, fmt.Errorf("open cached index: %w", err)
		}
		return st, func() { st.Close(); os.RemoveAll(tmp) }, nil
	}
	tmp, err := os.MkdirTemp("", "answerdesk-eval-")
	if err != nil {
		return nil, nil, fmt.Errorf("throwaway index: %w", err)
	}
	st, err := h.ingestOpen(ctx, s, tmp, log)
	if err != nil {
		os.RemoveAll(tmp)
		return nil, nil, err
	}
	return st, func() { st.Close(); os.RemoveAll(tmp) }, nil
}

// buildCache ingests s into dir, atomically: in a temporary directory
// renamed into place once complete.
func (h *Harness) buildCache(ctx context.Context, s *Suite, dir string, log *slog.Logger) error {
	if err := os.MkdirAll(h.CacheDir, 0o750); err != nil {
		return fmt.Errorf("index cache: %w", err)
	}
	tmp, err := os.MkdirTemp(h.CacheDir, ".building-")
	if err != nil {
		return fmt.Errorf("index cache: %w", err)
	}
	if err := h.ingest(ctx, s, tmp, log); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	if err := os.WriteFile(filepath.Join(tmp, cacheMarker), []byte(s.Corpus+"\n"), 0o640); err != nil {
		os.RemoveAll(tmp)
		return fmt.Errorf("index cache: %w", err)
	}
	os.RemoveAll(dir) // an incomplete leftover
	if err := os.Rename(tmp, dir); err != nil {
		os.RemoveAll(tmp)
		return fmt.Errorf("index cache: %w", err)
	}
	return nil
}

// copyDir copies the regular files of src (a closed store's directory,
// flat) into dst.
func copyDir(src, dst string) error {
	ents, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	for _, e := range ents {
		if !e.Type().IsRegular() {
			continue
		}
		if err := copyFile(filepath.Join(src, e.Name()), filepath.Join(dst, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// ingest builds the index of s in dir and closes it.
func (h *Harness) ingest(ctx context.Context, s *Suite, dir string, log *slog.Logger) error {
	st, err := h.ingestOpen(ctx, s, dir, log)
	if err != nil {
		return err
	}
	return st.Close()
}

// ingestOpen ingests s's corpus into a store in dir. Files that fail are
// logged; a corpus of which nothing could be ingested is an error.
func (h *Harness) ingestOpen(ctx context.Context, s *Suite, dir string, log *slog.Logger) (retrieval.Store, error) {
	st, err := h.OpenStore(ctx, dir)
	if err != nil {
		return nil, err
	}
	p := ingest.NewPipeline(st, h.Loaders, h.Embedder, log)
	sum, err := p.IngestPaths(ctx, []string{s.Corpus}, ingest.Options{Tenant: tenantOr(h.Options.Tenant)})
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("ingest %s: %w", s.Corpus, err)
	}
	for _, f := range sum.Failed {
		log.Warn("eval: corpus file not ingested", "suite", s.Name, "path", f.Path, "err", f.Err)
	}
	if sum.Added+sum.Updated+sum.Unchanged == 0 {
		st.Close()
		msgs := []string{fmt.Sprintf("%d files failed, %d had no loader", len(sum.Failed), len(sum.Skipped))}
		for _, f := range sum.Failed[:min(3, len(sum.Failed))] {
			msgs = append(msgs, fmt.Sprintf("%s: %v", f.Path, f.Err))
		}
		return nil, fmt.Errorf("%w: ingest %s: no document ingested (%s)", ErrBadSuite, s.Corpus, strings.Join(msgs, "; "))
	}
	return st, nil
}

// checkRelevant returns the number of documents in the store and the
// relevant ids of s's queries that are not among them (sorted, each once).
// A suite none of whose relevant ids is in the corpus has ids of another
// scheme (a docs/ path instead of a corpus id, say): that is an error, since
// every retrieval metric would be 0.
func checkRelevant(ctx context.Context, st retrieval.Store, s *Suite, tenant string) (int, []string, error) {
	docs, err := st.Documents(ctx, retrieval.DocFilter{Tenant: tenant})
	if err != nil {
		return 0, nil, fmt.Errorf("list documents: %w", err)
	}
	have := make(map[string]bool, len(docs))
	for _, d := range docs {
		have[d.ID] = true
	}
	seen := map[string]bool{}
	var unknown []string
	total := 0
	for _, q := range s.Queries {
		for _, id := range q.Relevant {
			if seen[id] {
				continue
			}
			seen[id] = true
			total++
			if !have[id] {
				unknown = append(unknown, id)
			}
		}
	}
	sort.Strings(unknown)
	if total > 0 && len(unknown) == total {
		example := ""
		if len(docs) > 0 {
			example = fmt.Sprintf(" (the corpus has ids like %q)", docs[0].ID)
		}
		return 0, nil, fmt.Errorf("%w: none of the %d relevant documents is in the corpus, e.g. %q%s", ErrBadSuite, total, unknown[0], example)
	}
	return len(docs), unknown, nil
}

func tenantOr(t string) string {
	if t == "" {
		return retrieval.DefaultTenant
	}
	return t
}

// NullTickets is a TicketWriter that only numbers tickets: an eval's
// escalations need an id, not a queue.
type NullTickets struct{}

// CreateTicket returns t with an id derived from its conversation.
func (NullTickets) CreateTicket(ctx context.Context, t answer.Ticket) (answer.Ticket, error) {
	if err := ctx.Err(); err != nil {
		return answer.Ticket{}, err
	}
	t.ID = "eval-" + t.ConversationID
	return t, nil
}

var _ answer.TicketWriter = NullTickets{}

func sha256Sum(s string) [32]byte { return sha256.Sum256([]byte(s)) }
