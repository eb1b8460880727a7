package answer

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
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
type answerType uint32

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

	// The unit families: a question that names the unit of the value it
	// asks for ("how many mAh", "сколько ГБ", "多少瓦") asks for a value in
	// that unit, or in another of its family, in any language ("5000
	// mAh" answers "多少毫安"). A number somewhere in the passage (a price)
	// is not one. Weights, sizes and distances, and times are the types
	// above, whose cues name their units too ("how many grams", "сколько
	// километров", "多少天").

	// typeCharge: a battery's capacity or a current ("how many mAh",
	// "сколько мА·ч", "多少毫安").
	typeCharge
	// typeData: an amount of data or a data rate ("how many GB", "сколько
	// ГБ", "多少G内存", "多少兆"): a plan's gigabytes and its megabits are
	// told apart by no cue that a Chinese "多少M" keeps.
	typeData
	// typePower: a power or an energy ("how many watts", "сколько кВт·ч",
	// "多少瓦").
	typePower
	// typeVoltage: a voltage ("how many volts", "сколько вольт", "多少伏").
	typeVoltage
	// typeFrequency: a frequency ("how many Hz", "сколько герц", "多少赫兹").
	typeFrequency
	// typeVolume: a volume ("how many liters", "сколько литров", "多少毫升").
	typeVolume
	// typeResolution: a resolution ("how many megapixels", "сколько
	// пикселей", "多少像素").
	typeResolution
	// typeDegrees: degrees, of a temperature or an angle ("how many
	// degrees", "сколько градусов", "多少度", which also asks kilowatt-hours).
	typeDegrees
	// typePercent: a percentage ("what percentage", "сколько процентов",
	// "百分之几"); a price (a flat fee, "free") answers it too.
	typePercent
)

// typeUnits are the unit families: each implies a number.
const typeUnits = typeCharge | typeData | typePower | typeVoltage | typeFrequency | typeVolume | typeResolution |
	typeDegrees | typePercent

// answerTypeNames name the types, in bit order.
var answerTypeNames = [...]string{"price", "duration", "year", "weight", "size", "number", "contact", "commerce",
	"charge", "data", "power", "voltage", "frequency", "volume", "resolution", "degrees", "percent"}

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

// asksUnit are the cues of a question that names a unit of a family as
// the unit of the value it asks for: "how many"/"how much"/"сколько"
// right before the unit (en and ru, ru as word prefixes ending in '*'),
// "in"/"в" before a unit spelt so that it names nothing else ("in
// volts", "в гигабайтах"), and "多少"/"几"/"多大" right before a Chinese
// or Latin unit (the regular expression zh, of the units' alternatives).
// A unit named elsewhere ("does it support 5 GHz Wi-Fi", "how much does the
// 5000 mAh pack cost") asks no value of it.
func asksUnit(en, enIn, ru, ruIn []string, zh string) cues {
	return cues{
		phrases: phrases(slices.Concat(expand([]string{"how many", "how much"}, en), expand([]string{"in"}, enIn),
			expand([]string{"сколько"}, ru), expand([]string{"в"}, ruIn))...),
		shapes: []shape{{re: regexp.MustCompile(`(?:多少|几|多大)个?\s?(?:` + zh + `)`), needs: "多几"}},
	}
}

// withShapes is c with more shapes.
func withShapes(c cues, more ...shape) cues {
	c.shapes = slices.Concat(c.shapes, more)
	return c
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
				// "how much is a bottle", "how much are the tickets", "how much for two": a
				// price; "how much is the" stays a number ("how much is the data limit").
				[]string{"how much is a", "how much is an", "how much are", "how much for"},
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
				[]string{"how soon", "how much time", "until when", "till when", "by when", "how late", "как долго", "через сколько",
					"какого числа", "до какого времени", "до какого момента"},
				expand([]string{"сколько"}, []string{"времени", "дней", "недель", "часов", "минут", "секунд", "месяцев", "суток"}))...),
			subs: []string{"多久", "多长时间", "多少天", "几天", "几周", "几个星期", "几个月", "几年", "多少年", "到什么时候", "截止到什么时候"},
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
			phrases: phrases(slices.Concat(
				[]string{"how heavy", "what s the weight", "what is the weight", "what s its weight", "what is its weight",
					"weight of", "какая масса", "какова масса"},
				expand([]string{"how many", "in"}, []string{"grams", "kilograms", "kilos", "kg", "pounds", "lbs", "ounces"}),
				expand([]string{"сколько", "в"}, []string{"грамм*", "кг", "килограмм*"}))...),
			words: []string{"weigh", "weighs", "весит", "весят", "вес", "веса"},
			subs:  []string{"多重", "重量", "多少克", "多少公斤", "几公斤", "有多沉", "多少斤", "几斤", "多少千克", "多少kg", "几kg", "多少磅"},
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
				expand([]string{"в", "сколько"}, []string{"мм", "миллиметр*", "см", "сантиметр*", "дюйм*"}),
				// a distance or a speed is a length too
				expand([]string{"in", "how many"}, []string{"km", "kilometers", "kilometres", "miles", "meters", "metres", "feet",
					"mph"}),
				expand([]string{"сколько"}, []string{"км", "километров", "километра", "метров", "метра", "миль"}),
				// "в метр*" would be "в метро", in the underground
				expand([]string{"в"}, []string{"км", "километрах", "метрах", "милях"}))...),
			words: []string{"dimensions"},
			stems: []string{"габарит"},
			subs: []string{"尺寸", "多少毫米", "多少厘米", "几毫米", "几厘米", "多少公分", "多宽", "多深", "多厚", "多少公里", "几公里",
				"多少千米", "几千米", "多少米", "几米", "多少英里"},
		},
		value: cues{
			shapes: shapes(`\d\s?(?:mm|cm|m|in|inch(?:es)?|ft|feet|hp|u|millimet(?:er|re)s?|centimet(?:er|re)s?|met(?:er|re)s?)\b`,
				`\d\s?["″]`, `\d\s?(?:мм|см|м|дюйм\p{L}*|миллиметр\p{L}*|сантиметр\p{L}*|метр\p{L}*)(?:[^\p{L}\p{N}]|$)`,
				`\d\s?(?:毫米|厘米|公分|米|英寸)`,
				`\d\s?(?:km|kilomet(?:er|re)s?|mi|miles?|mph)\b`, `\d\s?(?:км|километр|мил[ьяие])`, `\d\s?(?:公里|千米|英里)`),
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
	// The unit families. A value is a number with a unit of the family,
	// or the unit named alone (a table's header "Battery, mAh" over its
	// values); a unit's letters that also spell a word ("a", "в", "m")
	// count only after a digit, and only in passages, where a false find
	// keeps an answer rather than losing one.
	{t: typeCharge,
		asks: asksUnit([]string{"mah", "milliamp*", "amps", "amp", "amperes"}, // not "MA", a degree
			[]string{"mah", "milliamp*", "amps", "amperes"},
			[]string{"мач", "ма ч", "ач", "а ч", "ма", "миллиампер*", "ампер*"}, []string{"мач", "миллиампер*", "ампер*"},
			`毫安|安时|安培|mah`),
		value: cues{
			shapes: shapes(`\d\s?(?:m?ah|m?a|wh)\b`, `\d\s?(?:м?а\s?[·⋅*.]?\s?ч|м?а)(?:[^\p{L}\p{N}]|$)`,
				`\d\s?(?:миллиампер|ампер)`, `\d\s?(?:毫安|安时|安培)`),
			words: []string{"mah", "milliamp", "milliamps", "milliampere", "ampere", "amperes", "amps", "мач"},
			stems: []string{"миллиампер", "ампер"},
			subs:  []string{"毫安", "安时", "安培"},
		},
	},
	{t: typeData,
		asks: withShapes(asksUnit(dataUnits, dataUnits,
			[]string{"гб", "мб", "тб", "кб", "гигабайт*", "мегабайт*", "терабайт*", "гиг", "гига", "гигов", "мбит", "гбит",
				"мегабит*", "гигабит*"},
			[]string{"гигабайт*", "мегабайт*", "терабайт*", "мегабит*", "гигабит*"},
			`gb|tb|mb|kb|[kmg]bps|兆|千兆`),
			// "多少G" is gigabytes where the question speaks of memory,
			// storage or traffic, and may be grams elsewhere.
			shape{re: regexp.MustCompile(`(?s)(?:` + dataTopics + `).*(?:多少|几)个?\s?[gmt](?:[^a-z]|$)|` +
				`(?:多少|几)个?\s?[gmt](?:` + dataTopics + `|[^a-z].*(?:` + dataTopics + `))`), needs: "多几"}),
		value: cues{
			shapes: shapes(`\d\s?(?:[kmgt]i?b|[kmg]bps|[kmg]bits?|gigs?|g|t|m)\b`,
				`\d\s?(?:[кмгт]б|[кмг]бит|гигабайт|мегабайт|терабайт|килобайт|гигабит|мегабит|гиг)`,
				`\d\s?(?:兆|千兆|百兆)`),
			words: slices.Concat(dataUnits, []string{"gig", "gigs", "гб", "мб", "тб", "кб", "мбит", "гбит"}),
			stems: []string{"гигабайт", "мегабайт", "терабайт", "мегабит", "гигабит"},
			subs:  []string{"千兆", "百兆", "兆字节", "吉字节"},
		},
	},
	{t: typePower,
		asks: withShapes(asksUnit([]string{"watts", "watt", "w", "kw", "kilowatt*", "kwh", "wh"},
			[]string{"watts", "kw", "kilowatt*", "kwh"},
			[]string{"ватт*", "вт", "квт", "киловатт*"}, []string{"ватт*", "квт", "киловатт*"},
			`瓦|千瓦|度电|kwh?\b`),
			// "多少W" is watts where the question speaks of charging or power,
			// and may be 万 (ten thousand) elsewhere.
			shape{re: regexp.MustCompile(`(?s)(?:` + powerTopics + `).*(?:多少|几)个?\s?w(?:[^a-z]|$)|` +
				`(?:多少|几)个?\s?w(?:` + powerTopics + `|[^a-z].*(?:` + powerTopics + `))`), needs: "多几"}),
		value: cues{
			shapes: shapes(`\d\s?(?:[mk]?w|[mk]?wh|watts?|kilowatts?)\b`, `\d\s?(?:[мк]?вт|ватт|киловатт)`, `\d\s?(?:瓦|千瓦|度电)`),
			words:  []string{"watt", "watts", "kw", "kwh", "wh", "kilowatt", "kilowatts", "квт"},
			stems:  []string{"ватт", "киловатт"},
			subs:   []string{"瓦", "千瓦"},
		},
	},
	{t: typeVoltage,
		asks: asksUnit([]string{"volts", "volt", "v", "kv", "mv"}, []string{"volts"},
			[]string{"вольт*"}, []string{"вольт*"}, `伏|v\b`),
		value: cues{
			shapes: shapes(`\d\s?(?:[mk]?v|volts?|vac|vdc)\b`, `\d\s?(?:[мк]?в|вольт)(?:[^\p{L}\p{N}]|$)`, `\d\s?伏`),
			words:  []string{"volt", "volts"},
			stems:  []string{"вольт"},
			subs:   []string{"伏特"},
		},
	},
	{t: typeFrequency,
		asks: asksUnit(frequencyUnits, frequencyUnits,
			[]string{"герц*", "гц", "кгц", "мгц", "ггц", "килогерц*", "мегагерц*", "гигагерц*"}, []string{"герц*", "килогерц*",
				"мегагерц*", "гигагерц*"}, `赫兹|[kmg]?hz`),
		value: cues{
			shapes: shapes(`\d\s?[kmg]?hz\b`, `\d\s?(?:[кмг]?гц|герц|килогерц|мегагерц|гигагерц)`, `\d\s?(?:赫兹|千赫|兆赫|赫)`),
			words:  slices.Concat(frequencyUnits, []string{"гц", "кгц", "мгц", "ггц"}),
			stems:  []string{"герц", "килогерц", "мегагерц", "гигагерц"},
			subs:   []string{"赫兹"},
		},
	},
	{t: typeVolume,
		asks: asksUnit([]string{"liters", "litres", "liter", "litre", "ml", "milliliters", "millilitres", "gallons"},
			[]string{"liters", "litres", "milliliters", "millilitres", "gallons"},
			[]string{"литр*", "мл", "миллилитр*"}, []string{"литр*", "миллилитр*"},
			`升(?:[^级]|$)|毫升|ml`),
		value: cues{
			shapes: shapes(`\d\s?(?:m?l|liters?|litres?|milliliters?|millilitres?|gal|gallons?)\b`,
				`\d\s?(?:м?л|литр\p{L}*|миллилитр\p{L}*)(?:[^\p{L}\p{N}]|$)`, `\d\s?(?:升|毫升|l\b|ml\b)`),
			words: []string{"liter", "liters", "litre", "litres", "ml", "milliliters", "millilitres", "gallons", "мл"},
			stems: []string{"литр", "миллилитр"},
			subs:  []string{"毫升"},
		},
	},
	{t: typeResolution,
		asks: asksUnit([]string{"pixels", "megapixels", "mp", "dpi", "ppi"}, []string{"pixels", "megapixels", "dpi", "ppi"},
			[]string{"пиксел*", "мегапиксел*", "мп", "мпикс"}, []string{"пиксел*", "мегапиксел*"},
			`万?像素|dpi|ppi`),
		value: cues{
			shapes: shapes(`\d\s?(?:px|pixels?|mp|megapixels?|dpi|ppi|k|p)\b`, `\d\s?[x×]\s?\d`,
				`\d\s?(?:пикс|мп|мегапикс|мпикс)`, `\d\s?(?:万?像素|p|k)`),
			words: []string{"pixel", "pixels", "px", "megapixel", "megapixels", "dpi", "ppi", "мп"},
			stems: []string{"пиксел", "мегапиксел"},
			subs:  []string{"像素"},
		},
	},
	{t: typeDegrees,
		asks: asksUnit([]string{"degrees"}, []string{"celsius", "fahrenheit", "degrees"},
			[]string{"градус*"}, []string{"градус*"}, `度|摄氏度|℃`),
		value: cues{
			shapes: shapes(`\d\s?(?:°|º|℃|℉|degrees?\b|deg\b|kwh\b)`, `\d\s?градус`, `\d\s?(?:度|摄氏度)`),
			words:  []string{"degrees", "celsius", "fahrenheit"},
			stems:  []string{"градус"},
			subs:   []string{"°", "℃", "℉", "摄氏度"},
		},
	},
	{t: typePercent,
		asks: cues{
			phrases: phrases("what percentage", "what percent", "how many percent", "what s the percentage",
				"what is the percentage", "сколько процент*", "какой процент", "каков процент", "какие проценты",
				"какая процентная"),
			subs: []string{"百分之几", "百分之多少", "多少%", "百分比"},
		},
		value: cues{
			shapes: shapes(`\d\s?[%％]`, `[%％]\s?\d`, `\d\s?(?:percent|per cent|pct)\b`, `\d\s?折`),
			words:  []string{"percent", "percentage", "percentages"},
			stems:  []string{"процент"},
			subs:   []string{"％", "百分之", "百分比", "九折", "八折", "七折", "六折", "五折", "半价"},
		},
	},
}

// Units listed in several cues.
var (
	powerTopics = "充电|快充|功率|电源|适配器|插头|耗电"
	dataTopics  = "内存|存储|运存|硬盘|储存|容量|空间|流量|网速|带宽|宽带|套餐|网盘|云盘|机身"
	dataUnits   = []string{"gb", "tb", "mb", "kb", "gigabyte", "gigabytes", "megabyte", "megabytes", "terabyte", "terabytes",
		"mbps", "gbps", "kbps", "megabit", "megabits", "gigabit", "gigabits"}
	frequencyUnits = []string{"hz", "khz", "mhz", "ghz", "hertz", "kilohertz", "megahertz", "gigahertz"}
)

// askedType is the set of types question asks for (0 when none is clear).
// A price question asks for a number too; the number is then implied by
// the price, so typeNumber is kept only when no other measure is asked.
//
// It is every type whose asks cues match the question, found in one pass
// over the question's tokens and one over its text (askIndex), not by
// matching each type's cues in turn: 17 types' cue lists, each scanned
// over the question, cost 12–21 µs a question.
func askedType(question string) answerType {
	lower := strings.ToLower(question)
	var buf [32]string
	t := asksIndex.match(lower, appendTokens(buf[:0], lower))
	if t&(typePrice|typeDuration|typeYear|typeWeight|typeSize|typeUnits) != 0 {
		t &^= typeNumber
	}
	return t
}

// evidenceOf is the set of the types in want that text holds evidence of:
// a value of the type, or the type's own question (an FAQ entry asking
// it). A price is evidence of a commerce policy too ("500元送20元" states a
// discount, "платные услуги" a refundable charge), and of a percentage (a
// flat fee, "без комиссии", answers "какой процент").
func evidenceOf(text string, want answerType) answerType {
	return evidence(want, func(look answerType) answerType { return typesHeld(text, look) })
}

// evidence is evidenceOf given held, the types of a set look whose
// evidence the text holds.
func evidence(want answerType, held func(look answerType) answerType) answerType {
	look := want
	if want&(typeCommerce|typePercent) != 0 {
		look |= typePrice
	}
	t := held(look)
	if t&typePrice != 0 {
		t |= typeCommerce | typePercent
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

// asksIndex is the asks cues of every type in typeLexicons, indexed.
var asksIndex = indexAsks(typeLexicons)

// askIndex is the asks cues of several types, indexed by how a match
// starts: a whole token, a token's prefix, a substring's first rune.
// match gives the same set of types as matching each type's asks cues
// (cues.match) in turn; TestAskedTypeIndexed compares the two.
type askIndex struct {
	// tokens are the cues that start with a whole token: the types whose
	// word it is, and the phrases it begins.
	tokens map[string]*tokenCues
	// prefixes are the stems and the phrases whose first token is a
	// prefix, by the prefix's first rune; prefixLead marks the first
	// bytes of those runes.
	prefixes   map[rune][]phraseCue
	prefixLead [256]bool
	// subs are the substrings, by their first rune, and subLead the first
	// bytes of those runes.
	subs    map[rune][]subCue
	subLead [256]bool
	shapes  []shapeCue
	// needs are the shapes' distinct needs (most shapes share one).
	needs []string
}

// tokenCues are the cues that start with one token.
type tokenCues struct {
	words   answerType // the types the token is a word of
	phrases []phraseCue
}

// phraseCue is a type's phrase (a stem is a phrase of one prefix), or the
// phrase of a thenCue when then is set.
type phraseCue struct {
	phrase []string
	then   []string
	t      answerType
}

// at reports whether c matches tokens from i on.
func (c phraseCue) at(tokens []string, i int) bool {
	if !phraseAt(tokens, i, c.phrase) {
		return false
	}
	if c.then == nil {
		return true
	}
	for _, tok := range tokens[i+len(c.phrase):] {
		if slices.Contains(c.then, tok) {
			return true
		}
	}
	return false
}

// subCue is a type's substring.
type subCue struct {
	sub string
	t   answerType
}

// shapeCue is a type's shape, needs its needs[need].
type shapeCue struct {
	shape
	need int
	t    answerType
}

// indexAsks indexes the asks cues of ls.
func indexAsks(ls []typeLexicon) *askIndex {
	ix := &askIndex{tokens: map[string]*tokenCues{}, prefixes: map[rune][]phraseCue{}, subs: map[rune][]subCue{}}
	token := func(tok string) *tokenCues {
		tc := ix.tokens[tok]
		if tc == nil {
			tc = &tokenCues{}
			ix.tokens[tok] = tc
		}
		return tc
	}
	addPhrase := func(c phraseCue) {
		if len(c.phrase) == 0 || c.phrase[0] == "" || c.phrase[0] == "*" {
			panic(fmt.Sprintf("answer type %v: an empty phrase or prefix", c.t))
		}
		if strings.HasSuffix(c.phrase[0], "*") {
			r, _ := utf8.DecodeRuneInString(c.phrase[0])
			ix.prefixes[r] = append(ix.prefixes[r], c)
			ix.prefixLead[c.phrase[0][0]] = true
			return
		}
		tc := token(c.phrase[0])
		tc.phrases = append(tc.phrases, c)
	}
	for _, l := range ls {
		c := l.asks
		for _, w := range c.words {
			token(w).words |= l.t
		}
		for _, s := range c.stems {
			addPhrase(phraseCue{phrase: []string{s + "*"}, t: l.t})
		}
		for _, ps := range c.phrases.byFirst {
			for _, p := range ps {
				addPhrase(phraseCue{phrase: p, t: l.t})
			}
		}
		for _, p := range c.phrases.prefixed {
			addPhrase(phraseCue{phrase: p, t: l.t})
		}
		for _, th := range c.then {
			addPhrase(phraseCue{phrase: th.phrase, then: th.words, t: l.t})
		}
		for _, s := range c.subs {
			if s == "" {
				panic(fmt.Sprintf("answer type %v: an empty substring", l.t))
			}
			r, _ := utf8.DecodeRuneInString(s)
			ix.subs[r] = append(ix.subs[r], subCue{sub: s, t: l.t})
			ix.subLead[s[0]] = true
		}
		for _, sh := range c.shapes {
			need := slices.Index(ix.needs, sh.needs)
			if need < 0 {
				need = len(ix.needs)
				ix.needs = append(ix.needs, sh.needs)
			}
			ix.shapes = append(ix.shapes, shapeCue{shape: sh, need: need, t: l.t})
		}
	}
	if len(ix.needs) > 64 {
		panic("answer types: more than 64 distinct needs of shapes")
	}
	return ix
}

// match is the set of types whose cues match the lowercased text lower,
// whose tokens are tokens. A cue of a type already found is not tried.
func (ix *askIndex) match(lower string, tokens []string) answerType {
	var t answerType
	for i, tok := range tokens {
		if tc := ix.tokens[tok]; tc != nil {
			t |= tc.words
			for _, c := range tc.phrases {
				if c.t&^t != 0 && c.at(tokens, i) {
					t |= c.t
				}
			}
		}
		if ix.prefixLead[tok[0]] {
			r, _ := utf8.DecodeRuneInString(tok)
			for _, c := range ix.prefixes[r] {
				if c.t&^t != 0 && c.at(tokens, i) {
					t |= c.t
				}
			}
		}
	}
	for i := 0; i < len(lower); i++ {
		if !ix.subLead[lower[i]] {
			continue
		}
		r, _ := utf8.DecodeRuneInString(lower[i:])
		for _, c := range ix.subs[r] {
			if c.t&^t != 0 && strings.HasPrefix(lower[i:], c.sub) {
				t |= c.t
			}
		}
	}
	var looked, has uint64 // bit n: needs[n] looked for, found
	for _, c := range ix.shapes {
		if c.t&^t == 0 {
			continue
		}
		bit := uint64(1) << c.need
		if looked&bit == 0 {
			looked |= bit
			if strings.ContainsAny(lower, c.needs) {
				has |= bit
			}
		}
		if has&bit != 0 && c.re.MatchString(lower) {
			t |= c.t
		}
	}
	return t
}

// appendTokens appends the tokens of text (prepareTyped's: runs of
// letters and digits) to dst.
func appendTokens(dst []string, text string) []string {
	start := -1
	for i, r := range text {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if start < 0 {
				start = i
			}
		} else if start >= 0 {
			dst = append(dst, text[start:i])
			start = -1
		}
	}
	if start >= 0 {
		dst = append(dst, text[start:])
	}
	return dst
}

// chineseModals are the words a Chinese yes/no question puts before the
// action it asks about (可以退吗, 能不能改地址, 是否支持货到付款), longest first.
var chineseModals = []string{"可不可以", "能不能", "会不会", "可以", "是否", "能", "可"}

// chineseWh are the question words of a Chinese question that asks what,
// how, where, who or how much rather than whether.
var chineseWh = []string{"什么", "怎么", "怎样", "如何", "哪", "谁", "几", "多少", "多久", "多长", "为什么", "啥", "咋"}

// askedAction returns the action a Chinese yes/no question (with 吗, 能不能,
// 可不可以 or 会不会, and no question word: chineseWh) asks about — the Han
// characters after its last modal (chineseModals), up to a particle or
// anything not Han (可以退吗: 退; 到期了可以续费吗: 续费) — or "".
func askedAction(question string) string {
	yesNo := strings.Contains(question, "吗")
	for _, m := range chineseModals[:3] {
		yesNo = yesNo || strings.Contains(question, m)
	}
	if !yesNo {
		return ""
	}
	for _, w := range chineseWh {
		if strings.Contains(question, w) {
			return "" // 能做什么, 可以怎么: the question asks what, not whether
		}
	}
	best := -1
	var modal string
	for _, m := range chineseModals {
		if i := strings.LastIndex(question, m); i > best {
			best, modal = i, m
		}
	}
	if best < 0 {
		return ""
	}
	var out []rune
	for _, r := range question[best+len(modal):] {
		if len(out) == 0 && strings.ContainsRune(chineseCoverbs, r) {
			continue // 把照片弄没: the action is 照片弄没's, not 把's
		}
		if !unicode.Is(unicode.Han, r) || strings.ContainsRune("吗么呢吧啊的了", r) || len(out) == 4 {
			break
		}
		out = append(out, r)
	}
	if len(out) == 1 && strings.ContainsRune(chineseLightVerbs, out[0]) {
		return "" // 还能用吗: "does it still work", no action of its own
	}
	return string(out)
}

// chineseCoverbs introduce the object or the place of an action (把, 给,
// 在 …), chineseLightVerbs are the verbs whose meaning is their object's
// (用, 做, 有 …): neither says alone what is asked.
const (
	chineseCoverbs    = "把被给让叫跟和同与在从对向往"
	chineseLightVerbs = "用做有是要去来行弄搞"
)

// actionMiss says whether text never writes action, what a Chinese yes/no
// question asks about (askedAction): neither its first character (the
// verb: 退 of 退钱, which 退款 writes) nor any two characters of it that
// stand together.
func actionMiss(action, text string) bool {
	if action == "" || !strings.ContainsFunc(text, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
		return false // no action, or another language's passage (a cross-language quote)
	}
	a := []rune(action)
	if len(a) == 0 || strings.ContainsRune(text, a[0]) {
		return false
	}
	for i := 0; i+1 < len(a); i++ {
		if strings.Contains(text, string(a[i:i+2])) {
			return false
		}
	}
	return true
}
