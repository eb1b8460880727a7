package answer

import (
	"maps"
	"slices"
	"testing"

	"github.com/answerdesk/answerdesk/retrieval"
)

func TestNamePhrases(t *testing.T) {
	type w struct {
		term string
		name bool
	}
	cases := []struct {
		text string
		want [][]w
	}{
		// A capital inside a sentence, a number, a Latin word in a
		// Russian text are names; the sentence's first word is not.
		{"Сфера Плюс работает с Apple Pay?", [][]w{{{"сфер", false}, {"плюс", true}, {"работа", false}, {"с", false}, {"appl", true}, {"pay", true}}}},
		// Punctuation ends a phrase; the word after a full stop starts a
		// sentence.
		{"the Pro plan, then. Basic plan", [][]w{{{"the", false}, {"pro", true}, {"plan", false}}, {{"then", false}}, {{"basic", false}, {"plan", false}}}},
		// A word alone is a phrase ("S9" in a Chinese text).
		{"S9的电池", [][]w{{{"s9", true}}}},
		// Chinese characters form no phrase; the Latin words and numbers
		// between them do.
		{"iPhone 15 的电池团队版", [][]w{{{"iphon", true}, {"15", true}}}},
		{"Волна-50", [][]w{{{"волн", false}, {"50", true}}}},
		// "I" is capitalized by rule, not as a name.
		{"Can I complete it", [][]w{{{"can", false}, {"i", false}, {"complet", false}, {"it", false}}}},
	}
	for _, c := range cases {
		got := namePhrases(c.text, false)
		ok := len(got) == len(c.want)
		for i := 0; ok && i < len(got); i++ {
			ok = len(got[i]) == len(c.want[i])
			for j := 0; ok && j < len(got[i]); j++ {
				ok = got[i][j].term == c.want[i][j].term && got[i][j].name == c.want[i][j].name
			}
		}
		if !ok {
			t.Errorf("namePhrases(%q) = %+v, want %+v", c.text, got, c.want)
		}
	}
}

// siblingFeature is FeatureSiblingMiss of question over hits, the first
// hit cited as the extractive composer cites it.
func siblingFeature(t *testing.T, question string, hits ...retrieval.Hit) float64 {
	t.Helper()
	for i := range hits {
		hits[i].SparseRank = i + 1
	}
	res := retrieval.Result{Terms: retrieval.DefaultAnalyzer.Terms(question), Hits: hits}
	q := newQuery(analyzeText(question), res)
	ps := newPassages(nil)
	c, ok := extract(res.Hits, q, 3, ps)
	if !ok {
		t.Fatalf("no answer composed for %q", question)
	}
	if c.cited[0].DocumentID != hits[0].DocumentID {
		t.Fatalf("%q cites %s, the test wants %s cited", question, c.cited[0].DocumentID, hits[0].DocumentID)
	}
	fs := computeFeatures(featureInput{res: res, q: q, c: c, lang: retrieval.DetectLang(question), qLength: q.all, ps: ps,
		asked: q.asked, sibling: newSiblingQuestion(analyzeText(question))})
	v, ok := featureOf(t, fs, FeatureSiblingMiss)
	if !ok {
		t.Fatalf("no %s among %v", FeatureSiblingMiss, fs)
	}
	return v
}

func TestSiblingMiss(t *testing.T) {
	basic := hitOf("basic", "Cancel the Basic plan", "To cancel your subscription on the Basic plan, open Billing and press the cancel button.")
	pro := hitOf("pro", "Pro plan", "The Pro plan adds priority support.")
	volna15 := hitOf("v15", "Что будет, когда закончится пакет интернета на Волна 15?",
		"На тарифе Волна 15 скорость интернета снижается до 128 Кбит/с, когда закончится пакет.")
	volna50 := hitOf("v50", "Тариф Волна 50", "На тарифе Волна 50 пакет интернета 50 ГБ.")
	admin := hitOf("admin", "Reset the admin password", "To reset the admin password, open Settings and press reset.")
	guest := hitOf("guest", "Guest access", "A guest password is set by the admin.")
	y1991 := hitOf("y1991", "The club", "The club moved in 1991 and won the league.")
	y1990 := hitOf("y1990", "The stadium", "The stadium opened in 1990.")
	current := hitOf("current", "Как закрыть текущий счёт", "Закрыть текущий счёт можно в приложении.")
	savings := hitOf("savings", "Вклады", "Накопительный счёт бесплатный.")
	checkSiblingCases(t, []siblingCase{
		{"en: the Basic plan cited for the Pro plan", "How do I cancel my subscription on the Pro plan?", []retrieval.Hit{basic, pro}, 1},
		{"ru: Волна 15 cited for Волна 50", "Какая скорость интернета на Волна 50, когда закончится пакет?", []retrieval.Hit{volna15, volna50}, 1},
		{"ru: lowercase question, the documents write the names", "какая скорость интернета на волна 50 когда закончится пакет", []retrieval.Hit{volna15, volna50}, 1},

		{"the asked sibling cited", "What does the Pro plan add?", []retrieval.Hit{pro, basic}, 0},
		{"ru: the asked sibling cited", "Какая скорость интернета на Волна 15, когда закончится пакет?", []retrieval.Hit{volna15, volna50}, 0},
		{"a comparison names both", "How do I cancel my subscription on the Pro plan and the Basic plan?", []retrieval.Hit{basic, pro}, 0},
		{"no other document has the asked pair", "How do I cancel my subscription on the Pro plan?", []retrieval.Hit{basic, admin}, 0},
		{"the differing words are not names", "How do I reset the guest password?", []retrieval.Hit{admin, guest}, 0},
		{"ru: the differing words are not names", "Как закрыть накопительный счёт?", []retrieval.Hit{current, savings}, 0},
		{"the shared word is a stop word", "What did the club do in 1990?", []retrieval.Hit{y1991, y1990}, 0},
	})
}

func TestFamilyNames(t *testing.T) {
	cases := []struct {
		text string
		want []familyName
	}{
		{"团队版的开放API", []familyName{{head: "版", short: "队版", mods: []string{"队", "团队"}}}},
		// A Latin word or number directly before the head is the modifier.
		{"PLUS会员能退款吗", []familyName{{head: "会员", short: "plus会员", mods: []string{"plus"}}}},
		// Particles, measure words and pronouns end a modifier.
		{"我的会员卡", []familyName{{head: "卡", short: "员卡", mods: []string{"员", "会员"}}}},
		{"这张卡", nil},
		// A head inside another word is no head: 版本 "version".
		{"新版本怎么下载", nil},
		// Service families: classes, registration tiers, campuses; 上班
		// "go to work" and 号码 "number" are no members.
		{"普通班多久拿证", []familyName{{head: "班", short: "通班", mods: []string{"通", "普通"}}}},
		{"平时要上班", nil},
		{"专家号几点放号码", []familyName{{head: "号", short: "家号", mods: []string{"家", "专家"}}}},
		{"南院区周日开门吗", []familyName{{head: "院区", short: "南院区", mods: []string{"南"}}}},
		// A verb before 车 is no vehicle's name: 停车 "park", 练车 "practise driving".
		{"南院区有停车场吗", []familyName{{head: "院区", short: "南院区", mods: []string{"南"}}}},
		{"周末可以练车吗", nil},
		{"电单车怎么骑", []familyName{{head: "车", short: "单车", mods: []string{"单", "电单"}}}},
		{"the Pro plan", nil},
	}
	for _, c := range cases {
		got := familyNames(c.text)
		ok := len(got) == len(c.want)
		for i := 0; ok && i < len(got); i++ {
			ok = got[i].head == c.want[i].head && got[i].short == c.want[i].short && slices.Equal(got[i].mods, c.want[i].mods)
		}
		if !ok {
			t.Errorf("familyNames(%q) = %+v, want %+v", c.text, got, c.want)
		}
	}
}

func TestSiblingMissChinese(t *testing.T) {
	enterprise := hitOf("ent", "开放API调用频率限制", "企业版的开放API每分钟最多调用600次。")
	team := hitOf("team", "团队版功能", "团队版支持50人协作，提供开放API。")
	sizes := hitOf("size", "单个文件大小上限", "团队版单个文件最大2GB，企业版单个文件最大10GB。")
	free := hitOf("free", "免费版", "免费版提供5GB空间。")
	plusFAQ := hitOf("plus", "PLUS会员退款", "PLUS会员开通后7天内可申请退款。")
	monthly := hitOf("month", "月卡退款", "鲜到家会员月卡开通后可以申请退款，每月多少钱看活动。")
	yearly := hitOf("year", "年卡", "年卡每年150元。")
	express := hitOf("express", "配送方式", "标准配送次日送达，可预约时间。")
	fast := hitOf("fast", "极速配送", "极速配送30分钟送达。")
	service := hitOf("svc", "客服", "人工服务时间为9点到21点。")
	other := hitOf("other", "联系我们", "在线服务全天可用。")
	weights := hitOf("weight", "特快专递和标准快递最重能寄多重？", "特快专递单件不超过30公斤，标准快递单件不超过50公斤。")
	products := hitOf("products", "产品对比", "经济快递最便宜，一般3至5天送达；标准快递一般1至3天送达。")
	locker := hitOf("locker", "快递柜", "标准快递可以放进快递柜，快递员会发取件码。")
	licence := hitOf("licence", "一般多久能拿到驾照？", "VIP班学员从建档到拿证平均约45天。")
	classes := hitOf("classes", "班型介绍", "普通班每车4名学员，VIP班一人一车，周末班只在周六和周日上课。")
	parking := hitOf("parking", "停车", "东院区地下停车场每小时5元。")
	campuses := hitOf("campuses", "院区地址", "东院区在滨江路1号，南院区在南山路88号。")
	weekend := hitOf("weekend", "周末班", "周末班每周六、周日练车，平时上班的学员可以选择。")
	checkSiblingCases(t, []siblingCase{
		{"标准快递 cited for 经济快递", "经济快递单件最重能寄多重", []retrieval.Hit{weights, products}, 1},
		// 快递柜 (a parcel locker) and 快递员 (a courier) are no members
		// of the courier services' family.
		{"快递柜 is no courier service", "快递柜能放多久", []retrieval.Hit{locker, products}, 0},
		{"企业版 cited for 团队版", "团队版的开放API有调用频率限制吗", []retrieval.Hit{enterprise, team}, 1},
		{"团队版 and 企业版 cited for 免费版", "免费版上传单个文件最大多大？", []retrieval.Hit{sizes, free}, 1},
		{"标准配送 cited for 极速配送", "极速配送可以预约时间吗", []retrieval.Hit{express, fast}, 1},
		{"a Latin modifier: 鲜到家会员 cited for PLUS会员", "PLUS会员每月多少钱", []retrieval.Hit{monthly, plusFAQ}, 1},
		{"月卡 cited for 年卡", "年卡可以退款吗", []retrieval.Hit{monthly, yearly}, 1},
		{"VIP班 cited for 普通班", "普通班一般多久能拿证", []retrieval.Hit{licence, classes}, 1},
		{"东院区 cited for 南院区", "南院区有停车场吗", []retrieval.Hit{parking, campuses}, 1},
		{"the asked class cited", "VIP班一般多久能拿证", []retrieval.Hit{licence, classes}, 0},
		// 上班 "go to work" is no class beside 周末班.
		{"上班 is no class", "平时要上班 周末可以练车吗", []retrieval.Hit{weekend, classes}, 0},

		{"the asked sibling cited", "企业版的开放API有调用频率限制吗", []retrieval.Hit{enterprise, team}, 0},
		{"a comparison names both", "团队版和企业版的开放API调用频率限制一样吗", []retrieval.Hit{enterprise, team}, 0},
		// The same name with a longer modifier: the passage has the
		// question's modifier (PLUS), so the name is the passage's.
		{"the same name, a longer modifier", "鲜到家PLUS会员可以退款吗", []retrieval.Hit{plusFAQ, monthly}, 0},
		{"no other document has the asked name", "免费版上传单个文件最大多大？", []retrieval.Hit{sizes, enterprise}, 0},
		// 服务 is a head, but no other document names 售后服务.
		{"a head with no family in the knowledge base", "售后服务几点下班", []retrieval.Hit{service, other}, 0},
	})
}

// TestSiblingMissExtension: the base product asked, its extension ("X
// Plus", "X 2", "X Pro") cited, and the base's own entry retrieved.
func TestSiblingMissExtension(t *testing.T) {
	protectPlus := hitOf("protect-plus", "What is Nimbus Protect Plus?",
		"Nimbus Protect Plus covers every camera at one home. It costs $9.99 a month and keeps 60 days of video history.")
	protect := hitOf("protect", "What is Nimbus Protect?",
		"Nimbus Protect is our cloud plan for one camera. It costs $3.99 a month and keeps 30 days of video history.")
	both := hitOf("plans", "Plans",
		"Nimbus Protect Plus covers every camera at one home, and Nimbus Protect covers one camera.")
	trial := hitOf("trial", "Is there a free trial?", "Each new account gets one free trial of Nimbus Protect Plus.")
	hub2 := hitOf("hub2", "Reset Nimbus Hub 2", "To reset Nimbus Hub 2, hold its button for 10 seconds.")
	hub := hitOf("hub", "Nimbus Hub", "Nimbus Hub works with up to 32 devices.")
	camPro := hitOf("cam-pro", "Outdoor use", "Nimbus Cam Pro is rated IP65 and works outdoors.")
	cam := hitOf("cam", "Nimbus Cam", "Nimbus Cam is an indoor camera.")
	learnlyPlus := hitOf("offline", "Offline viewing", "Learnly Plus members can download courses to watch offline.")
	teams := hitOf("teams", "Learnly Teams", "Learnly Teams gives a company one invoice, and every Learnly course is included.")
	sferaPlus := hitOf("sfera-plus", "Карта Сфера Плюс", "По карте Сфера Плюс снятие наличных за границей бесплатно.")
	sfera := hitOf("sfera", "Карта Сфера", "Карта Сфера — бесплатная дебетовая карта.")
	kaskoFull := hitOf("kasko-full", "КАСКО Полное", "В КАСКО Полное входит эвакуатор и аварийный комиссар.")
	kaskoBase := hitOf("kasko-base", "КАСКО Базовое", "КАСКО Базовое покрывает угон и полную гибель автомобиля.")
	s9Pro := hitOf("s9pro", "S9 Pro电池", "S9 Pro的电池容量为5000毫安时，可以用两天。")
	s9 := hitOf("s9", "S9参数", "S9的电池容量为4000毫安时。")
	mate60Pro := hitOf("mate60pro", "Mate 60 Pro屏幕", "Mate 60 Pro的屏幕尺寸为6.8英寸。")
	mate60 := hitOf("mate60", "Mate 60参数", "Mate 60的屏幕尺寸为6.7英寸。")
	screens := hitOf("screens", "换屏多少钱？", "换屏价格：Mate 60 599元，Mate 60 Pro 799元。")
	checkSiblingCases(t, []siblingCase{
		{"en: Protect Plus cited for Protect", "I have 3 cameras at home. Does Nimbus Protect cover all of them or just one?", []retrieval.Hit{protectPlus, protect}, 1},
		{"en: lowercase base, the documents write the names", "does nimbus protect cover every camera at home", []retrieval.Hit{protectPlus, protect}, 1},
		{"en: a number, Hub 2 cited for Hub", "How do I reset my Nimbus Hub?", []retrieval.Hit{hub2, hub}, 1},
		{"en: Cam Pro cited for Cam", "Does the Nimbus Cam work outdoors?", []retrieval.Hit{camPro, cam}, 1},
		{"ru: Сфера Плюс cited for Сфера", "Можно ли снимать наличные за границей по карте Сфера?", []retrieval.Hit{sferaPlus, sfera}, 1},
		{"ru: КАСКО Полное cited for КАСКО Базовое (the pair rule)", "Входит ли эвакуатор в КАСКО Базовое?", []retrieval.Hit{kaskoFull, kaskoBase}, 1},
		{"zh: S9 Pro cited for S9", "S9的电池容量是多少", []retrieval.Hit{s9Pro, s9}, 1},
		{"zh: a number, Mate 60 Pro cited for Mate 60", "Mate 60的屏幕尺寸多大", []retrieval.Hit{mate60Pro, mate60}, 1},

		{"en: the base cited", "Is Nimbus Protect our cloud plan for one camera?", []retrieval.Hit{protect, protectPlus}, 0},
		{"en: the extension asked", "Does Nimbus Protect Plus cover all of my cameras?", []retrieval.Hit{protectPlus, protect}, 0},
		{"en: the extension asked in lower case", "does nimbus protect plus cover all of my cameras", []retrieval.Hit{protectPlus, protect}, 0},
		{"en: a comparison names the extension", "Does Nimbus Protect cover every camera at home like Plus?", []retrieval.Hit{protectPlus, protect}, 0},
		{"en: another variant asked", "Does Nimbus Protect Max cover every camera at home?", []retrieval.Hit{protectPlus, protect}, 0},
		{"en: the cited passage names the base too", "Does Nimbus Protect cover every camera at home?", []retrieval.Hit{both, protect}, 0},
		{"en: no other document names the base", "Does Nimbus Protect cover every camera at home?", []retrieval.Hit{protectPlus, trial}, 0},
		{"en: a brand, not a base (Learnly Teams)", "Can I download Learnly courses to watch offline?", []retrieval.Hit{learnlyPlus, teams}, 0},
		{"ru: the extension asked in lower case", "можно ли снимать наличные за границей по карте сфера плюс", []retrieval.Hit{sferaPlus, sfera}, 0},
		{"ru: the base cited", "Карта Сфера бесплатная?", []retrieval.Hit{sfera, sferaPlus}, 0},
		{"zh: the extension asked", "S9 Pro的电池容量是多少", []retrieval.Hit{s9Pro, s9}, 0},
		// A number after a name in a passage's text, not in its title, is
		// no variant's name: a price, a quantity, a date.
		{"zh: a price after the name", "mate 60 pro换屏多少钱", []retrieval.Hit{screens, mate60Pro}, 0},
		{"zh: the base cited", "S9的电池容量为4000毫安时吗", []retrieval.Hit{s9, s9Pro}, 0},
	})
}

// TestSiblingMissBase: the variant asked ("hub 2", "cam pro", "S9 Pro"),
// a passage that writes the base's name only cited, and the variant's own
// entry retrieved.
func TestSiblingMissBase(t *testing.T) {
	hubFirmware := hitOf("hub-fw", "Nimbus Hub firmware",
		"Nimbus Hub receives security updates until 31 December 2027. Start updates in Settings.")
	hub2 := hitOf("hub2", "Reset Nimbus Hub 2", "To reset Nimbus Hub 2, hold its button for 10 seconds.")
	hubBoth := hitOf("hubs", "Nimbus Hub and Nimbus Hub 2",
		"Nimbus Hub receives security updates until 31 December 2027, and Nimbus Hub 2 until 2031.")
	hubPlain := hitOf("hub-plain", "Firmware updates", "Your hub receives security updates until 31 December 2027.")
	cam := hitOf("cam", "Nimbus Cam", "Nimbus Cam is an indoor camera with night vision.")
	camPro := hitOf("cam-pro", "Outdoor use", "Nimbus Cam Pro is rated IP65 and works outdoors.")
	learnlyPlus := hitOf("offline", "Offline viewing", "With Learnly Plus, members can download courses to watch offline.")
	teams := hitOf("teams", "Learnly Teams", "With Learnly Teams, a company gets one invoice.")
	certificates := hitOf("certs", "Certificates", "Every Learnly course ends with a certificate.")
	teamsCerts := hitOf("teams-certs", "Certificates", "Every Learnly course ends with a certificate. Learnly Teams admins see them all; Plus members see their own.")
	sfera := hitOf("sfera", "Карта Сфера", "Карта Сфера — бесплатная дебетовая карта. Снятие наличных за границей — 1%.")
	sferaPlus := hitOf("sfera-plus", "Карта Сфера Плюс", "По карте Сфера Плюс снятие наличных бесплатно.")
	s9 := hitOf("s9", "S9参数", "S9的电池容量为4000毫安时。")
	s9Pro := hitOf("s9pro", "S9 Pro屏幕", "S9 Pro的屏幕为6.8英寸。")
	checkSiblingCases(t, []siblingCase{
		{"en: a number, Hub cited for hub 2", "until when will hub 2 get security updates", []retrieval.Hit{hubFirmware, hub2}, 1},
		{"en: Cam cited for cam pro", "is the nimbus cam pro an indoor camera with night vision", []retrieval.Hit{cam, camPro}, 1},
		{"ru: Сфера cited for Сфера Плюс", "Сколько стоит снятие наличных за границей по карте Сфера Плюс?", []retrieval.Hit{sfera, sferaPlus}, 1},
		{"zh: S9 cited for S9 Pro", "S9 Pro的电池容量是多少", []retrieval.Hit{s9, s9Pro}, 1},

		{"en: the variant cited", "how do i reset nimbus hub 2", []retrieval.Hit{hub2, hubFirmware}, 0},
		{"en: the cited passage names the variant too", "until when will hub 2 get security updates", []retrieval.Hit{hubBoth, hub2}, 0},
		{"en: a comparison names the base", "does hub 2 get security updates for longer than the Nimbus Hub", []retrieval.Hit{hubFirmware, hub2}, 0},
		{"en: no other document names the variant", "until when will hub 2 get security updates", []retrieval.Hit{hubFirmware, cam}, 0},
		{"en: the passage names no product (lower case)", "until when will hub 2 get security updates", []retrieval.Hit{hubPlain, hub2}, 0},
		{"en: a brand, not a base (Learnly Teams)", "does every learnly plus course end with a certificate", []retrieval.Hit{certificates, learnlyPlus, teams}, 0},
		{"en: a brand in the cited passage (Learnly Teams)", "does every learnly plus course end with a certificate", []retrieval.Hit{teamsCerts, learnlyPlus}, 0},
		{"ru: the base asked", "Сколько стоит снятие наличных за границей по карте Сфера?", []retrieval.Hit{sfera, sferaPlus}, 0},
		{"zh: the base asked", "S9的电池容量是多少", []retrieval.Hit{s9, s9Pro}, 0},
	})
}

// siblingCase is a question, the hits retrieved for it (the first cited)
// and the sibling_miss it must get.
type siblingCase struct {
	name     string
	question string
	hits     []retrieval.Hit
	want     float64
}

func checkSiblingCases(t *testing.T, cases []siblingCase) {
	t.Helper()
	for _, c := range cases {
		if got := siblingFeature(t, c.question, c.hits...); got != c.want {
			t.Errorf("%s: %s(%q) = %v, want %v", c.name, FeatureSiblingMiss, c.question, got, c.want)
		}
	}
}

// headed is hitOf with a heading path, as chunking gives a section.
func headed(doc, title, heading, text string) retrieval.Hit {
	h := hitOf(doc, title, text)
	h.Heading = heading
	return h
}

// TestSiblingMissSection: a page titled with a product and its variant
// ("Mealhop Pass and Mealhop Pass Plus"); its sections say which of the two
// they state in their own heading and text.
func TestSiblingMissSection(t *testing.T) {
	trial := headed("pass", "Mealhop Pass and Mealhop Pass Plus", "Mealhop Pass and Mealhop Pass Plus › Free trial",
		"New customers can try Mealhop Pass free for 14 days.")
	sharing := headed("pass", "Mealhop Pass and Mealhop Pass Plus", "Mealhop Pass and Mealhop Pass Plus › Sharing",
		"Share Mealhop Pass Plus with the person you live with.")
	both := headed("pass", "Mealhop Pass and Mealhop Pass Plus", "Mealhop Pass and Mealhop Pass Plus › Cancelling",
		"Cancel Mealhop Pass or Mealhop Pass Plus in Account.")
	plusFAQ := hitOf("faq-plus", "What is Mealhop Pass Plus?", "Mealhop Pass Plus adds grocery orders.")
	passFAQ := hitOf("faq-pass", "What is Mealhop Pass?", "Mealhop Pass saves the delivery fee on restaurant orders.")
	checkSiblingCases(t, []siblingCase{
		{"the base's section cited for the variant", "is there a free trial for pass plus", []retrieval.Hit{trial, plusFAQ}, 1},
		{"the variant's section cited for the base", "can i share my mealhop pass", []retrieval.Hit{sharing, passFAQ}, 1},

		{"the base asked, its section cited", "is there a free trial for mealhop pass", []retrieval.Hit{trial, plusFAQ}, 0},
		{"the variant asked, its section cited", "can i share mealhop pass plus", []retrieval.Hit{sharing, passFAQ}, 0},
		{"a section about both", "how do i cancel pass plus", []retrieval.Hit{both, plusFAQ}, 0},
		{"no other document names the variant", "is there a free trial for pass plus", []retrieval.Hit{trial, passFAQ}, 0},
	})
}

// TestSiblingMissQuote: a passage about a product and its variant, both
// named in its title, heading and text; the sentences the answer quotes
// say which of the two they state.
func TestSiblingMissQuote(t *testing.T) {
	cams := headed("cameras", "Nimbus Cam and Nimbus Cam Pro", "Nimbus Cam and Nimbus Cam Pro",
		"Nimbus Cam records in 1080p and runs on batteries. Nimbus Cam Pro records in 2K. "+
			"Nimbus Cam Pro comes with a wall mount and screws; the mount turns 360°.")
	both := headed("cameras", "Nimbus Cam and Nimbus Cam Pro", "Nimbus Cam and Nimbus Cam Pro",
		"Nimbus Cam records in 1080p. Nimbus Cam Pro records in 2K. "+
			"Nimbus Cam and Nimbus Cam Pro come with a wall mount and screws.")
	doorbell := hitOf("doorbell", "Nimbus Doorbell", "Nimbus Doorbell rings your phone when someone presses it.")
	checkSiblingCases(t, []siblingCase{
		{"the variant's sentence quoted for the base", "does the regular nimbus cam come with a wall mount", []retrieval.Hit{cams, doorbell}, 1},

		{"the variant asked", "does the nimbus cam pro come with a wall mount", []retrieval.Hit{cams, doorbell}, 0},
		{"the base's sentence quoted", "does the nimbus cam run on batteries", []retrieval.Hit{cams, doorbell}, 0},
		{"a sentence about both quoted", "does the nimbus cam come with a wall mount", []retrieval.Hit{both, doorbell}, 0},
		{"a comparison asked", "which of nimbus cam and cam pro has a wall mount", []retrieval.Hit{cams, doorbell}, 0},
	})
}

// TestSiblingMissCode: models named by codes of one family (T3, T5, T7);
// the answer quotes only another model's sentence.
func TestSiblingMissCode(t *testing.T) {
	quiet := headed("drinks", "Making drinks", "Making drinks › Quiet mode (T7)",
		"In Quiet mode the T7 grinds more slowly and lowers the pump noise. Turn it on in Settings > Quiet mode.")
	tank := headed("specs", "Specifications", "Specifications › Water tank",
		"The T3 has a 1.2 l water tank, the T5 and the T7 a 1.8 l one.")
	models := hitOf("models", "Which Tazzina is for me?", "The T3 has buttons, the T5 a display and the T7 a touchscreen.")
	errors := hitOf("errors", "Error codes", "E05 means the water tank is empty: fill it and press start.")
	grounds := headed("cleaning", "Cleaning", "Cleaning › Grounds container",
		"Every model tells you when the grounds container is full (T3: a light; T5 and T7: a message). "+
			"On the T7, the grounds container holds up to 15 used pucks.")
	checkSiblingCases(t, []siblingCase{
		{"the T7's sentence quoted for the T3", "does the t3 have quiet mode", []retrieval.Hit{quiet, models}, 1},
		{"the answering sentence names the sibling only", "how many used pucks fit in the grounds container of the t5", []retrieval.Hit{grounds, models}, 1},
		{"the answering sentence names the asked model", "how does the t5 tell me the grounds container is full", []retrieval.Hit{grounds, models}, 0},

		{"the asked model quoted", "does the t7 have quiet mode", []retrieval.Hit{quiet, models}, 0},
		{"a comparison names both", "is quiet mode on the t3 or only the t7", []retrieval.Hit{quiet, models}, 0},
		{"a code no passage writes", "does the t9 have quiet mode", []retrieval.Hit{quiet, models}, 0},
		{"the quote names the asked model too", "how big is the water tank of the t5", []retrieval.Hit{tank, models}, 0},
		// Leading zeros are one code: e5 is E05.
		{"an error code written without its zero", "what does e5 mean", []retrieval.Hit{errors, models}, 0},
	})
}

func TestModelCodes(t *testing.T) {
	got := modelCodes("Tazzina T3, T05 and X100s; not 5G, 128GB, Wi-Fi 6 or HDMI2.1, USB3 yes; ABCDE1 too long; Т3 Cyrillic")
	want := map[string][]string{"t": {"t3", "t5"}, "x": {"x100s"}, "hdmi": {"hdmi2"}, "usb": {"usb3"}}
	if !maps.EqualFunc(got, want, slices.Equal) {
		t.Errorf("modelCodes = %v, want %v", got, want)
	}
}

// TestSiblingMissNumeral: Russian names a family's members by compounds
// of a numeral (однозонный, двухзонный, трёхзонный тариф).
func TestSiblingMissNumeral(t *testing.T) {
	zones := hitOf("zones", "Как перейти на двухзонный или трёхзонный тариф?",
		"Нужен многотарифный счётчик. Заявление на смену тарифа подайте в личном кабинете.")
	meters := hitOf("meters", "Поверка счётчика", "Однофазные счётчики поверяют раз в 16 лет.")
	both := hitOf("both", "Поверка счётчика", "Однофазные счётчики поверяют раз в 16 лет, трёхфазные — раз в 8 лет.")
	tariffs := hitOf("tariffs", "Тарифы", "Одноставочный тариф: 5,20 ₽ за кВт·ч.")
	checkSiblingCases(t, []siblingCase{
		{"двух- and трёхзонный cited for однозонный", "как перейти на однозонный тариф", []retrieval.Hit{zones, tariffs}, 1},
		{"однофазный cited for трёхфазный", "какой срок поверки у трёхфазного счётчика", []retrieval.Hit{meters, tariffs}, 1},

		{"the asked member cited", "как перейти на двухзонный тариф", []retrieval.Hit{zones, tariffs}, 0},
		{"a comparison names both", "можно ли перейти с трёхзонного на двухзонный", []retrieval.Hit{zones, tariffs}, 0},
		{"the passage writes the asked member too", "какой срок поверки у трёхфазного счётчика", []retrieval.Hit{both, tariffs}, 0},
	})
}

// TestSiblingMissPrefix: Chinese extends a name at its front (单车 /
// 电单车); the base asked, a passage about the extended sibling cited.
func TestSiblingMissPrefix(t *testing.T) {
	reserve := hitOf("yuyue", "电单车可以预约吗？", "可以。在地图上选中一辆电单车，点预约，车辆为您免费保留10分钟。")
	bike := hitOf("bike", "单车怎么收费？", "单车每30分钟1.5元。")
	renew := headed("jifei", "计费说明", "计费说明 › 电单车骑行卡自动续费", "购买电单车骑行卡时可以开通自动续费，每期享9折。")
	card := hitOf("card", "单车骑行卡", "单车骑行卡有30天卡和90天卡。")
	ride := hitOf("ride", "电单车怎么骑？", "扫码后即可骑走一辆电单车。")
	station := hitOf("station", "还车", "请把电单车停进停车点，单车停在路边白线内。")
	help := hitOf("help", "联系我们", "在线客服全天可用。")
	checkSiblingCases(t, []siblingCase{
		{"电单车 cited for 单车", "单车可以预约吗 想先留一辆", []retrieval.Hit{reserve, bike}, 1},
		{"电单车骑行卡 cited for 单车骑行卡", "单车骑行卡可以自动续费吗", []retrieval.Hit{renew, card}, 1},

		{"the extended name asked", "电单车可以预约吗", []retrieval.Hit{reserve, bike}, 0},
		{"a comparison names both", "单车和电单车都可以预约吗", []retrieval.Hit{reserve, bike}, 0},
		{"no other document writes the base", "单车可以预约吗", []retrieval.Hit{reserve, help}, 0},
		// A measure word (一辆) before the name is no modifier, and the
		// title writes 电单车 on its own.
		{"the asked product's own passage", "电单车怎么骑", []retrieval.Hit{ride, bike}, 0},
		// The passage writes 单车 on its own too: it states both.
		{"a passage naming both", "单车停在哪里", []retrieval.Hit{station, bike}, 0},
	})
}

// TestSiblingMissSegment: a passage states its siblings' facts one after
// the other under their labels; the fact asked is stated under another
// label than the one whose segment names what the question names.
func TestSiblingMissSegment(t *testing.T) {
	points := hitOf("points", "Где находятся пункты выдачи?",
		"Северный пункт: ул. Садовая, 5, ежедневно с 10:00 до 21:00. Здесь есть примерочная и возврат. "+
			"Южный пункт: пр. Победы, 10, ежедневно с 9:00 до 22:00; выдаём только заказы.")
	robots := hitOf("robots", "Lite and Pro compared",
		"Both models map the home. Lite: two side brushes and a 0.3 l dust bin. Pro: three side brushes, a 0.5 l dust bin and a HEPA filter.")
	steps := hitOf("steps", "Descaling with the app",
		"Step 1: open the Tazzina app on your phone. Step 2: tap Descale and follow the screen.")
	noted := hitOf("noted", "Plans",
		"Pro: unlimited calls. Note: roaming costs extra. Basic: 100 minutes a month.")
	table := hitOf("table", "Refunds",
		"Problem: Missing item. What you get back: the item's price.\nProblem: Late order. What you get back: $5 in credit.")
	courier := hitOf("courier", "快递服务", "标准快递：次日送达，可以上门取件。经济快递：三到五天送达。")
	help := hitOf("help", "Contact us", "Write to the support chat any time.")
	checkSiblingCases(t, []siblingCase{
		{"parking of the other point", "есть ли примерочная в пункте на проспекте Победы", []retrieval.Hit{points, help}, 1},
		{"the filter of the other model", "does the lite have a hepa filter", []retrieval.Hit{robots, help}, 1},
		{"pickup of the other service", "经济快递可以上门取件吗", []retrieval.Hit{courier, help}, 1},
		{"under a note, the fact of the label before it", "does basic include roaming", []retrieval.Hit{noted, help}, 1},

		{"the asked point's own segment", "есть ли примерочная на Садовой", []retrieval.Hit{points, help}, 0},
		{"the asked model's own segment", "does the pro have a hepa filter", []retrieval.Hit{robots, help}, 0},
		{"before the labels: every model", "does the lite map the home", []retrieval.Hit{robots, help}, 0},
		{"the asked service's own segment", "标准快递可以上门取件吗", []retrieval.Hit{courier, help}, 0},
		// A table written out row by row: its column names are no siblings.
		{"a table's column names", "is a missing item refunded in credit", []retrieval.Hit{table, help}, 0},
		// Steps are one procedure, not siblings.
		{"steps of one procedure", "how do i descale with the app", []retrieval.Hit{steps, help}, 0},
	})
}

func TestSegmentLabel(t *testing.T) {
	for _, c := range []struct{ sentence, want string }{
		{"Левобережный офис: пр. Мира, 40", "Левобережный офис"},
		{"- **Pro**: three side brushes", "Pro"},
		{"经济快递：三到五天送达", "经济快递"},
		{"Open from 8:00 to 19:00", ""},
		{"See https://example.com for the list", ""},
		{"To change your plan you need the following: an ID and a card", ""},
		{": nothing before the colon", ""},
		{"error: the requested key was not found", ""},
		{"亚马逊雨林（葡萄牙语：Floresta Amazônica）", ""},
	} {
		if got := segmentLabel(c.sentence); got != c.want {
			t.Errorf("segmentLabel(%q) = %q, want %q", c.sentence, got, c.want)
		}
	}
}

// TestSiblingMissLabel: the answering sentence is written under a
// sibling's label ("Cargo: …"), a sibling of the one the question names by
// a table's column or the passage's other labels.
func TestSiblingMissLabel(t *testing.T) {
	tyres := headed("maintenance", "Maintenance", "Maintenance › Tyre pressure",
		"Model: Lite; Tyre: 28 × 1.75 in; Pressure: 3.5 to 5.0 bar\n"+
			"Model: Tour; Tyre: 28 × 2.15 in; Pressure: 2.5 to 4.0 bar\n"+
			"Model: Cargo; Tyre: 20 × 2.4 in; Pressure: 2.5 to 3.5 bar, the upper value with a load\n"+
			"Check the pressure every week.\n"+
			"Cargo: the tyres have a 3 mm puncture protection belt under the tread.")
	plans := hitOf("plans", "Plans",
		"Every plan includes calls in the EU.\nBasic: 10 GB of data.\nPremium: 50 GB of data and an eSIM for a watch.")
	help := hitOf("help", "Contact us", "Write to the support chat any time.")
	checkSiblingCases(t, []siblingCase{
		{"a column's sibling labels the answer", "do the tyres on the tour have puncture protection", []retrieval.Hit{tyres, help}, 1},
		{"another label labels the answer", "does basic come with an esim for a watch", []retrieval.Hit{plans, help}, 1},

		{"the label asked", "do the tyres on the cargo have puncture protection", []retrieval.Hit{tyres, help}, 0},
		{"the answering sentence is the asked row", "what tyre pressure for the cargo with a load", []retrieval.Hit{tyres, help}, 0},
		{"the asked label's own sentence", "does premium come with an esim for a watch", []retrieval.Hit{plans, help}, 0},
		{"an unlabelled answering sentence", "are calls in the eu included in basic", []retrieval.Hit{plans, help}, 0},
	})
}
