package answer

import (
	"go.opentelemetry.io/otel/attribute"

	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/answerdesk/answerdesk/ingest/markup"
	"github.com/answerdesk/answerdesk/ingest/redact"
	"github.com/answerdesk/answerdesk/retrieval"
)

// Retriever ranks passages for a query; retrieval.Store satisfies it.
type Retriever interface {
	Search(ctx context.Context, q retrieval.Query) (retrieval.Result, error)
}

var _ Retriever = retrieval.Store(nil)

// Deps are the engine's collaborators. Retriever and Tickets are required.
type Deps struct {
	Retriever Retriever
	Tickets   TicketWriter
	// Conversations, when set, keeps the turns of conversations.
	Conversations Conversations
	// Generator, when set, writes answers; otherwise they are extractive.
	Generator Generator
	// Rewriter, when set, makes follow-ups standalone; otherwise (and when
	// it fails) a heuristic does.
	Rewriter Rewriter
	// Embedder, when set, embeds questions for hybrid retrieval (and the
	// intent model's embedding head). When it is a PassageEmbedder too, a
	// cross-language answer quotes the sentences nearest the question.
	Embedder QueryEmbedder
	// Intents, when set, labels questions with the tenant's trained intent
	// model; the keyword intents of the config remain the fallback.
	Intents IntentClassifier
	// Handoffs, when set, hands conversations over: after an escalation,
	// the customer's messages go to the open ticket, unanswered, until the
	// ticket is solved or closed.
	Handoffs Handoffs
	// Verdicts, when set, records "that helped" / "that did not help"
	// typed in the chat as feedback on the conversation's last answer.
	Verdicts VerdictRecorder
	Logger   *slog.Logger
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// Engine answers questions or escalates them. It is safe for concurrent use.
type Engine struct {
	cfg    Config
	deps   Deps
	log    *slog.Logger
	now    func() time.Time
	triage *triager
	cache  *passageCache
	titles *titleCache
	// screened caches whether passages address the assistant.
	screened *screenCache
}

// newID returns a new answer or conversation id: a UUID of version 7 (the
// time in milliseconds, then 74 random bits), so that the ids of answers
// logged one after the other sort together and the answer log's primary
// key and conversation index take them at their last page instead of a
// random one (a group commit then writes a few index pages, not one per
// answer).
func newID() string {
	return uuid.Must(uuid.NewV7()).String() // crypto/rand never fails on supported platforms
}

// passageCacheBytes bounds the memory of the analyzed passages kept
// between requests (passageCache): 192 MiB holds about 32,000 man-page
// passages (about 6 KB each analyzed, 350 bytes of text), the ~28,000
// that the 2,783 questions of `bench manpages` retrieve from a store of
// 100,000; 8,192 passages, the bound before, missed on most of them.
const passageCacheBytes = 192 << 20

// durableTimeout bounds writing an escalation's ticket and conversation
// turn once the customer's request has ended: long enough for a busy
// database, short enough that a stuck one does not pile up goroutines.
const durableTimeout = 15 * time.Second

// maxConversationID bounds a conversation id.
const maxConversationID = 128

// New builds an engine; cfg's zero fields take DefaultConfig's values.
func New(cfg Config, deps Deps) (*Engine, error) {
	if deps.Retriever == nil {
		return nil, errors.New("answer engine: no retriever")
	}
	if deps.Tickets == nil {
		return nil, errors.New("answer engine: no ticket writer")
	}
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("answer engine: %w", err)
	}
	e := &Engine{cfg: cfg, deps: deps, log: deps.Logger, now: deps.Now, triage: newTriager(cfg),
		cache: newPassageCache(passageCacheBytes), titles: newTitleCache(titleCacheSize),
		screened: newScreenCache(screenCacheSize)}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	if e.now == nil {
		e.now = time.Now
	}
	return e, nil
}

// Config returns the engine's effective configuration.
func (e *Engine) Config() Config { return e.cfg }

// Answer answers req or escalates it. Errors: ErrInvalidRequest (wrapped)
// for a bad request; otherwise only failures that left no ticket behind
// (the ticket writer failed, the context ended) — an unreachable index is
// an escalation, not an error.
func (e *Engine) Answer(ctx context.Context, req Request) (Answer, error) {
	return e.Stream(ctx, req, nil)
}

// Stream is Answer reporting progress to emit (which may be nil): status
// events as stages start, then the answer text in deltas once it is final
// (never for an escalation), then the final Answer. emit is called from the
// calling goroutine.
func (e *Engine) Stream(ctx context.Context, req Request, emit func(Event)) (Answer, error) {
	if emit == nil {
		emit = func(Event) {}
	}
	start := e.now()
	if err := e.validate(&req); err != nil {
		return Answer{}, err
	}
	a := Answer{ID: newID(), ConversationID: req.ConversationID, Question: req.Question, CustomerID: req.Customer["id"],
		Threshold: e.cfg.Confidence.Threshold, Created: start}
	if a.ConversationID == "" {
		a.ConversationID = newID()
	}

	emit(Event{Type: EventStatus, Stage: StageTriage})
	// The question is analyzed once; the analysis goes to triage, the
	// follow-up heuristic, the store and the composer. A rewritten
	// (standalone) question is another text, analyzed once more.
	tctx, tsp := startSpan(ctx, "answer.triage")
	// An email's quoted thread and signature are not the question.
	asked := latestMessage(req.Question)
	question := analyzeText(asked)
	tr := e.triage.classify(question, req.Lang)
	// A case's number may be in the quoted thread or a forwarded
	// confirmation: the whole message is searched.
	tr.Cases = e.triage.cases.find(markup.Strip(req.Question))
	if req.Draft {
		req.ConversationID = ""
	} else if done, err := e.handover(ctx, req, &a, tr.Lang); done || err != nil {
		endSpan(tsp, err)
		if err != nil {
			return Answer{}, err
		}
		a.Timings.Total = e.now().Sub(start)
		e.log.InfoContext(ctx, "answer", "answer", a.ID, "tenant", req.Tenant, "channel", req.Channel, "decision", a.Decision,
			"lang", a.Lang, "ticket", a.TicketID, "total", a.Timings.Total)
		final := a
		emit(Event{Type: EventFinal, Answer: &final})
		return a, nil
	}
	// A person has not the conversation: small talk gets a reply, not a
	// search and a ticket.
	if act := classifyAct(asked); act != ActNone && !req.Draft {
		endSpan(tsp, nil)
		return e.reply(ctx, req, a, act, emit), nil
	}
	history := e.history(tctx, req.Tenant, req.ConversationID)
	sq, askLang := e.standalone(tctx, history, question)
	standalone := sq.text
	if askLang != "" {
		tr.Lang = askLang
	}
	// embed fails only when the request's context ended: the customer
	// left. When triage has already decided to escalate (a person asked
	// for, a topic, anger), the ticket is still written, from sparse
	// retrieval as when retrieval fails below; with nothing decided,
	// nothing is kept.
	vec, err := e.embed(tctx, standalone)
	if err != nil && e.triageReason(req, tr) == "" {
		endSpan(tsp, err)
		return Answer{}, err
	}
	e.classify(tctx, req.Tenant, sq, vec, &tr)
	a.Standalone, a.Lang, a.Intent, a.IntentScore, a.Sentiment = standalone, tr.Lang, tr.Intent, tr.IntentScore, tr.Sentiment
	a.Timings.Triage = e.now().Sub(start)
	tsp.SetAttributes(attribute.String("answerdesk.lang", tr.Lang), attribute.String("answerdesk.intent", tr.Intent),
		attribute.String("answerdesk.sentiment", tr.Sentiment))
	endSpan(tsp, nil)

	reason := e.triageReason(req, tr)

	// Retrieve even when triage already decided, so that the ticket carries
	// what the engine would have answered.
	emit(Event{Type: EventStatus, Stage: StageRetrieve})
	t0 := e.now()
	res, err := e.retrieve(ctx, req.Tenant, sq, req.Lang, vec)
	a.Timings.Retrieve = e.now().Sub(t0)
	if err != nil {
		if ctx.Err() != nil && reason == "" {
			return Answer{}, ctx.Err()
		}
		if ctx.Err() == nil && !errors.Is(err, retrieval.ErrUnavailable) {
			return Answer{}, fmt.Errorf("answer: retrieve: %w", err)
		}
		if ctx.Err() == nil {
			e.log.WarnContext(ctx, "retrieval unavailable; escalating", "answer", a.ID, "tenant", req.Tenant, "err", err)
		}
		if reason == "" {
			reason = ReasonRetrievalUnavailable
		}
	}
	ps := newPassages(e.cache)
	whole := newQuery(sq, res)
	var focus query
	var focused bool
	if err == nil {
		focus, focused = focusQuery(standalone, whole, preferLang(res.Hits, tr.Lang), ps)
	}
	if len(res.Hits) > 0 { // none: nil, as before
		a.Hits = make([]HitSummary, 0, len(res.Hits))
	}
	for _, h := range res.Hits {
		a.Hits = append(a.Hits, HitSummary{ChunkID: h.ID, DocumentID: h.DocumentID, Title: h.Title,
			Score: h.Score, SparseScore: h.SparseScore, DenseScore: h.DenseScore})
	}

	// The screen runs before both answer paths: neither the extractive
	// composer nor the Generator sees a passage it refused.
	all := res
	var unsafe []retrieval.Hit
	res.Hits, unsafe = e.screen(req.Tenant, res.Hits)
	q := whole
	if focused {
		q = focus
	} else {
		whole = query{}
	}
	hits := preferLang(res.Hits, tr.Lang)
	anchors := anchorsOf(standalone, tr.Lang)
	var c composed
	var ok bool
	var sents sentenceScores
	if crossLanguage(hits, tr.Lang) {
		// No passage in the customer's language: quote the best one in
		// another language, which shares no words to extract by.
		sents = sentenceScores{chunk: hits[0].ID, cos: e.sentenceCosines(ctx, hits[0], vec, ps)}
		c, ok = composeCross(hits, anchors, sents.cos, e.cfg.MaxSentences, ps)
	} else {
		c, ok = extract(hits, q, e.cfg.MaxSentences, ps)
	}
	var gen *Generation
	// With a Generator, the top passages go to the model even when the
	// extractive step found no overlap (a paraphrase, a question in another
	// language than the passage); its answer is verified all the same.
	useLLM := e.deps.Generator != nil && len(hits) > 0
	if !ok && reason == "" && err == nil && !useLLM {
		reason = ReasonNoEvidence
	}
	if useLLM && reason == "" {
		emit(Event{Type: EventStatus, Stage: StageGenerate})
		t1 := e.now()
		recent := history
		if len(recent) > e.cfg.HistoryTurns {
			recent = recent[len(recent)-e.cfg.HistoryTurns:]
		}
		g, gerr := e.generate(ctx, hits, standalone, tr.Lang, recent)
		a.Timings.Generate = e.now().Sub(t1)
		switch {
		case gerr != nil && ctx.Err() != nil:
			return Answer{}, ctx.Err()
		case gerr != nil:
			e.log.WarnContext(ctx, "generator failed", "answer", a.ID, "err", gerr, "fallback", !e.cfg.EscalateOnLLMError)
			switch {
			case e.cfg.EscalateOnLLMError:
				reason = ReasonLLMUnavailable
			case !ok:
				reason = ReasonNoEvidence
			}
		case g.gen.Abstained || strings.TrimSpace(g.gen.Text) == "" || len(g.gen.Cited) == 0 || g.gen.SupportRatio < e.cfg.MinSupport:
			gen = &g.gen
			reason = ReasonGroundingFailed
		default:
			gen = &g.gen
			c, ok = g.composed, true
		}
	}

	vetoed := false
	if err == nil {
		var cited *retrieval.Hit
		if len(c.cited) > 0 {
			cited = &c.cited[0]
		}
		model, cross := e.cfg.confidenceFor(res, cited, tr.Lang)
		in := featureInput{res: res, q: q, whole: whole, c: c, tr: tr, gen: gen, lang: tr.Lang, qLength: q.all, ps: ps, asked: q.asked, anchors: anchors, sentences: sents,
			askedType: askedType(standalone), action: askedAction(standalone), sibling: newSiblingQuestion(sq)}
		a.CrossLanguage = cross
		if cross {
			a.Features = crossFeatures(in)
		} else {
			a.Features = computeFeatures(in)
		}
		a.Threshold = model.Threshold
		a.Confidence = model.Probability(a.Features)
		vetoed = model.Vetoed(a.Features)
		if !ok {
			a.Confidence = 0 // nothing to answer with
		}
		if reason == "" && a.Confidence < model.Threshold {
			reason = ReasonLowConfidence
		}
		if reason == "" && cross && gen == nil && !e.cfg.CrossLanguageQuotes {
			reason = ReasonCrossLanguage
		}
		if (reason == ReasonLowConfidence || reason == ReasonNoEvidence) && len(unsafe) > 0 &&
			e.needsUnsafe(all, unsafe, q, tr, ps) {
			reason = ReasonUnsafeContent
			e.log.WarnContext(ctx, "passages refused by the screen", "answer", a.ID, "tenant", req.Tenant, "passages", len(unsafe))
		}
	}
	text, deltas := "", []string(nil)
	if ok {
		deltas = c.deltas(tr.Lang)
		if n := e.sourceNotice(tr.Lang, c); n != "" {
			// Quoted sentences keep their own language's spacing.
			deltas = append([]string{n + "\n"}, c.deltas(c.cited[0].Lang)...)
		}
		text = strings.Join(deltas, "")
	}

	if reason == "" {
		a.Decision = Answered
		a.Text = text
		a.Citations = c.citations
		for _, d := range deltas {
			emit(Event{Type: EventDelta, Delta: d})
		}
	} else if req.Draft {
		a.Decision, a.Reason = Escalated, reason
		a.Attempted, a.AttemptedCitations = text, c.citations
	} else {
		emit(Event{Type: EventStatus, Stage: StageEscalate})
		a.Decision, a.Reason = Escalated, reason
		a.Attempted, a.AttemptedCitations = text, c.citations
		a.Articles = e.articles(hits, tr.Lang, reason, a.Confidence, vetoed)
		// The decision is made: the ticket and the conversation turn are
		// written even when the customer has gone (closed the chat tab), on
		// a context of their own.
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), durableTimeout)
		defer cancel()
		ctx = dctx
		tk, err := e.escalate(ctx, req, &a, tr, history, text, c.citations)
		if err != nil {
			return Answer{}, err
		}
		a.TicketID, a.Priority, a.Queue = tk.ID, tk.Priority, tk.Queue
		a.Notice = e.notice(tr.Lang, tk.ID)
	}
	if !req.Draft {
		e.record(ctx, req, a)
	}
	a.Timings.Total = e.now().Sub(start)
	logAnswer(ctx, e.log, req, a)
	if e.log.Enabled(ctx, slog.LevelDebug) {
		e.log.DebugContext(ctx, "answer question", "answer", a.ID, "question", truncate(redact.Text(req.Question), 200),
			"standalone", truncate(redact.Text(standalone), 200))
	}
	final := a
	emit(Event{Type: EventFinal, Answer: &final})
	return a, nil
}

// triageReason is the reason triage alone gives to escalate, before any
// retrieval: "" when it gives none.
func (e *Engine) triageReason(req Request, tr Triage) Reason {
	switch {
	case req.Draft: // the agent asked: triage's reasons to escalate are moot
		return ""
	case tr.HumanRequested:
		return ReasonHumanRequested
	case tr.Topic != "":
		return ReasonSensitiveTopic
	case tr.Sentiment == SentimentAngry && e.cfg.EscalateSentiment != "never",
		tr.Sentiment == SentimentNegative && e.cfg.EscalateSentiment == "negative":
		return ReasonNegativeSentiment
	case len(tr.Cases) > 0:
		return ReasonCaseReference
	}
	return ""
}

// validate checks and normalizes req.
func (e *Engine) validate(req *Request) error {
	q, err := e.cfg.CheckQuestion(req.Question)
	if err != nil {
		return err
	}
	switch {
	case req.Tenant == "":
		return fmt.Errorf("%w: no tenant", ErrInvalidRequest)
	case len(req.ConversationID) > maxConversationID || !utf8.ValidString(req.ConversationID):
		return fmt.Errorf("%w: conversation id must be valid UTF-8 of at most %d bytes", ErrInvalidRequest, maxConversationID)
	}
	req.Question = q
	return nil
}

// history returns the conversation's previous turns (at most
// HistoryTurns); a failing store is logged, not fatal.
func (e *Engine) history(ctx context.Context, tenant, conv string) []Message {
	if conv == "" || e.deps.Conversations == nil {
		return nil
	}
	turns, err := e.deps.Conversations.Turns(ctx, tenant, conv)
	if err != nil && ctx.Err() == nil {
		e.log.WarnContext(ctx, "conversation history unavailable", "conversation", conv, "err", err)
		return nil
	}
	return turns
}

// standalone makes the question standalone: the Rewriter when set, the
// heuristic otherwise or when the Rewriter fails.
func (e *Engine) standalone(ctx context.Context, history []Message, question analyzed) (analyzed, string) {
	if len(history) == 0 {
		return question, ""
	}
	if len(history) > e.cfg.HistoryTurns {
		history = history[len(history)-e.cfg.HistoryTurns:]
	}
	heur, lang := followUp(history, question)
	if e.deps.Rewriter == nil {
		return reanalyze(question, heur), lang
	}
	s, err := e.deps.Rewriter.Rewrite(ctx, history, question.text)
	if err != nil || strings.TrimSpace(s) == "" || !utf8.ValidString(s) || utf8.RuneCountInString(s) > 4*e.cfg.MaxQuestion {
		if err != nil {
			e.log.WarnContext(ctx, "rewriter failed; using the heuristic", "err", err)
		}
		return reanalyze(question, heur), lang
	}
	return reanalyze(question, strings.TrimSpace(s)), lang
}

// embed embeds the question when an embedder is configured. A failing
// embedder is logged and yields nil (sparse retrieval, the intent model's
// sparse head); only the end of ctx is an error.
func (e *Engine) embed(ctx context.Context, text string) ([]float32, error) {
	if e.deps.Embedder == nil {
		return nil, nil
	}
	v, err := e.deps.Embedder.EmbedQuery(ctx, text)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		e.log.WarnContext(ctx, "query embedding failed; sparse retrieval only", "err", err)
		return nil, nil
	}
	return v, nil
}

// classify sets tr's intent from the tenant's trained model when it has one
// that accepts the question. A must-escalate topic keeps its name as the
// intent; a model that cannot be read is logged and the keywords decide.
func (e *Engine) classify(ctx context.Context, tenant string, q analyzed, vec []float32, tr *Triage) {
	if e.deps.Intents == nil || tr.Topic != "" {
		return
	}
	label, score, ok, err := e.deps.Intents.Classify(ctx, tenant, q.text, q.terms, vec)
	if err != nil && ctx.Err() != nil {
		return // the customer left; the keywords decide
	}
	if err != nil {
		e.log.WarnContext(ctx, "intent model unavailable; keyword intents only", "tenant", tenant, "err", err)
		return
	}
	if ok {
		tr.Intent, tr.IntentScore = label, score
	}
}

// retrieve searches with the request's tenant, with the question's
// embedding when there is one.
func (e *Engine) retrieve(ctx context.Context, tenant string, question analyzed, lang string, vec []float32) (res retrieval.Result, err error) {
	ctx, sp := startSpan(ctx, "answer.retrieve", attribute.Bool("answerdesk.hybrid", vec != nil))
	defer func() {
		sp.SetAttributes(attribute.Int("answerdesk.hits", len(res.Hits)))
		endSpan(sp, err)
	}()
	q := retrieval.Query{Text: question.text, Terms: question.terms, Tenant: tenant, K: e.cfg.K, Lang: lang, Dense: vec}
	res, err = e.deps.Retriever.Search(ctx, q)
	if err != nil && q.Dense != nil && errors.Is(err, retrieval.ErrModelMismatch) {
		e.log.WarnContext(ctx, "query embedding does not match the index; sparse retrieval only", "err", err)
		q.Dense = nil
		res, err = e.deps.Retriever.Search(ctx, q)
	}
	return res, err
}

// generated is a Generator's answer with its citations.
type generated struct {
	gen      Generation
	composed composed
}

// generate asks the Generator for an answer from the first passages and
// turns its citations into Citations. Only the verified Generation.Text is
// used.
func (e *Engine) generate(ctx context.Context, hits []retrieval.Hit, question, lang string, history []Message) (out generated, err error) {
	ctx, sp := startSpan(ctx, "answer.generate")
	defer func() { endSpan(sp, err) }()
	n := min(len(hits), e.cfg.GeneratePassages)
	in := GenerateInput{Question: question, Lang: lang, History: history}
	// The model sees what an extractive answer could quote: a ticket's
	// resolution, no redaction placeholders.
	ps := newPassages(e.cache)
	for i, h := range hits[:n] {
		in.Passages = append(in.Passages, Passage{N: i + 1, ChunkID: h.ID, DocumentID: h.DocumentID, Title: h.Title,
			URL: h.URL, Heading: h.Heading, Page: h.Page, Text: ps.quotableText(h)})
	}
	g, err := e.deps.Generator.Generate(ctx, in, nil)
	if err != nil {
		return generated{}, err
	}
	out = generated{gen: g}
	c := composed{body: g.Text, raw: true}
	text := strings.TrimSpace(g.Text)
	c.sentences = pieces(text)
	seen := map[int]bool{}
	for _, m := range g.Cited {
		if m < 1 || m > n || seen[m] {
			continue // a citation must point to a passage that was shown
		}
		seen[m] = true
		h := hits[m-1]
		c.cited = append(c.cited, h)
		c.citations = append(c.citations, citation(m, h, bestQuote(ps.quotableText(h), g.Text)))
	}
	out.gen.Cited = nil
	for _, cit := range c.citations {
		out.gen.Cited = append(out.gen.Cited, cit.N)
	}
	if len(c.cited) > 0 {
		q := query{terms: map[string]bool{}}
		for _, t := range retrieval.DefaultAnalyzer.Terms(g.Text) {
			q.terms[t] = true
		}
		c.bestCoverage = 0
		for _, s := range splitSentences(text) {
			c.bestCoverage = max(c.bestCoverage, q.coverage(s))
		}
	}
	out.composed = c
	return out, nil
}

// bestQuote returns the sentence of passage sharing most terms with text.
func bestQuote(passage, text string) string {
	terms := map[string]bool{}
	for _, t := range retrieval.DefaultAnalyzer.Terms(text) {
		terms[t] = true
	}
	q := query{terms: terms}
	best, bestCov := "", -1.0
	for _, s := range splitSentences(passage) {
		if c := q.coverage(s); c > bestCov {
			best, bestCov = s, c
		}
	}
	return best
}

// reply answers a conversation act: a short message in the customer's
// language, the turn recorded, nothing retrieved, no ticket.
func (e *Engine) reply(ctx context.Context, req Request, a Answer, act Act, emit func(Event)) Answer {
	a.Decision, a.Act, a.Standalone, a.Intent = Replied, act, req.Question, "conversation"
	a.Lang = answerLang(req.Question, req.Lang)
	a.Sentiment = SentimentNeutral
	a.Text = actReply(act, a.Lang)
	if thumbs := act.thumbs(); thumbs != 0 && e.deps.Verdicts != nil && req.ConversationID != "" {
		if err := e.deps.Verdicts.RateLastAnswer(ctx, req.Tenant, req.ConversationID, thumbs); err != nil && ctx.Err() == nil {
			e.log.Info("verdict not recorded", "conversation", req.ConversationID, "act", act, "err", err)
		}
	}
	emit(Event{Type: EventDelta, Delta: a.Text})
	if !req.Draft {
		e.record(ctx, req, a)
	}
	a.Timings.Total = e.now().Sub(a.Created)
	e.log.Info("answer", "answer", a.ID, "tenant", req.Tenant, "channel", req.Channel, "decision", a.Decision,
		"act", a.Act, "lang", a.Lang, "total", a.Timings.Total)
	final := a
	emit(Event{Type: EventFinal, Answer: &final})
	return a
}

// sourceNotice is the line before an extractive answer quoted from a
// passage in another language than the customer's ("From our English
// documentation:", in the customer's language), or "" when the passage is
// in the customer's language, of unknown language, or the answer was
// generated (written in the customer's language).
func (e *Engine) sourceNotice(lang string, c composed) string {
	if c.raw || len(c.cited) == 0 {
		return ""
	}
	src := c.cited[0].Lang
	if src == "" || src == lang {
		return ""
	}
	byLang, ok := e.cfg.SourceNotices[lang]
	if !ok {
		byLang = e.cfg.SourceNotices["en"]
	}
	if n, ok := byLang[src]; ok {
		return n
	}
	return byLang["*"]
}

// notice is the message an escalated customer sees.
func (e *Engine) notice(lang, ticket string) string {
	n, ok := e.cfg.Notices[lang]
	if !ok {
		n = e.cfg.Notices["en"]
	}
	return strings.ReplaceAll(n, "{ticket}", ticket)
}

// handover adds the question to the conversation's open ticket when a
// person has the conversation, and fills a as the reply that says so. It
// reports whether it did; a store that cannot say is logged, and the
// question answered as usual.
func (e *Engine) handover(ctx context.Context, req Request, a *Answer, lang string) (bool, error) {
	if e.deps.Handoffs == nil || req.ConversationID == "" {
		return false, nil
	}
	id, err := e.deps.Handoffs.HandedOver(ctx, req.Tenant, req.ConversationID)
	if err != nil {
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		e.log.WarnContext(ctx, "handover state unavailable; answering", "conversation", req.ConversationID, "err", err)
		return false, nil
	}
	if id == "" {
		return false, nil
	}
	// Tickets hold plain, redacted text (as escalate writes them).
	plain := markup.Strip(req.Question)
	msg := Message{Role: RoleCustomer, Text: redact.Text(plain), At: a.Created}
	if plain == req.Question {
		a.QuestionRedacted = msg.Text // for the turn and the answer log
	}
	if err := e.deps.Handoffs.AppendToTicket(ctx, req.Tenant, id, msg); err != nil {
		if errors.Is(err, ErrTicketClosed) {
			return false, nil // solved meanwhile: the bot has the conversation again
		}
		return false, fmt.Errorf("answer: hand over to ticket %s: %w", id, err)
	}
	a.Decision, a.TicketID, a.Lang, a.Standalone = HandedOver, id, lang, req.Question
	n, ok := e.cfg.HandoverNotices[lang]
	if !ok {
		n = e.cfg.HandoverNotices["en"]
	}
	a.Notice = strings.ReplaceAll(n, "{ticket}", id)
	e.record(ctx, req, *a)
	return true, nil
}

// record appends the customer's turn and the reply to the conversation.
func (e *Engine) record(ctx context.Context, req Request, a Answer) {
	if e.deps.Conversations == nil {
		return
	}
	reply := a.Text
	if a.Decision == Escalated || a.Decision == HandedOver {
		reply = a.Notice
	}
	now := e.now()
	// Redacted for the ticket, when it was escalated or handed over.
	q := Message{Role: RoleCustomer, Text: req.Question, At: a.Created, Redacted: a.QuestionRedacted}
	err := e.deps.Conversations.Append(ctx, req.Tenant, a.ConversationID, q,
		Message{Role: RoleAssistant, Text: reply, At: now})
	if err != nil {
		e.log.WarnContext(ctx, "conversation not recorded", "conversation", a.ConversationID, "answer", a.ID, "err", err)
	}
}

// logAnswer writes an answer's line at INFO. Its attributes are typed
// (slog.String, …), not key-value pairs: those boxed each value in an
// interface, ten allocations an answer; the line reads the same.
func logAnswer(ctx context.Context, log *slog.Logger, req Request, a Answer) {
	log.LogAttrs(ctx, slog.LevelInfo, "answer", slog.String("answer", a.ID), slog.String("tenant", req.Tenant),
		slog.String("channel", req.Channel), slog.String("decision", string(a.Decision)), slog.String("reason", string(a.Reason)),
		slog.Float64("confidence", round3(a.Confidence)), slog.String("lang", a.Lang), slog.String("intent", a.Intent),
		slog.String("sentiment", a.Sentiment), slog.String("ticket", a.TicketID), slog.Int("hits", len(a.Hits)),
		slog.Duration("total", a.Timings.Total))
}

func round3(v float64) float64 { return float64(int(v*1000+0.5)) / 1000 }
