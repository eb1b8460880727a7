package api

import (
	"bytes"
	"html/template"
	"net/http"
	"strings"

	"github.com/answerdesk/answerdesk/api/web"
	"github.com/gin-gonic/gin"
)

// The demo page (`answerdesk demo`): a product page of the bundled Lumen
// knowledge base with the widget embedded, served at / under a strict
// Content-Security-Policy, in English, Russian or Chinese (?lang=).

var demoTmpl = template.Must(template.ParseFS(web.FS, "demo.html"))

type demoText struct {
	Lang, Title, Lead, Try, Console string
	Questions                       []string
	Key                             string
}

var demoTexts = map[string]demoText{
	"en": {Lang: "en", Title: "The hub that runs your home, even offline", Lead: "This is the answerdesk demo: the chat in the corner answers from the bundled Lumen knowledge base, with citations, and hands over to a person when it is not sure.",
		Try: "Open the chat and ask, in any language, for example:", Console: "Support team console:",
		Questions: []string{"How do I factory reset my hub?", "Does the Lumen Hub support 5 GHz Wi-Fi?", "Как сбросить хаб к заводским настройкам?", "如何恢复出厂设置？", "I want to talk to a person"}},
	"ru": {Lang: "ru", Title: "Хаб, который управляет домом даже без интернета", Lead: "Это демо answerdesk: чат в углу отвечает по базе знаний Lumen, со ссылками на источники, и передаёт разговор человеку, когда не уверен.",
		Try: "Откройте чат и спросите на любом языке, например:", Console: "Консоль службы поддержки:",
		Questions: []string{"Как сбросить хаб к заводским настройкам?", "Поддерживает ли хаб Wi-Fi 5 ГГц?", "How do I factory reset my hub?", "Хочу поговорить с оператором"}},
	"zh": {Lang: "zh", Title: "即使断网也能掌控全屋的智能中枢", Lead: "这是 answerdesk 演示：角落里的聊天窗口根据 Lumen 知识库回答问题并附上引用来源，不确定时转交人工客服。",
		Try: "打开聊天窗口，用任何语言提问，例如：", Console: "客服控制台：",
		Questions: []string{"如何恢复出厂设置？", "Lumen 中枢支持 5 GHz Wi-Fi 吗？", "How do I factory reset my hub?", "我要人工客服"}},
}

// DemoOrigins are the origins the demo page's widget key must allow: the
// page and the API share url's origin, and the page may be opened as
// localhost or as 127.0.0.1.
func DemoOrigins(url string) []string {
	origins := []string{url}
	if twin := strings.Replace(url, "//localhost:", "//127.0.0.1:", 1); twin != url {
		origins = append(origins, twin)
	} else if twin := strings.Replace(url, "//127.0.0.1:", "//localhost:", 1); twin != url {
		origins = append(origins, twin)
	}
	return origins
}

// demoPage renders the demo page with the publishable key of the demo.
func (s *Server) demoPage(c *gin.Context) {
	t, ok := demoTexts[c.Query("lang")]
	if !ok {
		t = demoTexts["en"]
	}
	t.Key = s.d.DemoKey()
	var b bytes.Buffer
	if err := demoTmpl.Execute(&b, t); err != nil {
		s.fail(c, err)
		return
	}
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	c.Data(http.StatusOK, "text/html; charset=utf-8", b.Bytes())
}
