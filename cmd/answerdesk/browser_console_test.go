package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/answerdesk/answerdesk/api"
	"github.com/chromedp/chromedp"
)

// TestBrowserConsoleFAQCandidates: two agents' corrections are FAQ
// candidates; on the console's FAQ page the lead approves one — it becomes
// an FAQ entry that answers its question — and rejects the other, which
// leaves the pending list and answers nothing. The buttons' posts carry
// the session's CSRF token (without it the API refuses them).
func TestBrowserConsoleFAQCandidates(t *testing.T) {
	ctx := newBrowser(t)
	env := kbEnv(t, nil)
	srv := startServe(t, env)
	admin := createKey(t, env, "acme", "admin")
	asker := createKey(t, env, "acme", "ask")

	type candidate struct{ question, correction string }
	approve := candidate{"How long does delivery to the Zorgon colony take?", "Delivery to the Zorgon colony takes 12 weeks by the Zorgon courier."}
	reject := candidate{"Can I pay for the hub with seashells?", "Seashells are accepted at the Zorgon harbour shop only."}
	for _, c := range []candidate{approve, reject} {
		a := srv.ask(t, asker, c.question)
		if a.Decision == "answered" && strings.Contains(a.Answer, c.correction) {
			t.Fatalf("%q is answered before any approval: %+v", c.question, a)
		}
		b, _ := json.Marshal(api.FeedbackRequest{AnswerID: a.ID, Thumbs: "down", Correction: c.correction})
		if r := srv.do(t, http.MethodPost, "/v1/feedback", asker, bytes.NewReader(b)); r.status != http.StatusCreated {
			t.Fatalf("correction: %d %s", r.status, r.body)
		}
	}
	var pending api.FAQCandidateList
	if r := srv.do(t, http.MethodGet, "/v1/faq-candidates?status=pending", admin, nil); r.status != http.StatusOK || json.Unmarshal(r.body, &pending) != nil || len(pending.Candidates) != 2 {
		t.Fatalf("pending candidates: %d %s", r.status, r.body)
	}
	ids := map[string]int64{}
	for _, c := range pending.Candidates {
		ids[c.Answer] = c.ID
	}
	okID, noID := ids[approve.correction], ids[reject.correction]
	if okID == 0 || noID == 0 {
		t.Fatalf("candidates %+v", pending.Candidates)
	}

	if err := consoleSignIn(ctx, srv.url, admin); err != nil {
		t.Fatal(err)
	}
	section := func(id int64) string {
		return fmt.Sprintf(`document.querySelector('section[data-candidate="%d"]')`, id)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.url+"/admin/faq"),
		waitFor(section(okID)+` && `+section(noID), time.Minute)); err != nil {
		t.Fatalf("FAQ page: %v", err)
	}
	shown, err := evalSettled[string](ctx, section(okID)+`.textContent`)
	if err != nil || !strings.Contains(shown, approve.question) || !strings.Contains(shown, approve.correction) {
		t.Errorf("candidate %d shows %q (%v)", okID, shown, err)
	}
	screenshot(t, ctx, "console-faq")

	// Approve: the status line says which FAQ entry it became, and the
	// candidate leaves the pending list.
	if err := chromedp.Do(ctx, jsDo(fmt.Sprintf(`document.querySelector('button[aria-label="Approve candidate %d"]').click()`, okID)),
		waitFor(fmt.Sprintf(`document.querySelector('#faq-status').textContent.includes('Candidate %d approved') && !%s`, okID, section(okID)), time.Minute)); err != nil {
		msg, _ := evalSettled[string](ctx, `document.querySelector('#faq-status').textContent`)
		t.Fatalf("approve: %v (status line %q)", err, msg)
	}
	docID := fmt.Sprintf("faq-candidates/%d#c%d", okID, okID)
	if msg, _ := evalSettled[string](ctx, `document.querySelector('#faq-status').textContent`); !strings.Contains(msg, docID+" (added)") {
		t.Errorf("status line after approving: %q", msg)
	}
	// Reject (after the confirmation dialog): gone from the pending list.
	if err := chromedp.Do(ctx, jsDo(`window.confirm = function () { return true; }`),
		jsDo(fmt.Sprintf(`document.querySelector('button[aria-label="Reject candidate %d"]').click()`, noID)),
		waitFor(fmt.Sprintf(`document.querySelector('#faq-status').textContent.includes('Candidate %d rejected') && !%s && document.querySelector('[data-state="empty"]')`, noID, section(noID)), time.Minute)); err != nil {
		t.Fatalf("reject: %v", err)
	}
	// The approved list shows the decision.
	if err := chromedp.Do(ctx, jsDo(`var s = document.querySelector('#fstatus'); s.value = 'approved'; s.dispatchEvent(new Event('change'))`),
		waitFor(section(okID)+` && `+section(okID)+`.textContent.includes('`+docID+`')`, time.Minute)); err != nil {
		t.Fatalf("approved list: %v", err)
	}
	screenshot(t, ctx, "console-faq-approved")

	// What the customer gets: the approved correction answers its question
	// with the new FAQ entry cited; the rejected one is nowhere.
	a := srv.ask(t, asker, approve.question)
	cited := false
	for _, c := range a.Citations {
		cited = cited || c.DocumentID == docID
	}
	if a.Decision != "answered" || !strings.Contains(a.Answer, "12 weeks") || !cited {
		t.Errorf("after approval %q: %+v", approve.question, a)
	}
	if a := srv.ask(t, asker, reject.question); strings.Contains(a.Answer, "harbour shop") {
		t.Errorf("a rejected candidate answers: %+v", a)
	}
	var rejected api.FAQCandidateList
	if r := srv.do(t, http.MethodGet, "/v1/faq-candidates?status=rejected", admin, nil); json.Unmarshal(r.body, &rejected) != nil ||
		len(rejected.Candidates) != 1 || rejected.Candidates[0].ID != noID || rejected.Candidates[0].DecidedBy == "" {
		t.Errorf("rejected candidates: %s", r.body)
	}
	if r := srv.do(t, http.MethodGet, "/v1/documents?limit=1000", admin, nil); bytes.Contains(r.body, []byte(fmt.Sprintf(`faq-candidates/%d`, noID))) {
		t.Errorf("the rejected candidate was ingested: %s", r.body)
	}
}

// TestBrowserConsoleEvalReport: the console's eval page says how to
// publish a report while there is none; after `eval run --publish` it
// shows the report's figures per suite, overall and by language.
func TestBrowserConsoleEvalReport(t *testing.T) {
	ctx := newBrowser(t)
	env := kbEnv(t, nil)
	srv := startServe(t, env)
	admin := createKey(t, env, "acme", "admin")
	if err := consoleSignIn(ctx, srv.url, admin); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.url+"/admin/eval"),
		waitFor(`document.querySelector('[data-state="no-report"]')`, time.Minute)); err != nil {
		t.Fatalf("eval page without a report: %v", err)
	}
	if msg, _ := evalSettled[string](ctx, `document.querySelector('[data-state="no-report"]').textContent`); !strings.Contains(msg, "eval run --publish") {
		t.Errorf("no-report notice: %q", msg)
	}

	rep := publishEvalReport(t, env)
	su := rep.Suites[0]
	if err := chromedp.Do(ctx, chromedp.Reload(),
		waitFor(`document.querySelector('section[data-suite="kbsuite"] tr[data-metric="nDCG@10"]')`, time.Minute)); err != nil {
		t.Fatalf("eval page with a report: %v", err)
	}
	screenshot(t, ctx, "console-eval")
	// cells are the texts of a metric's row: overall, then each language.
	cells := func(metric string) []string {
		t.Helper()
		v, err := evalSettled[[]string](ctx, `[...document.querySelectorAll('section[data-suite="kbsuite"] tr[data-metric="`+metric+`"] td')].map(td => td.textContent)`)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	// The page formats a figure like the console does everywhere (three
	// decimals, the browser's locale): format the report's with it.
	format := func(v float64) string {
		s, err := evalSettled[string](ctx, fmt.Sprintf(`(Math.round(%v * 1000) / 1000).toLocaleString()`, v))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	langs, err := evalSettled[[]string](ctx, `[...document.querySelectorAll('section[data-suite="kbsuite"] thead th')].map(th => th.textContent)`)
	if err != nil || strings.Join(langs, " ") != "metric all en ru zh" {
		t.Errorf("columns %q (%v), want metric, all and the suite's languages", langs, err)
	}
	for _, m := range []struct {
		name string
		all  float64
		en   float64
	}{
		{"queries", float64(su.Queries), float64(su.ByLanguage["en"].Queries)},
		{"hit@1", float64(su.Retrieval.Hit1), float64(su.ByLanguage["en"].Retrieval.Hit1)},
		{"nDCG@10", float64(su.Retrieval.NDCG10), float64(su.ByLanguage["en"].Retrieval.NDCG10)},
		{"AUROC", float64(su.Decision.AUROC), float64(su.ByLanguage["en"].Decision.AUROC)},
		{"answer precision", float64(su.Decision.AnswerPrecision), float64(su.ByLanguage["en"].Decision.AnswerPrecision)},
		{"escalation recall", float64(su.Decision.EscalationRecall), float64(su.ByLanguage["en"].Decision.EscalationRecall)},
	} {
		got := cells(m.name)
		if len(got) != 4 || got[0] != format(m.all) || got[1] != format(m.en) {
			t.Errorf("%s: page shows %q, report has %v overall and %v in en", m.name, got, m.all, m.en)
		}
	}
	// Every figure is text: the section holds only the page's own elements.
	if tags, err := evalSettled[string](ctx, `[...new Set([...document.querySelectorAll('section[data-suite] *')].map(e => e.tagName))].sort().join(' ')`); err != nil || tags != "H2 P TABLE TBODY TD TH THEAD TR" {
		t.Errorf("elements of the suite section: %q (%v)", tags, err)
	}
}

// topBar is how the console's top bar is laid out at one window width.
type topBar struct {
	// Width is the window's; ClientWidth the page's beside the scroll bar,
	// which ScrollWidth exceeds when something overflows.
	Width, ClientWidth, ScrollWidth int
	// ButtonLines is how many lines "Sign out" takes.
	ButtonLines int
	// Rows is how many rows the brand, the page links and the signed-in
	// block take; NavLines how many lines the page links take.
	Rows, NavLines int
}

const topBarJS = `(() => {
	const lines = el => new Set([...el.getClientRects()].map(r => Math.round(r.top))).size;
	const b = document.querySelector('.who button'), range = document.createRange();
	range.selectNodeContents(b);
	// A new row starts at an element below the bottom of the row before.
	let rows = 0, bottom = -1;
	for (const s of ['.brand', '.top nav', '.who']) {
		const r = document.querySelector(s).getBoundingClientRect();
		if (r.top >= bottom) { rows++; bottom = r.bottom; } else { bottom = Math.max(bottom, r.bottom); }
	}
	const links = [...document.querySelectorAll('.top nav a')].map(a => Math.round(a.getBoundingClientRect().top));
	return {Width: innerWidth, ClientWidth: document.documentElement.clientWidth, ScrollWidth: document.documentElement.scrollWidth, ButtonLines: lines(range),
		Rows: rows, NavLines: new Set(links).size};
})()`

// TestBrowserConsoleTopBar: at 1280 px (and wider) the console's top bar
// is one row — brand, every page link, the tenant and "Sign out" — and
// "Sign out" never breaks over two lines; narrower, the page links wrap
// and nothing overflows the window.
func TestBrowserConsoleTopBar(t *testing.T) {
	ctx := newBrowser(t)
	env := kbEnv(t, nil)
	srv := startServe(t, env)
	out := strings.TrimSpace(e2eCLI(t, env, "keys", "create", "--tenant", "acme", "--scopes", "admin", "--name", "support lead (EMEA)"))
	admin := out[strings.LastIndex(out, "\n")+1:]
	if err := consoleSignIn(ctx, srv.url, admin); err != nil {
		t.Fatal(err)
	}
	for _, w := range []int64{1280, 1440, 1024, 700} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, 900)); err != nil {
			t.Fatal(err)
		}
		bar, err := evalSettled[topBar](ctx, topBarJS)
		if err != nil {
			t.Fatalf("%d px: %v", w, err)
		}
		if bar.Width != int(w) || bar.ButtonLines != 1 || bar.ScrollWidth > bar.ClientWidth || (w >= 1280 && (bar.Rows != 1 || bar.NavLines != 1)) {
			t.Errorf("%d px: top bar %+v; want Sign out on one line, no overflow, and from 1280 px one row", w, bar)
		}
		screenshot(t, ctx, fmt.Sprintf("console-top-bar-%d", w))
	}
}
