// Package metric holds the evaluation metrics every measurement of
// answerdesk uses — the eval harness, the retrieval and answer tests, the
// benchmarks — so that a figure means the same wherever it is printed:
// document-level ranking metrics (hit@k, recall@k, MRR, nDCG with binary
// gains), AUROC and the expected calibration error.
//
// It imports only the standard library (none of answer, ingest, retrieval),
// so any package and any test can use it.
package metric

import (
	"math"
	"sort"
)

// Distinct returns the document ids in rank order, each once: relevance is
// at document level, so a document's best chunk stands for it.
func Distinct(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// FirstRelevant returns the 1-based rank of the first relevant document
// among the first k of docs, 0 when none.
func FirstRelevant(docs []string, rel map[string]bool, k int) int {
	for i, d := range docs {
		if i >= k {
			break
		}
		if rel[d] {
			return i + 1
		}
	}
	return 0
}

// ReciprocalRank is 1/FirstRelevant, 0 when no relevant document is in the
// first k (MRR@k is its mean).
func ReciprocalRank(docs []string, rel map[string]bool, k int) float64 {
	if r := FirstRelevant(docs, rel, k); r > 0 {
		return 1 / float64(r)
	}
	return 0
}

// Recall is the share of the relevant documents found in the first k; NaN
// without relevant documents.
func Recall(docs []string, rel map[string]bool, k int) float64 {
	if len(rel) == 0 {
		return math.NaN()
	}
	found := 0
	for i, d := range docs {
		if i >= k {
			break
		}
		if rel[d] {
			found++
		}
	}
	return float64(found) / float64(len(rel))
}

// NDCG is normalized discounted cumulative gain at k with binary gains;
// the ideal ranking puts min(|rel|, k) relevant documents first. NaN
// without relevant documents.
func NDCG(docs []string, rel map[string]bool, k int) float64 {
	if len(rel) == 0 {
		return math.NaN()
	}
	dcg := 0.0
	for i, d := range docs {
		if i >= k {
			break
		}
		if rel[d] {
			dcg += 1 / math.Log2(float64(i+2))
		}
	}
	idcg := 0.0
	for i := 0; i < min(len(rel), k); i++ {
		idcg += 1 / math.Log2(float64(i+2))
	}
	return dcg / idcg
}

// AUROC is the area under the ROC curve of scores separating positive from
// negative labels: the probability that a random positive scores above a
// random negative, ties counting half (Mann–Whitney with average ranks).
// NaN when either class is empty.
func AUROC(scores []float64, labels []bool) float64 {
	idx := Order(scores, false)
	npos, nneg := 0, 0
	for _, l := range labels {
		if l {
			npos++
		} else {
			nneg++
		}
	}
	if npos == 0 || nneg == 0 {
		return math.NaN()
	}
	// Sum of the positives' ranks, ascending, ties averaged.
	rankSum := 0.0
	for i := 0; i < len(idx); {
		j := i
		for j < len(idx) && scores[idx[j]] == scores[idx[i]] {
			j++
		}
		avg := float64(i+j+1) / 2 // ranks i+1..j
		for _, x := range idx[i:j] {
			if labels[x] {
				rankSum += avg
			}
		}
		i = j
	}
	u := rankSum - float64(npos)*float64(npos+1)/2
	return u / (float64(npos) * float64(nneg))
}

// Order returns the indices of scores sorted ascending (or descending),
// ties in index order, so that every result is reproducible.
func Order(scores []float64, desc bool) []int {
	idx := make([]int, len(scores))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		if desc {
			return scores[idx[a]] > scores[idx[b]]
		}
		return scores[idx[a]] < scores[idx[b]]
	})
	return idx
}

// Bin is one equal-width confidence bin of a reliability diagram:
// predictions with confidence in [Lo, Hi) ([Lo, Hi] for the last), their
// mean confidence and the share that were right (NaN when empty).
type Bin struct {
	Lo, Hi               float64
	Count                int
	Confidence, Accuracy float64
}

// Reliability bins predictions into n equal-width confidence bins and
// returns them with the expected calibration error
// Σ |bin|/N · |accuracy − confidence|; the ECE is NaN without predictions.
func Reliability(conf []float64, labels []bool, n int) (ece float64, bins []Bin) {
	bins = make([]Bin, n)
	sumC := make([]float64, n)
	sumY := make([]int, n)
	for i := range bins {
		bins[i].Lo, bins[i].Hi = float64(i)/float64(n), float64(i+1)/float64(n)
	}
	for i, c := range conf {
		b := int(math.Floor(c * float64(n)))
		b = max(0, min(n-1, b))
		bins[b].Count++
		sumC[b] += c
		if labels[i] {
			sumY[b]++
		}
	}
	if len(conf) == 0 {
		ece = math.NaN()
	}
	for i := range bins {
		if bins[i].Count == 0 {
			bins[i].Confidence, bins[i].Accuracy = math.NaN(), math.NaN()
			continue
		}
		c := sumC[i] / float64(bins[i].Count)
		a := float64(sumY[i]) / float64(bins[i].Count)
		bins[i].Confidence, bins[i].Accuracy = c, a
		if len(conf) > 0 {
			ece += float64(bins[i].Count) / float64(len(conf)) * math.Abs(a-c)
		}
	}
	return ece, bins
}
