package answer

import (
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
		{"the Pro plan, then. Basic plan", [][]w{{{"the", false}, {"pro", true}, {"plan", false}}, {{"basic", false}, {"plan", false}}}},
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
		asked: q.asked, sibling: newSiblingQuestion(question)})
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
	cases := []struct {
		name     string
		question string
		hits     []retrieval.Hit
		want     float64
	}{
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
	}
	for _, c := range cases {
		if got := siblingFeature(t, c.question, c.hits...); got != c.want {
			t.Errorf("%s: %s(%q) = %v, want %v", c.name, FeatureSiblingMiss, c.question, got, c.want)
		}
	}
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
	cases := []struct {
		name     string
		question string
		hits     []retrieval.Hit
		want     float64
	}{
		{"企业版 cited for 团队版", "团队版的开放API有调用频率限制吗", []retrieval.Hit{enterprise, team}, 1},
		{"团队版 and 企业版 cited for 免费版", "免费版上传单个文件最大多大？", []retrieval.Hit{sizes, free}, 1},
		{"标准配送 cited for 极速配送", "极速配送可以预约时间吗", []retrieval.Hit{express, fast}, 1},
		{"a Latin modifier: 鲜到家会员 cited for PLUS会员", "PLUS会员每月多少钱", []retrieval.Hit{monthly, plusFAQ}, 1},
		{"月卡 cited for 年卡", "年卡可以退款吗", []retrieval.Hit{monthly, yearly}, 1},

		{"the asked sibling cited", "企业版的开放API有调用频率限制吗", []retrieval.Hit{enterprise, team}, 0},
		{"a comparison names both", "团队版和企业版的开放API调用频率限制一样吗", []retrieval.Hit{enterprise, team}, 0},
		// The same name with a longer modifier: the passage has the
		// question's modifier (PLUS), so the name is the passage's.
		{"the same name, a longer modifier", "鲜到家PLUS会员可以退款吗", []retrieval.Hit{plusFAQ, monthly}, 0},
		{"no other document has the asked name", "免费版上传单个文件最大多大？", []retrieval.Hit{sizes, enterprise}, 0},
		// 服务 is a head, but no other document names 售后服务.
		{"a head with no family in the knowledge base", "售后服务几点下班", []retrieval.Hit{service, other}, 0},
	}
	for _, c := range cases {
		if got := siblingFeature(t, c.question, c.hits...); got != c.want {
			t.Errorf("%s: %s(%q) = %v, want %v", c.name, FeatureSiblingMiss, c.question, got, c.want)
		}
	}
}
