package answer

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// The expected answer type of a question, the classic check of question
// answering: "how much does it cost" asks for a price, and a passage with
// no price in it cannot answer it however closely it matches the product
// the question names. The confidence features measure topic (words,
// cosines, product names shared with the passage); this measures whether
// the passage holds the kind of value asked for. Only questions whose type
// is clear are typed: a question typed by mistake loses a right answer,
// one left untyped loses nothing this check could have saved.
//
// This file owns the lexicons, one per type, for English, Russian and
// Chinese. A question is typed by its own language's cues; a passage's
// evidence is looked for in all three, because an answer may quote a
// passage in another language than the question's.

// answerType is a set of kinds of value a question asks for.
type answerType uint8

const (
	// typePrice: a price, a fee, a cost ("how much does X cost",
	// "сколько стоит", "多少钱").
	typePrice answerType = 1 << iota
	// typeDuration: a length of time or a year ("how long does delivery
	// take", "сколько дней", "保修几年").
	typeDuration
	// typeYear: a year ("what year", "в каком году", "哪一年").
	typeYear
	// typeWeight: a weight ("how heavy", "сколько весит", "多重").
	typeWeight
	// typeSize: a physical dimension, asked as such ("how deep", "в
	// миллиметрах", "尺寸"): not "depth" alone, a modulation depth too.
	typeSize
	// typeNumber: a number ("how many", "сколько", "多少").
	typeNumber
	// typeContact: a phone number, an e-mail or web address ("phone
	// number", "как связаться", "客服电话").
	typeContact
	// typeCommerce: buying, refunds, warranty, shipping, discounts,
	// availability ("where can I buy", "гарантия", "退货"): a policy, which
	// a passage answers only if it speaks of it.
	typeCommerce
)

// answerTypeNames name the types, in bit order.
var answerTypeNames = [...]string{"price", "duration", "year", "weight", "size", "number", "contact", "commerce"}

// String lists t's types, "+"-separated ("" for none).
func (t answerType) String() string {
	var names []string
	for i, n := range answerTypeNames {
		if t&(1<<i) != 0 {
			names = append(names, n)
		}
	}
	return strings.Join(names, "+")
}

// A text is matched as its lowercased tokens (runs of letters and
// digits): whole words, word prefixes (Russian stems) and phrases of
// consecutive tokens; Chinese cues as substrings; the shapes of values
// (digits with a unit, an e-mail address) by regular expressions that
// start at a digit, a currency sign or "@", which Go's regexp finds
// quickly. One regular expression of every cue's alternatives took 1–3 ms
// over a passage of 1.5 KB.

// typedText is a text prepared for matching cues.
type typedText struct {
	lower  string
	tokens []string
	set    map[string]bool
}

func prepareTyped(text string) typedText {
	lower := strings.ToLower(text)
	tokens := strings.FieldsFunc(lower, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	set := make(map[string]bool, len(tokens))
	for _, t := range tokens {
		set[t] = true
	}
	return typedText{lower: lower, tokens: tokens, set: set}
}

// cues are the ways a text says something: any of them matches.
type cues struct {
	words   []string  // whole tokens
	stems   []string  // token prefixes
	phrases phraseSet // consecutive tokens
	then    []thenCue // a phrase, followed later by one of some words
	subs    []string  // substrings of the lowercased text (Chinese)
	shapes  []shape
}

// thenCue is a phrase followed, later in the text, by one of words ("how
// much" … "cost").
type thenCue struct {
	phrase []string
	words  []string
}

// phraseSet are phrases of tokens, a token ending in '*' matching any
// token it begins, indexed by their first token.
type phraseSet struct {
	byFirst map[string][][]string
	// prefixed are the phrases whose first token is a prefix.
	prefixed [][]string
}

// phrases is the set of ps, each split on spaces.
func phrases(ps ...string) phraseSet {
	set := phraseSet{byFirst: map[string][][]string{}}
	for _, p := range ps {
		f := strings.Fields(p)
		if strings.HasSuffix(f[0], "*") {
			set.prefixed = append(set.prefixed, f)
		} else {
			set.byFirst[f[0]] = append(set.byFirst[f[0]], f)
		}
	}
	return set
}

// at reports whether one of the phrases starts at tokens[i].
func (set phraseSet) at(tokens []string, i int) bool {
	for _, p := range set.byFirst[tokens[i]] {
		if phraseAt(tokens, i, p) {
			return true
		}
	}
	for _, p := range set.prefixed {
		if phraseAt(tokens, i, p) {
			return true
		}
	}
	return false
}

// expand is every a+" "+b.
func expand(as, bs []string) []string {
	var out []string
	for _, a := range as {
		for _, b := range bs {
			out = append(out, a+" "+b)
		}
	}
	return out
}

// tokenMatches reports whether token t is pattern p: equal, or starting
// with it when p ends in '*'.
func tokenMatches(t, p string) bool {
	if q, ok := strings.CutSuffix(p, "*"); ok {
		return strings.HasPrefix(t, q)
	}
	return t == p
}

// phraseAt reports whether tokens from i on start with phrase.
func phraseAt(tokens []string, i int, phrase []string) bool {
	if i+len(phrase) > len(tokens) {
		return false
	}
	for j, p := range phrase {
		if !tokenMatches(tokens[i+j], p) {
			return false
		}
	}
	return true
}

func (c cues) match(t typedText) bool {
	for _, w := range c.words {
		if t.set[w] {
			return true
		}
	}
	for _, s := range c.subs {
		if strings.Contains(t.lower, s) {
			return true
		}
	}
	if len(c.stems) > 0 {
		for tok := range t.set {
			for _, s := range c.stems {
				if strings.HasPrefix(tok, s) {
					return true
				}
			}
		}
	}
	for i := range t.tokens {
		if c.phrases.at(t.tokens, i) {
			return true
		}
		for _, th := range c.then {
			if phraseAt(t.tokens, i, th.phrase) {
				for _, tok := range t.tokens[i+len(th.phrase):] {
					if slices.Contains(th.words, tok) {
						return true
					}
				}
			}
		}
	}
	for _, sh := range c.shapes {
		if strings.ContainsAny(t.lower, sh.needs) && sh.re.MatchString(t.lower) {
			return true
		}
	}
	return false
}

// shape is a value's shape: a regular expression that can only match a
// text holding one of the characters needs (a digit, "@", a currency
// sign), which is checked first.
type shape struct {
	re    *regexp.Regexp
	needs string
}

const digits = "0123456789"

// shapes compiles value shapes that all need a digit.
func shapes(res ...string) []shape {
	out := make([]shape, len(res))
	for i, re := range res {
		out[i] = shape{re: regexp.MustCompile(re), needs: digits}
	}
	return out
}

// typeLexicon tells a type's questions and its evidence.
type typeLexicon struct {
	t answerType
	// asks matches a question asking for the type.
	asks cues
	// value matches a passage holding a value of the type ("$49", "3 days",
	// "120 g"). A passage that asks the type's question itself (an FAQ
	// entry "How much does shipping cost?") is evidence too: asks is
	// matched against passages as well.
	value cues
}

// Lists shared by several cues.
var (
	months = []string{"january", "february", "march", "april", "june", "july", "august", "september", "october",
		"november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
	lengthUnits = []string{"mm", "millimeters", "millimetres", "cm", "centimeters", "centimetres", "inch", "inches"}
)

// typeLexicons are the lexicons, one per type. They are few words each on
// purpose: a cue is listed only when it asks for the type in almost any
// sentence, so "when" (a time, or a condition: "when does the LED blink"),
// "depth" and "how long is" (a length) are not.
var typeLexicons = []typeLexicon{
	{t: typePrice,
		asks: cues{
			then: []thenCue{{phrase: []string{"how", "much"}, words: []string{"cost", "costs", "charge", "charges", "pay", "price", "fee", "fees"}}},
			phrases: phrases(slices.Concat(
				expand([]string{"what the", "what s the", "what is the", "what are the"}, []string{"price", "cost", "fee", "fees", "charge"}),
				[]string{"price of", "cost of", "how expensive", "is there a fee", "is there a charge", "are there fees",
					"are there charges", "are there any fees", "are there any charges"},
				expand([]string{"сколько"}, []string{"стоит", "стоят", "стоить", "будет стоить", "стоила", "стоило", "платить", "заплатить"}),
				[]string{"во сколько обойд*"})...),
			words: []string{"цена", "цену", "цены", "цене", "ценой"},
			stems: []string{"стоимост"},
			subs:  []string{"多少钱", "价格", "价钱", "售价", "费用", "运费", "收费", "几块钱", "多少元", "手续费", "贵不贵"},
		},
		value: cues{
			shapes: shapes(`[$€£¥₽]\s?\d`, `\d\s?(?:[$€£¥₽元]|usd|eur|gbp|rub|cny|rmb|руб)`), // every one needs a digit
			words: []string{"price", "prices", "priced", "pricing", "cost", "costs", "fee", "fees", "dollar", "dollars", "euro",
				"euros", "cent", "cents", "subscription", "цена", "цену", "цены", "цене", "ценой"},
			phrases: phrases(slices.Concat([]string{"for free", "free of charge", "no charge"},
				expand([]string{"at no", "at no extra", "at no additional"}, []string{"cost", "charge"}))...),
			stems: []string{"стоимост", "бесплатн", "платн", "оплат", "руб", "доллар", "евро", "тариф", "комисси"},
			subs:  []string{"价格", "售价", "价钱", "费用", "免费", "收费", "运费", "美元", "欧元", "人民币", "块钱", "付费", "资费", "手续费"},
		},
	},
	{t: typeDuration,
		asks: cues{
			phrases: phrases(slices.Concat(
				expand([]string{"how long"}, []string{"does", "do", "did", "will", "would", "can", "could", "should", "until",
					"before", "after", "to", "for"}),
				expand([]string{"how many"}, []string{"seconds", "minutes", "hours", "days", "weeks", "months", "years"}),
				[]string{"how soon", "how much time", "как долго", "через сколько", "какого числа"},
				expand([]string{"сколько"}, []string{"времени", "дней", "недель", "часов", "минут", "секунд", "месяцев", "суток"}))...),
			subs: []string{"多久", "多长时间", "多少天", "几天", "几周", "几个星期", "几个月", "几年", "多少年"},
		},
		value: cues{
			shapes: shapes(`\d\s?(?:s|ms|h|hrs?|mins?|secs?)\b`, `\b(?:1[5-9]|20)\d\d\b`, `\d:\d\d\b`),
			words: slices.Concat(months, []string{"second", "seconds", "millisecond", "milliseconds", "microsecond",
				"microseconds", "minute", "minutes", "hour", "hours", "day", "days", "week", "weeks", "month", "months", "year",
				"years", "decade", "decades", "century", "centuries", "overnight", "immediately", "instantly", "today",
				"tomorrow", "yesterday", "daily", "weekly", "monthly", "annually",
				"час", "часа", "часов", "часы", "век", "века", "веке", "веков", "веком", "сутки", "суток", "день", "дня", "дней",
				"дни", "год", "года", "году", "годом", "годы", "годов", "лет", "сегодня", "завтра"}),
			stems: []string{"секунд", "миллисекунд", "минут", "недел", "месяц", "столети", "январ", "феврал", "апрел", "сентябр",
				"октябр", "ноябр", "декабр", "мгновенн", "немедленн", "ежедневн", "еженедельн", "ежемесячн"},
			subs: []string{"秒", "分钟", "小时", "天", "周", "星期", "个月", "年", "世纪", "工作日", "立即", "马上"},
		},
	},
	{t: typeYear,
		asks: cues{
			phrases: phrases("what year", "which year", "in what year", "в каком году", "какого года"),
			subs:    []string{"哪一年", "哪年", "何年"},
		},
		value: cues{
			shapes: shapes(`\b[1-9]\d{2,3}s?\b`, `[1-9]\d{2,3}\s?(?:年|г\.|год)`),
			words:  []string{"century", "centuries", "decade", "decades", "век", "века", "веке", "веков", "веком"},
			stems:  []string{"столети"},
			subs:   []string{"世纪", "年代"},
		},
	},
	{t: typeWeight,
		asks: cues{
			phrases: phrases("how heavy", "what s the weight", "what is the weight", "what s its weight", "what is its weight",
				"weight of", "какая масса", "какова масса"),
			words: []string{"weigh", "weighs", "весит", "весят", "вес", "веса"},
			subs:  []string{"多重", "重量", "多少克", "多少公斤", "几公斤", "有多沉"},
		},
		value: cues{
			shapes: shapes(`\d\s?(?:g|gr|grams?|kg|kilos?|kilograms?|lbs?|pounds?|oz|ounces?)\b`,
				`\d\s?(?:гр?|грамм\p{L}*|кг|килограмм\p{L}*)(?:[^\p{L}\p{N}]|$)`, `\d\s?(?:克|公斤|千克|斤|磅)`),
			words: []string{"weighs", "weight", "весит", "вес", "масса"},
			subs:  []string{"重量"},
		},
	},
	{t: typeSize,
		asks: cues{
			phrases: phrases(slices.Concat(
				[]string{"how deep", "how wide", "how tall", "how thick"},
				expand([]string{"in", "how many"}, lengthUnits),
				expand([]string{"в", "сколько"}, []string{"мм", "миллиметр*", "см", "сантиметр*", "дюйм*"}))...),
			words: []string{"dimensions"},
			stems: []string{"габарит"},
			subs:  []string{"尺寸", "多少毫米", "多少厘米", "几毫米", "几厘米", "多少公分", "多宽", "多深", "多厚"},
		},
		value: cues{
			shapes: shapes(`\d\s?(?:mm|cm|m|in|inch(?:es)?|ft|feet|hp|u|millimet(?:er|re)s?|centimet(?:er|re)s?|met(?:er|re)s?)\b`,
				`\d\s?["″]`, `\d\s?(?:мм|см|м|дюйм\p{L}*|миллиметр\p{L}*|сантиметр\p{L}*|метр\p{L}*)(?:[^\p{L}\p{N}]|$)`,
				`\d\s?(?:毫米|厘米|公分|米|英寸)`),
		},
	},
	{t: typeNumber,
		asks: cues{
			phrases: phrases("how many", "how much", "how old"),
			words:   []string{"сколько"},
			subs:    []string{"多少", "几个", "几种", "几路", "几根", "几次", "几条", "几位", "几台", "几块", "几张"},
		},
		value: cues{
			shapes: shapes(`\d`),
			words: []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
				"twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
				"thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred", "hundreds", "thousand",
				"thousands", "million", "millions", "billion", "billions", "dozen", "dozens", "single", "double", "once",
				"twice", "both", "several", "many", "few", "multiple", "numerous",
				"один", "одна", "одно", "одного", "два", "две", "двух", "три", "трёх", "трех", "четыре", "пять", "шесть",
				"семь", "восемь", "девять", "десять", "сто", "оба", "обе", "несколько", "много", "мало", "многие"},
			stems: []string{"тысяч", "миллион"},
			subs: []string{"一", "二", "两", "三", "四", "五", "六", "七", "八", "九", "十", "百", "千", "万", "很多", "许多", "多次",
				"若干"},
		},
	},
	{t: typeContact,
		asks: cues{
			phrases: phrases(slices.Concat(
				[]string{"phone number", "call you", "call your", "contact you", "contact support", "contact customer",
					"contact your", "how can i contact", "how do i contact", "how can i reach", "how do i reach",
					"email address", "e mail address", "your email", "your e mail", "support email", "support e mail",
					"support phone"},
				expand([]string{"customer service", "customer support", "customer care"}, []string{"number", "email", "phone", "line"}),
				[]string{"номер* телефон*", "по какому телефону", "куда звонить", "как связаться", "связаться с",
					"электронн* почт*"},
				expand([]string{"телефон*"}, []string{"поддержки", "горячей линии", "для связи", "оператора", "банка", "службы"}))...),
			stems: []string{"контакт"},
			subs:  []string{"电话", "邮箱", "电子邮件", "联系方式", "怎么联系", "如何联系", "联系客服", "热线"},
		},
		value: cues{
			shapes: []shape{{re: regexp.MustCompile(`@[\p{L}\p{N}-]+\.\p{L}{2,}`), needs: "@"},
				{re: regexp.MustCompile(`\+?\d[\d ().-]{6,}\d`), needs: digits}},
			words: []string{"phone"},
			phrases: phrases("contact us", "call us", "email us", "e mail us", "customer service", "customer care",
				"customer support", "support team"),
			stems: []string{"связаться", "свяжитесь", "телефон"},
			subs:  []string{"http://", "https://", "www.", "联系我们", "客服", "电话"},
		},
	},
	{t: typeCommerce,
		asks: cues{
			words: []string{"refund", "refunds", "warranty", "warranties", "shipping", "delivery", "discount", "discounts",
				"coupon", "coupons", "discontinued"},
			phrases: phrases(slices.Concat(
				[]string{"money back", "where to buy", "where to order", "where to purchase", "can i buy", "can i purchase",
					"deliver to", "deliver it", "promo code", "promo codes", "in stock", "out of stock", "back in stock",
					"still in production", "do you sell"},
				expand([]string{"where can i", "where do i", "where could i"}, []string{"buy", "get one", "order", "purchase"}),
				expand([]string{"ship"}, []string{"to", "it", "them", "internationally", "abroad"}),
				expand([]string{"still"}, []string{"made", "produced", "manufactured", "available"}),
				[]string{"вернуть деньги", "в наличии", "снят* с производства", "где заказать", "где можно заказать",
					"можно ли заказать", "как заказать"})...),
			stems: []string{"возврат", "гаранти", "купить", "приобрести", "доставк", "доставляете", "доставить",
				"отправляете", "скидк", "промокод", "выпускаться", "продаете", "продаёте"},
			subs: []string{"退货", "退款", "退钱", "保修", "质保", "保固", "哪里能买", "哪里可以买", "在哪买", "在哪里买", "在哪儿买", "怎么买",
				"购买", "买到", "订购", "发货", "运费", "快递", "配送", "邮寄", "包邮", "折扣", "优惠", "打折", "有货", "现货", "库存", "停产",
				"还在生产", "出售"},
		},
		value: cues{
			words: []string{"buy", "buying", "bought", "orders", "ordered", "ordering", "refund", "refunds", "shipping",
				"shipped", "shipment", "delivery", "deliveries", "delivered", "shop", "webshop", "retailer", "retailers",
				"dealer", "dealers", "reseller", "resellers", "distributor", "distributors", "discount", "discounts",
				"coupon", "coupons", "discontinued", "sold", "selling", "sells", "price", "prices", "pricing", "fee", "fees",
				"charge", "charges"},
			stems: []string{"purchas", "warrant", "guarantee", "купи", "покуп", "заказ", "возврат", "гаранти", "доставк",
				"магазин", "дилер", "дистрибьют", "скидк", "наличи", "продаж", "продаё", "продае", "производств", "стоимост",
				"комисси"},
			phrases: phrases("my order", "your order", "the order", "an order", "this order", "returns policy",
				"return policy", "money back", "online store", "in stock", "out of stock", "customer service"),
			subs: []string{"购买", "买", "订购", "订单", "退货", "退款", "保修", "质保", "发货", "运费", "配送", "快递", "商店", "网店", "经销",
				"代理商", "折扣", "优惠", "库存", "现货", "停产", "生产", "销售", "出售", "价格", "售价", "费用", "手续费"},
		},
	},
}

// askedType is the set of types question asks for (0 when none is clear).
// A price question asks for a number too; the number is then implied by
// the price, so typeNumber is kept only when no other measure is asked.
func askedType(question string) answerType {
	q := prepareTyped(question)
	var t answerType
	for _, l := range typeLexicons {
		if l.asks.match(q) {
			t |= l.t
		}
	}
	if t&(typePrice|typeDuration|typeYear|typeWeight|typeSize) != 0 {
		t &^= typeNumber
	}
	return t
}

// evidenceOf is the set of the types in want that text holds evidence of:
// a value of the type, or the type's own question (an FAQ entry asking
// it). A price is evidence of a commerce policy too ("500元送20元" states a
// discount, "платные услуги" a refundable charge).
func evidenceOf(text string, want answerType) answerType {
	return evidence(want, func(look answerType) answerType { return typesHeld(text, look) })
}

// evidence is evidenceOf given held, the types of a set look whose
// evidence the text holds.
func evidence(want answerType, held func(look answerType) answerType) answerType {
	look := want
	if want&typeCommerce != 0 {
		look |= typePrice
	}
	t := held(look)
	if t&typePrice != 0 {
		t |= typeCommerce
	}
	return t & want
}

// typesHeld is the set of the types in look whose value or question text
// holds.
func typesHeld(text string, look answerType) answerType {
	p := prepareTyped(text)
	var t answerType
	for _, l := range typeLexicons {
		if look&l.t != 0 && (l.value.match(p) || l.asks.match(p)) {
			t |= l.t
		}
	}
	return t
}

// typeMiss is the types asked and not evidenced in text.
func typeMiss(asked answerType, text string) answerType {
	if asked == 0 {
		return 0
	}
	return asked &^ evidenceOf(text, asked)
}
