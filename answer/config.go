package answer

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/answerdesk/answerdesk/retrieval"
)

// Config tunes the engine. The zero value of a field means "the default"
// where noted; start from DefaultConfig and override (a JSON config
// section decodes over it, so that only changed keys need be given).
type Config struct {
	// Confidence maps features to a calibrated probability and holds the
	// answer threshold, for answers retrieved by sparse search alone.
	Confidence ConfidenceModel `json:"confidence"`
	// HybridConfidence is the model for answers retrieved by hybrid search
	// (an embedder is configured and the store ran dense search): its
	// features include the dense ones, fitted with a real embedding model.
	HybridConfidence ConfidenceModel `json:"hybrid_confidence"`
	// CrossConfidence is the model for answers quoted across languages: an
	// embedder is configured, dense search ran and the cited passage is in
	// another language than the question's. Its features compare no words
	// (crossFeatures): the lexical ones see none shared.
	CrossConfidence ConfidenceModel `json:"cross_confidence"`
	// CrossLanguageQuotes lets an answer quote a passage in another script
	// than the question without a Generator, when CrossConfidence clears
	// its threshold. Off by default, such a question escalates
	// (ReasonCrossLanguage) with the quote as the attempted answer. The
	// cross-language model sees whether the question is about the
	// passage's topic, not whether the passage holds what is asked: on
	// hand-written questions it was never fitted on (docs/eval.md,
	// "Never-fitted check: product manuals") it answered questions on the
	// price, weight or warranty of a product its manual describes at
	// 0.96–0.997. With a Generator, which reads both languages and whose
	// claims are verified, cross-language answers need no switch.
	CrossLanguageQuotes bool `json:"cross_language_quotes"`
	// K is the number of passages retrieved (default 8).
	K int `json:"k"`
	// MaxQuestion bounds a question as the engine reads it, in characters
	// (default 2000): an email without its quoted thread, signature,
	// salutation and valediction (latestMessage). See CheckQuestion.
	MaxQuestion int `json:"max_question"`
	// MaxMessage bounds a message as sent, in characters (default 10000,
	// never less than MaxQuestion): an email with the thread it quotes.
	// The API publishes it in its OpenAPI document.
	MaxMessage int `json:"max_message"`
	// MaxSentences bounds an extractive answer (default 3).
	MaxSentences int `json:"max_sentences"`
	// Articles is the number of articles offered with an escalation for
	// low confidence (Answer.Articles; default 3, negative for none).
	Articles int `json:"articles"`
	// ArticleFloor is the confidence below which an escalation offers no
	// articles (default 0.4; see Answer.Articles and docs/eval.md,
	// "Articles offered with an escalation").
	ArticleFloor float64 `json:"article_floor"`
	// GeneratePassages is the number of passages handed to a Generator
	// (default 5).
	GeneratePassages int `json:"generate_passages"`
	// MinSupport is the Generation.SupportRatio below which a generated
	// answer fails grounding (default 0.5).
	MinSupport float64 `json:"min_support"`
	// EscalateOnLLMError escalates with ReasonLLMUnavailable when the
	// Generator fails, instead of falling back to an extractive answer.
	EscalateOnLLMError bool `json:"escalate_on_llm_error"`
	// EscalateSentiment is the sentiment at or above which a question goes
	// to a person at once: "angry" (default), "negative" or "never".
	EscalateSentiment string `json:"escalate_sentiment"`
	// HistoryTurns is the number of previous turns used for follow-ups and
	// handed to a Generator (default 6).
	HistoryTurns int `json:"history_turns"`
	// Human recognizes explicit requests for a person.
	Human HumanRequest `json:"human"`
	// Topics always go to a person (ReasonSensitiveTopic).
	Topics []Topic `json:"topics"`
	// Intents label questions for routing; the first matching rule wins,
	// after Topics.
	Intents []Topic `json:"intents"`
	// CaseNouns are the words, per language, that name a customer's own
	// case when an identifier follows them ("order SWP-48213", "заказ №
	// 5512", "订单号XL88"): a message holding such a reference goes to a
	// person (ReasonCaseReference), who can open the case; the ticket
	// lists the references. A trailing "*" matches any ending; Chinese
	// nouns are matched right before the identifier. Default: order,
	// booking, invoice, ticket, RMA and the like in English, Russian and
	// Chinese. Set, it replaces the default for every language; an empty
	// object turns the rule off.
	CaseNouns map[string][]string `json:"case_nouns"`
	// Sentiment overrides or extends the built-in sentiment lexicon.
	Sentiment SentimentLexicon `json:"sentiment"`
	// Routes pick a ticket's queue; the first matching route wins.
	Routes []Route `json:"routes"`
	// DefaultQueue is the queue when no route matches (default "support").
	DefaultQueue string `json:"default_queue"`
	// LinkDomains are the hosts (and their subdomains) a tenant's answers may
	// link to, by tenant ("*" for tenants without an entry). When a tenant
	// has a list, a passage linking anywhere else is never quoted; without
	// one, links are not screened (passages addressing the assistant always
	// are).
	LinkDomains map[string][]string `json:"link_domains"`
	// Notices are the messages shown to an escalated customer, per
	// language; {ticket} is replaced by the ticket id.
	Notices map[string]string `json:"notices"`
	// HandoverNotices are the replies to a customer whose conversation a
	// person has (its ticket is open), per language; {ticket} is replaced
	// by the ticket id.
	HandoverNotices map[string]string `json:"handover_notices"`
	// SourceNotices are the lines put before an extractive answer quoted
	// from passages in another language than the customer's: by the
	// customer's language, then by the passages' language ("*" for any
	// other). A generated answer is written in the customer's language and
	// needs none.
	SourceNotices map[string]map[string]string `json:"source_notices"`
}

// HumanRequest recognizes an explicit request for a person, per language
// ("*" for all). Phrases always count. Words ("agent", "оператор", "客服")
// count in a short message (at most ShortWords words, or 2·ShortWords Han
// characters) or next to one of Verbs ("talk to an agent"), so that "user
// agent string" or "人工智能" does not page a human.
type HumanRequest struct {
	Phrases    map[string][]string `json:"phrases"`
	Words      map[string][]string `json:"words"`
	Verbs      map[string][]string `json:"verbs"`
	ShortWords int                 `json:"short_words"`
}

// Topic is a named set of keywords per language ("*" for all). A keyword
// matches when its words occur consecutively in the question, case
// folded, a trailing "*" matching any ending ("lawyer*" matches "lawyers",
// "удалит* аккаунт*" matches "удалите аккаунт"); Chinese keywords match as
// substrings.
type Topic struct {
	Name     string              `json:"name"`
	Keywords map[string][]string `json:"keywords"`
}

// Route sends tickets matching Intent, Lang, Reason and Tier (each empty =
// any; Tier is the request's Customer["tier"]) to Queue, raising their
// priority to at least Priority when set.
type Route struct {
	Intent   string   `json:"intent,omitempty"`
	Lang     string   `json:"lang,omitempty"`
	Reason   Reason   `json:"reason,omitempty"`
	Tier     string   `json:"tier,omitempty"`
	Queue    string   `json:"queue"`
	Priority Priority `json:"priority,omitempty"`
}

// SentimentLexicon extends the built-in lexicon: Words maps a word (or a
// Russian stem prefix, or a Chinese phrase) to a negative weight (positive
// values are negative sentiment; a negative value marks a positive word),
// Intensifiers multiply the next word, Negators flip it. Keys are
// languages.
type SentimentLexicon struct {
	Words        map[string]map[string]float64 `json:"words,omitempty"`
	Intensifiers map[string][]string           `json:"intensifiers,omitempty"`
	Negators     map[string][]string           `json:"negators,omitempty"`
	// Negative and Angry are the score thresholds (defaults 1 and 3).
	Negative float64 `json:"negative,omitempty"`
	Angry    float64 `json:"angry,omitempty"`
}

// UnmarshalJSON decodes a config section over c: keys absent from data keep
// c's values, maps merge, and a given confidence model, topic, intent or
// route list replaces c's whole (encoding/json would otherwise decode list
// elements over the defaults' elements, mixing fields). Unknown keys are an
// error, so that a typo is reported instead of ignored.
func (c *Config) UnmarshalJSON(data []byte) error {
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(data, &keys); err != nil {
		return err
	}
	type plain Config
	p := plain(*c)
	if _, ok := keys["confidence"]; ok {
		p.Confidence = ConfidenceModel{}
	}
	if _, ok := keys["hybrid_confidence"]; ok {
		p.HybridConfidence = ConfidenceModel{}
	}
	if _, ok := keys["cross_confidence"]; ok {
		p.CrossConfidence = ConfidenceModel{}
	}
	if _, ok := keys["topics"]; ok {
		p.Topics = nil
	}
	if _, ok := keys["intents"]; ok {
		p.Intents = nil
	}
	if _, ok := keys["routes"]; ok {
		p.Routes = nil
	}
	if _, ok := keys["case_nouns"]; ok {
		p.CaseNouns = nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return err
	}
	*c = Config(p)
	return nil
}

//go:embed confidence.json
var defaultConfidenceJSON []byte

//go:embed confidence-hybrid.json
var defaultHybridConfidenceJSON []byte

//go:embed confidence-cross.json
var defaultCrossConfidenceJSON []byte

// DefaultConfidenceModel returns the sparse-retrieval confidence model
// shipped in the binary (answer/confidence.json).
func DefaultConfidenceModel() ConfidenceModel {
	m, err := ParseConfidenceModel(defaultConfidenceJSON)
	if err != nil {
		panic("answer: shipped confidence.json: " + err.Error())
	}
	return m
}

// DefaultHybridConfidenceModel returns the hybrid-retrieval confidence
// model shipped in the binary (answer/confidence-hybrid.json).
func DefaultHybridConfidenceModel() ConfidenceModel {
	m, err := ParseConfidenceModel(defaultHybridConfidenceJSON)
	if err != nil {
		panic("answer: shipped confidence-hybrid.json: " + err.Error())
	}
	return m
}

// DefaultCrossConfidenceModel returns the cross-language confidence model
// shipped in the binary (answer/confidence-cross.json).
func DefaultCrossConfidenceModel() ConfidenceModel {
	m, err := ParseConfidenceModel(defaultCrossConfidenceJSON)
	if err != nil {
		panic("answer: shipped confidence-cross.json: " + err.Error())
	}
	return m
}

// confidenceFor is the model for an answer retrieved as res, citing cited
// first (nil without a citation), to a question in lang, and whether it is
// the cross-language one (scored on crossFeatures): that one when dense
// search ran (an embedder is configured) and cited is in another language
// than lang, of another script (crossScript: no word can match); else the
// hybrid one when dense search ran; else the sparse one.
func (c Config) confidenceFor(res retrieval.Result, cited *retrieval.Hit, lang string) (ConfidenceModel, bool) {
	if !denseRan(res.Hits) {
		return c.Confidence, false
	}
	if cited != nil && crossScript(lang, cited.Lang) {
		return c.CrossConfidence, true
	}
	return c.HybridConfidence, false
}

// ParseConfidenceModel decodes and validates a confidence model file.
func ParseConfidenceModel(data []byte) (ConfidenceModel, error) {
	var m ConfidenceModel
	if err := json.Unmarshal(data, &m); err != nil {
		return ConfidenceModel{}, fmt.Errorf("confidence model: %w", err)
	}
	if err := m.Validate(); err != nil {
		return ConfidenceModel{}, err
	}
	return m, nil
}

// Validate checks that every coefficient is finite, the threshold is a
// probability and isotonic points are sorted probabilities.
func (m ConfidenceModel) Validate() error {
	finite := func(name string, v float64) error {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("confidence model: %s is not a finite number", name)
		}
		return nil
	}
	if err := finite("intercept", m.Intercept); err != nil {
		return err
	}
	for k, w := range m.Weights {
		if err := finite("weight "+k, w); err != nil {
			return err
		}
	}
	if m.Platt != nil {
		if err := finite("platt.a", m.Platt.A); err != nil {
			return err
		}
		if err := finite("platt.b", m.Platt.B); err != nil {
			return err
		}
	}
	if !(m.Threshold >= 0 && m.Threshold <= 1) {
		return fmt.Errorf("confidence model: threshold %v is not in [0,1]", m.Threshold)
	}
	if !sort.SliceIsSorted(m.Isotonic, func(i, j int) bool { return m.Isotonic[i].X < m.Isotonic[j].X }) {
		return fmt.Errorf("confidence model: isotonic points are not sorted by x")
	}
	for _, v := range m.Vetoes {
		if FeatureSign(v) >= 0 {
			return fmt.Errorf("confidence model: veto %q is not a feature that means a wrong answer", v)
		}
	}
	for _, p := range m.Isotonic {
		if !(p.X >= 0 && p.X <= 1 && p.Y >= 0 && p.Y <= 1) {
			return fmt.Errorf("confidence model: isotonic point (%v, %v) is not in [0,1]²", p.X, p.Y)
		}
	}
	return nil
}

// Logit is the model's raw logit for features (without calibration),
// filling each feature's Contribution. Features without a weight
// contribute nothing.
func (m ConfidenceModel) Logit(features []Feature) float64 {
	z := m.Intercept
	for i := range features {
		c := m.Weights[features[i].Name] * features[i].Value
		features[i].Contribution = c
		z += c
	}
	return z
}

// Probability is the calibrated probability for features: the logistic
// model, then Platt scaling, then isotonic calibration when present. It
// fills each feature's Contribution.
func (m ConfidenceModel) Probability(features []Feature) float64 {
	z := m.Logit(features)
	if m.Platt != nil {
		z = m.Platt.A*z + m.Platt.B
	}
	p := sigmoid(z)
	if len(m.Isotonic) > 0 {
		p = interpolate(m.Isotonic, p)
	}
	if m.Vetoed(features) {
		p = min(p, m.Threshold/2)
	}
	return p
}

// Vetoed reports whether one of m.Vetoes is 1 (at least ½) in features.
func (m ConfidenceModel) Vetoed(features []Feature) bool {
	for _, f := range features {
		if f.Value >= 0.5 && slices.Contains(m.Vetoes, f.Name) {
			return true
		}
	}
	return false
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// interpolate evaluates the piecewise-linear curve pts at x, clamping at
// the ends.
func interpolate(pts []CalPoint, x float64) float64 {
	if x <= pts[0].X {
		return pts[0].Y
	}
	last := pts[len(pts)-1]
	if x >= last.X {
		return last.Y
	}
	i := sort.Search(len(pts), func(i int) bool { return pts[i].X >= x })
	a, b := pts[i-1], pts[i]
	if b.X == a.X {
		return b.Y
	}
	return a.Y + (b.Y-a.Y)*(x-a.X)/(b.X-a.X)
}

// DefaultConfig returns the shipped configuration.
func DefaultConfig() Config {
	return Config{
		Confidence:        DefaultConfidenceModel(),
		HybridConfidence:  DefaultHybridConfidenceModel(),
		CrossConfidence:   DefaultCrossConfidenceModel(),
		K:                 8,
		MaxQuestion:       2000,
		MaxMessage:        10000,
		MaxSentences:      3,
		Articles:          3,
		ArticleFloor:      0.4,
		GeneratePassages:  5,
		MinSupport:        0.5,
		EscalateSentiment: "angry",
		HistoryTurns:      6,
		Human:             defaultHuman(),
		Topics:            defaultTopics(),
		Intents:           defaultIntents(),
		CaseNouns:         defaultCaseNouns(),
		Routes: []Route{
			{Intent: "legal_threat", Queue: "legal"},
			{Intent: "refund_dispute", Queue: "billing"},
			{Intent: "chargeback", Queue: "billing"},
			{Intent: "billing", Queue: "billing"},
			{Intent: "account_deletion", Queue: "privacy"},
			{Lang: "ru", Queue: "support-ru"},
			{Lang: "zh", Queue: "support-zh"},
		},
		DefaultQueue: "support",
		Notices: map[string]string{
			"en": "I have passed your question to our support team (ticket {ticket}); a person will reply soon.",
			"ru": "Я передал ваш вопрос в службу поддержки (обращение {ticket}); сотрудник скоро ответит.",
			"zh": "您的问题已转交人工客服（工单 {ticket}），工作人员会尽快回复您。",
		},
		HandoverNotices: map[string]string{
			"en": "A person from our support team has this conversation (ticket {ticket}); I have added your message for them.",
			"ru": "Вашим обращением занимается сотрудник поддержки (обращение {ticket}); я передал ему ваше сообщение.",
			"zh": "人工客服正在处理您的会话（工单 {ticket}），您的消息已转交给他们。",
		},
		SourceNotices: map[string]map[string]string{
			// "en" also serves customers of other languages.
			"en": {"en": "From our English documentation:", "ru": "From our Russian documentation:", "zh": "From our Chinese documentation:", "*": "From our documentation in another language:"},
			"ru": {"en": "Из нашей документации на английском:", "zh": "Из нашей документации на китайском:", "*": "Из нашей документации на другом языке:"},
			"zh": {"en": "摘自我们的英文文档：", "ru": "摘自我们的俄文文档：", "*": "摘自我们的其他语言文档："},
		},
	}
}

// withDefaults fills zero fields of c from DefaultConfig.
func (c Config) withDefaults() Config {
	d := DefaultConfig()
	if c.Confidence.Weights == nil && c.Confidence.Intercept == 0 && c.Confidence.Threshold == 0 {
		c.Confidence = d.Confidence
	}
	if c.HybridConfidence.Weights == nil && c.HybridConfidence.Intercept == 0 && c.HybridConfidence.Threshold == 0 {
		c.HybridConfidence = d.HybridConfidence
	}
	if c.CrossConfidence.Weights == nil && c.CrossConfidence.Intercept == 0 && c.CrossConfidence.Threshold == 0 {
		c.CrossConfidence = d.CrossConfidence
	}
	if c.K <= 0 {
		c.K = d.K
	}
	if c.MaxQuestion <= 0 {
		c.MaxQuestion = d.MaxQuestion
	}
	if c.MaxMessage <= 0 {
		c.MaxMessage = d.MaxMessage
	}
	// A message may always be as long as the question read from it: a
	// max_question raised alone (as for an email channel before
	// max_message) keeps working.
	c.MaxMessage = max(c.MaxMessage, c.MaxQuestion)
	if c.MaxSentences <= 0 {
		c.MaxSentences = d.MaxSentences
	}
	if c.Articles == 0 {
		c.Articles = d.Articles
	}
	if c.ArticleFloor <= 0 {
		c.ArticleFloor = d.ArticleFloor
	}
	if c.GeneratePassages <= 0 {
		c.GeneratePassages = d.GeneratePassages
	}
	if c.MinSupport <= 0 {
		c.MinSupport = d.MinSupport
	}
	if c.EscalateSentiment == "" {
		c.EscalateSentiment = d.EscalateSentiment
	}
	if c.HistoryTurns <= 0 {
		c.HistoryTurns = d.HistoryTurns
	}
	if c.Human.Phrases == nil && c.Human.Words == nil {
		c.Human = d.Human
	}
	if c.Topics == nil {
		c.Topics = d.Topics
	}
	if c.Intents == nil {
		c.Intents = d.Intents
	}
	if c.CaseNouns == nil {
		c.CaseNouns = d.CaseNouns
	}
	if c.Routes == nil {
		c.Routes = d.Routes
	}
	if c.DefaultQueue == "" {
		c.DefaultQueue = d.DefaultQueue
	}
	if c.Notices == nil {
		c.Notices = d.Notices
	}
	if c.SourceNotices == nil {
		c.SourceNotices = d.SourceNotices
	}
	if c.HandoverNotices == nil {
		c.HandoverNotices = d.HandoverNotices
	}
	return c
}

// validate reports a configuration the engine cannot run with.
func (c Config) validate() error {
	if err := c.Confidence.Validate(); err != nil {
		return err
	}
	if err := c.HybridConfidence.Validate(); err != nil {
		return fmt.Errorf("hybrid_confidence: %w", err)
	}
	if err := c.CrossConfidence.Validate(); err != nil {
		return fmt.Errorf("cross_confidence: %w", err)
	}
	switch c.EscalateSentiment {
	case "angry", "negative", "never":
	default:
		return fmt.Errorf("escalate_sentiment %q: want angry, negative or never", c.EscalateSentiment)
	}
	if c.K > 100 {
		return fmt.Errorf("k %d: at most 100", c.K)
	}
	if c.MinSupport > 1 {
		return fmt.Errorf("min_support %v: at most 1", c.MinSupport)
	}
	if c.Articles > 10 {
		return fmt.Errorf("articles %d: at most 10", c.Articles)
	}
	if c.ArticleFloor > 1 {
		return fmt.Errorf("article_floor %v: at most 1", c.ArticleFloor)
	}
	for i, t := range c.Topics {
		if t.Name == "" {
			return fmt.Errorf("topic %d: empty name", i+1)
		}
	}
	for lang, ws := range c.CaseNouns {
		for _, w := range ws {
			if w = strings.TrimSpace(w); w == "" || w == "*" || strings.ContainsFunc(w, unicode.IsSpace) {
				return fmt.Errorf("case_nouns %s: %q: want one word (a trailing * matches any ending)", lang, w)
			}
		}
	}
	for i, r := range c.Routes {
		if r.Queue == "" {
			return fmt.Errorf("route %d: empty queue", i+1)
		}
		if r.Priority != "" && priorityRank(r.Priority) < 0 {
			return fmt.Errorf("route %d: priority %q: want low, normal, high or urgent", i+1, r.Priority)
		}
	}
	return nil
}

func defaultHuman() HumanRequest {
	return HumanRequest{
		Phrases: map[string][]string{
			"en": {
				"real person", "live person", "real human", "human being", "live agent", "human agent",
				"talk to someone", "speak to someone", "speak with someone", "talk with someone",
				"customer service representative", "support representative", "transfer me", "connect me to",
				"talk to a person", "speak to a person", "speak to a manager", "talk to a manager",
				"speak to your manager", "talk to your manager", "speak to your supervisor",
			},
			"ru": {
				"живой человек", "живого человека", "живым человеком", "с человеком", "позовите человека",
				"соедините с", "переключите на", "свяжите с", "позовите менеджера", "позовите руководителя",
			},
			"zh": {"转人工", "人工客服", "人工服务", "真人", "接线员", "找客服", "转客服", "联系客服", "要客服"},
		},
		Words: map[string][]string{
			"en": {"agent", "human", "person", "representative", "operator", "rep"},
			"ru": {"оператор", "оператора", "оператором", "сотрудник", "сотрудника", "сотрудником", "человек", "человека", "человеком", "специалист", "специалиста"},
			"zh": {"客服", "人工", "工作人员"},
		},
		Verbs: map[string][]string{
			"en": {"talk", "speak", "connect", "transfer", "want", "need", "get", "give", "call", "chat"},
			"ru": {"позовите", "позвать", "позови", "соедините", "соединить", "переключите", "хочу", "нужен", "нужна", "дайте", "свяжите", "поговорить", "говорить", "пообщаться"},
			"zh": {"找", "转", "要", "接通", "联系", "叫", "我想和", "跟"},
		},
		ShortWords: 2,
	}
}

func defaultTopics() []Topic {
	return []Topic{
		{Name: "legal_threat", Keywords: map[string][]string{
			"en": {"lawyer*", "attorney*", "lawsuit*", "sue", "suing", "legal action", "take you to court", "see you in court", "small claims", "class action"},
			"ru": {"подам в суд", "подать в суд", "подаю в суд", "обращусь в суд", "обратиться в суд", "пойду в суд", "через суд", "судиться", "буду судиться", "адвокат*", "юрист*", "подам иск", "подать иск", "исковое заявление", "претензи*", "прокуратур*", "роспотребнадзор*"},
			"zh": {"律师", "起诉", "告你们", "去法院", "上法院", "打官司", "消协", "投诉到"},
		}},
		{Name: "chargeback", Keywords: map[string][]string{
			"en": {"chargeback*", "charge back", "dispute the charge", "dispute with my bank", "dispute the payment"},
			"ru": {"чарджб*", "оспорить платеж", "оспорить списание", "опротестовать платеж"},
			"zh": {"拒付", "争议交易"},
		}},
		{Name: "refund_dispute", Keywords: map[string][]string{
			"en": {"refund dispute", "refused my refund", "refused to refund", "denied my refund", "never got my refund", "never received my refund", "still no refund", "want my money back",
				"charged twice", "charged two times", "billed twice", "double charg*", "double-charged", "duplicat* charg*", "duplicat* payment*", "duplicat* transaction*",
				"charged for the same", "same thing twice", "same transaction twice", "paid twice", "unauthorized charge*"},
			"ru": {"не вернули деньги", "верните деньги", "верните мои деньги", "деньги не вернули", "отказали в возврате", "списали дважды", "двойное списание"},
			"zh": {"退款纠纷", "拒绝退款", "不给退款", "还没收到退款", "把钱退给我", "重复扣款", "扣了两次"},
		}},
		{Name: "account_deletion", Keywords: map[string][]string{
			"en": append(accountDeletionEN(), "delete my data", "erase my data", "delete my personal data", "gdpr"),
			"ru": {"удалит* мой аккаунт*", "удалит* аккаунт*", "удалени* аккаунт*", "удалит* мою учетную запись", "удалит* учетную запись", "удалит* мои данные", "удалени* моих данных"},
			"zh": {"注销账号", "注销账户", "删除账号", "删除账户", "删除我的账号", "删除我的数据", "注销我的"},
		}},
	}
}

// accountDeletionEN is every "VERB [my|the|an|…] account" phrase.
func accountDeletionEN() []string {
	verbs := []string{"delet*", "clos*", "cancel*", "terminat*", "deactivat*", "remov*", "shut down", "discontinu*", "end", "get rid of", "eras*", "invalidat*"}
	dets := []string{"", "my", "the", "an", "all my", "this", "our", "my lumen", "the whole"}
	var out []string
	for _, v := range verbs {
		for _, d := range dets {
			out = append(out, strings.TrimSpace(v+" "+d)+" account*")
		}
	}
	return out
}

func defaultIntents() []Topic {
	return []Topic{
		{Name: "billing", Keywords: map[string][]string{
			"en": {"price*", "cost*", "pay", "paid", "payment*", "invoice*", "bill", "billing", "subscription*", "refund*", "charge*", "plan", "plans", "discount*"},
			"ru": {"цен*", "стоимост*", "стоит", "оплат*", "счет", "счета", "подписк*", "возврат*", "тариф*", "скидк*"},
			"zh": {"价格", "多少钱", "费用", "付款", "支付", "发票", "订阅", "退款", "套餐", "优惠"},
		}},
		{Name: "shipping", Keywords: map[string][]string{
			"en": {"shipping", "ship", "delivery", "deliver*", "order", "orders", "track*", "package", "return*"},
			"ru": {"доставк*", "заказ*", "посылк*", "отследить"},
			"zh": {"快递", "发货", "配送", "订单", "物流", "退货"},
		}},
		{Name: "account", Keywords: map[string][]string{
			"en": {"login", "log in", "sign in", "password*", "account*", "email address", "two-factor", "2fa"},
			"ru": {"войти", "вход*", "парол*", "аккаунт*", "учетн* запис*", "логин*"},
			"zh": {"登录", "密码", "账号", "账户", "注册"},
		}},
		{Name: "technical", Keywords: map[string][]string{
			"en": {"error*", "not working", "doesn't work", "broken", "reset*", "connect*", "wifi", "wi-fi", "update*", "firmware", "install*", "setup", "set up", "pair*", "offline"},
			"ru": {"ошибк*", "не работает", "сломал*", "сброс*", "сбросит*", "подключ*", "обновлени*", "прошивк*", "установк*", "настро*"},
			"zh": {"错误", "不能用", "坏了", "重置", "连接", "无法", "更新", "固件", "安装", "设置", "配对", "离线"},
		}},
	}
}
