package answer

import (
	"bufio"
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/google/go-cmp/cmp"

	"github.com/answerdesk/answerdesk/retrieval"
)

func TestTriage(t *testing.T) {
	tr := newTriager(DefaultConfig())
	tests := []struct {
		q                string
		lang, intent     string
		human            bool
		topic, sentiment string
	}{
		{q: "How do I reset my Lumen hub?", lang: "en", intent: "technical", sentiment: "neutral"},
		{q: "agent", lang: "en", intent: "question", human: true, sentiment: "neutral"},
		{q: "Can I talk to an agent please", lang: "en", intent: "question", human: true, sentiment: "neutral"},
		{q: "I need a real person, not a bot", lang: "en", intent: "question", human: true, sentiment: "neutral"},
		{q: "How do I change the user agent string?", lang: "en", intent: "question", sentiment: "neutral"},
		{q: "How do I add a person to my account", lang: "en", intent: "account", sentiment: "neutral"},
		{q: "Оператор!", lang: "ru", intent: "question", human: true, sentiment: "neutral"},
		{q: "Соедините с живым человеком", lang: "ru", intent: "question", human: true, sentiment: "neutral"},
		{q: "Сколько человек погибло в сражении?", lang: "ru", intent: "question", sentiment: "neutral"},
		{q: "我要人工客服", lang: "zh", intent: "question", human: true, sentiment: "neutral"},
		{q: "客服", lang: "zh", intent: "question", human: true, sentiment: "neutral"},
		{q: "人工智能可以控制灯吗？", lang: "zh", intent: "question", sentiment: "neutral"},
		{q: "I'm going to sue you", lang: "en", intent: "legal_threat", topic: "legal_threat", sentiment: "neutral"},
		{q: "Я подам в суд на вашу компанию", lang: "ru", intent: "legal_threat", topic: "legal_threat", sentiment: "neutral"},
		{q: "Какое решение суда ликвидировало сегрегацию?", lang: "ru", intent: "question", sentiment: "neutral"},
		{q: "我要找律师", lang: "zh", intent: "legal_threat", topic: "legal_threat", sentiment: "neutral"},
		{q: "Please delete my account", lang: "en", intent: "account_deletion", topic: "account_deletion", sentiment: "neutral"},
		{q: "I was charged twice for the hub", lang: "en", intent: "refund_dispute", topic: "refund_dispute", sentiment: "neutral"},
		{q: "How much does the hub cost?", lang: "en", intent: "billing", sentiment: "neutral"},
		{q: "Где мой заказ?", lang: "ru", intent: "shipping", sentiment: "neutral"},
		{q: "This is ridiculous, the hub is terrible", lang: "en", intent: "question", sentiment: "angry"},
		{q: "I'm a bit disappointed with the app", lang: "en", intent: "question", sentiment: "negative"},
	}
	for _, tc := range tests {
		got := tr.triage(tc.q, "")
		want := Triage{Lang: tc.lang, Intent: tc.intent, HumanRequested: tc.human, Topic: tc.topic, Sentiment: tc.sentiment, SentimentScore: got.SentimentScore}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("triage(%q) (-want +got):\n%s", tc.q, d)
		}
	}
}

// TestSentimentLabelledSet measures the lexicon on testdata/sentiment.tsv
// (hand-labelled, 62 messages in three languages). The floors are the
// figures measured when the set was written, so a lexicon change that
// makes them worse fails.
func TestSentimentLabelledSet(t *testing.T) {
	f, err := os.Open("testdata/sentiment.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lx := newLexicon(SentimentLexicon{})
	type counts struct{ n, exact, negTP, negFP, negFN, angryTP, angryFP, angryFN int }
	per := map[string]*counts{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.SplitN(line, "\t", 3)
		if len(parts) != 3 {
			t.Fatalf("bad line %q", line)
		}
		label, lang, text := parts[0], parts[1], parts[2]
		s := lx.score(text, rawWords(text))
		got := SentimentNeutral
		switch {
		case s >= lx.angry:
			got = SentimentAngry
		case s >= lx.negative:
			got = SentimentNegative
		}
		c := per[lang]
		if c == nil {
			c = &counts{}
			per[lang] = c
		}
		c.n++
		if got == label {
			c.exact++
		} else {
			t.Logf("%s: %q scored %.2f → %s, labelled %s", lang, text, s, got, label)
		}
		isNeg, gotNeg := label != SentimentNeutral, got != SentimentNeutral
		switch {
		case isNeg && gotNeg:
			c.negTP++
		case !isNeg && gotNeg:
			c.negFP++
		case isNeg && !gotNeg:
			c.negFN++
		}
		switch {
		case label == SentimentAngry && got == SentimentAngry:
			c.angryTP++
		case label != SentimentAngry && got == SentimentAngry:
			c.angryFP++
		case label == SentimentAngry && got != SentimentAngry:
			c.angryFN++
		}
	}
	pr := func(tp, fp, fn int) (float64, float64) {
		return float64(tp) / math.Max(1, float64(tp+fp)), float64(tp) / math.Max(1, float64(tp+fn))
	}
	for _, lang := range []string{"en", "ru", "zh"} {
		c := per[lang]
		if c == nil {
			t.Fatalf("no %s examples", lang)
		}
		np, nr := pr(c.negTP, c.negFP, c.negFN)
		ap, ar := pr(c.angryTP, c.angryFP, c.angryFN)
		acc := float64(c.exact) / float64(c.n)
		t.Logf("%s: n=%d 3-class accuracy %.2f | negative-or-angry P=%.2f R=%.2f | angry (escalates) P=%.2f R=%.2f", lang, c.n, acc, np, nr, ap, ar)
		if acc < 0.7 || ap < 0.8 {
			t.Errorf("%s: accuracy %.2f, angry precision %.2f: below the floors 0.7 / 0.8", lang, acc, ap)
		}
	}
}

func TestFollowUp(t *testing.T) {
	hist := func(qs ...string) []Message {
		var h []Message
		for _, q := range qs {
			h = append(h, Message{Role: RoleCustomer, Text: q}, Message{Role: RoleAssistant, Text: "…"})
		}
		return h
	}
	tests := []struct {
		name       string
		history    []Message
		q          string
		want, lang string
	}{
		{"no history", nil, "and the price?", "and the price?", ""},
		{"standalone", hist("How do I reset the hub?"), "How do I pair a motion sensor with the app?", "How do I pair a motion sensor with the app?", ""},
		{"en pronoun", hist("How do I reset the hub?"), "how long does it take?", "How do I reset the hub? how long does it take?", ""},
		{"en language", hist("How do I reset the hub?"), "and in Russian?", "How do I reset the hub?", "ru"},
		{"ru ellipsis", hist("Как подключить датчик движения?"), "а сколько стоит?", "Как подключить датчик движения? а сколько стоит?", ""},
		{"zh ellipsis", hist("如何连接运动传感器？"), "那价格呢？", "如何连接运动传感器？ 那价格呢？", ""},
		{"chained", hist("How do I reset the hub?", "and the sensor?"), "how long does it take?", "How do I reset the hub? and the sensor? how long does it take?", ""},
	}
	for _, tc := range tests {
		got, lang := followUp(tc.history, analyzeText(tc.q))
		if got != tc.want || lang != tc.lang {
			t.Errorf("%s: followUp = %q, %q; want %q, %q", tc.name, got, lang, tc.want, tc.lang)
		}
	}
}

func TestPreferLang(t *testing.T) {
	h := func(id, lang string, score float64) retrieval.Hit {
		return retrieval.Hit{Chunk: retrieval.Chunk{ID: id, Lang: lang}, Score: score}
	}
	ids := func(hs []retrieval.Hit) []string {
		var out []string
		for _, x := range hs {
			out = append(out, x.ID)
		}
		return out
	}
	tests := []struct {
		name string
		hits []retrieval.Hit
		lang string
		want []string
	}{
		{"already first", []retrieval.Hit{h("a", "ru", 5), h("b", "en", 4)}, "ru", []string{"a", "b"}},
		{"comparable ru moves up", []retrieval.Hit{h("a", "en", 5), h("b", "en", 4), h("c", "ru", 3)}, "ru", []string{"c", "a", "b"}},
		{"weak ru stays", []retrieval.Hit{h("a", "en", 5), h("c", "ru", 1)}, "ru", []string{"a", "c"}},
		{"none in lang", []retrieval.Hit{h("a", "en", 5), h("b", "en", 4)}, "zh", []string{"a", "b"}},
	}
	for _, tc := range tests {
		if d := cmp.Diff(tc.want, ids(preferLang(tc.hits, tc.lang))); d != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, d)
		}
	}
}

func TestSplitSentences(t *testing.T) {
	got := splitSentences("Hold the button. It blinks (amber).\n- Step two\n重置完成。然后重启！Version 2.4 ships today")
	want := []string{"Hold the button.", "It blinks (amber).", "- Step two", "重置完成。", "然后重启！", "Version 2.4 ships today"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestConfidenceModel(t *testing.T) {
	m := ConfidenceModel{Intercept: -1, Weights: map[string]float64{"a": 2, "b": -1}, Threshold: 0.5}
	fs := []Feature{{Name: "a", Value: 1}, {Name: "b", Value: 0.5}, {Name: "unknown", Value: 3}}
	if p := m.Probability(fs); math.Abs(p-sigmoid(0.5)) > 1e-12 {
		t.Errorf("p = %v, want %v", p, sigmoid(0.5))
	}
	if d := cmp.Diff([]Feature{{"a", 1, 2}, {"b", 0.5, -0.5}, {"unknown", 3, 0}}, fs); d != "" {
		t.Errorf("contributions (-want +got):\n%s", d)
	}
	m.Platt = &Platt{A: 2, B: -1}
	if p := m.Probability(fs); math.Abs(p-sigmoid(0)) > 1e-12 {
		t.Errorf("platt p = %v", p)
	}
	m.Isotonic = []CalPoint{{0, 0}, {0.5, 0.2}, {1, 1}}
	if p := m.Probability(fs); math.Abs(p-0.2) > 1e-12 {
		t.Errorf("isotonic p = %v", p)
	}
	for name, bad := range map[string]string{
		"nan weight":   `{"weights": {"a": "NaN"}, "threshold": 0.5}`,
		"threshold":    `{"threshold": 1.5}`,
		"unsorted":     `{"threshold": 0.5, "isotonic": [{"x": 0.5, "y": 0.1}, {"x": 0.2, "y": 0.3}]}`,
		"out of range": `{"threshold": 0.5, "isotonic": [{"x": 0.5, "y": 1.1}]}`,
		"not json":     `{`,
	} {
		if _, err := ParseConfidenceModel([]byte(bad)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	d := DefaultConfidenceModel()
	if d.Threshold <= 0 || len(d.Weights) == 0 {
		t.Errorf("shipped model %+v", d)
	}
}

func TestPriorityAndRoute(t *testing.T) {
	tests := []struct {
		reason Reason
		tr     Triage
		want   Priority
	}{
		{ReasonLowConfidence, Triage{Sentiment: SentimentNeutral}, "normal"},
		{ReasonLowConfidence, Triage{Sentiment: SentimentNegative}, "high"},
		{ReasonNegativeSentiment, Triage{Sentiment: SentimentAngry}, "urgent"},
		{ReasonSensitiveTopic, Triage{Sentiment: SentimentNeutral, Topic: "account_deletion"}, "high"},
		{ReasonSensitiveTopic, Triage{Sentiment: SentimentNeutral, Topic: "legal_threat"}, "urgent"},
	}
	for _, tc := range tests {
		if got := priority(tc.reason, tc.tr); got != tc.want {
			t.Errorf("priority(%s, %+v) = %s, want %s", tc.reason, tc.tr, got, tc.want)
		}
	}
}

func TestConfigJSONOverDefaults(t *testing.T) {
	cfg := DefaultConfig()
	data := `{"k": 12, "escalate_sentiment": "negative", "routes": [{"tier": "enterprise", "queue": "vip", "priority": "high"}],
		"human": {"phrases": {"en": ["get me a human"]}}, "notices": {"de": "Ticket {ticket}"}}`
	dec := json.NewDecoder(strings.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		t.Fatal(err)
	}
	e, err := New(cfg, Deps{Retriever: nopRetriever{}, Tickets: &MemoryTickets{}})
	if err != nil {
		t.Fatal(err)
	}
	if e.cfg.K != 12 || e.cfg.MaxSentences != 3 || e.cfg.Notices["en"] == "" || e.cfg.Notices["de"] != "Ticket {ticket}" {
		t.Errorf("config %+v", e.cfg)
	}
	q, floor := e.route("question", "en", ReasonLowConfidence, "enterprise")
	if q != "vip" || floor != "high" {
		t.Errorf("route = %s, %s", q, floor)
	}
	bad := DefaultConfig()
	bad.Routes = []Route{{Queue: "x", Priority: "whenever"}}
	if _, err := New(bad, Deps{Retriever: nopRetriever{}, Tickets: &MemoryTickets{}}); err == nil {
		t.Error("bad route priority accepted")
	}
}

type nopRetriever struct{}

func (nopRetriever) Search(context.Context, retrieval.Query) (retrieval.Result, error) {
	return retrieval.Result{}, nil
}

func TestConfigJSONReplacesModelAndRejectsTypos(t *testing.T) {
	cfg := DefaultConfig()
	if err := json.Unmarshal([]byte(`{"confidence": {"intercept": 1, "weights": {"margin": 2}, "threshold": 0.7}}`), &cfg); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(ConfidenceModel{Intercept: 1, Weights: map[string]float64{"margin": 2}, Threshold: 0.7}, cfg.Confidence); d != "" {
		t.Errorf("model (-want +got):\n%s", d)
	}
	if len(cfg.Topics) == 0 {
		t.Error("topics lost")
	}
	if err := json.Unmarshal([]byte(`{"treshold": 0.5}`), &cfg); err == nil {
		t.Error("unknown key accepted")
	}
}

// TestTopicIndexFirst: the indexed topics and intents (topicIndex) give
// the first topic that matches in order (compiledTopic.match, tried one
// by one), on every string of the repository's JSON Lines test data, the
// shared evaluation data's queries when they are there, and texts spliced
// at random from the keywords themselves.
func TestTopicIndexFirst(t *testing.T) {
	cfg := DefaultConfig()
	tr := newTriager(cfg)
	files, err := filepath.Glob(filepath.Join("..", "testdata", "*", "*.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	more, _ := filepath.Glob(filepath.Join("..", "testdata", "*", "*", "*.jsonl"))
	shared, _ := filepath.Glob(filepath.Join("..", "..", "shared", "datasets", "*", "queries.jsonl"))
	if len(shared) == 0 {
		t.Log("the shared evaluation data (../shared/datasets) not found: the repository's data and spliced texts only")
	}
	texts := jsonlStrings(t, slices.Concat(files, more, shared))
	var pieces []string
	for _, ts := range [][]Topic{cfg.Topics, cfg.Intents} {
		for _, tp := range ts {
			for _, kws := range tp.Keywords {
				for _, k := range kws {
					pieces = append(pieces, strings.ReplaceAll(k, "*", "s"), strings.ReplaceAll(k, "*", ""))
				}
			}
		}
	}
	pieces = append(pieces, "I", "want", "to", "my", "the", "please", "я", "хочу", "мой", "我", "想", "!", "?", "'", "’")
	r := rand.New(rand.NewPCG(5, 6))
	for range 30000 {
		var b strings.Builder
		for k := r.IntN(6); k >= 0; k-- {
			p := pieces[r.IntN(len(pieces))]
			if r.IntN(4) == 0 {
				p = strings.ToUpper(p)
			}
			b.WriteString(p)
			b.WriteString([]string{" ", " ", ", ", "", "-"}[r.IntN(5)])
		}
		texts = append(texts, b.String())
	}
	byMatching := func(ts []compiledTopic, low string, words []string) int {
		for i, tp := range ts {
			if tp.match(low, words) {
				return i
			}
		}
		return -1
	}
	found, fails := 0, 0
	for _, text := range texts {
		low, words := lower(text), rawWords(text)
		for _, ix := range []topicIndex{tr.topics, tr.intents} {
			got, want := ix.first(low, words), byMatching(ix.topics, low, words)
			if got != want {
				if fails++; fails <= 20 {
					t.Errorf("%q: topic %d, matching in order %d", text, got, want)
				}
			}
			if want >= 0 {
				found++
			}
		}
	}
	t.Logf("%d texts, %d topics or intents found, %d different", len(texts), found, fails)
}

// BenchmarkTriage: triage of a question (language, sentiment, a request
// for a person, topic and intent), as every answer does; ns/op is per
// question of BenchmarkAnswerType's mix.
func BenchmarkTriage(b *testing.B) {
	tr := newTriager(DefaultConfig())
	qs := make([]analyzed, len(benchQuestions))
	for i, q := range benchQuestions {
		qs[i] = analyzeText(q)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		tr.classify(qs[i%len(qs)], "")
	}
}

// TestLexiconWeightLongestStem: a word's sentiment weight, its longest
// Russian stem looked up by length, is the weight of the longest stem it
// starts with among all of them (the scan it replaced), for every word of
// the repository's JSON Lines test data and the stems with endings.
func TestLexiconWeightLongestStem(t *testing.T) {
	l := newLexicon(SentimentLexicon{Words: map[string]map[string]float64{"ru": {"ужасно": 3, "плох": 1, "плохое": 2.5}}})
	byScan := func(w string) float64 {
		if v, ok := l.words[w]; ok {
			return v
		}
		if w == "" || w[0] < 0x80 {
			return 0
		}
		best, bestLen := 0.0, 0
		for p, v := range l.prefixes {
			if len(p) > bestLen && strings.HasPrefix(w, p) {
				best, bestLen = v, len(p)
			}
		}
		return best
	}
	files, err := filepath.Glob(filepath.Join("..", "testdata", "*", "*", "*.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var words []string
	for _, s := range jsonlStrings(t, files) {
		words = append(words, rawWords(s)...)
	}
	for p := range l.prefixes {
		for _, end := range []string{"", "о", "ая", "ыми", "ость"} {
			words = append(words, p+end, string([]rune(p)[:len([]rune(p))-1])+end)
		}
	}
	weighted := 0
	for _, w := range words {
		if got, want := l.weight(w), byScan(w); got != want {
			t.Errorf("weight(%q) = %v, the longest stem's %v", w, got, want)
		} else if got != 0 {
			weighted++
		}
	}
	t.Logf("%d words, %d weighted", len(words), weighted)
	if weighted < 100 {
		t.Errorf("only %d words weighted: the test misses the stems", weighted)
	}
}

// rawWordsBuilt is rawWords as it was, every word built rune by rune.
func rawWordsBuilt(text string) []string {
	var out []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			out = append(out, strings.Trim(b.String(), "'’"))
			b.Reset()
		}
	}
	for _, r := range text {
		switch {
		case isHanRune(r):
			flush()
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			r = unicode.ToLower(r)
			if r == 'ё' {
				r = 'е'
			}
			b.WriteRune(r)
		case (r == '\'' || r == '’') && b.Len() > 0:
			b.WriteRune('\'')
		default:
			flush()
		}
	}
	flush()
	return out
}

// TestRawWordsAsBuilt: rawWords, which takes a word already as written
// from the text, gives the words building each gave, on every string of
// the repository's JSON Lines test data and texts spliced at random from
// capitals, "ё", both apostrophes, Han, digits and invalid UTF-8.
func TestRawWordsAsBuilt(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "testdata", "*", "*", "*.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	texts := jsonlStrings(t, files)
	pieces := []string{"don't", "Don’t", "'", "’", "''", "ёлка", "ЁЛКА", "Ёж", "hub", "HUB", "Wi-Fi", "5GHz", "你好", "支持",
		"カナ", "привет", "ПРИВЕТ", "İstanbul", "ǅ", "ß", "ﬁ", "\xff", "\xe4\xbd", "é", "É", " ", " ", ", ", "?", "-", "_", "1"}
	r := rand.New(rand.NewPCG(9, 10))
	for range 30000 {
		var b strings.Builder
		for k := r.IntN(8); k >= 0; k-- {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		texts = append(texts, b.String())
	}
	for _, text := range texts {
		if got, want := rawWords(text), rawWordsBuilt(text); !slices.Equal(got, want) || (got == nil) != (want == nil) {
			t.Fatalf("rawWords(%q) = %q, built %q", text, got, want)
		}
	}
}
