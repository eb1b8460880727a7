package answer

import "github.com/answerdesk/answerdesk/retrieval"

// articles lists the articles offered with an escalation (Answer.Articles):
// the distinct documents of hits (screened) in the customer's language
// lang, best first, at most Config.Articles of them; a customer is not sent
// to read an article in another language. It offers none unless the engine
// escalated for low confidence with a confidence of at least
// Config.ArticleFloor, and none when a veto held the confidence down: a veto
// says the passage is about something else (another model, another kind of
// value) than the question. Below the floor the question is mostly about
// something the knowledge base does not hold (docs/eval.md, "Articles
// offered with an escalation"); the other reasons (a request for a person, a
// sensitive topic, anger) ask for a person, not for reading.
func (e *Engine) articles(hits []retrieval.Hit, lang string, reason Reason, confidence float64, vetoed bool) []Article {
	if reason != ReasonLowConfidence || vetoed || confidence < e.cfg.ArticleFloor || e.cfg.Articles <= 0 {
		return nil
	}
	var out []Article
	seen := map[string]bool{}
	for _, h := range hits {
		if len(out) == e.cfg.Articles {
			break
		}
		if seen[h.DocumentID] || (h.Lang != "" && h.Lang != lang) {
			continue
		}
		seen[h.DocumentID] = true
		title := h.Title
		if title == "" {
			title = h.DocumentID
		}
		out = append(out, Article{DocumentID: h.DocumentID, Title: title, URL: h.URL})
	}
	return out
}
