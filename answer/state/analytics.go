package state

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/answerdesk/answerdesk/answer"
)

// AnalyticsStore computes a tenant's support figures. Each logged answer
// and each feedback also updates hourly rollups in the same transaction
// (counts by decision, and of escalations by reason, intent, language and
// queue; a latency histogram; ratings and thumbs; answers that were not
// deflected; cited documents per day), so that a window's figures are
// aggregates over its hours,
// not over its answers: a log of a million answers is read in
// milliseconds (BenchmarkAnalytics). Windows are whole hours. The rollups
// hold no personal data and outlive the answer log's retention.
type AnalyticsStore struct{ db *DB }

// NewAnalyticsStore returns the analytics of db.
func NewAnalyticsStore(db *DB) *AnalyticsStore { return &AnalyticsStore{db: db} }

// DefaultDeflectionWindow is Options.DeflectionWindow's default.
const DefaultDeflectionWindow = 24 * time.Hour

const analyticsSchemaV6 = `
ALTER TABLE answers ADD COLUMN queue TEXT NOT NULL DEFAULT '';
ALTER TABLE answers ADD COLUMN undeflected INTEGER NOT NULL DEFAULT 0;
CREATE INDEX IF NOT EXISTS answers_tenant_conversation ON answers(tenant, conversation_id, created);
CREATE INDEX IF NOT EXISTS answers_tenant_reason ON answers(tenant, reason, created);
CREATE TABLE IF NOT EXISTS answer_rollup (
	tenant TEXT NOT NULL, hour INTEGER NOT NULL, decision TEXT NOT NULL,
	n INTEGER NOT NULL DEFAULT 0,
	undeflected INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (tenant, hour, decision)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS escalation_rollup (
	tenant TEXT NOT NULL, hour INTEGER NOT NULL, dim TEXT NOT NULL, value TEXT NOT NULL, n INTEGER NOT NULL,
	PRIMARY KEY (tenant, hour, dim, value)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS latency_rollup (
	tenant TEXT NOT NULL, hour INTEGER NOT NULL, bucket REAL NOT NULL, n INTEGER NOT NULL,
	PRIMARY KEY (tenant, hour, bucket)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS citation_rollup (
	tenant TEXT NOT NULL, day INTEGER NOT NULL, document_id TEXT NOT NULL, n INTEGER NOT NULL,
	PRIMARY KEY (tenant, day, document_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS feedback_rollup (
	tenant TEXT NOT NULL, hour INTEGER NOT NULL,
	ratings INTEGER NOT NULL DEFAULT 0, satisfied INTEGER NOT NULL DEFAULT 0,
	up INTEGER NOT NULL DEFAULT 0, down INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (tenant, hour)
) WITHOUT ROWID;
INSERT INTO answer_rollup(tenant, hour, decision, n)
	SELECT tenant, created/3600000000000, decision, COUNT(*) FROM answers GROUP BY 1, 2, 3;
INSERT INTO escalation_rollup(tenant, hour, dim, value, n)
	SELECT tenant, created/3600000000000, 'reason', reason, COUNT(*) FROM answers WHERE decision='escalated' GROUP BY 1, 2, 4;
INSERT INTO escalation_rollup(tenant, hour, dim, value, n)
	SELECT tenant, created/3600000000000, 'intent', intent, COUNT(*) FROM answers WHERE decision='escalated' GROUP BY 1, 2, 4;
INSERT INTO escalation_rollup(tenant, hour, dim, value, n)
	SELECT tenant, created/3600000000000, 'lang', lang, COUNT(*) FROM answers WHERE decision='escalated' GROUP BY 1, 2, 4;
INSERT INTO feedback_rollup(tenant, hour, ratings, satisfied, up, down)
	SELECT a.tenant, a.created/3600000000000, SUM(f.rating>0), SUM(f.rating>=4), SUM(f.thumbs>0), SUM(f.thumbs<0)
	FROM feedback f JOIN answers a ON a.id=f.answer_id AND a.tenant=f.tenant GROUP BY 1, 2;
`

// hourNanos and dayNanos are the rollups' buckets: hours, and days for
// cited documents (their many ids per hour would make the rollup as long
// as the log).
const (
	hourNanos = int64(time.Hour)
	dayNanos  = 24 * hourNanos
)

// rollExec is what rollup updates run on: a group-commit batch or a
// transaction.
type rollExec interface {
	execResult(q string, args ...any) (sql.Result, error)
	query(q string, args ...any) (*sql.Rows, error)
	// undeflect counts one more answered answer of tenant's hour as not
	// deflected in its answer_rollup row.
	undeflect(tenant string, hour int64) error
	backend() backend
}

// undeflectRollup adds its last argument to the undeflected count of an
// answer_rollup row, which the answer's logging wrote.
const undeflectRollup = `UPDATE answer_rollup SET undeflected=undeflected+? WHERE tenant=? AND hour=? AND decision='` + string(answer.Answered) + `'`

// txExec runs statements in a transaction.
type txExec struct {
	ctx context.Context
	tx  sqlTx
}

func (t txExec) execResult(q string, args ...any) (sql.Result, error) {
	return t.tx.ExecContext(t.ctx, q, args...)
}

func (t txExec) query(q string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(t.ctx, q, args...)
}

func (t txExec) backend() backend { return t.tx.b }

func (t txExec) undeflect(tenant string, hour int64) error {
	_, err := t.tx.ExecContext(t.ctx, undeflectRollup, 1, tenant, hour)
	return err
}

// answerEvent is what the rollups keep of a logged answer.
type answerEvent struct {
	tenant, conv, decision, reason, intent, lang, queue string
	created                                             int64
	latencyMS                                           float64
	docs                                                []string
}

func newAnswerEvent(tenant string, a answer.Answer) answerEvent {
	ev := answerEvent{tenant: tenant, conv: a.ConversationID, decision: string(a.Decision), reason: string(a.Reason), intent: a.Intent,
		lang: a.Lang, queue: a.Queue, created: ts(a.Created), latencyMS: float64(a.Timings.Total.Microseconds()) / 1000}
	seen := map[string]bool{}
	for _, c := range a.Citations {
		if c.DocumentID != "" && !seen[c.DocumentID] {
			seen[c.DocumentID] = true
			ev.docs = append(ev.docs, c.DocumentID)
		}
	}
	return ev
}

// latencyBucket is the histogram bucket of a latency: its lower bound,
// buckets growing by 5% from 0.1 ms (about 280 buckets up to a minute), so
// that a percentile is within 5%; below 0.1 ms, 0. (Buckets used to start
// at 1 ms: an engine answering in under a millisecond reported 0.)
func latencyBucket(ms float64) float64 {
	if ms < minLatencyBucket {
		return 0
	}
	k := math.Floor(math.Log(ms) / math.Log(latencyGrowth))
	return math.Round(math.Pow(latencyGrowth, k)*1000) / 1000
}

const (
	latencyGrowth    = 1.05
	minLatencyBucket = 0.1 // ms
)

// roll counts a newly logged answer in the rollups; an escalation marks
// the answers before it in its conversation, within the deflection window,
// as not deflected.
func (ev answerEvent) roll(b *batch) error {
	hour := ev.created / hourNanos
	// Counters are added up in the batch and written once per distinct row
	// when it commits (the deflection marks after them: see undeflect).
	b.count(countKey{q: `INSERT INTO answer_rollup(tenant, hour, decision, n) VALUES (?,?,?,?)
		ON CONFLICT(tenant, hour, decision) DO UPDATE SET n=answer_rollup.n+excluded.n`, tenant: ev.tenant, at: hour, keys: [2]string{ev.decision}, nkeys: 1})
	if ev.decision == string(answer.Escalated) {
		for _, d := range [...][2]string{{"reason", ev.reason}, {"intent", ev.intent}, {"lang", ev.lang}, {"queue", ev.queue}} {
			b.count(countKey{q: `INSERT INTO escalation_rollup(tenant, hour, dim, value, n) VALUES (?,?,?,?,?)
				ON CONFLICT(tenant, hour, dim, value) DO UPDATE SET n=escalation_rollup.n+excluded.n`, tenant: ev.tenant, at: hour, keys: d, nkeys: 2})
		}
	}
	b.count(countKey{q: `INSERT INTO latency_rollup(tenant, hour, bucket, n) VALUES (?,?,?,?)
		ON CONFLICT(tenant, hour, bucket) DO UPDATE SET n=latency_rollup.n+excluded.n`, tenant: ev.tenant, at: hour, num: latencyBucket(ev.latencyMS)})
	for _, d := range ev.docs {
		b.count(countKey{q: `INSERT INTO citation_rollup(tenant, day, document_id, n) VALUES (?,?,?,?)
			ON CONFLICT(tenant, day, document_id) DO UPDATE SET n=citation_rollup.n+excluded.n`, tenant: ev.tenant, at: ev.created / dayNanos, keys: [2]string{d}, nkeys: 1})
	}
	if ev.decision != string(answer.Escalated) || ev.conv == "" {
		return nil
	}
	return markUndeflected(b, `tenant=? AND conversation_id=? AND created>=? AND created<?`,
		ev.tenant, ev.conv, ev.created-int64(b.db.deflection), ev.created)
}

// markUndeflected marks the answered, still deflected answers matching
// where as not deflected, and counts them in their hours' rollups.
//
// The answers are selected (locked, on PostgreSQL), then updated when
// there are any: an escalation mostly has none before it, and a SELECT
// that finds nothing costs a fraction of the UPDATE … RETURNING that this
// was (SQLite collects RETURNING rows through a temporary table).
func markUndeflected(x rollExec, where string, args ...any) error {
	where += ` AND decision='` + string(answer.Answered) + `' AND undeflected=0`
	rows, err := x.query(`SELECT tenant, created FROM answers WHERE `+where+x.backend().lockRows("answers", false), args...)
	if err != nil {
		return fmt.Errorf("deflection: %w", err)
	}
	type key struct {
		tenant string
		hour   int64
	}
	var keys []key
	for rows.Next() {
		var k key
		var created int64
		if err := rows.Scan(&k.tenant, &created); err != nil {
			rows.Close()
			return fmt.Errorf("deflection: %w", err)
		}
		k.hour = created / hourNanos
		keys = append(keys, k)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("deflection: %w", err)
	}
	if len(keys) == 0 {
		return nil
	}
	if _, err := x.execResult(`UPDATE answers SET undeflected=1 WHERE `+where, args...); err != nil {
		return fmt.Errorf("deflection: %w", err)
	}
	for _, k := range keys {
		if err := x.undeflect(k.tenant, k.hour); err != nil {
			return fmt.Errorf("deflection rollup: %w", err)
		}
	}
	return nil
}

// rollFeedback counts feedback on a logged answer; negative feedback within
// the deflection window marks the answer as not deflected.
func rollFeedback(x rollExec, f Feedback, a LoggedAnswer, window time.Duration) error {
	hour := ts(a.Created) / hourNanos
	rating, sat, up, down := 0, 0, 0, 0
	if f.Rating > 0 {
		rating = 1
	}
	if f.Rating >= 4 {
		sat = 1
	}
	if f.Thumbs > 0 {
		up = 1
	}
	if f.Thumbs < 0 {
		down = 1
	}
	if _, err := x.execResult(`INSERT INTO feedback_rollup(tenant, hour, ratings, satisfied, up, down) VALUES (?,?,?,?,?,?)
		ON CONFLICT(tenant, hour) DO UPDATE SET ratings=feedback_rollup.ratings+excluded.ratings, satisfied=feedback_rollup.satisfied+excluded.satisfied,
			up=feedback_rollup.up+excluded.up, down=feedback_rollup.down+excluded.down`,
		f.Tenant, hour, rating, sat, up, down); err != nil {
		return fmt.Errorf("feedback rollup: %w", err)
	}
	negative := f.Thumbs < 0 || (f.Rating >= 1 && f.Rating <= 2)
	if !negative || f.Created.After(a.Created.Add(window)) {
		return nil
	}
	return markUndeflected(x, `id=? AND tenant=?`, a.ID, f.Tenant)
}

// Buckets of an analytics time series.
const (
	BucketHour = "hour"
	BucketDay  = "day"
	BucketWeek = "week"
)

// AnalyticsQuery selects the figures of a window.
type AnalyticsQuery struct {
	Tenant string
	// From and To bound the window [From, To), rounded out to whole hours;
	// a zero To is open.
	From, To time.Time
	Bucket   string // BucketHour, BucketDay (default) or BucketWeek
	// Documents are the tenant's documents, to report those never cited.
	Documents []string
	// Top bounds the cited documents and the no-evidence questions listed
	// (default 10).
	Top int
}

// Analytics are a tenant's support figures over a window.
type Analytics struct {
	From, To  time.Time // the window, in whole hours
	Volume    int
	Answered  int
	Escalated int
	// Escalations by reason, intent, language and queue.
	ByReason, ByIntent, ByLang, ByQueue map[string]int
	// Deflected counts answers not followed, within the deflection window,
	// by an escalation in their conversation or negative feedback;
	// DeflectionRate is Deflected over Volume.
	Deflected      int
	DeflectionRate float64
	// Ratings counts 1–5 ratings; CSAT is the share of 4 and 5.
	Ratings int
	CSAT    float64
	// ThumbsUp and ThumbsDown count thumbs.
	ThumbsUp, ThumbsDown int
	// Latency percentiles of the answer path in milliseconds: the lower
	// bound of the histogram bucket (5% wide) of the nearest rank.
	LatencyP50, LatencyP95, LatencyP99 float64
	// TopCited and NeverCited count the citations of the days the window
	// touches.
	TopCited   []DocumentCount
	NeverCited []string
	// NoEvidence counts questions escalated for lack of evidence;
	// NoEvidenceQuestions are the most recent (redacted).
	NoEvidence          int
	NoEvidenceQuestions []string
	Series              []SeriesPoint
}

// DocumentCount is a document with how many answers cited it.
type DocumentCount struct {
	ID    string
	Count int
}

// SeriesPoint is the volume of one bucket.
type SeriesPoint struct {
	Start                       time.Time
	Volume, Answered, Escalated int
}

// Analytics computes the figures of q's window.
func (s *AnalyticsStore) Analytics(ctx context.Context, q AnalyticsQuery) (Analytics, error) {
	if q.Tenant == "" {
		return Analytics{}, fmt.Errorf("analytics: %w: empty tenant", ErrInvalid)
	}
	if !q.To.IsZero() && !q.To.After(q.From) {
		return Analytics{}, fmt.Errorf("analytics: %w: the window ends before it starts", ErrInvalid)
	}
	var width, offset int64
	switch q.Bucket {
	case BucketHour:
		width = hourNanos
	case BucketDay, "":
		width = 24 * hourNanos
	case BucketWeek:
		// Unix time 0 was a Thursday; weeks start on Mondays.
		width, offset = 7*24*hourNanos, 3*24*hourNanos
	default:
		return Analytics{}, fmt.Errorf("analytics: %w: bucket must be hour, day or week", ErrInvalid)
	}
	if q.Top <= 0 {
		q.Top = 10
	}
	if err := s.db.flush(ctx); err != nil {
		return Analytics{}, fmt.Errorf("analytics: %w", err)
	}
	fromH, toH := floorDiv(ts(q.From), hourNanos), int64(math.MaxInt64)
	r := Analytics{From: time.Unix(0, fromH*hourNanos).UTC(), ByReason: map[string]int{}, ByIntent: map[string]int{},
		ByLang: map[string]int{}, ByQueue: map[string]int{}, TopCited: []DocumentCount{}, NeverCited: []string{},
		NoEvidenceQuestions: []string{}, Series: []SeriesPoint{}}
	if !q.To.IsZero() {
		toH = -floorDiv(-ts(q.To), hourNanos) // rounded up
		r.To = time.Unix(0, toH*hourNanos).UTC()
	}
	win := `tenant=? AND hour>=? AND hour<?`
	args := []any{q.Tenant, fromH, toH}
	db := s.db.db

	rows, err := db.QueryContext(ctx, `SELECT decision, SUM(n), SUM(undeflected) FROM answer_rollup WHERE `+win+` GROUP BY decision`, args...)
	if err != nil {
		return r, fmt.Errorf("analytics: %w", err)
	}
	undeflected := 0
	for rows.Next() {
		var decision string
		var n, und int
		if err := rows.Scan(&decision, &n, &und); err != nil {
			rows.Close()
			return r, fmt.Errorf("analytics: %w", err)
		}
		r.Volume += n
		switch answer.Decision(decision) {
		case answer.Answered:
			r.Answered, undeflected = n, und
		case answer.Escalated:
			r.Escalated = n
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return r, fmt.Errorf("analytics: %w", err)
	}
	rows, err = db.QueryContext(ctx, `SELECT dim, value, SUM(n) FROM escalation_rollup WHERE `+win+` GROUP BY dim, value`, args...)
	if err != nil {
		return r, fmt.Errorf("analytics: escalations: %w", err)
	}
	for rows.Next() {
		var dim, value string
		var n int
		if err := rows.Scan(&dim, &value, &n); err != nil {
			rows.Close()
			return r, fmt.Errorf("analytics: escalations: %w", err)
		}
		switch dim {
		case "reason":
			r.ByReason[value] = n
		case "intent":
			r.ByIntent[value] = n
		case "lang":
			r.ByLang[value] = n
		case "queue":
			r.ByQueue[value] = n
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return r, fmt.Errorf("analytics: escalations: %w", err)
	}
	r.NoEvidence = r.ByReason[string(answer.ReasonNoEvidence)]
	r.Deflected = r.Answered - undeflected
	if r.Volume > 0 {
		r.DeflectionRate = float64(r.Deflected) / float64(r.Volume)
	}

	var satisfied int
	if err := db.QueryRowContext(ctx, `SELECT COALESCE(SUM(ratings),0), COALESCE(SUM(satisfied),0), COALESCE(SUM(up),0), COALESCE(SUM(down),0)
		FROM feedback_rollup WHERE `+win, args...).Scan(&r.Ratings, &satisfied, &r.ThumbsUp, &r.ThumbsDown); err != nil {
		return r, fmt.Errorf("analytics: feedback: %w", err)
	}
	if r.Ratings > 0 {
		r.CSAT = float64(satisfied) / float64(r.Ratings)
	}
	if err := s.latency(ctx, &r, win, args); err != nil {
		return r, err
	}
	if err := s.citations(ctx, &r, q); err != nil {
		return r, err
	}

	rows, err = db.QueryContext(ctx, `SELECT question FROM answers WHERE tenant=? AND reason=? AND created>=? AND created<? AND decision=?
		ORDER BY created DESC LIMIT ?`, q.Tenant, answer.ReasonNoEvidence, fromH*hourNanos, satMul(toH, hourNanos), answer.Escalated, q.Top)
	if err != nil {
		return r, fmt.Errorf("analytics: no-evidence questions: %w", err)
	}
	for rows.Next() {
		var text string
		if err := rows.Scan(&text); err != nil {
			rows.Close()
			return r, fmt.Errorf("analytics: no-evidence questions: %w", err)
		}
		r.NoEvidenceQuestions = append(r.NoEvidenceQuestions, text)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return r, fmt.Errorf("analytics: no-evidence questions: %w", err)
	}

	rows, err = db.QueryContext(ctx, `SELECT (hour*?+?)/?, SUM(n), SUM(CASE WHEN decision=? THEN n ELSE 0 END), SUM(CASE WHEN decision=? THEN n ELSE 0 END)
		FROM answer_rollup WHERE `+win+` GROUP BY 1 ORDER BY 1`, append([]any{hourNanos, offset, width, answer.Answered, answer.Escalated}, args...)...)
	if err != nil {
		return r, fmt.Errorf("analytics: series: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var b int64
		var p SeriesPoint
		if err := rows.Scan(&b, &p.Volume, &p.Answered, &p.Escalated); err != nil {
			return r, fmt.Errorf("analytics: series: %w", err)
		}
		p.Start = time.Unix(0, b*width-offset).UTC()
		r.Series = append(r.Series, p)
	}
	if err := rows.Err(); err != nil {
		return r, fmt.Errorf("analytics: series: %w", err)
	}
	return r, nil
}

// latency fills the percentiles from the histogram rollup.
func (s *AnalyticsStore) latency(ctx context.Context, r *Analytics, win string, args []any) error {
	rows, err := s.db.db.QueryContext(ctx, `SELECT bucket, SUM(n) FROM latency_rollup WHERE `+win+` GROUP BY bucket ORDER BY bucket`, args...)
	if err != nil {
		return fmt.Errorf("analytics: latency: %w", err)
	}
	defer rows.Close()
	type bin struct {
		lo float64
		n  int
	}
	var bins []bin
	total := 0
	for rows.Next() {
		var b bin
		if err := rows.Scan(&b.lo, &b.n); err != nil {
			return fmt.Errorf("analytics: latency: %w", err)
		}
		bins = append(bins, b)
		total += b.n
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("analytics: latency: %w", err)
	}
	pct := func(p float64) float64 {
		if total == 0 {
			return 0
		}
		rank, cum := int(math.Ceil(p*float64(total))), 0
		for _, b := range bins {
			if cum += b.n; cum >= rank {
				return b.lo
			}
		}
		return bins[len(bins)-1].lo
	}
	r.LatencyP50, r.LatencyP95, r.LatencyP99 = pct(0.50), pct(0.95), pct(0.99)
	return nil
}

// citations fills the most cited documents and those never cited, over
// the days the window touches.
func (s *AnalyticsStore) citations(ctx context.Context, r *Analytics, q AnalyticsQuery) error {
	from, to := floorDiv(ts(r.From), dayNanos), int64(math.MaxInt64)
	if !r.To.IsZero() {
		to = -floorDiv(-ts(r.To), dayNanos)
	}
	rows, err := s.db.db.QueryContext(ctx, `SELECT document_id, SUM(n) FROM citation_rollup WHERE tenant=? AND day>=? AND day<? GROUP BY document_id`,
		q.Tenant, from, to)
	if err != nil {
		return fmt.Errorf("analytics: citations: %w", err)
	}
	defer rows.Close()
	cited := map[string]bool{}
	for rows.Next() {
		var d DocumentCount
		if err := rows.Scan(&d.ID, &d.Count); err != nil {
			return fmt.Errorf("analytics: citations: %w", err)
		}
		cited[d.ID] = true
		r.TopCited = append(r.TopCited, d)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("analytics: citations: %w", err)
	}
	sort.Slice(r.TopCited, func(i, j int) bool {
		if r.TopCited[i].Count != r.TopCited[j].Count {
			return r.TopCited[i].Count > r.TopCited[j].Count
		}
		return r.TopCited[i].ID < r.TopCited[j].ID
	})
	r.TopCited = r.TopCited[:min(len(r.TopCited), q.Top)]
	for _, d := range q.Documents {
		if !cited[d] {
			r.NeverCited = append(r.NeverCited, d)
		}
	}
	sort.Strings(r.NeverCited)
	return nil
}

// floorDiv is a/b rounded toward negative infinity.
func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// satMul is a·b, saturated at MaxInt64.
func satMul(a, b int64) int64 {
	if a > math.MaxInt64/b {
		return math.MaxInt64
	}
	return a * b
}
