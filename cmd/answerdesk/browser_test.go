package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/answerdesk/answerdesk/api"
	"github.com/chromedp/chromedp"
)

// Browser tests: the real binary's serve, the real widget and console, in
// Debian's chromium driven over the DevTools protocol. They skip when no
// chromium is installed, and fail then when ANSWERDESK_REQUIRE_BROWSER=1
// (CI). Screenshots go to $ANSWERDESK_SCREENSHOTS when it is set.

// chromiumPath finds a chromium binary: $ANSWERDESK_CHROMIUM, or one on PATH.
func chromiumPath() string {
	if p := os.Getenv("ANSWERDESK_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// newBrowser starts a headless chromium with a fresh profile and returns a
// context for its first tab.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	if testing.Short() {
		t.Skip("browser tests are end-to-end")
	}
	path := chromiumPath()
	if path == "" {
		if os.Getenv("ANSWERDESK_REQUIRE_BROWSER") == "1" {
			t.Fatal("chromium not found (install Debian's chromium or set ANSWERDESK_CHROMIUM) and ANSWERDESK_REQUIRE_BROWSER=1")
		}
		t.Skip("chromium not found: install Debian's chromium (apt-get install chromium) or set ANSWERDESK_CHROMIUM to run the browser tests")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-proxy-server", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	tab, cancelTab := chromedp.NewContext(actx)
	// The first action starts the browser: it must not run under a timeout.
	if err := chromedp.Do(tab); err != nil {
		cancelTab()
		cancelAlloc()
		t.Fatalf("start chromium %s: %v", path, err)
	}
	// Generous: a green run takes a fraction of it, a loaded CI machine
	// must not fail it.
	ctx, cancelTime := context.WithTimeout(tab, 8*time.Minute)
	t.Cleanup(func() { cancelTime(); cancelTab(); cancelAlloc() })
	return ctx
}

// hostPage is a customer's site on its own origin embedding the widget.
type hostPage struct {
	Lang    string
	API     string // the answerdesk server's URL
	Key     string // publishable key
	StrictC bool   // serve the page under a strict Content-Security-Policy
}

var hostPageTmpl = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Lumen shop</title><link rel="stylesheet" href="/site.css"><script src="/probe.js"></script></head>
<body><header><h1>Lumen smart home</h1></header><main><p>The hub that runs your home, even offline.</p></main>
<script src="{{.API}}/widget.js" data-key="{{.Key}}" defer></script></body></html>`))

// probeJS records CSP violations, the widget's fetches and any executed
// payload (alert, confirm, prompt and a __xss setter are the usual sinks of
// XSS payloads).
const probeJS = `window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) { window.__csp.push(e.violatedDirective + ' ' + e.blockedURI); });
window.alert = window.confirm = window.prompt = window.print = function () { window.__xss = (window.__xss || 0) + 1; };
window.__fetches = [];
var origFetch = window.fetch;
window.fetch = function (url, init) {
  var rec = { url: String(url), accept: init && init.headers && init.headers.Accept };
  window.__fetches.push(rec);
  return origFetch.apply(this, arguments).then(function (r) { rec.status = r.status; rec.type = r.headers.get('Content-Type'); return r; },
    function (e) { rec.error = String(e); throw e; });
};`

// serveHostPage serves p on a new origin (its own port).
func serveHostPage(t *testing.T, p *hostPage) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		if p.StrictC {
			w.Header().Set("Content-Security-Policy", fmt.Sprintf("default-src 'none'; script-src 'self' %[1]s; connect-src %[1]s; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'", p.API))
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		hostPageTmpl.Execute(w, p)
	})
	mux.HandleFunc("/probe.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		fmt.Fprint(w, probeJS)
	})
	mux.HandleFunc("/site.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css")
		fmt.Fprint(w, "body{font-family:Georgia,serif;margin:0;background:#f6f4ef;color:#222}header{background:#2d3a2e;color:#fff;padding:24px 32px}main{padding:32px}")
	})
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts
}

// publishableKey runs `keys create --publishable` and takes the key from the last line.
func publishableKey(t *testing.T, env map[string]string, tenant string, origins ...string) string {
	t.Helper()
	out := strings.TrimSpace(e2eCLI(t, env, "keys", "create", "--tenant", tenant, "--publishable", "--origins", strings.Join(origins, ",")))
	lines := strings.Split(out, "\n")
	return lines[len(lines)-1]
}

// widgetJS evaluates expr with `root` bound to the widget's shadow root.
func widgetJS(expr string) string {
	return `(function(){ var host = document.getElementById('answerdesk-widget'); var root = host && host.shadowRoot; if (!root) return null; ` + expr + ` })()`
}

// widgetAsk opens the widget (when closed), types question with the
// keyboard and waits until the answer (or an error) is rendered.
func widgetAsk(ctx context.Context, question string) error {
	// Each step is a condition waited for (and the click or focus that
	// brings it about, repeated until it holds), so that a JavaScript
	// context replaced under it is only a reason to look again.
	if err := chromedp.Do(ctx, waitFor(widgetJS(`var p = root.querySelector('.panel'), l = root.querySelector('.launcher');
		if (!p || !l) return false; if (p.hidden) l.click(); return !p.hidden && !root.querySelector('.form button').disabled`), time.Minute)); err != nil {
		return fmt.Errorf("open widget: %w", err)
	}
	before, err := evalSettled[int](ctx, widgetJS(`return root.querySelectorAll('.log > *').length`))
	if err != nil {
		return err
	}
	if err := chromedp.Do(ctx, waitFor(widgetJS(`var a = root.querySelector('textarea'); a.focus(); return root.activeElement === a`), time.Minute)); err != nil {
		return fmt.Errorf("focus the widget: %w", err)
	}
	if err := chromedp.Do(ctx,
		chromedp.KeyEvent(question),
		chromedp.KeyEvent("\r"),
		// Done when the send button is enabled again and the log grew.
		waitFor(widgetJS(fmt.Sprintf(`return !root.querySelector('.form button').disabled && root.querySelectorAll('.log > *').length > %d && !root.querySelector('[aria-busy="true"]')`, before+1)), 60*time.Second),
	); err != nil {
		return fmt.Errorf("ask %q: %w", question, err)
	}
	return nil
}

// screenshot saves a PNG of the page as $ANSWERDESK_SCREENSHOTS/name.png.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("ANSWERDESK_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// widgetState is what the widget shows, read from its shadow root.
type widgetState struct {
	Bot       []string `json:"bot"`       // bot bubbles' text
	CiteLinks []string `json:"citeLinks"` // hrefs of [n] links
	Sources   []string `json:"sources"`   // source list entries
	Notices   []string `json:"notices"`
	Feedback  int      `json:"feedback"` // thumbs rows
	Articles  []string `json:"articles"` // articles offered with escalations
}

func readWidget(t *testing.T, ctx context.Context) widgetState {
	t.Helper()
	st, err := evalSettled[widgetState](ctx, widgetJS(`
		var txt = function (sel) { return Array.prototype.map.call(root.querySelectorAll(sel), function (e) { return e.textContent; }); };
		return { bot: txt('.msg.bot'), citeLinks: Array.prototype.map.call(root.querySelectorAll('.msg.bot a.cite'), function (a) { return a.href; }),
			sources: txt('.sources li'), notices: txt('.notice'), feedback: root.querySelectorAll('.fb').length, articles: txt('.articles li') };`))
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestBrowserWidgetAsksFromAnotherOrigin: a customer's page on another
// origin, under a strict CSP, embeds the widget; a question is typed, the
// answer streams over SSE and is shown with its citation as a link; the
// thumbs reach /v1/feedback. An unanswerable question shows the escalation
// notice and its ticket exists; an on-topic one the engine is unsure of
// also offers the knowledge base's articles.
func TestBrowserWidgetAsksFromAnotherOrigin(t *testing.T) {
	ctx := newBrowser(t)
	env := kbEnv(t, nil)
	srv := startServe(t, env)
	page := &hostPage{Lang: "en", API: srv.url, StrictC: true}
	site := serveHostPage(t, page)
	page.Key = publishableKey(t, env, "acme", site.URL)
	admin := createKey(t, env, "acme", "admin")

	if err := chromedp.Do(ctx, chromedp.Navigate(site.URL)); err != nil {
		t.Fatal(err)
	}
	if err := widgetAsk(ctx, "Does the Lumen Hub support 5 GHz Wi-Fi?"); err != nil {
		t.Fatal(err)
	}
	st := readWidget(t, ctx)
	last := st.Bot[len(st.Bot)-1]
	if !strings.Contains(last, "5 GHz") || len(st.CiteLinks) == 0 || !strings.HasPrefix(st.CiteLinks[0], "https://help.lumen.example/") || len(st.Sources) == 0 {
		t.Fatalf("widget after an answerable question: %+v", st)
	}
	fetches, err := chromedp.Run(ctx, chromedp.Evaluate[[]struct {
		URL, Accept, Type, Error string
		Status                   int
	}](`window.__fetches`))
	if err != nil {
		t.Fatal(err)
	}
	if len(fetches) != 1 || fetches[0].Status != 200 || !strings.HasPrefix(fetches[0].Type, "text/event-stream") {
		t.Errorf("the answer was not streamed: %+v", fetches)
	}
	screenshot(t, ctx, "widget-strict-csp-host-page")

	// Thumbs up reaches /v1/feedback and the button shows it.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](widgetJS(`root.querySelector('.fb button[data-thumbs="up"]').click(); return true`))); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, waitFor(widgetJS(`return !!root.querySelector('.fb .ack')`), time.Minute)); err != nil {
		t.Errorf("thumbs up not acknowledged: %v", err)
	} else if pressed, err := chromedp.Run(ctx, chromedp.Evaluate[string](widgetJS(`return root.querySelector('.fb button[data-thumbs="up"]').getAttribute('aria-pressed')`))); err != nil || pressed != "true" {
		t.Errorf("thumbs up: pressed=%q err=%v", pressed, err)
	}

	// Unanswerable: the escalation notice, and the ticket exists.
	if err := widgetAsk(ctx, "Can I pay for my order with a pallet of bananas shipped by sea?"); err != nil {
		t.Fatal(err)
	}
	st = readWidget(t, ctx)
	if len(st.Notices) == 0 {
		t.Fatalf("no escalation notice: %+v", st)
	}
	notice := st.Notices[len(st.Notices)-1]
	ticket := regexp.MustCompile(`tkt_[0-9a-f]+`).FindString(notice)
	if ticket == "" {
		t.Fatalf("notice without a ticket id: %q", notice)
	}
	if r := srv.do(t, http.MethodGet, "/v1/tickets/"+ticket, admin, nil); r.status != http.StatusOK {
		t.Errorf("ticket %q of the notice: %d %s", ticket, r.status, r.body)
	}
	if len(st.Articles) != 0 {
		t.Errorf("an off-topic question was offered articles: %q", st.Articles)
	}

	if csp, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.__csp`)); err != nil || len(csp) != 0 {
		t.Errorf("CSP violations under the strict policy: %v %v", csp, err)
	}

	// The conversation survives a reload (sessionStorage).
	// Load the page again (Navigate waits for the new document; sessionStorage
	// belongs to the tab and survives, as it does a reload).
	if err := chromedp.Do(ctx, chromedp.Navigate(site.URL),
		waitFor(widgetJS(`return root.querySelectorAll('.msg').length`), time.Minute)); err != nil {
		t.Fatal(err)
	}
	if st2 := readWidget(t, ctx); !slices.Equal(st2.CiteLinks, st.CiteLinks) || !slices.Equal(st2.Notices, st.Notices) || !strings.Contains(strings.Join(st2.Bot, "\n"), "5 GHz") {
		t.Errorf("after reload: %+v, before: %+v", st2, st)
	}

	// A new conversation (the escalated one is a person's now): a question
	// on the knowledge base's topic that the engine is not sure enough to
	// answer is escalated with its articles offered, and no answer shown.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`sessionStorage.clear(); true`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(site.URL),
		waitFor(widgetJS(`return root.querySelectorAll('.msg').length`), time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := widgetAsk(ctx, "hub keeps blinking red what now"); err != nil {
		t.Fatal(err)
	}
	st = readWidget(t, ctx)
	if len(st.Notices) != 1 || len(st.Bot) != 1 || !slices.Contains(st.Articles, "Troubleshooting") {
		t.Fatalf("an on-topic escalation: %+v; want its notice and articles (Troubleshooting among them), no answer", st)
	}
	screenshot(t, ctx, "widget-escalation-articles")
	if err := chromedp.Do(ctx, chromedp.Navigate(site.URL),
		waitFor(widgetJS(`return root.querySelectorAll('.msg').length`), time.Minute)); err != nil {
		t.Fatal(err)
	}
	if st2 := readWidget(t, ctx); !slices.Equal(st2.Articles, st.Articles) {
		t.Errorf("articles after reload: %q, before: %q", st2.Articles, st.Articles)
	}
}

// TestBrowserWidgetRefusedOnOtherOrigin: the same widget and key on an
// origin the key does not list gets no answer: the preflight is refused and
// the browser blocks the request.
func TestBrowserWidgetRefusedOnOtherOrigin(t *testing.T) {
	ctx := newBrowser(t)
	env := kbEnv(t, nil)
	srv := startServe(t, env)
	page := &hostPage{Lang: "en", API: srv.url}
	site := serveHostPage(t, page)
	page.Key = publishableKey(t, env, "acme", "https://shop.example")

	if err := chromedp.Do(ctx, chromedp.Navigate(site.URL)); err != nil {
		t.Fatal(err)
	}
	if err := widgetAsk(ctx, "Does the Lumen Hub support 5 GHz Wi-Fi?"); err != nil {
		t.Fatal(err)
	}
	st := readWidget(t, ctx)
	for _, b := range st.Bot {
		if strings.Contains(b, "5 GHz") {
			t.Errorf("a disallowed origin got an answer: %+v", st)
		}
	}
	if len(st.Notices) == 0 {
		t.Errorf("no error shown: %+v", st)
	}
	fetches, err := chromedp.Run(ctx, chromedp.Evaluate[[]struct{ Error string }](`window.__fetches`))
	if err != nil {
		t.Fatal(err)
	}
	if len(fetches) != 1 || fetches[0].Error == "" {
		t.Errorf("the browser did not block the request: %+v", fetches)
	}
	// What the browser was told: the preflight from this origin is refused.
	r := srv.do(t, http.MethodOptions, "/v1/answer", "", nil, "Origin", site.URL, "Access-Control-Request-Method", "POST")
	if r.status != http.StatusForbidden || r.header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight from %s: %d %v", site.URL, r.status, r.header)
	}
}

// jsDo evaluates expr for its effect.
func jsDo(expr string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Evaluate[any](expr)(ctx, t)
		return chromedp.Void{}, err
	}
}

// TestBrowserDemoInThreeLanguages: the demo page of `answerdesk demo`,
// with its widget, in English, Russian and Chinese at desktop and phone
// width. The widget's labels follow the page language and the answer the
// question's; on a phone the panel takes the whole screen; Escape closes
// it and gives the focus back to the launcher.
func TestBrowserDemoInThreeLanguages(t *testing.T) {
	ctx := newBrowser(t)
	d := startDemo(t)
	cases := []struct {
		lang, question, send, want string
	}{
		{"en", "How do I factory reset my hub?", "Send", "reset"},
		{"ru", "Как сбросить хаб к заводским настройкам?", "Отправить", "сброс"},
		{"zh", "如何恢复出厂设置？", "发送", "恢复出厂"},
	}
	for _, tc := range cases {
		t.Run(tc.lang, func(t *testing.T) {
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(d.url+"/?lang="+tc.lang),
				jsDo(`sessionStorage.clear()`), chromedp.Navigate(d.url+"/?lang="+tc.lang)); err != nil {
				t.Fatal(err)
			}
			if err := widgetAsk(ctx, tc.question); err != nil {
				t.Fatal(err)
			}
			st := readWidget(t, ctx)
			last := st.Bot[len(st.Bot)-1]
			if !strings.Contains(strings.ToLower(last), tc.want) || len(st.Sources) == 0 {
				t.Errorf("answer to %q: %+v", tc.question, st)
			}
			send, err := evalSettled[string](ctx, widgetJS(`return root.querySelector('.form button').textContent`))
			if err != nil || send != tc.send {
				t.Errorf("send button %q (%v), want %q", send, err, tc.send)
			}
			screenshot(t, ctx, "widget-desktop-"+tc.lang)

			if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2))); err != nil {
				t.Fatal(err)
			}
			// The layout follows the new viewport on a later frame: wait for it.
			if err := chromedp.Do(ctx, waitFor(widgetJS(`var r = root.querySelector('.panel').getBoundingClientRect(); return r.width === window.innerWidth && r.height === window.innerHeight`), time.Minute)); err != nil {
				t.Errorf("on a phone the panel does not fill the screen: %v", err)
			}
			screenshot(t, ctx, "widget-phone-"+tc.lang)

			// Tab keeps the focus inside the open panel (a focus trap).
			focusInput := waitFor(widgetJS(`var a = root.querySelector('textarea'); a.focus(); return root.activeElement === a`), time.Minute)
			if err := chromedp.Do(ctx, focusInput, chromedp.KeyEvent("\t\t\t\t\t\t\t\t\t")); err != nil {
				t.Fatal(err)
			}
			if inside, err := evalSettled[bool](ctx, widgetJS(`return !!root.activeElement && root.querySelector('.panel').contains(root.activeElement)`)); err != nil || !inside {
				t.Errorf("Tab left the open panel (%v)", err)
			}
			if err := chromedp.Do(ctx, focusInput, chromedp.KeyEvent("\x1b")); err != nil { // Escape
				t.Fatal(err)
			}
			if err := chromedp.Do(ctx, waitFor(widgetJS(`return root.querySelector('.panel').hidden && root.activeElement === root.querySelector('.launcher') && root.querySelector('.launcher').getAttribute('aria-expanded') === 'false'`), time.Minute)); err != nil {
				t.Errorf("Escape did not close the panel and return the focus: %v", err)
			}
		})
	}

	// The support lead sees these conversations in the console, signed in
	// with the admin key from the file the demo printed.
	if err := consoleSignIn(ctx, d.url, d.adminKey); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(d.url+"/admin/conversations"),
		waitFor(`['How do I factory reset my hub?', '如何恢复出厂设置？'].every(q => [...document.querySelectorAll('tr.pick')].some(tr => tr.textContent.includes(q)))`, time.Minute)); err != nil {
		t.Errorf("the demo's conversations in the console: %v", err)
	}
	screenshot(t, ctx, "console-demo-conversations")
}

// TestBrowserConsole: the admin console signs in with an admin key, shows
// the overview (analytics, or that this server has none), uploads a file
// and lists it, shows a ticket and changes its status, lists the
// conversations, and revokes a key.
func TestBrowserConsole(t *testing.T) {
	ctx := newBrowser(t)
	env := kbEnv(t, nil)
	srv := startServe(t, env)
	admin := createKey(t, env, "acme", "admin")
	victim := createKey(t, env, "acme", "ask")
	esc := srv.ask(t, victim, "Can I pay for my order with a pallet of bananas shipped by sea?")
	if esc.TicketID == "" {
		t.Fatalf("no ticket to review: %+v", esc)
	}
	srv.ask(t, victim, "How do I factory reset my hub?")

	// Sign in: /admin/ sends the browser to the sign-in page.
	if err := consoleSignIn(ctx, srv.url, admin); err != nil {
		t.Fatal(err)
	}
	analytics := srv.do(t, http.MethodGet, "/v1/analytics?bucket=day", admin, nil)
	wantState := "analytics"
	if analytics.status == http.StatusNotFound {
		wantState = "unavailable"
	}
	state, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#content [data-state]').dataset.state`))
	if err != nil || state != wantState {
		t.Errorf("overview shows %q (%v); GET /v1/analytics answered %d", state, err, analytics.status)
	}
	screenshot(t, ctx, "console-overview")

	// Documents: upload a file with the form and see it listed.
	doc := filepath.Join(t.TempDir(), "warranty-extension.md")
	os.WriteFile(doc, []byte("# Warranty extension\n\nThe Lumen Care plan extends the hub warranty to five years.\n"), 0o644)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.url+"/admin/documents"),
		waitFor(`document.querySelector('table')`, time.Minute),
		chromedp.SetUploadFiles(chromedp.CSS(`#file`), []string{doc}),
		chromedp.Click(chromedp.CSS(`#content form button[type=submit]`)),
		waitFor(`[...document.querySelectorAll('td')].some(td => td.textContent === 'warranty-extension')`, time.Minute)); err != nil {
		t.Fatalf("upload: %v", err)
	}
	msg, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('[role=status]').textContent`))
	if !strings.HasPrefix(msg, "succeeded: 1 added") {
		t.Errorf("upload result: %q", msg)
	}
	if r := srv.do(t, http.MethodGet, "/v1/documents?limit=1000", admin, nil); !strings.Contains(string(r.body), `"id":"warranty-extension"`) {
		t.Errorf("the uploaded document is not in the index: %s", r.body)
	}
	screenshot(t, ctx, "console-documents")

	// Tickets: open the escalation, read its transcript, mark it solved.
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.url+"/admin/tickets"),
		waitFor(`document.querySelector('tr.pick')`, time.Minute),
		jsDo(`[...document.querySelectorAll('tr.pick')].find(tr => tr.textContent.includes('pallet of bananas')).click()`),
		waitFor(`document.querySelector('#tstatus')`, time.Minute), chromedp.SetValue(chromedp.CSS(`#tstatus`), "solved"),
		chromedp.Click(chromedp.CSS(`.detail button`)),
		waitFor(`document.querySelector('.detail [role=status]').textContent === 'Saved.'`, time.Minute)); err != nil {
		t.Fatalf("tickets: %v", err)
	}
	transcript, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('.detail').textContent`))
	if !strings.Contains(transcript, "pallet of bananas") {
		t.Errorf("ticket detail without the transcript: %q", transcript)
	}
	screenshot(t, ctx, "console-tickets")
	if r := srv.do(t, http.MethodGet, "/v1/tickets/"+esc.TicketID, admin, nil); !strings.Contains(string(r.body), `"status":"solved"`) {
		t.Errorf("status not changed: %s", r.body)
	}

	// Conversations: the questions asked are listed.
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.url+"/admin/conversations"),
		waitFor(`[...document.querySelectorAll('tr.pick')].some(tr => tr.textContent.includes('How do I factory reset my hub?'))`, time.Minute)); err != nil {
		t.Fatalf("conversations: %v", err)
	}
	screenshot(t, ctx, "console-conversations")

	// Keys: revoke the ask key; it stops working at once.
	prefix := victim[:len("adk_")+6]
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.url+"/admin/keys"),
		waitFor(`document.querySelector('table')`, time.Minute),
		jsDo(`window.confirm = function () { return true; }`),
		chromedp.Click(chromedp.CSS(`button[aria-label="Revoke `+prefix+`"]`)),
		waitFor(`!document.querySelector('button[aria-label="Revoke `+prefix+`"]')`, time.Minute)); err != nil {
		t.Fatalf("revoke: %v", err)
	}
	b, _ := json.Marshal(api.AnswerRequest{Question: "How do I factory reset my hub?"})
	if r := srv.do(t, http.MethodPost, "/v1/answer", victim, bytes.NewReader(b)); r.status != http.StatusUnauthorized {
		t.Errorf("revoked key still answers: %d", r.status)
	}
	screenshot(t, ctx, "console-keys")
}

// contextReplaced reports whether err says the page's JavaScript context
// went away under a step (a navigation, or a viewport or emulation change
// right after one): the step may be run again in the new context.
func contextReplaced(err error) bool {
	if err == nil {
		return false
	}
	m := err.Error()
	return strings.Contains(m, "Cannot find context with specified id") || strings.Contains(m, "Execution context was destroyed") ||
		strings.Contains(m, "Cannot find default execution context") || strings.Contains(m, "Inspected target navigated or closed")
}

// settledDo runs steps, again when the page's JavaScript context was
// replaced under them; other errors are returned at once.
func settledDo(ctx context.Context, steps ...chromedp.Action[chromedp.Void]) error {
	deadline := time.Now().Add(time.Minute)
	for {
		err := chromedp.Do(ctx, steps...)
		if !contextReplaced(err) || time.Now().After(deadline) {
			return err
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// evalSettled evaluates expr, again when the page's context was replaced
// under it.
func evalSettled[T any](ctx context.Context, expr string) (T, error) {
	var v T
	err := settledDo(ctx, func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		var err error
		v, err = chromedp.Evaluate[T](expr)(ctx, t)
		return chromedp.Void{}, err
	})
	return v, err
}

// consoleSignIn opens url's console, which sends the browser to its
// sign-in page, and signs in with key.
func consoleSignIn(ctx context.Context, url, key string) error {
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(url+"/admin/")); err != nil {
		return err
	}
	if err := settledDo(ctx, waitFor(`document.querySelector('#key')`, time.Minute), jsDo(`document.querySelector('#key').focus()`)); err != nil {
		return fmt.Errorf("sign-in page: %w", err)
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent(key+"\r"), waitFor(`document.querySelector('#content [data-state]')`, time.Minute)); err != nil {
		return fmt.Errorf("sign in: %w", err)
	}
	return nil
}

// waitFor evaluates the JavaScript expression expr in the page every
// 100 ms until it is truthy, for up to timeout. Unlike chromedp.Poll it
// evaluates in whatever context the page has at that moment, so a context
// replaced by a navigation or an emulation change is not an error, only a
// reason to look again; a page still loading under a busy machine only
// makes it wait longer. The timeouts are generous: a green run never
// waits for them.
func waitFor(expr string, timeout time.Duration) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		deadline := time.Now().Add(timeout)
		var last error
		for {
			ok, err := chromedp.Evaluate[bool]("!!("+expr+")")(ctx, t)
			if err == nil && ok {
				return chromedp.Void{}, nil
			}
			if err != nil {
				last = err
			}
			if time.Now().After(deadline) {
				return chromedp.Void{}, fmt.Errorf("waited %s for %.200s (last error: %v)", timeout, expr, last)
			}
			select {
			case <-ctx.Done():
				return chromedp.Void{}, ctx.Err()
			case <-time.After(100 * time.Millisecond):
			}
		}
	}
}

// widgetTags are the only elements the widget ever creates in its shadow
// root; anything else there would be markup from the server.
var widgetTags = "A BUTTON DIV FORM H2 LABEL LI LINK OL SPAN TEXTAREA"

// TestBrowserXSSPayloadsNeverExecute: the 223 DOMPurify mutation-XSS
// payloads of ../shared/security are ingested as text notes (kept verbatim,
// so the answers carry the raw markup), FAQ entries (payload in question
// and answer, a javascript: URL) and HTML pages, then asked about through
// the widget on a page with no CSP at all, so
// that only the widget's text-only rendering stands between them and the
// page: window.__xss (set by alert, confirm, prompt and print) stays unset,
// the shadow root holds only the widget's own elements and no on*
// attribute, and no link has a javascript: URL.
func TestBrowserXSSPayloadsNeverExecute(t *testing.T) {
	shared := e2eShared(t)
	if shared == "" {
		t.Skip("../shared not found")
	}
	ctx := newBrowser(t)
	raw, err := os.ReadFile(filepath.Join(shared, "security", "dompurify-xss", "expect.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct{ Title, Payload string }
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) != 223 {
		t.Fatalf("%d DOMPurify payloads, want 223", len(cases))
	}
	dir, pages := t.TempDir(), t.TempDir()
	type faq struct {
		ID       string `json:"id"`
		Question string `json:"question"`
		Answer   string `json:"answer"`
		URL      string `json:"url"`
	}
	var faqs []faq
	for i, c := range cases {
		faqs = append(faqs, faq{ID: fmt.Sprintf("xss%d", i), Question: fmt.Sprintf("What is fixture xss%d? %s", i, c.Payload),
			Answer: fmt.Sprintf("Fixture xss%d is this markup: %s", i, c.Payload), URL: "javascript:window.__xss=1"})
		page := fmt.Sprintf("<!doctype html><html><head><title>Fixture page xss%d</title></head><body><main><h1>Fixture page xss%d</h1><p>Fixture page xss%d holds a test payload.</p>%s</main></body></html>", i, i, i, c.Payload)
		if err := os.WriteFile(filepath.Join(pages, fmt.Sprintf("page-xss%d.html", i)), []byte(page), 0o644); err != nil {
			t.Fatal(err)
		}
		note := fmt.Sprintf("Fixture note xss%d.\n\nThe fixture note xss%d shows this markup: %s\n", i, i, c.Payload)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("note-xss%d.txt", i)), []byte(note), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, _ := json.Marshal(faqs)
	if err := os.WriteFile(filepath.Join(dir, "fixtures.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"ANSWERDESK_DATA": t.TempDir(), "ANSWERDESK_RATE_LIMIT": "off"}
	e2eCLI(t, env, "ingest", "--tenant", "xss", dir)
	// Some payloads leave a page with no visible text (the HTML loader
	// drops hidden text); those pages fail to ingest, the rest are indexed.
	var out, errb bytes.Buffer
	run(context.Background(), []string{"ingest", "--tenant", "xss", pages}, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errb)
	t.Logf("HTML pages: %d of %d failed to ingest", strings.Count(out.String()+errb.String(), "FAILED"), len(cases))
	srv := startServe(t, env)
	page := &hostPage{Lang: "en", API: srv.url}
	site := serveHostPage(t, page)
	page.Key = publishableKey(t, env, "xss", site.URL)
	if err := chromedp.Do(ctx, chromedp.Navigate(site.URL)); err != nil {
		t.Fatal(err)
	}
	// The probe works: a payload's alert would be counted.
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`alert(1); var n = window.__xss; delete window.__xss; n`)); err != nil || n != 1 {
		t.Fatalf("the __xss probe does not count alert: %d %v", n, err)
	}
	if err := widgetAsk(ctx, "What does fixture note xss0 show?"); err != nil {
		t.Fatal(err)
	}
	// The rest go through the same form without typing each key, so that
	// 223 questions take seconds.
	// Then each payload is the customer's own message (which the widget
	// shows, stores and shows again after a reload) and the question about
	// its note.
	var questions []string
	for i, c := range cases {
		if strings.TrimSpace(c.Payload) != "" { // the widget sends no blank message
			questions = append(questions, trunc2000(c.Payload))
		}
		if i > 0 {
			questions = append(questions, fmt.Sprintf("What does fixture note xss%d show?", i))
		}
	}
	for i, q := range questions {
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](widgetJS(`var n = root.querySelectorAll('.log > *').length; root.querySelector('textarea').value = `+strconvQuote(q)+`; root.querySelector('form').requestSubmit(); return n`)))
		if err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(ctx, waitFor(widgetJS(fmt.Sprintf(`return !root.querySelector('.form button').disabled && root.querySelectorAll('.log > *').length > %d && !root.querySelector('[aria-busy="true"]')`, n+1)), 60*time.Second)); err != nil {
			t.Fatalf("message %d (%.80q): %v", i, q, err)
		}
	}
	type report struct {
		XSS       any      `json:"xss"`
		Foreign   []string `json:"foreign"`
		OnAttrs   int      `json:"onAttrs"`
		BadLinks  int      `json:"badLinks"`
		Bubbles   int      `json:"bubbles"`
		WithMarks int      `json:"withMarkup"`
	}
	r, err := chromedp.Run(ctx, chromedp.Evaluate[report](widgetJS(`
		var allowed = `+strconvQuote(widgetTags)+`.split(' '), foreign = [], on = 0, bad = 0, marks = 0;
		root.querySelectorAll('*').forEach(function (e) {
			if (allowed.indexOf(e.tagName) < 0) foreign.push(e.tagName);
			for (var i = 0; i < e.attributes.length; i++) if (/^on/i.test(e.attributes[i].name)) on++;
			if (e.tagName === 'A' && !/^https?:/.test(e.href)) bad++;
		});
		var bot = root.querySelectorAll('.msg.bot');
		root.querySelectorAll('.msg').forEach(function (b) { if (/<[a-z]/i.test(b.textContent)) marks++; });
		return { xss: window.__xss || null, foreign: foreign, onAttrs: on, badLinks: bad, bubbles: bot.length, withMarkup: marks };`)))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d answers shown; %d messages display payload markup as text", r.Bubbles, r.WithMarks)
	if r.XSS != nil || len(r.Foreign) > 0 || r.OnAttrs > 0 || r.BadLinks > 0 {
		t.Errorf("a payload got through: __xss=%v, foreign elements %v, %d on* attributes, %d non-http links", r.XSS, r.Foreign, r.OnAttrs, r.BadLinks)
	}
	// The test means something only if markup reached the widget: every
	// payload sent as a message is shown as text.
	if r.WithMarks < len(cases)-10 {
		t.Errorf("only %d messages display payload markup: the payloads did not reach the widget", r.WithMarks)
	}
	if xss, err := chromedp.Run(ctx, chromedp.Evaluate[any](`window.__xss || null`)); err != nil || xss != nil {
		t.Errorf("window.__xss = %v (%v)", xss, err)
	}
	screenshot(t, ctx, "widget-xss")
}

// trunc2000 cuts s to the API's question limit (2000 characters).
func trunc2000(s string) string {
	if r := []rune(s); len(r) > 2000 {
		return string(r[:2000])
	}
	return s
}

func strconvQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
