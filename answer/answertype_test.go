package answer

import (
	"bufio"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/answerdesk/answerdesk/retrieval"
)

// TestAskedType: a question is typed by its own language's cues when the
// kind of value it asks for is clear, and left untyped when a cue is
// ambiguous ("when" of a condition, a modulation "depth").
func TestAskedType(t *testing.T) {
	for _, c := range []struct {
		name, question string
		want           answerType
	}{
		{"en price", "How much does the Pro plan cost per month?", typePrice},
		{"en price noun", "What is the price of a replacement charger?", typePrice},
		{"ru price", "Сколько стоит подписка?", typePrice},
		{"zh price", "这个路由器多少钱？", typePrice},
		{"en price, how much is a", "how much is a bottle of black ink", typePrice},
		{"en price, how much are", "How much are the day passes?", typePrice},
		{"en amount, how much is the", "How much is the monthly data allowance?", typeNumber},
		{"en duration", "How long does delivery take to Canada?", typeDuration | typeCommerce},
		{"ru duration", "Сколько дней идёт возврат денег?", typeDuration | typeCommerce},
		{"zh duration", "充电需要多久？", typeDuration},
		{"en deadline", "until when can i list my tickets on resale", typeDuration},
		{"ru deadline", "до какого времени можно передать показания", typeDuration},
		{"zh deadline", "积分能用到什么时候", typeDuration},
		{"en year", "In what year was the company founded?", typeYear},
		{"ru year", "В каком году вышла первая версия?", typeYear},
		{"zh year", "公司是哪一年成立的？", typeYear},
		{"en age", "How old was he when he won?", typeNumber},
		{"ru age", "Сколько лет было ему, когда он выиграл?", typeNumber},
		{"ru commission", "Кто возглавил комиссию?", 0},
		{"en weight", "How heavy is the hub?", typeWeight},
		{"ru weight", "Сколько весит хаб?", typeWeight},
		{"zh weight", "这个音箱的重量是多少？", typeWeight},
		{"en size", "How deep is the module behind the panel?", typeSize},
		{"ru size", "Какая глубина корпуса в миллиметрах?", typeSize},
		{"zh size", "机箱的尺寸是多少？", typeSize},
		{"en number", "How many users can share one account?", typeNumber},
		{"ru number", "Сколько камер можно подключить?", typeNumber},
		{"zh number", "可以连接几个设备？", typeNumber},
		{"en contact", "What is your support phone number?", typeContact},
		{"ru contact", "Как связаться с поддержкой?", typeContact},
		{"ru phone number", "Какой номер телефона поддержки?", typeContact},
		{"ru a phone, the device", "Телефон просит PUK-код, где его взять?", 0},
		{"zh contact", "你们的联系方式是什么？", typeContact},
		{"en commerce", "Can I get a refund if it does not work for me?", typeCommerce},
		{"ru commerce", "Где можно купить новый датчик?", typeCommerce},
		{"zh commerce", "这个产品保修吗？", typeCommerce},

		{"en how-to", "How do I reset the hub to factory settings?", 0},
		{"en when of a condition", "When does the LED blink red?", 0},
		{"en modulation depth", "What does the depth knob do?", 0},
		{"ru modulation depth", "Как изменить глубину модуляции?", 0},
		{"ru how-to", "Как подключить датчик к хабу?", 0},
		{"zh how-to", "怎么重置路由器？", 0},
		{"zh almost", "几乎每次都断开连接怎么办？", 0},
		{"en e-mail as a topic", "Can I send an e-mail with a delay?", 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := askedType(c.question); got != c.want {
				t.Errorf("askedType(%q) = %q, want %q", c.question, got, c.want)
			}
		})
	}
}

// TestTypeMiss: a passage holds evidence of a type by a value of it, in
// any of the three languages whatever the question's, or by asking the
// type's question itself (an FAQ entry); otherwise the type is missed.
func TestTypeMiss(t *testing.T) {
	for _, c := range []struct {
		name    string
		asked   answerType
		passage string
		miss    answerType
	}{
		{"price in dollars", typePrice, "The Pro plan is $12 a month.", 0},
		{"price in yuan", typePrice, "专业版每月 88 元。", 0},
		{"free", typePrice, "Доставка по России бесплатно.", 0},
		{"no price", typePrice, "Marbles is a random sampler with two clocks and three outputs.", typePrice},
		{"price asked by an FAQ entry", typePrice, "How much does shipping cost? It depends on the carrier.", 0},
		{"days", typeDuration, "Orders arrive within 3 business days.", 0},
		{"Russian days", typeDuration, "Заказ доставляется за 5 дней.", 0},
		{"a year", typeDuration, "The company was founded in 1998.", 0},
		{"no time", typeDuration, "Press the button to start pairing.", typeDuration},
		{"a clock time", typeDuration, "With 4:51 left, Denver scored.", 0},
		{"an old year", typeYear, "The war ended in 1279 with the fall of the Song.", 0},
		{"a century", typeYear, "直至十九世纪，他们仍用法语名字。", 0},
		{"no year", typeYear, "The war ended with the fall of the Song.", typeYear},
		{"many times", typeNumber, "喇嘛经常是很多次投胎。", 0},
		{"grams", typeWeight, "It weighs 120 g without the stand.", 0},
		{"a diameter is no weight", typeWeight, "The hub is 10 cm across and comes with a USB cable.", typeWeight},
		{"millimetres", typeSize, "The module is 25 mm deep.", 0},
		{"no size", typeSize, "The module has four knobs.", typeSize},
		{"a number", typeNumber, "Up to five users can share one account.", 0},
		{"no number", typeNumber, "Users can share the account.", typeNumber},
		{"an e-mail address", typeContact, "Write to help@example.com.", 0},
		{"a phone number", typeContact, "Звоните +7 495 123-45-67.", 0},
		{"no contact", typeContact, "The LED blinks when the battery is low.", typeContact},
		{"a warranty", typeCommerce, "The hub has a 2-year warranty.", 0},
		{"a discount as a price", typeCommerce, "Пополнение на 500 рублей — 20 рублей в подарок.", 0},
		{"a manual's section", typeCommerce, "Clouds is a granular audio processor. Turn POSITION to scan the buffer.", typeCommerce},
		{"both asked, one held", typePrice | typeDuration, "Orders ship within 3 days.", typePrice},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := typeMiss(c.asked, c.passage); got != c.miss {
				t.Errorf("typeMiss(%q, %q) = %q, want %q", c.asked, c.passage, got, c.miss)
			}
		})
	}
}

// TestAnswerTypeMissFeature: the feature is 1 when the cited passage lacks
// the asked type or a Chinese yes/no question's action, in the lexical and
// in the cross-language feature set, and 0 for an untyped question.
func TestAnswerTypeMissFeature(t *testing.T) {
	manual := hitOf("marbles", "Marbles", "Marbles is a random sampler. The t section generates random gates and the X section random voltages.")
	prices := hitOf("prices", "Marbles prices", "Marbles is a random sampler sold at $299 in our shop.")
	for _, c := range []struct {
		question string
		hit      retrieval.Hit
		want     float64
	}{
		{"How much does the Marbles random sampler cost?", manual, 1},
		{"How much does the Marbles random sampler cost?", prices, 0},
		{"What does the Marbles random sampler generate?", manual, 0},
	} {
		res := retrieval.Result{Terms: []string{"marbl", "random", "sampler"}, Hits: []retrieval.Hit{c.hit}}
		fs := features(t, c.question, res)
		if got, ok := featureOf(t, fs, FeatureAnswerTypeMiss); !ok || got != c.want {
			t.Errorf("%q citing %s: %s = %v (reported %v), want %v", c.question, c.hit.DocumentID, FeatureAnswerTypeMiss, got, ok, c.want)
		}
	}

	// A Chinese yes/no question's action (askedAction) the passage never
	// writes: the entry on buying storage packs for "can they be refunded".
	buy := hitOf("kuorong", "存储空间不够怎么办？", "团队版和企业版可以购买存储扩容包：每100GB每年600元，在管理后台购买。")
	refund := hitOf("kuorong-tui", "扩容包可以退吗？", "扩容包购买后7天内可以申请退款，按剩余天数退还。")
	for _, c := range []struct {
		hit  retrieval.Hit
		want float64
	}{{buy, 1}, {refund, 0}} {
		q := "团队版买的扩容包可以退吗"
		fs := features(t, q, retrieval.Result{Terms: retrieval.DefaultAnalyzer.Terms(q), Hits: []retrieval.Hit{c.hit}})
		if got, _ := featureOf(t, fs, FeatureAnswerTypeMiss); got != c.want {
			t.Errorf("%q citing %s: %s = %v, want %v", q, c.hit.DocumentID, FeatureAnswerTypeMiss, got, c.want)
		}
	}

	cross := manual
	cross.Lang, cross.DenseRank, cross.DenseScore = "en", 1, 0.8
	ps := newPassages(nil)
	c, ok := composeCross([]retrieval.Hit{cross}, nil, nil, 3, ps)
	if !ok {
		t.Fatal("nothing quoted")
	}
	for q, want := range map[string]float64{"Сколько стоит Marbles?": 1, "Как работает Marbles?": 0} {
		fs := crossFeatures(featureInput{res: retrieval.Result{Hits: []retrieval.Hit{cross}}, c: c, lang: "ru", ps: ps, askedType: askedType(q)})
		if got, _ := featureOf(t, fs, FeatureAnswerTypeMiss); got != want {
			t.Errorf("cross-language %q: %s = %v, want %v", q, FeatureAnswerTypeMiss, got, want)
		}
	}
}

// TestVetoValidate: only a feature that means a wrong answer may veto.
func TestVetoValidate(t *testing.T) {
	m := ConfidenceModel{Threshold: 0.9, Vetoes: []string{FeatureAnswerTypeMiss}}
	if err := m.Validate(); err != nil {
		t.Errorf("veto of %s: %v", FeatureAnswerTypeMiss, err)
	}
	m.Vetoes = []string{FeatureDenseCos}
	if err := m.Validate(); err == nil {
		t.Errorf("a veto of %s (more of it, more likely right) was accepted", FeatureDenseCos)
	}
	fs := []Feature{{Name: FeatureDenseCos, Value: 1}, {Name: FeatureAnswerTypeMiss, Value: 1}}
	m = ConfidenceModel{Intercept: 10, Threshold: 0.9, Vetoes: []string{FeatureAnswerTypeMiss}}
	if p := m.Probability(fs); p != 0.45 {
		t.Errorf("vetoed probability %v, want 0.45 (half the threshold)", p)
	}
	fs[1].Value = 0
	if p := m.Probability(fs); p < 0.99 {
		t.Errorf("probability without the vetoing feature %v, want the model's (> 0.99)", p)
	}
}

// TestShippedModelsVetoAnswerTypeMiss: every shipped model escalates an
// answer whose passage lacks the asked type of value, and one citing a
// sibling of the product asked (sibling_miss).
func TestShippedModelsVetoAnswerTypeMiss(t *testing.T) {
	d := DefaultConfig()
	for name, m := range map[string]ConfidenceModel{"sparse": d.Confidence, "hybrid": d.HybridConfidence, "cross": d.CrossConfidence} {
		m.Intercept = 50 // certain, but for the veto
		for _, veto := range []string{FeatureAnswerTypeMiss, FeatureSiblingMiss} {
			fs := []Feature{{Name: veto, Value: 1}}
			if p := m.Probability(fs); p >= m.Threshold {
				t.Errorf("%s model: probability %v with %s, threshold %v", name, p, veto, m.Threshold)
			}
		}
	}
}

// benchQuestions are BenchmarkAnswerType's mix of questions.
var benchQuestions = []string{
	"How do I reset the hub to factory settings?",
	"How much does the Pro plan cost per month?",
	"How many mAh is the battery?",
	"Can I get a refund if it does not work for me?",
	"What does the depth knob do?",
	"Сколько стоит подписка?",
	"Как подключить датчик к хабу?",
	"Какой номер телефона поддержки?",
	"充电需要多久？",
	"怎么重置路由器？",
	"手机内存多少G",
}

// BenchmarkAnswerType: typing a question, and checking a typed question's
// passage (about 1.5 KB of a manual), as every answer does, and again once
// the passage is cached.
func BenchmarkAnswerType(b *testing.B) {
	passage := strings.Repeat("Marbles is a random sampler. The t section generates random gates, the X section random voltages. ", 15)
	b.Run("question", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			askedType("Сколько стоит Marbles и есть ли скидка?")
		}
	})
	// A mix of questions in the three languages, typed or not, as the
	// suites ask them: ns/op is per question.
	b.Run("questions", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			askedType(benchQuestions[i%len(benchQuestions)])
		}
	})
	b.Run("passage", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			typeMiss(typePrice|typeCommerce, passage)
		}
	})
	// A cited passage as answers check it: its evidence looked for once
	// and kept with the cached passage.
	b.Run("cached-passage", func(b *testing.B) {
		h := hitOf("marbles", "Marbles", passage)
		p := newPassages(nil).get(h)
		b.ReportAllocs()
		for b.Loop() {
			evidence(typePrice|typeCommerce, func(look answerType) answerType { return p.typesHeld(h, look) })
		}
	})
}

// TestPassageTypesHeld: a cached passage's evidence, looked for type by
// type as questions ask them, is typesHeld of its text however the asks
// come in.
func TestPassageTypesHeld(t *testing.T) {
	hits := []retrieval.Hit{
		hitOf("prices", "Pricing", "The Pro plan costs $49 a month. Delivery takes 3 days."),
		hitOf("contact", "Contact", "Call us on +1 415 555 0100 or write to help@example.com."),
		hitOf("plain", "Marbles", "Marbles is a random sampler. The t section generates random gates."),
	}
	asks := []answerType{typeDuration, typePrice | typeCommerce, typeContact, typeNumber | typeYear, typeWeight, typeSize, typeCommerce}
	for _, h := range hits {
		text := h.Title + "\n" + h.Heading + "\n" + strings.Join(analyze(h).sents, " ")
		p := newPassages(nil).get(h)
		for _, want := range asks {
			if got, exp := p.typesHeld(h, want), typesHeld(text, want); got != exp {
				t.Errorf("%s asked %v: cached %v, want %v", h.DocumentID, want, got, exp)
			}
		}
		all := typePrice | typeDuration | typeYear | typeWeight | typeSize | typeNumber | typeContact | typeCommerce
		if p.typesKnown != all {
			t.Errorf("%s: types looked for %v, want every type asked", h.DocumentID, p.typesKnown)
		}
		if got, exp := p.typesHeld(h, all), typesHeld(text, all); got != exp {
			t.Errorf("%s asked every type again: cached %v, want %v", h.DocumentID, got, exp)
		}
	}
}

// TestAskedUnit: a question that names the unit of the value it asks for
// ("how many mAh", "сколько ГБ", "多少毫安") is typed by the unit's family,
// which implies the number; a unit named elsewhere in the question (a
// yes-or-no question, a price asked of a product named by its capacity)
// types nothing more.
func TestAskedUnit(t *testing.T) {
	for _, c := range []struct {
		name, question string
		want           answerType
	}{
		{"en mAh", "How many mAh is the battery of the S9?", typeCharge},
		{"en milliamp hours", "How many milliamp hours does the battery hold?", typeCharge},
		{"ru мАч", "Сколько мАч у аккумулятора?", typeCharge},
		{"ru мА·ч", "сколько мА·ч батарея", typeCharge},
		{"zh 毫安", "S9的电池是多少毫安的", typeCharge},
		{"zh mAh", "电池多少mAh？", typeCharge},
		{"en GB", "How many GB of storage does the phone have?", typeData},
		{"en in GB", "What is the monthly allowance in GB?", typeData},
		{"en Mbps", "How many Mbps is the fiber plan?", typeData},
		{"ru ГБ", "Сколько ГБ интернета в тарифе?", typeData},
		{"ru гигабайт", "сколько гигабайт памяти у телефона", typeData},
		{"zh G before memory", "多少G内存", typeData},
		{"zh G after memory", "手机内存多少G", typeData},
		{"zh 几个G of traffic", "这个套餐流量有几个G", typeData},
		{"zh 兆", "宽带是多少兆的", typeData},
		{"en watts", "How many watts is the charger?", typePower},
		{"en kWh", "How many kWh does it use per cycle?", typePower},
		{"ru ватт", "Сколько ватт у зарядки?", typePower},
		{"zh 瓦", "充电器是多少瓦的？", typePower},
		{"zh W of a charger", "快充是多少W的", typePower},
		{"zh w, ten thousand", "这个理财起投多少w", typeNumber},
		{"en volts", "How many volts does the adapter output?", typeVoltage},
		{"ru вольт", "Сколько вольт на выходе блока питания?", typeVoltage},
		{"zh 伏", "输出是多少伏？", typeVoltage},
		{"en kHz", "What is the sample rate in kHz?", typeFrequency},
		{"ru герц", "Сколько герц у экрана?", typeFrequency},
		{"zh Hz", "屏幕刷新率多少Hz", typeFrequency},
		{"en liters", "How many liters does the tank hold?", typeVolume},
		{"ru литров", "Сколько литров вмещает бак?", typeVolume},
		{"zh 升", "水箱多少升", typeVolume},
		{"en megapixels", "How many megapixels is the camera?", typeResolution},
		{"ru мегапикселей", "Сколько мегапикселей у камеры?", typeResolution},
		{"zh 像素", "摄像头多少像素", typeResolution},
		{"en degrees", "How many degrees can the water reach?", typeDegrees},
		{"ru градусов", "До скольки градусов греет? Сколько градусов максимум?", typeDegrees},
		{"zh 度", "最高能加热到多少度", typeDegrees},
		{"en percentage", "What percentage of cashback do I get?", typePercent},
		{"ru процент", "Какой процент кэшбэка по карте?", typePercent},
		{"zh 百分之几", "返现是百分之几", typePercent},
		{"en km, a length", "How many km can it go on one charge?", typeSize},
		{"ru километров", "Сколько километров проедет самокат?", typeSize},
		{"zh 公里", "能跑多少公里", typeSize},
		{"en grams, a weight", "How many grams is the phone?", typeWeight},
		{"ru граммов", "Сколько граммов весит?", typeWeight},
		{"ru in the underground", "Почему в метро постоянно не ловит связь?", 0},
		{"ru в метрах", "Какая длина кабеля в метрах?", typeSize},

		{"en a yes-or-no question", "Does the hub support 5 GHz Wi-Fi?", 0},
		{"en a price of a capacity", "How much does the 5000 mAh power bank cost?", typePrice},
		{"ru a price of a capacity", "Сколько стоит аккумулятор на 5000 мАч?", typePrice},
		{"zh a G that may be grams", "这个多少g", typeNumber},
		{"zh an upgrade", "升级要多少钱", typePrice},
		{"en a state", "Can I pay in MA?", 0},
		{"en a degree", "How many MA students are there?", typeNumber},
		{"en a performance", "How many gigs did the band play?", typeNumber},
		{"en how many times", "How many times can it charge a phone?", typeNumber},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := askedType(c.question); got != c.want {
				t.Errorf("askedType(%q) = %q, want %q", c.question, got, c.want)
			}
		})
	}
}

// TestUnitMiss: a question naming a unit is answered only by a passage
// holding a value in a unit of that family, in any of the three languages
// whatever the question's ("5000 mAh" answers "多少毫安"), or naming the
// unit alone (a table's header); any other number (a price) is none.
func TestUnitMiss(t *testing.T) {
	for _, c := range []struct {
		name, question, passage string
		fire                    bool
	}{
		{"mAh", "How many mAh is the battery?", "Battery: 5000mAh, fast charging.", false},
		{"мА·ч with a thin space", "Сколько мАч у аккумулятора?", "Аккумулятор 5 000 мА·ч.", false},
		{"毫安时", "S9的电池是多少毫安的", "电池容量5000毫安时。", false},
		{"mAh for a Chinese question", "S9的电池是多少毫安的", "The S9 has a 5000 mAh battery.", false},
		{"毫安 for an English question", "How many mAh is the battery?", "电池容量：5000毫安", false},
		{"the unit in a table's header", "Сколько мАч у S9?", "| Модель | Ёмкость, мАч |\n| S9 | 5000 |", false},
		{"a price is no capacity", "S9的电池是多少毫安的",
			"换电池多少钱？保外更换原装电池：星耀S9 199元，星耀S9 Pro 229元。保修期内电池健康度低于80%的，可以免费更换。", true},
		{"a charging time is no capacity", "How many mAh is the battery?", "The battery charges fully in 2 hours.", true},
		{"128G", "How many GB of storage does the phone have?", "星耀S9：8G+128G。", false},
		{"ГБ", "手机内存多少G", "Память: 8 ГБ оперативной, 256 ГБ встроенной.", false},
		{"GB for a Russian question", "Сколько ГБ интернета в тарифе?", "The plan includes 30 GB of mobile data.", false},
		{"兆", "宽带是多少兆的", "家庭宽带500兆，每月99元。", false},
		{"a price is no data", "Сколько ГБ интернета в тарифе?", "Тариф стоит 500 рублей в месяц.", true},
		{"watts", "充电器是多少瓦的？", "The charger delivers 65 W.", false},
		{"Вт", "How many watts is the charger?", "Мощность зарядки — 33 Вт.", false},
		{"no power", "How many watts is the charger?", "A charger and a cable are in the box.", true},
		{"volts", "Сколько вольт на выходе блока питания?", "Output: 12V DC, 2 A.", false},
		{"伏", "How many volts does the adapter output?", "输入电压220伏。", false},
		{"Hz", "Сколько герц у экрана?", "Экран 120 Гц.", false},
		{"赫兹", "What is the refresh rate in Hz?", "屏幕刷新率120赫兹。", false},
		{"no frequency", "屏幕刷新率多少Hz", "屏幕为6.7英寸。", true},
		{"litres", "水箱多少升", "The tank holds 1.5 l.", false},
		{"литра", "How many liters does the tank hold?", "Объём бака — 2 литра.", false},
		{"megapixels", "摄像头多少像素", "Main camera: 50MP.", false},
		{"a screen's pixels", "How many pixels is the screen?", "Разрешение 2400×1080.", false},
		{"°C", "最高能加热到多少度", "Heats water up to 90 °C.", false},
		{"a percent sign", "Какой процент кэшбэка по карте?", "Cashback: 5% on groceries.", false},
		{"a full-width percent sign", "What percentage of cashback do I get?", "返现比例为 5％。", false},
		{"free answers a percentage", "Какой процент за снятие наличных?", "Снятие наличных в банкоматах банка бесплатно.", false},
		{"no percentage", "Какой процент кэшбэка по карте?", "Кэшбэк начисляется на карту раз в месяц.", true},
		{"km", "能跑多少公里", "Range: up to 25 km on one charge.", false},
		{"no distance", "Сколько километров проедет самокат?", "Самокат складывается за три секунды.", true},
		{"grams", "How many grams is the phone?", "重量：约190克。", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			asked := askedType(c.question)
			if asked&(typeUnits|typeSize|typeWeight) == 0 {
				t.Fatalf("askedType(%q) = %q: no unit asked", c.question, asked)
			}
			if got := typeMiss(asked, c.passage); (got != 0) != c.fire {
				t.Errorf("typeMiss(%q, %q) = %q, want a miss: %v", asked, c.passage, got, c.fire)
			}
		})
	}
}

// askedTypeByLexicons is askedType as it was before the cues were indexed:
// each type's asks cues matched over the question in turn.
func askedTypeByLexicons(question string) answerType {
	q := prepareTyped(question)
	var t answerType
	for _, l := range typeLexicons {
		if l.asks.match(q) {
			t |= l.t
		}
	}
	if t&(typePrice|typeDuration|typeYear|typeWeight|typeSize|typeUnits) != 0 {
		t &^= typeNumber
	}
	return t
}

// TestAskedTypeIndexed: askedType, which finds every type's cues in one
// pass (askIndex), types each text exactly as matching each type's
// lexicon in turn: every string of the repository's JSON Lines test data
// (questions, passages, tickets), every query of the shared evaluation
// data when it is there, and texts spliced at random from the cues
// themselves, so that every kind of cue of every type matches somewhere.
func TestAskedTypeIndexed(t *testing.T) {
	check := func(t *testing.T, texts []string) {
		t.Helper()
		typed, fails := 0, 0
		for _, text := range texts {
			got, want := askedType(text), askedTypeByLexicons(text)
			if got != want {
				if fails++; fails <= 20 {
					t.Errorf("askedType(%q) = %q, the lexicons give %q", text, got, want)
				}
			}
			if want != 0 {
				typed++
			}
		}
		t.Logf("%d texts, %d typed, %d different", len(texts), typed, fails)
	}
	t.Run("testdata", func(t *testing.T) {
		files, err := filepath.Glob(filepath.Join("..", "testdata", "*", "*.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		more, err := filepath.Glob(filepath.Join("..", "testdata", "*", "*", "*.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		texts := jsonlStrings(t, append(files, more...))
		if len(texts) < 1000 {
			t.Fatalf("%d texts in ../testdata: the test data moved?", len(texts))
		}
		check(t, texts)
	})
	t.Run("shared", func(t *testing.T) {
		files, err := filepath.Glob(filepath.Join("..", "..", "shared", "datasets", "*", "queries.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		if len(files) == 0 {
			if os.Getenv("ANSWERDESK_REQUIRE_SHARED") == "1" {
				t.Fatal("../shared/datasets/*/queries.jsonl not found (ANSWERDESK_REQUIRE_SHARED=1)")
			}
			t.Skip("the shared evaluation data (../shared/datasets) not found next to the repository")
		}
		check(t, jsonlStrings(t, files))
	})
	t.Run("spliced", func(t *testing.T) {
		texts := splicedCueTexts(30000)
		var seen answerType
		for _, text := range texts {
			seen |= askedTypeByLexicons(text)
		}
		if all := answerType(1<<len(answerTypeNames) - 1); seen&^typeNumber != all&^typeNumber {
			t.Fatalf("spliced texts type only %q: the splicing misses cues", seen)
		}
		check(t, texts)
	})
}

// jsonlStrings is every string value (at any depth) of every line of
// files, JSON Lines.
func jsonlStrings(tb testing.TB, files []string) []string {
	tb.Helper()
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			out = append(out, v)
		case []any:
			for _, e := range v {
				walk(e)
			}
		case map[string]any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			tb.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 16<<20)
		for sc.Scan() {
			var v any
			if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
				tb.Fatalf("%s: %v", name, err)
			}
			walk(v)
		}
		f.Close()
		if err := sc.Err(); err != nil {
			tb.Fatalf("%s: %v", name, err)
		}
	}
	return out
}

// splicedCueTexts are n texts, each a few pieces drawn at random from the
// lexicons' asks and value cues (words, stems with and without endings,
// phrases with their prefixes completed, the words that follow a phrase,
// substrings), Chinese units and topics of the shapes, and common words,
// joined by spaces, punctuation or nothing, some capitalised.
func splicedCueTexts(n int) []string {
	var pieces []string
	endings := []string{"", "а", "ов", "ами", "ь"}
	complete := func(p string) string {
		fs := strings.Fields(p)
		for i, f := range fs {
			if q, ok := strings.CutSuffix(f, "*"); ok {
				fs[i] = q + endings[len(pieces)%len(endings)]
			}
		}
		return strings.Join(fs, " ")
	}
	for _, l := range typeLexicons {
		for _, c := range []cues{l.asks, l.value} {
			pieces = append(pieces, c.words...)
			pieces = append(pieces, c.subs...)
			for _, s := range c.stems {
				pieces = append(pieces, s, s+"ость", s+"а")
			}
			for _, ps := range c.phrases.byFirst {
				for _, p := range ps {
					pieces = append(pieces, complete(strings.Join(p, " ")))
				}
			}
			for _, p := range c.phrases.prefixed {
				pieces = append(pieces, complete(strings.Join(p, " ")))
			}
			for _, th := range c.then {
				pieces = append(pieces, strings.Join(th.phrase, " "))
				pieces = append(pieces, th.words...)
			}
		}
	}
	pieces = append(pieces, "多少", "几", "多大", "个", "g", "w", "m", "t", "mah", "kwh", "hz", "v", "gb", "毫安", "瓦", "兆",
		"伏", "度", "像素", "升", "升级", "赫兹", "内存", "充电", "流量", "功率", "5000", "12", "$", "%", "@", "ма ч",
		"how", "much", "many", "the", "what", "is", "in", "does", "it", "сколько", "в", "это", "这个", "是")
	seps := []string{" ", " ", " ", "", ", ", "? ", "-", "\n"}
	r := rand.New(rand.NewPCG(16, 61))
	out := make([]string, n)
	for i := range out {
		var b strings.Builder
		for k := 1 + r.IntN(7); k > 0; k-- {
			p := pieces[r.IntN(len(pieces))]
			if r.IntN(4) == 0 {
				p = strings.ToUpper(p[:1]) + p[1:]
			}
			b.WriteString(p)
			b.WriteString(seps[r.IntN(len(seps))])
		}
		out[i] = b.String()
	}
	return out
}

// TestAskedAction: the action a Chinese yes/no question asks about, and
// whether a passage writes it.
func TestAskedAction(t *testing.T) {
	for _, c := range []struct{ question, want string }{
		{"团队版买的扩容包可以退吗", "退"},
		{"全能保到期了可以续费吗", "续费"},
		{"会员开了不想要了 能退钱吗", "退钱"},
		{"换屏幕会不会把照片弄没了", "照片弄没"},
		{"PLUS会员可以和家人共用吗？", "家人共用"},
		{"断网以后自动化还能用吗", ""},    // a light verb: "does it still work"
		{"Beads 能做什么？", ""},    // asks what, not whether
		{"怎么退款", ""},           // no yes/no question
		{"能不能提前预约充电桩", "提前预约"}, // four characters at most
	} {
		if got := askedAction(c.question); got != c.want {
			t.Errorf("askedAction(%q) = %q, want %q", c.question, got, c.want)
		}
	}
	for _, c := range []struct {
		question, text string
		miss           bool
	}{
		{"团队版买的扩容包可以退吗", "团队版和企业版可以购买存储扩容包：每100GB每年600元。", true},
		{"全能保到期了可以续费吗", "全能保在2年内保障意外损坏，可以免费维修1次。", true},
		{"会员开了不想要了 能退钱吗", "开通7天内没有使用权益的，可以申请退款。", false}, // 退 of 退款
		{"能不能提前预约充电桩", "在App里可以提前30分钟预约充电桩。", false},
		{"全能保到期了可以续费吗", "Renewal is possible within 30 days.", false}, // another language's passage
	} {
		if got := actionMiss(askedAction(c.question), c.text); got != c.miss {
			t.Errorf("actionMiss(%q, %q) = %v, want %v", c.question, c.text, got, c.miss)
		}
	}
}
