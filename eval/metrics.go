package eval

import (
	"github.com/answerdesk/answerdesk/eval/metric"
	"math"
	"strconv"
)

// Metric is a measured value; NaN means undefined (no queries to measure it
// on) and is written to JSON as null.
type Metric float64

// MarshalJSON writes the value rounded to 6 decimals, or null for NaN and
// infinities, so that reports diff cleanly.
func (m Metric) MarshalJSON() ([]byte, error) {
	v := float64(m)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, math.Round(v*1e6)/1e6, 'f', -1, 64), nil
}

// UnmarshalJSON reads a number, or null as NaN.
func (m *Metric) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*m = Metric(math.NaN())
		return nil
	}
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return err
	}
	*m = Metric(v)
	return nil
}

// Defined reports whether m is a number.
func (m Metric) Defined() bool { return !math.IsNaN(float64(m)) && !math.IsInf(float64(m), 0) }

var nan = Metric(math.NaN())

// ratio returns a/b, NaN when b is zero.
func ratio(a, b int) Metric {
	if b == 0 {
		return nan
	}
	return Metric(float64(a) / float64(b))
}

func distinctDocs(ids []string) []string { return metric.Distinct(ids) }

// AUROC is metric.AUROC: the area under the ROC curve of scores separating
// positive from negative labels, ties counting half; NaN when either class
// is empty.
func AUROC(scores []float64, labels []bool) float64 { return metric.AUROC(scores, labels) }

func sortedIdx(scores []float64, desc bool) []int { return metric.Order(scores, desc) }

// Bin is one bin of a reliability diagram.
type Bin struct {
	Lo, Hi float64
	// Count of predictions whose confidence falls in [Lo, Hi) ([Lo, Hi] for the last bin).
	Count int `json:"count"`
	// Confidence is their mean confidence, Accuracy the share that were right.
	Confidence Metric `json:"confidence"`
	Accuracy   Metric `json:"accuracy"`
}

// Reliability bins predictions into n equal-width confidence bins and
// returns the bins with the expected calibration error
// Σ |bin|/N · |accuracy − confidence|. ECE is NaN without predictions.
func Reliability(conf []float64, labels []bool, n int) (ece float64, bins []Bin) {
	ece, mb := metric.Reliability(conf, labels, n)
	bins = make([]Bin, len(mb))
	for i, b := range mb {
		bins[i] = Bin{Lo: b.Lo, Hi: b.Hi, Count: b.Count, Confidence: Metric(b.Confidence), Accuracy: Metric(b.Accuracy)}
	}
	return ece, bins
}

// RCPoint is a point of the risk–coverage curve: answering the Coverage
// share of queries with the highest confidence (those at or above
// Threshold) makes the Risk share of those answers wrong.
type RCPoint struct {
	Coverage  Metric `json:"coverage"`
	Risk      Metric `json:"risk"`
	Threshold Metric `json:"threshold"`
}

// RiskCoverage returns the risk–coverage curve of confidence against
// correctness, with one point per distinct confidence value (a threshold can
// only cut between distinct values), and the area under it (AURC, lower is
// better).
func RiskCoverage(conf []float64, correct []bool) (curve []RCPoint, aurc float64) {
	n := len(conf)
	if n == 0 {
		return nil, math.NaN()
	}
	idx := sortedIdx(conf, true)
	right := 0
	prevCov := 0.0
	for i := 0; i < n; {
		j := i
		for j < n && conf[idx[j]] == conf[idx[i]] {
			if correct[idx[j]] {
				right++
			}
			j++
		}
		cov := float64(j) / float64(n)
		risk := 1 - float64(right)/float64(j)
		aurc += (cov - prevCov) * risk
		prevCov = cov
		curve = append(curve, RCPoint{Coverage: Metric(cov), Risk: Metric(risk), Threshold: Metric(conf[idx[i]])})
		i = j
	}
	return curve, aurc
}

// AnswerRateAt returns the largest share of queries that can be answered
// (those with the highest confidence) while the answers stay at least
// precision right, with the confidence threshold that achieves it; 0 and
// +Inf when no threshold does.
func AnswerRateAt(conf []float64, correct []bool, precision float64) (rate, threshold float64) {
	curve, _ := RiskCoverage(conf, correct)
	threshold = math.Inf(1)
	for _, p := range curve {
		if 1-float64(p.Risk) >= precision-1e-12 && float64(p.Coverage) > rate {
			rate, threshold = float64(p.Coverage), float64(p.Threshold)
		}
	}
	return rate, threshold
}

// thinCurve keeps at most n+1 points of a risk–coverage curve, one per
// 1/n of coverage plus the last, for reports.
func thinCurve(c []RCPoint, n int) []RCPoint {
	if len(c) <= n+1 {
		return c
	}
	var out []RCPoint
	next := 0.0
	for i, p := range c {
		if float64(p.Coverage) >= next || i == len(c)-1 {
			out = append(out, p)
			next = math.Floor(float64(p.Coverage)*float64(n)+1) / float64(n)
		}
	}
	return out
}

// percentile returns the nearest-rank p-th percentile (0 < p ≤ 100) of
// ascending values, NaN when empty.
func percentile(sorted []float64, p float64) Metric {
	if len(sorted) == 0 {
		return nan
	}
	r := int(math.Ceil(p / 100 * float64(len(sorted))))
	r = max(1, min(len(sorted), r))
	return Metric(sorted[r-1])
}
