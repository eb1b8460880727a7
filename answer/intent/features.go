package intent

import (
	"math"
	"sort"
	"strings"
	"unicode"

	"github.com/answerdesk/answerdesk/retrieval"
)

// featureSet names the sparse features of a text: the analyzer's terms, the
// pairs of adjacent terms, and the lowercase words the analyzer drops as
// stopwords ("not", "why", "can't" tell intents apart: "card not working"
// is not "card working").
func featureSet(text string) []string {
	return analyzedFeatureSet(text, retrieval.DefaultAnalyzer.Terms(text))
}

// analyzedFeatureSet is featureSet of a text already analyzed into terms
// by retrieval.DefaultAnalyzer.
func analyzedFeatureSet(text string, terms []string) []string {
	out := make([]string, 0, 3*len(terms)+8)
	out = append(out, terms...)
	for i := 1; i < len(terms); i++ {
		out = append(out, terms[i-1]+" "+terms[i])
	}
	for _, w := range functionWords(text) {
		out = append(out, "~"+w)
	}
	return out
}

// functionWords returns the lowercase words of text that the analyzer drops
// (stopwords), with "n't" kept as "not".
func functionWords(text string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && r != '\'' && r != '’'
	}) {
		w = strings.Trim(w, "'’")
		if strings.HasSuffix(w, "n't") || strings.HasSuffix(w, "n’t") {
			out = append(out, "not")
			continue
		}
		if w != "" && len(retrieval.DefaultAnalyzer.Terms(w)) == 0 {
			out = append(out, w)
		}
	}
	return out
}

// vocabulary maps feature names to columns, with their inverse document
// frequencies.
type vocabulary struct {
	index map[string]int
	idf   []float32
}

// newVocabulary keeps the features that occur in at least minDF texts.
func newVocabulary(texts [][]string, minDF int) vocabulary {
	df := map[string]int{}
	for _, fs := range texts {
		seen := map[string]bool{}
		for _, f := range fs {
			if !seen[f] {
				seen[f] = true
				df[f]++
			}
		}
	}
	names := make([]string, 0, len(df))
	for f, n := range df {
		if n >= minDF {
			names = append(names, f)
		}
	}
	sort.Strings(names)
	v := vocabulary{index: make(map[string]int, len(names)), idf: make([]float32, len(names))}
	for i, f := range names {
		v.index[f] = i
		v.idf[i] = float32(math.Log(float64(1+len(texts))/float64(1+df[f])) + 1)
	}
	return v
}

// sparseVec is a sparse feature vector: columns in ascending order.
type sparseVec struct {
	idx []int32
	val []float32
}

// vector weighs features by (1 + log tf)·idf and normalizes to unit length;
// unknown features are ignored.
func (v vocabulary) vector(features []string) sparseVec {
	tf := map[int32]int{}
	for _, f := range features {
		if i, ok := v.index[f]; ok {
			tf[int32(i)]++
		}
	}
	s := sparseVec{idx: make([]int32, 0, len(tf)), val: make([]float32, 0, len(tf))}
	for i := range tf {
		s.idx = append(s.idx, i)
	}
	sort.Slice(s.idx, func(a, b int) bool { return s.idx[a] < s.idx[b] })
	var norm float64
	for _, i := range s.idx {
		w := (1 + math.Log(float64(tf[i]))) * float64(v.idf[i])
		s.val = append(s.val, float32(w))
		norm += w * w
	}
	if norm > 0 {
		inv := float32(1 / math.Sqrt(norm))
		for k := range s.val {
			s.val[k] *= inv
		}
	}
	return s
}
