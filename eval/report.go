package eval

// Report is the outcome of an eval run over one or more suites; its JSON
// form is described in docs/eval.md.
type Report struct {
	// Version of the report format.
	Version int `json:"version"`
	// Engine describes what was measured (store, generator, confidence
	// model), as the caller reports it.
	Engine map[string]string `json:"engine,omitempty"`
	Suites []SuiteReport     `json:"suites"`
}

// ReportVersion is the current Report.Version.
const ReportVersion = 1

// SuiteReport holds one suite's metrics: overall (the embedded Breakdown),
// by language, the curves behind the charts and the worst failures.
type SuiteReport struct {
	Name string `json:"name"`
	Breakdown
	ByLanguage map[string]Breakdown `json:"by_language"`
	// RiskCoverage is the risk–coverage curve of confidence, thinned to
	// about 100 points.
	RiskCoverage []RCPoint `json:"risk_coverage"`
	// Reliability is the 10-bin reliability diagram behind ECE.
	Reliability []Bin `json:"reliability"`
	// Failures are the worst wrong outcomes, most confident first.
	Failures []Failure `json:"failures"`
	// IngestSeconds and RunSeconds are wall times of ingestion (0 for a
	// cached index) and of asking every query.
	IngestSeconds Metric `json:"ingest_seconds"`
	RunSeconds    Metric `json:"run_seconds"`
	// CorpusHash identifies the corpus the suite was run on.
	CorpusHash string `json:"corpus_hash,omitempty"`
	// Documents in the index, and UnknownRelevant: relevant ids of the
	// queries that no document has (a suite error worth a look).
	Documents       int `json:"documents"`
	UnknownRelevant int `json:"unknown_relevant"`
}

// Breakdown is the set of metrics computed over a group of queries (a
// suite, or one language of it).
type Breakdown struct {
	Queries    int              `json:"queries"`
	Answerable int              `json:"answerable"`
	Errors     int              `json:"errors"`
	Retrieval  RetrievalMetrics `json:"retrieval"`
	Decision   DecisionMetrics  `json:"decision"`
	Citations  CitationMetrics  `json:"citations"`
	Latency    LatencyMetrics   `json:"latency_ms"`
}

// RetrievalMetrics are computed over answerable queries from the engine's
// retrieved hits with document-level relevance: a hit on any chunk of a
// relevant document counts, each document once.
type RetrievalMetrics struct {
	Hit1     Metric `json:"hit@1"`
	Recall5  Metric `json:"recall@5"`
	Recall10 Metric `json:"recall@10"`
	MRR10    Metric `json:"mrr@10"`
	NDCG10   Metric `json:"ndcg@10"`
}

// DecisionMetrics are computed over all queries. A query is handled right
// when it is unanswerable and escalated, or answerable and answered with a
// citation of a relevant document. Confidence is scored against
// correctness: answerable, and the answer's citations (or, without any, the
// top hit) include a relevant document.
type DecisionMetrics struct {
	// AUROC of confidence against correctness.
	AUROC Metric `json:"auroc"`
	// AUROCAnswerable is the AUROC of confidence against answerability
	// alone, comparable to the reference floor's abstention AUROC.
	AUROCAnswerable Metric `json:"auroc_answerable"`
	// ECE is the expected calibration error of confidence, 10 bins.
	ECE Metric `json:"ece"`
	// EscalationPrecision is the share of escalations that were of
	// unanswerable queries; EscalationRecall the share of unanswerable
	// queries that were escalated.
	EscalationPrecision Metric `json:"escalation_precision"`
	EscalationRecall    Metric `json:"escalation_recall"`
	// AnswerRateAt95 is the largest share of queries a confidence threshold
	// could answer with 95% of the answers right; Threshold95 is that
	// threshold.
	AnswerRateAt95 Metric `json:"answer_rate_at_95"`
	Threshold95    Metric `json:"threshold_at_95"`
	// AnswerRate is the share the engine answered, AnswerPrecision the
	// share of its answers that were right, Accuracy the share of queries
	// handled right.
	AnswerRate      Metric `json:"answer_rate"`
	AnswerPrecision Metric `json:"answer_precision"`
	Accuracy        Metric `json:"accuracy"`
	// AURC is the area under the risk–coverage curve (lower is better).
	AURC Metric `json:"aurc"`
	// ArticleRate is the share of the escalated queries that were offered
	// articles (answer.Answer.Articles), ArticlePrecision the share of
	// those whose articles include a relevant document (none is relevant to
	// an unanswerable query).
	ArticleRate      Metric `json:"article_rate"`
	ArticlePrecision Metric `json:"article_precision"`
}

// CitationMetrics: Precision is the share of answers to answerable queries
// whose citations include a relevant document.
type CitationMetrics struct {
	Answers   int    `json:"answers"`
	Precision Metric `json:"precision"`
}

// LatencyMetrics are percentiles in milliseconds of the whole answer path,
// with the same percentiles per stage.
type LatencyMetrics struct {
	P50    Metric                 `json:"p50"`
	P95    Metric                 `json:"p95"`
	P99    Metric                 `json:"p99"`
	Stages map[string]Percentiles `json:"stages,omitempty"`
}

// Percentiles of a stage's latency in milliseconds.
type Percentiles struct {
	P50 Metric `json:"p50"`
	P95 Metric `json:"p95"`
	P99 Metric `json:"p99"`
}

// Failure is a query handled wrong, with what the engine saw.
type Failure struct {
	ID         string   `json:"id"`
	Lang       string   `json:"lang"`
	Question   string   `json:"question"`
	Kind       string   `json:"kind"` // see the Failure kinds
	Relevant   []string `json:"relevant,omitempty"`
	Decision   string   `json:"decision"`
	Reason     string   `json:"reason,omitempty"`
	Confidence Metric   `json:"confidence"`
	Cited      []string `json:"cited,omitempty"`
	TopHits    []TopHit `json:"top_hits"`
	// Features are the confidence model's inputs for this answer with
	// their contributions to its logit: why it was (not) confident.
	Features []FeatureContribution `json:"features,omitempty"`
	Error    string                `json:"error,omitempty"`
}

// FeatureContribution is one confidence feature of a failure: its value
// and its contribution to the logit (the model's weight times the value).
type FeatureContribution struct {
	Name         string `json:"name"`
	Value        Metric `json:"value"`
	Contribution Metric `json:"contribution"`
}

// Failure kinds.
const (
	// FailWrongAnswer: answerable, answered, no relevant document cited.
	FailWrongAnswer = "wrong_answer"
	// FailShouldEscalate: unanswerable, answered.
	FailShouldEscalate = "should_escalate"
	// FailMissedAnswer: answerable, escalated.
	FailMissedAnswer = "missed_answer"
)

// TopHit is one retrieved passage of a failure.
type TopHit struct {
	DocumentID string `json:"document_id"`
	Title      string `json:"title,omitempty"`
	Score      Metric `json:"score"`
	Relevant   bool   `json:"relevant"`
}
