package answer

import (
	"regexp"
	"strings"
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

// Pattern pieces. Go's \b is ASCII-only, so Cyrillic words are bounded by
// "not a letter or digit" explicitly.
const (
	cyrStart = `(?:^|[^\p{L}\p{N}])`
	cyrEnd   = `(?:[^\p{L}\p{N}]|$)`
)

// words matches any of ws as whole English words or phrases.
func words(ws ...string) string { return `\b(?:` + strings.Join(ws, "|") + `)\b` }

// ruStems matches a Russian word starting with any of stems.
func ruStems(stems ...string) string { return cyrStart + `(?:` + strings.Join(stems, "|") + `)` }

// ruWords matches any of ws as whole Russian words or phrases.
func ruWords(ws ...string) string { return cyrStart + `(?:` + strings.Join(ws, "|") + `)` + cyrEnd }

// zh matches any of ws as a substring (Chinese has no spaces to bound by).
func zh(ws ...string) string { return `(?:` + strings.Join(ws, "|") + `)` }

// anyOf compiles the alternatives, case-insensitive.
func anyOf(parts ...string) *regexp.Regexp {
	return regexp.MustCompile(`(?i)` + strings.Join(parts, "|"))
}

// number is a written number: digits, or a number word.
const number = `\d`

// typeLexicon tells a type's questions and its evidence.
type typeLexicon struct {
	t answerType
	// asks matches a question asking for the type.
	asks *regexp.Regexp
	// value matches a passage holding a value of the type ("$49", "3 days",
	// "120 g"). A passage that asks the type's question itself (an FAQ
	// entry "How much does shipping cost?") is evidence too: asks is
	// matched against passages as well.
	value *regexp.Regexp
}

// typeLexicons are the lexicons, one per type. They are few words each on
// purpose: a cue is listed only when it asks for the type in almost any
// sentence, so "when" (a time, or a condition: "when does the LED blink"),
// "depth" and "how long is" (a length) are not.
var typeLexicons = []typeLexicon{
	{t: typePrice,
		asks: anyOf(
			`\bhow much\b[^?.!]*`+words("cost", "costs", "charge", "charges", "pay", "price", "fee", "fees"),
			words(`what(?:'s| is| are)? the (?:price|cost|fee|fees|charge)`, "price of", "cost of", "how expensive",
				`is there a (?:fee|charge)`, `are there (?:any )?(?:fees|charges)`),
			ruWords(`сколько\s+(?:стоит|стоят|стоить|будет стоить|стоила|стоило|платить|заплатить)`,
				`во сколько обойд\p{L}*`, `цен(?:а|у|ы|е|ой)`, `стоимост\p{L}*`),
			zh("多少钱", "价格", "价钱", "售价", "费用", "运费", "收费", "几块钱", "多少元", "手续费", "贵不贵")),
		value: anyOf(
			`[$€£¥₽]\s?\d`, `\d\s?(?:[$€£¥₽元]|usd|eur|gbp|rub|cny|rmb|руб)`,
			words(`prices?`, "priced", "pricing", "costs?", "fees?", "dollars?", "euros?", "cents?",
				"for free", "free of charge", `at no (?:extra |additional )?(?:cost|charge)`, "no charge", "subscription"),
			ruStems(`цен(?:а|у|ы|е|ой)`+cyrEnd, "стоимост", "бесплатн", "платн", "оплат", "руб", "доллар", "евро", "тариф", "комисси"),
			zh("价格", "售价", "价钱", "费用", "免费", "收费", "运费", "美元", "欧元", "人民币", "块钱", "付费", "资费", "手续费")),
	},
	{t: typeDuration,
		asks: anyOf(
			`\bhow long (?:does|do|did|will|would|can|could|should|until|before|after|to|for)\b`,
			`\bhow many (?:seconds|minutes|hours|days|weeks|months|years)\b`,
			words("how soon", "how much time"),
			ruWords("как долго", "через сколько", `сколько\s+(?:времени|дней|недель|часов|минут|секунд|месяцев|суток)`,
				"какого числа"),
			zh("多久", "多长时间", "多少天", "几天", "几周", "几个星期", "几个月", "几年", "多少年")),
		value: anyOf(
			words(`\d+\s?(?:s|ms|h|hrs?|mins?|secs?)`, `(?:milli|micro)?seconds?`, "minutes?", "hours?", "days?", "weeks?",
				"months?", "years?", "decades?", "centur(?:y|ies)", "overnight", "immediately", "instantly",
				"today", "tomorrow", "yesterday", "daily", "weekly", "monthly", "annually",
				"january", "february", "march", "april", "june", "july", "august", "september", "october", "november", "december",
				"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
			`\b(?:1[5-9]|20)\d\d\b`, `\b\d{1,2}:\d\d\b`,
			ruStems("секунд", "миллисекунд", "минут", "недел", "месяц", "столети", "январ", "феврал", "апрел", "сентябр", "октябр",
				"ноябр", "декабр", "мгновенн", "немедленн", "ежедневн", "еженедельн", "ежемесячн"),
			ruWords(`час(?:а|ов|ы)?`, `век(?:а|е|ов|ом)?`, "сутки", "суток", "день", "дня", "дней", "дни", `год(?:а|у|ом|ы|ов)?`, "лет", "сегодня", "завтра"),
			zh("秒", "分钟", "小时", "天", "周", "星期", "个月", "年", "世纪", "工作日", "立即", "马上")),
	},
	{t: typeYear,
		asks: anyOf(words(`(?:what|which|in what) year`), ruWords("в каком году", "какого года"), zh("哪一年", "哪年", "何年")),
		value: anyOf(`\b[1-9]\d{2,3}s?\b`, `[1-9]\d{2,3}\s?(?:年|г\.|год)`, words(`centur(?:y|ies)`, "decades?"),
			ruStems("столети"), ruWords(`век(?:а|е|ов|ом)?`), zh("世纪", "年代")),
	},
	{t: typeWeight,
		asks: anyOf(
			words("how heavy", "weigh", "weighs", `what(?:'s| is) (?:the|its) weight`, "weight of"),
			ruWords("весит", "весят", "вес", "веса", `какая масса`, `какова масса`),
			zh("多重", "重量", "多少克", "多少公斤", "几公斤", "有多沉")),
		value: anyOf(
			`\d\s?(?:g|gr|grams?|kg|kilos?|kilograms?|lbs?|pounds?|oz|ounces?)\b`,
			`\d\s?(?:г|гр|грамм\p{L}*|кг|килограмм\p{L}*)`+cyrEnd,
			`\d\s?(?:克|公斤|千克|斤|磅)`,
			words("weighs", "weight"), ruWords("весит", "вес", "масса"), zh("重量")),
	},
	{t: typeSize,
		asks: anyOf(
			words(`how (?:deep|wide|tall|thick)`, "dimensions", `in (?:mm|millimet(?:er|re)s|cm|centimet(?:er|re)s|inch(?:es)?)`,
				`how many (?:mm|millimet(?:er|re)s|cm|centimet(?:er|re)s|inch(?:es)?)`),
			ruStems("габарит", `(?:в|сколько)\s+(?:мм|миллиметр\p{L}*|см|сантиметр\p{L}*|дюйм\p{L}*)`+cyrEnd),
			zh("尺寸", "多少毫米", "多少厘米", "几毫米", "几厘米", "多少公分", "多宽", "多深", "多厚")),
		value: anyOf(
			`\d\s?(?:mm|cm|m|in|inch(?:es)?|ft|feet|hp|u|millimet(?:er|re)s?|centimet(?:er|re)s?|met(?:er|re)s?)\b`, `\d\s?["″]`,
			`\d\s?(?:мм|см|м|дюйм\p{L}*|миллиметр\p{L}*|сантиметр\p{L}*|метр\p{L}*)`+cyrEnd,
			`\d\s?(?:毫米|厘米|公分|米|英寸)`),
	},
	{t: typeNumber,
		asks: anyOf(words("how many", "how much", "how old"), ruWords("сколько"), zh("多少", `几[个种路根次条位台块张]`)),
		value: anyOf(number,
			words("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
				"thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty", "thirty",
				"forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundreds?", "thousands?", "millions?",
				"billions?", "dozens?", "single", "double", "once", "twice", "both", "several", "many", "few",
				"multiple", "numerous"),
			ruWords("один", "одна", "одно", "одного", "два", "две", "двух", "три", "трёх", "трех", "четыре", "пять", "шесть",
				"семь", "восемь", "девять", "десять", "сто", `тысяч\p{L}*`, `миллион\p{L}*`, "оба", "обе", "несколько",
				"много", "мало", "многие"),
			zh("[一二两三四五六七八九十百千万]", "很多", "许多", "多次", "若干")),
	},
	{t: typeContact,
		asks: anyOf(
			words("phone number", `call (?:you|your)`, `contact (?:you|support|customer|your)`,
				`how (?:can|do) i (?:contact|reach)`, `e-?mail address`, `your e-?mail`,
				`customer (?:service|support|care) (?:number|email|phone|line)`, `support (?:e-?mail|phone)`),
			ruStems(`номер\p{L}* телефон`, `телефон\p{L}* (?:поддержки|горячей линии|для связи|оператора|банка|службы)`,
				"по какому телефону", "куда звонить", "как связаться", "связаться с", `электронн\p{L}* почт`, "контакт"),
			zh("电话", "邮箱", "电子邮件", "联系方式", "怎么联系", "如何联系", "联系客服", "热线")),
		value: anyOf(
			`[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+\.\p{L}{2,}`, `https?://`, `\bwww\.`, `\+?\d[\d ().-]{6,}\d`,
			words("contact us", "call us", "e-?mail us", "customer (?:service|care|support)", "support team", "phone"),
			ruStems("связаться", "свяжитесь", "телефон"), zh("联系我们", "客服", "电话")),
	},
	{t: typeCommerce,
		asks: anyOf(
			words("refunds?", "money back", "warrant(?:y|ies)", `where (?:can|do|could) i (?:buy|get one|order|purchase)`,
				`where to (?:buy|order|purchase)`, `can i (?:buy|purchase)`, "shipping", `ship (?:to|it|them|internationally|abroad)`,
				"delivery", `deliver (?:to|it)`, "discounts?", "coupons?", `promo codes?`, `(?:in|out of|back in) stock`,
				"discontinued", `still (?:made|produced|manufactured|available|in production)`, `do you sell`),
			ruStems("возврат", "вернуть деньги", "гаранти", `где (?:можно )?(?:купить|заказать|приобрести)`,
				`можно ли (?:купить|заказать|приобрести)`, `как (?:купить|заказать)`, "купить", "приобрести", "доставк",
				"доставляете", "доставить", "отправляете", "скидк", "промокод", "в наличии", "выпускаться",
				`снят\p{L}* с производства`, "продаете", "продаёте"),
			zh("退货", "退款", "退钱", "保修", "质保", "保固", "哪里能买", "哪里可以买", "在哪买", "在哪里买", "在哪儿买", "怎么买", "购买",
				"买到", "订购", "发货", "运费", "快递", "配送", "邮寄", "包邮", "折扣", "优惠", "打折", "有货", "现货", "库存",
				"停产", "还在生产", "出售")),
		value: anyOf(
			words("buy", "buying", "bought", `purchas\w*`, "orders", "ordered", "ordering", `(?:my|your|the|an|this) order`, "refunds?", "returns policy",
				"return policy", "money back", `warrant\w*`, `guarantee\w*`, "shipping", "shipped", "shipment",
				"deliver(?:y|ies|ed)", "shop", "webshop", "online store", "retailers?", "dealers?", "resellers?",
				"distributors?", "discounts?", "coupons?", "in stock", "out of stock", "discontinued", "sold", "selling",
				"sells", "prices?", "pricing", "fees?", "charges?", "customer service"),
			ruStems("купи", "покуп", "заказ", "возврат", "гаранти", "доставк", "магазин", "дилер", "дистрибьют", "скидк",
				"наличи", "продаж", "продаё", "продае", "производств", "стоимост", "комисси"),
			zh("购买", "买", "订购", "订单", "退货", "退款", "保修", "质保", "发货", "运费", "配送", "快递", "商店", "网店", "经销", "代理商",
				"折扣", "优惠", "库存", "现货", "停产", "生产", "销售", "出售", "价格", "售价", "费用", "手续费")),
	},
}

// askedType is the set of types question asks for (0 when none is clear).
// A price question asks for a number too; the number is then implied by
// the price, so typeNumber is kept only when no other measure is asked.
func askedType(question string) answerType {
	var t answerType
	for _, l := range typeLexicons {
		if l.asks.MatchString(question) {
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
	look := want
	if want&typeCommerce != 0 {
		look |= typePrice
	}
	var t answerType
	for _, l := range typeLexicons {
		if look&l.t != 0 && (l.value.MatchString(text) || l.asks.MatchString(text)) {
			t |= l.t
		}
	}
	if t&typePrice != 0 {
		t |= typeCommerce
	}
	return t & want
}

// typeMiss is the types asked and not evidenced in text.
func typeMiss(asked answerType, text string) answerType {
	if asked == 0 {
		return 0
	}
	return asked &^ evidenceOf(text, asked)
}
