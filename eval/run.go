package eval

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/eval/metric"
)

// Answerer answers one question; *answer.Engine implements it, and tests use
// fakes and degraded wrappers.
type Answerer interface {
	Answer(ctx context.Context, req answer.Request) (answer.Answer, error)
}

// Options control a run.
type Options struct {
	// Workers ask queries concurrently (1 when zero). Results do not depend
	// on it.
	Workers int
	// Tenant of the requests (retrieval.DefaultTenant when empty).
	Tenant string
	// Progress, when set, is called after each query with the number done
	// and the total; calls are serialized.
	Progress func(done, total int)
	// MaxFailures bounds SuiteReport.Failures (25 when zero).
	MaxFailures int
}

// Result is one query's outcome.
type Result struct {
	Query      Query
	Decision   string // answer.Answered or answer.Escalated
	Reason     string
	Confidence float64
	Features   []answer.Feature
	// CrossLanguage: the cross-language model scored the answer
	// (answer.Answer.CrossLanguage).
	CrossLanguage bool
	Hits          []answer.HitSummary
	// Docs are the hits' distinct documents in rank order.
	Docs []string
	// Cited are the cited documents in citation order, each once (for an
	// escalation, those of the drafted answer).
	Cited []string
	// Offered are the documents of the articles offered with an
	// escalation (answer.Answer.Articles), in order.
	Offered []string
	Timings answer.Timings
	// Err is the engine's error; the query then counts as escalated with
	// confidence 0.
	Err string

	// Correct: answerable, and the citations (of the answer, or of the
	// drafted answer of an escalation; without any, the top hit) include a
	// relevant document. It is the label confidence is scored against.
	Correct bool
	// CitedRelevant: the citations include a relevant document.
	CitedRelevant bool
}

// Answered reports whether the engine answered the query.
func (r *Result) Answered() bool { return r.Err == "" && r.Decision == string(answer.Answered) }

// Right reports whether the query was handled right: an unanswerable query
// escalated, an answerable one answered with a relevant citation.
func (r *Result) Right() bool {
	if !r.Query.Answerable {
		return !r.Answered()
	}
	return r.Answered() && r.CitedRelevant
}

// Ask asks every query of s through a, with o.Workers in parallel, and
// returns the results in query order. It stops at the first error of ctx;
// an engine error on one query is recorded in its Result.
func Ask(ctx context.Context, s *Suite, a Answerer, o Options) ([]Result, error) {
	workers := max(1, o.Workers)
	tenant := o.Tenant
	if tenant == "" {
		tenant = "default"
	}
	results := make([]Result, len(s.Queries))
	var (
		mu   sync.Mutex
		done int
		wg   sync.WaitGroup
	)
	next := make(chan int)
	for range workers {
		wg.Go(func() {
			for i := range next {
				q := s.Queries[i]
				// No language hint: the engine detects the language as it
				// does for a customer.
				ans, err := a.Answer(ctx, answer.Request{Tenant: tenant, Question: q.Text, Channel: "eval"})
				results[i] = newResult(q, ans, err)
				if o.Progress != nil {
					mu.Lock()
					done++
					o.Progress(done, len(s.Queries))
					mu.Unlock()
				}
			}
		})
	}
	var err error
feed:
	for i := range s.Queries {
		select {
		case next <- i:
		case <-ctx.Done():
			err = ctx.Err()
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return nil, fmt.Errorf("suite %s: %w", s.Name, err)
	}
	return results, nil
}

func newResult(q Query, ans answer.Answer, err error) Result {
	r := Result{Query: q}
	if err != nil {
		r.Err = err.Error()
		if r.Err == "" || errors.Is(err, context.Canceled) {
			r.Err = fmt.Sprintf("%v", err)
		}
		r.Decision = string(answer.Escalated)
		return r
	}
	r.Decision, r.Reason = string(ans.Decision), string(ans.Reason)
	r.Confidence = ans.Confidence
	if math.IsNaN(r.Confidence) {
		r.Confidence = 0
	}
	r.Confidence = max(0, min(1, r.Confidence))
	r.Features = ans.Features
	r.CrossLanguage = ans.CrossLanguage
	r.Hits = ans.Hits
	r.Timings = ans.Timings
	ids := make([]string, len(ans.Hits))
	for i, h := range ans.Hits {
		ids[i] = h.DocumentID
	}
	r.Docs = distinctDocs(ids)
	cits := ans.Citations
	if ans.Decision != answer.Answered {
		// What the engine would have said, for the confidence label.
		cits = ans.AttemptedCitations
	}
	cited := make([]string, len(cits))
	for i, c := range cits {
		cited[i] = c.DocumentID
	}
	r.Cited = distinctDocs(cited)
	for _, ar := range ans.Articles {
		r.Offered = append(r.Offered, ar.DocumentID)
	}
	rel := relevantSet(q)
	for _, d := range r.Cited {
		if rel[d] {
			r.CitedRelevant = true
		}
	}
	if len(r.Cited) > 0 {
		r.Correct = r.CitedRelevant
	} else if len(r.Docs) > 0 {
		r.Correct = rel[r.Docs[0]]
	}
	return r
}

func relevantSet(q Query) map[string]bool {
	rel := make(map[string]bool, len(q.Relevant))
	for _, d := range q.Relevant {
		rel[d] = true
	}
	return rel
}

// Summarize computes a suite's report from its results (in query order).
func Summarize(name string, results []Result, maxFailures int) SuiteReport {
	if maxFailures == 0 {
		maxFailures = 25
	}
	rep := SuiteReport{Name: name, Breakdown: breakdown(results), ByLanguage: map[string]Breakdown{}}
	byLang := map[string][]Result{}
	for _, r := range results {
		lang := r.Query.Lang
		if lang == "" {
			lang = "und"
		}
		byLang[lang] = append(byLang[lang], r)
	}
	for lang, rs := range byLang {
		rep.ByLanguage[lang] = breakdown(rs)
	}
	conf, correct := confidences(results)
	curve, _ := RiskCoverage(conf, correct)
	rep.RiskCoverage = thinCurve(curve, 100)
	_, rep.Reliability = Reliability(conf, correct, 10)
	rep.Failures = worstFailures(results, maxFailures)
	return rep
}

func confidences(results []Result) ([]float64, []bool) {
	conf := make([]float64, len(results))
	correct := make([]bool, len(results))
	for i := range results {
		conf[i], correct[i] = results[i].Confidence, results[i].Correct
	}
	return conf, correct
}

func breakdown(results []Result) Breakdown {
	b := Breakdown{Queries: len(results)}
	var hit1, r5, r10, mrr, nd float64
	var escalated, escalatedRight, unanswerable, answered, answeredRight, right, citeN, citeRight, offered, offeredRight int
	answerable := make([]bool, len(results))
	stages := map[string][]float64{}
	for i := range results {
		r := &results[i]
		answerable[i] = r.Query.Answerable
		if r.Err != "" {
			b.Errors++
		}
		if r.Query.Answerable {
			b.Answerable++
			rel := relevantSet(r.Query)
			if f := metric.FirstRelevant(r.Docs, rel, 10); f > 0 {
				mrr += 1 / float64(f)
				if f == 1 {
					hit1++
				}
			}
			r5 += metric.Recall(r.Docs, rel, 5)
			r10 += metric.Recall(r.Docs, rel, 10)
			nd += metric.NDCG(r.Docs, rel, 10)
		} else {
			unanswerable++
		}
		if r.Answered() {
			answered++
			if r.Correct && r.CitedRelevant {
				answeredRight++
			}
			if r.Query.Answerable {
				citeN++
				if r.CitedRelevant {
					citeRight++
				}
			}
		} else {
			escalated++
			if !r.Query.Answerable {
				escalatedRight++
			}
			if len(r.Offered) > 0 {
				offered++
				rel := relevantSet(r.Query)
				if slices.ContainsFunc(r.Offered, func(d string) bool { return rel[d] }) {
					offeredRight++
				}
			}
		}
		if r.Right() {
			right++
		}
		if r.Err == "" {
			t := r.Timings
			for name, d := range map[string]time.Duration{"triage": t.Triage, "retrieve": t.Retrieve, "generate": t.Generate, "verify": t.Verify, "total": t.Total} {
				stages[name] = append(stages[name], float64(d)/float64(time.Millisecond))
			}
		}
	}
	if n := float64(b.Answerable); n > 0 {
		b.Retrieval = RetrievalMetrics{Hit1: Metric(hit1 / n), Recall5: Metric(r5 / n), Recall10: Metric(r10 / n), MRR10: Metric(mrr / n), NDCG10: Metric(nd / n)}
	} else {
		b.Retrieval = RetrievalMetrics{nan, nan, nan, nan, nan}
	}
	conf, correct := confidences(results)
	ece, _ := Reliability(conf, correct, 10)
	rate, thr := AnswerRateAt(conf, correct, 0.95)
	_, aurc := RiskCoverage(conf, correct)
	if math.IsInf(thr, 1) {
		thr = math.NaN()
	}
	b.Decision = DecisionMetrics{
		AUROC:               Metric(AUROC(conf, correct)),
		AUROCAnswerable:     Metric(AUROC(conf, answerable)),
		ECE:                 Metric(ece),
		EscalationPrecision: ratio(escalatedRight, escalated),
		EscalationRecall:    ratio(escalatedRight, unanswerable),
		AnswerRateAt95:      Metric(rate),
		Threshold95:         Metric(thr),
		AnswerRate:          ratio(answered, len(results)),
		AnswerPrecision:     ratio(answeredRight, answered),
		Accuracy:            ratio(right, len(results)),
		AURC:                Metric(aurc),
		ArticleRate:         ratio(offered, escalated),
		ArticlePrecision:    ratio(offeredRight, offered),
	}
	if len(results) == 0 {
		b.Decision.AnswerRateAt95 = nan
	}
	b.Citations = CitationMetrics{Answers: citeN, Precision: ratio(citeRight, citeN)}
	b.Latency = LatencyMetrics{P50: nan, P95: nan, P99: nan, Stages: map[string]Percentiles{}}
	for name, ms := range stages {
		sort.Float64s(ms)
		p := Percentiles{P50: percentile(ms, 50), P95: percentile(ms, 95), P99: percentile(ms, 99)}
		if name == "total" {
			b.Latency.P50, b.Latency.P95, b.Latency.P99 = p.P50, p.P95, p.P99
			continue
		}
		b.Latency.Stages[name] = p
	}
	return b
}

// worstFailures lists the queries handled wrong, worst first: by how far
// the confidence was from the truth (a confident wrong answer is worse than a
// hesitant one), then in query order.
func worstFailures(results []Result, n int) []Failure {
	type cand struct {
		i   int
		gap float64
	}
	var cs []cand
	for i := range results {
		r := &results[i]
		if r.Right() {
			continue
		}
		y := 0.0
		if r.Correct {
			y = 1
		}
		cs = append(cs, cand{i, math.Abs(r.Confidence - y)})
	}
	sort.SliceStable(cs, func(a, b int) bool { return cs[a].gap > cs[b].gap })
	out := make([]Failure, 0, min(n, len(cs)))
	for _, c := range cs[:min(n, len(cs))] {
		r := &results[c.i]
		f := Failure{
			ID: r.Query.ID, Lang: r.Query.Lang, Question: r.Query.Text, Relevant: r.Query.Relevant,
			Decision: r.Decision, Reason: r.Reason, Confidence: Metric(r.Confidence), Cited: r.Cited, Error: r.Err,
			TopHits: []TopHit{},
		}
		for _, ft := range r.Features {
			f.Features = append(f.Features, FeatureContribution{Name: ft.Name, Value: Metric(ft.Value), Contribution: Metric(ft.Contribution)})
		}
		switch {
		case !r.Query.Answerable:
			f.Kind = FailShouldEscalate
		case r.Answered():
			f.Kind = FailWrongAnswer
		default:
			f.Kind = FailMissedAnswer
		}
		rel := relevantSet(r.Query)
		seen := map[string]bool{}
		for _, h := range r.Hits {
			if seen[h.DocumentID] {
				continue
			}
			seen[h.DocumentID] = true
			f.TopHits = append(f.TopHits, TopHit{DocumentID: h.DocumentID, Title: h.Title, Score: Metric(h.Score), Relevant: rel[h.DocumentID]})
			if len(f.TopHits) == 3 {
				break
			}
		}
		out = append(out, f)
	}
	return out
}
