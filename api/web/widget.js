/* answerdesk chat widget. One line on any page:
 *   <script src="https://HOST/widget.js" data-key="pk_…" defer></script>
 * Everything lives in the shadow root of <div id="answerdesk-widget">; no
 * inline script or style (styles are a constructable stylesheet), and every
 * string from the server is inserted as text. */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || document.getElementById('answerdesk-widget')) return;
  var CSS = __ANSWERDESK_CSS__;
  var key = script.getAttribute('data-key') || '';
  var base = new URL(script.src, location.href).origin;
  var STR = {
    en: { open: 'Ask a question', title: 'Support', close: 'Close chat', label: 'Your question', send: 'Send',
      placeholder: 'Type your question…', thinking: 'Looking it up…', sources: 'Sources', page: 'p.',
      helpful: 'Was this helpful?', yes: 'Yes', no: 'No', up: 'Helpful', down: 'Not helpful', thanks: 'Thanks for the feedback.',
      escalated: 'A person from our team will follow up.', articles: 'While you wait, these articles may help:', ticket: 'Ticket', handed: 'A person from our team has this conversation now.',
      error: 'Something went wrong. Please try again.', busy: 'Too many questions at once; wait a moment and try again.',
      welcome: 'Hi! Ask me anything about our products — in any language.' },
    ru: { open: 'Задать вопрос', title: 'Поддержка', close: 'Закрыть чат', label: 'Ваш вопрос', send: 'Отправить',
      placeholder: 'Напишите вопрос…', thinking: 'Ищу ответ…', sources: 'Источники', page: 'с.',
      helpful: 'Ответ помог?', yes: 'Да', no: 'Нет', up: 'Помог', down: 'Не помог', thanks: 'Спасибо за отзыв.',
      escalated: 'С вами свяжется сотрудник поддержки.', articles: 'Пока вы ждёте, возможно, помогут эти статьи:', ticket: 'Обращение', handed: 'Разговор передан сотруднику поддержки.',
      error: 'Что-то пошло не так. Попробуйте ещё раз.', busy: 'Слишком много вопросов; подождите немного.',
      welcome: 'Здравствуйте! Задайте вопрос о наших продуктах — на любом языке.' },
    zh: { open: '提问', title: '客服', close: '关闭对话', label: '您的问题', send: '发送',
      placeholder: '请输入您的问题…', thinking: '正在查找…', sources: '来源', page: '第',
      helpful: '这个回答有帮助吗？', yes: '是', no: '否', up: '有帮助', down: '没有帮助', thanks: '感谢您的反馈。',
      escalated: '我们的工作人员会尽快联系您。', articles: '在等待期间，这些文章或许能帮到您：', ticket: '工单', handed: '此对话已转交人工客服。',
      error: '出错了，请重试。', busy: '提问过于频繁，请稍后再试。',
      welcome: '您好！请用任何语言询问我们的产品问题。' }
  };
  var lang = (script.getAttribute('data-lang') || document.documentElement.lang || navigator.language || 'en').toLowerCase().slice(0, 2);
  var T = STR[lang] || STR.en;
  var store = window.sessionStorage;
  var SKEY = 'answerdesk:' + key.slice(0, 16);

  function load() {
    try { return JSON.parse(store.getItem(SKEY)) || {}; } catch (e) { return {}; }
  }
  var saved = load();
  var conv = saved.conv || '';
  var turns = Array.isArray(saved.turns) ? saved.turns : [];
  var handed = !!saved.handed;
  function save() {
    try { store.setItem(SKEY, JSON.stringify({ conv: conv, turns: turns.slice(-40), handed: handed })); } catch (e) { /* storage full or blocked */ }
  }
  function newConv() {
    var b = new Uint8Array(12);
    crypto.getRandomValues(b);
    return 'w_' + Array.prototype.map.call(b, function (x) { return ('0' + x.toString(16)).slice(-2); }).join('');
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = String(text);
    return e;
  }
  function safeURL(u) {
    try {
      var p = new URL(String(u), base);
      return p.protocol === 'https:' || p.protocol === 'http:' ? p.href : '';
    } catch (e) { return ''; }
  }

  var host = el('div');
  host.id = 'answerdesk-widget';
  var root = host.attachShadow({ mode: 'open' });
  if ('adoptedStyleSheets' in Document.prototype && typeof CSSStyleSheet.prototype.replaceSync === 'function') {
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
  } else {
    var link = el('link');
    link.rel = 'stylesheet';
    link.href = base + '/widget.css';
    root.appendChild(link);
  }

  var launcher = el('button', 'launcher', T.open);
  launcher.type = 'button';
  launcher.setAttribute('aria-haspopup', 'dialog');
  launcher.setAttribute('aria-expanded', 'false');
  launcher.setAttribute('aria-controls', 'ad-panel');

  var panel = el('div', 'panel');
  panel.id = 'ad-panel';
  panel.hidden = true;
  panel.setAttribute('role', 'dialog');
  panel.setAttribute('aria-modal', 'true');
  panel.setAttribute('aria-labelledby', 'ad-title');
  panel.lang = lang;
  var head = el('div', 'head');
  var title = el('h2', null, T.title);
  title.id = 'ad-title';
  var close = el('button', 'close', '×');
  close.type = 'button';
  close.setAttribute('aria-label', T.close);
  head.append(title, close);
  var log = el('div', 'log');
  log.setAttribute('role', 'log');
  log.setAttribute('aria-live', 'polite');
  var form = el('form', 'form');
  var lbl = el('label', 'sr', T.label);
  lbl.htmlFor = 'ad-q';
  var input = el('textarea');
  input.id = 'ad-q';
  input.name = 'question';
  input.rows = 1;
  input.maxLength = 2000;
  input.placeholder = T.placeholder;
  var send = el('button', null, T.send);
  send.type = 'submit';
  form.append(lbl, input, send);
  panel.append(head, log, form);
  root.append(launcher, panel);
  document.body.appendChild(host);

  function setOpen(open) {
    panel.hidden = !open;
    launcher.setAttribute('aria-expanded', String(open));
    if (open) input.focus(); else launcher.focus();
  }
  launcher.addEventListener('click', function () { setOpen(panel.hidden); });
  close.addEventListener('click', function () { setOpen(false); });
  panel.addEventListener('keydown', function (ev) {
    if (ev.key === 'Escape') { ev.preventDefault(); setOpen(false); return; }
    if (ev.key !== 'Tab') return;
    var f = Array.prototype.filter.call(panel.querySelectorAll('button, a[href], textarea'), function (x) { return !x.disabled; });
    if (!f.length) return;
    var first = f[0], last = f[f.length - 1], cur = root.activeElement;
    if (ev.shiftKey && cur === first) { ev.preventDefault(); last.focus(); }
    else if (!ev.shiftKey && cur === last) { ev.preventDefault(); first.focus(); }
  });
  input.addEventListener('keydown', function (ev) {
    if (ev.key === 'Enter' && !ev.shiftKey) { ev.preventDefault(); form.requestSubmit(); }
  });

  // renderText puts text into box with each [n] marker that has a citation
  // turned into a link to its source.
  function renderText(box, text, cites) {
    var byN = {};
    (cites || []).forEach(function (c) { byN[c.n] = c; });
    var re = /\[(\d+)\]/g, at = 0, m;
    text = String(text || '');
    while ((m = re.exec(text))) {
      var c = byN[+m[1]];
      if (!c) continue;
      box.appendChild(document.createTextNode(text.slice(at, m.index)));
      var href = safeURL(c.url);
      var a = el(href ? 'a' : 'span', 'cite', '[' + m[1] + ']');
      if (href) { a.href = href; a.target = '_blank'; a.rel = 'noopener noreferrer'; }
      a.title = citeLabel(c);
      box.appendChild(a);
      at = re.lastIndex;
    }
    box.appendChild(document.createTextNode(text.slice(at)));
  }
  function citeLabel(c) {
    return String(c.title || c.document_id || '') + (c.page ? ', ' + T.page + ' ' + c.page : '');
  }
  function sources(box, cites) {
    if (!cites || !cites.length) return;
    box.appendChild(el('div', 'sr', T.sources));
    var ol = el('ol', 'sources');
    cites.forEach(function (c) {
      var li = el('li');
      li.value = c.n;
      var href = safeURL(c.url);
      var a = el(href ? 'a' : 'span', null, citeLabel(c));
      if (href) { a.href = href; a.target = '_blank'; a.rel = 'noopener noreferrer'; }
      li.appendChild(a);
      ol.appendChild(li);
    });
    box.appendChild(ol);
  }
  function feedback(box, id, chosen) {
    var row = el('div', 'fb');
    row.appendChild(el('span', null, T.helpful));
    ['up', 'down'].forEach(function (t) {
      var b = el('button', null, t === 'up' ? T.yes : T.no);
      b.type = 'button';
      b.setAttribute('aria-label', t === 'up' ? T.up : T.down);
      b.setAttribute('aria-pressed', String(chosen === t));
      b.dataset.thumbs = t;
      b.addEventListener('click', function () { sendFeedback(row, id, t); });
      row.appendChild(b);
    });
    box.appendChild(row);
  }
  function sendFeedback(row, id, t) {
    api('/v1/feedback', { answer_id: id, thumbs: t }).then(function (r) {
      if (!r.ok) return;
      row.querySelectorAll('button').forEach(function (b) { b.setAttribute('aria-pressed', String(b.dataset.thumbs === t)); });
      var ack = row.querySelector('.ack') || row.appendChild(el('span', 'ack'));
      ack.textContent = T.thanks;
      turns.forEach(function (x) { if (x.id === id) x.thumbs = t; });
      save();
    });
  }

  // articles lists the articles an escalation offers (never an answer):
  // links when they have a safe URL, titles otherwise.
  function articles(list) {
    if (!list || !list.length) return;
    var wrap = el('div', 'articles');
    wrap.appendChild(el('div', null, T.articles));
    var ul = el('ul');
    list.forEach(function (ar) {
      var li = el('li');
      var href = safeURL(ar.url);
      var a = el(href ? 'a' : 'span', null, String(ar.title || ar.document_id || ''));
      if (href) { a.href = href; a.target = '_blank'; a.rel = 'noopener noreferrer'; }
      li.appendChild(a);
      ul.appendChild(li);
    });
    wrap.appendChild(ul);
    log.appendChild(wrap);
  }

  // show renders one turn: {role: "me"|"bot", text, cites, id, decision,
  // notice, ticket, handed, thumbs, articles}.
  function show(turn) {
    if (turn.role === 'me') { log.appendChild(el('div', 'msg me', turn.text)); return; }
    if (turn.text) {
      var box = el('div', 'msg bot');
      renderText(box, turn.text, turn.cites);
      sources(box, turn.cites);
      if (turn.decision === 'answered' && turn.id) feedback(box, turn.id, turn.thumbs);
      log.appendChild(box);
    }
    if (turn.handed) {
      log.appendChild(el('div', 'notice', turn.notice || T.handed)).setAttribute('role', 'status');
    } else if (turn.decision === 'escalated') {
      var n = el('div', 'notice', turn.notice || T.escalated);
      n.setAttribute('role', 'status');
      if (turn.ticket && String(turn.notice || '').indexOf(turn.ticket) < 0) n.appendChild(el('div', 'status', T.ticket + ': ' + turn.ticket));
      log.appendChild(n);
    }
    if (turn.decision === 'escalated') articles(turn.articles);
    if (turn.error) log.appendChild(el('div', 'notice', turn.error)).setAttribute('role', 'alert');
  }
  function scroll() { log.scrollTop = log.scrollHeight; }

  if (!turns.length) log.appendChild(el('div', 'msg bot', T.welcome));
  turns.forEach(show);

  function api(path, body, accept) {
    return fetch(base + path, {
      method: 'POST', mode: 'cors', credentials: 'omit',
      headers: { 'Authorization': 'Bearer ' + key, 'Content-Type': 'application/json', 'Accept': accept || 'application/json' },
      body: JSON.stringify(body)
    });
  }

  // ask streams an answer: "status" and "delta" events update a provisional
  // bubble, the "final" event replaces it with the verified answer.
  function ask(q) {
    if (!conv) conv = newConv();
    var me = { role: 'me', text: q };
    turns.push(me);
    show(me);
    save();
    var live = el('div', 'msg bot');
    live.setAttribute('aria-busy', 'true');
    var status = el('div', 'status', T.thinking);
    live.appendChild(status);
    log.appendChild(live);
    scroll();
    var text = '';
    var done = function (turn) {
      live.remove();
      turns.push(turn);
      show(turn);
      save();
      scroll();
    };
    return api('/v1/answer', { question: q, conversation_id: conv, stream: true }, 'text/event-stream').then(function (res) {
      if (!res.ok) {
        return res.json().catch(function () { return {}; }).then(function (b) {
          done({ role: 'bot', error: res.status === 429 ? T.busy : ((b.error && b.error.message) || T.error) });
        });
      }
      var reader = res.body.getReader(), dec = new TextDecoder(), buf = '', final = null;
      function handle(block) {
        var ev = 'message', data = '';
        block.split('\n').forEach(function (line) {
          if (line.indexOf('event:') === 0) ev = line.slice(6).trim();
          else if (line.indexOf('data:') === 0) data += line.slice(5).trim();
        });
        if (!data) return;
        var v = JSON.parse(data);
        if (ev === 'delta') {
          text += v.text || '';
          status.textContent = text;
        } else if (ev === 'final') {
          final = v;
        } else if (ev === 'error') {
          final = { error: (v.error && v.error.message) || T.error };
        }
      }
      function pump() {
        return reader.read().then(function (r) {
          if (!r.done) buf += dec.decode(r.value, { stream: true });
          var i;
          while ((i = buf.indexOf('\n\n')) >= 0) { handle(buf.slice(0, i)); buf = buf.slice(i + 2); }
          if (!r.done) return pump();
          if (!final) final = { error: T.error };
          if (final.error) { done({ role: 'bot', error: final.error }); return; }
          if (final.conversation_id) conv = final.conversation_id;
          var h = final.handed_over === true || final.decision === 'handed_over';
          handed = h;
          done({ role: 'bot', text: final.answer, cites: final.citations, id: final.id, decision: final.decision,
            notice: final.notice, ticket: final.ticket_id, handed: h, articles: final.articles });
        });
      }
      return pump();
    }).catch(function () { done({ role: 'bot', error: T.error }); });
  }

  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var q = input.value.trim();
    if (!q || send.disabled) return;
    input.value = '';
    send.disabled = true;
    ask(q).then(function () { send.disabled = false; input.focus(); });
  });
})();
