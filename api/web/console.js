/* answerdesk admin console. Every page calls the /v1 API with the session
 * cookie (writes add the session's CSRF token) and inserts every server
 * string as text. */
(function () {
  'use strict';
  var app = document.getElementById('app');
  var out = document.getElementById('content');
  var csrf = document.querySelector('meta[name="csrf-token"]').content;

  // h builds an element: attrs are properties (or "on…" listeners),
  // children are nodes or strings (inserted as text).
  function h(tag, attrs) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (k.slice(0, 2) === 'on') e.addEventListener(k.slice(2), v);
      else if (k === 'class') e.className = v;
      else if (k in e) e[k] = v;
      else e.setAttribute(k, v);
    });
    for (var i = 2; i < arguments.length; i++) add(e, arguments[i]);
    return e;
  }
  // add appends children (nodes, strings as text, arrays of them) to e.
  function add(e) {
    for (var i = 1; i < arguments.length; i++) {
      var c = arguments[i];
      if (c == null || c === false) continue;
      if (Array.isArray(c)) c.forEach(function (x) { add(e, x); });
      else e.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
    }
  }
  function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); return e; }
  function show() { clear(out); add(out, Array.prototype.slice.call(arguments)); }

  // api calls the API; it resolves to {status, ok, data}.
  function api(method, path, body) {
    var headers = {};
    if (method !== 'GET') headers['X-CSRF-Token'] = csrf;
    if (body !== undefined && !(body instanceof FormData)) { headers['Content-Type'] = 'application/json'; body = JSON.stringify(body); }
    return fetch(path, { method: method, credentials: 'same-origin', headers: headers, body: body }).then(function (r) {
      if (r.status === 401) { location.href = '/admin/login'; }
      var ct = r.headers.get('Content-Type') || '';
      var p = ct.indexOf('application/json') === 0 ? r.json() : Promise.resolve(null);
      return p.then(function (d) { return { status: r.status, ok: r.ok, data: d }; });
    });
  }
  function errText(r) { return (r.data && r.data.error && r.data.error.message) || ('HTTP ' + r.status); }
  function errorBox(r) { return h('p', { class: 'error', role: 'alert' }, errText(r)); }
  // unavailable is the state of a page whose endpoint this server does not serve.
  function unavailable(what, endpoint) {
    return h('div', { class: 'unavailable', role: 'status', 'data-state': 'unavailable' },
      h('strong', null, what + ' are not available on this server.'), ' ',
      'It does not serve ', h('code', null, endpoint), ' (a newer answerdesk does); this page fills in when it does.');
  }
  function when(t) { return t ? new Date(t).toLocaleString() : ''; }
  function human(k) { return String(k).replace(/_/g, ' '); }
  function fmt(v) { return typeof v === 'number' ? (Math.round(v * 1000) / 1000).toLocaleString() : String(v); }
  function table(cols, rows, onPick) {
    return h('table', null, h('thead', null, h('tr', null, cols.map(function (c) { return h('th', { scope: 'col' }, c[0]); }))),
      h('tbody', null, rows.map(function (r) {
        var tr = h('tr', onPick ? { class: 'pick', tabIndex: 0 } : null, cols.map(function (c) { var v = c[1](r); return h('td', null, v); }));
        if (onPick) {
          tr.addEventListener('click', function () { onPick(r); });
          tr.addEventListener('keydown', function (ev) { if (ev.key === 'Enter') onPick(r); });
        }
        return tr;
      })));
  }
  function bars(obj) {
    var keys = Object.keys(obj), top = Math.max.apply(null, keys.map(function (k) { return +obj[k] || 0; }).concat([1]));
    return h('div', { class: 'bars' }, keys.map(function (k) {
      var fill = h('div', { class: 'fill' });
      fill.style.width = (100 * (+obj[k] || 0) / top) + '%';
      return h('div', { class: 'bar' }, h('span', null, human(k)), h('div', { class: 'track' }, fill), h('span', null, fmt(obj[k])));
    }));
  }

  // renderAny shows an analytics-like object: numbers as cards, maps of
  // numbers as bars, lists as tables of their fields.
  function renderAny(data) {
    var cards = [], parts = [];
    Object.keys(data || {}).forEach(function (k) {
      var v = data[k];
      if (typeof v === 'number') {
        var shown = /(_rate|_share)$/.test(k) ? Math.round(v * 1000) / 10 + '%' : fmt(v);
        cards.push(h('div', { class: 'card' }, h('div', { class: 'v' }, shown), h('div', { class: 'k' }, human(k))));
      } else if (Array.isArray(v) && v.length && typeof v[0] !== 'object') {
        parts.push(h('h2', null, human(k)), h('ul', null, v.slice(0, 20).map(function (x) { return h('li', null, x); })));
      }
      if (v && typeof v === 'object' && !Array.isArray(v)) {
        var nums = {}, n = 0;
        Object.keys(v).forEach(function (x) { if (typeof v[x] === 'number') { nums[x] = v[x]; n++; } });
        if (n) parts.push(h('h2', null, human(k)), bars(nums));
      } else if (Array.isArray(v) && v.length && typeof v[0] === 'object') {
        var cols = Object.keys(v[0]).filter(function (c) { return typeof v[0][c] !== 'object' || v[0][c] === null; });
        parts.push(h('h2', null, human(k)), table(cols.map(function (c) { return [human(c), function (r) { return r[c] == null ? '' : fmt(r[c]); }]; }), v));
      }
    });
    return [cards.length ? h('div', { class: 'cards', 'data-state': 'analytics' }, cards) : null, parts];
  }

  var pages = {};

  pages[''] = function () {
    show(h('p', { class: 'muted' }, 'Loading…'));
    Promise.all([api('GET', '/v1/analytics?bucket=day'), api('GET', '/v1/tickets?status=open&limit=500'), api('GET', '/v1/documents?limit=1000')]).then(function (rs) {
      var a = rs[0], t = rs[1], d = rs[2];
      var now = h('div', { class: 'cards' },
        t.ok ? h('div', { class: 'card' }, h('div', { class: 'v' }, t.data.tickets.length + (t.data.next ? '+' : '')), h('div', { class: 'k' }, 'open tickets')) : null,
        d.ok ? h('div', { class: 'card' }, h('div', { class: 'v' }, d.data.documents.length + (d.data.next ? '+' : '')), h('div', { class: 'k' }, 'documents')) : null);
      var analytics = a.status === 404 ? unavailable('Analytics', 'GET /v1/analytics') : a.ok ? renderAny(a.data) : errorBox(a);
      show(now, h('h2', null, 'Analytics (last days)'), analytics);
    });
  };

  pages.tickets = function () {
    var status = h('select', { id: 'status', onchange: function () { load(); } },
      ['', 'open', 'pending', 'solved', 'closed'].map(function (s) { return h('option', { value: s }, s || 'any status'); }));
    var list = h('div'), detail = h('div');
    show(h('div', { class: 'row' }, h('div', null, h('label', { htmlFor: 'status' }, 'Status'), status)), list, detail);
    function load() {
      api('GET', '/v1/tickets?limit=100' + (status.value ? '&status=' + status.value : '')).then(function (r) {
        clear(list);
        if (!r.ok) { add(list, errorBox(r)); return; }
        if (!r.data.tickets.length) { add(list, h('p', { class: 'muted' }, 'No tickets.')); return; }
        add(list, table([['Created', function (t) { return when(t.created); }], ['Subject', function (t) { return t.subject; }],
          ['Reason', function (t) { return human(t.reason); }], ['Queue', function (t) { return t.queue || ''; }],
          ['Language', function (t) { return t.lang || ''; }], ['Status', function (t) { return t.status; }]], r.data.tickets, open));
      });
    }
    function open(t) {
      var sel = h('select', { id: 'tstatus' }, ['open', 'pending', 'solved', 'closed'].map(function (s) { return h('option', { value: s, selected: s === t.status }, s); }));
      var msg = h('span', { class: 'muted', role: 'status' });
      clear(detail);
      add(detail, h('section', { class: 'detail', 'aria-label': 'Ticket ' + t.id },
        h('h2', null, t.subject), h('p', { class: 'muted' }, t.id + ' · ' + human(t.reason) + ' · confidence ' + fmt(t.confidence) + ' · ' + when(t.created)),
        t.summary ? h('p', null, t.summary) : null,
        t.customer ? h('p', { class: 'muted' }, Object.keys(t.customer).map(function (k) { return k + ': ' + t.customer[k]; }).join(' · ')) : null,
        h('h2', null, 'Transcript'), t.transcript.map(function (m) { return h('div', { class: 'turn' }, h('b', null, m.role), m.text); }),
        t.attempted_answer ? [h('h2', null, 'Attempted answer'), h('p', null, t.attempted_answer)] : null,
        t.citations.length ? [h('h2', null, 'Citations'), h('ol', null, t.citations.map(function (c) { return h('li', null, c.title + ' — ' + c.quote); }))] : null,
        h('h2', null, 'Deliveries'), h('ul', null, t.deliveries.map(function (d) { return h('li', null, d.sink + ': ' + d.state + (d.last_error ? ' (' + d.last_error + ')' : '')); })),
        h('div', { class: 'row' }, h('div', null, h('label', { htmlFor: 'tstatus' }, 'Status'), sel),
          h('button', { type: 'button', onclick: function () {
            api('PATCH', '/v1/tickets/' + encodeURIComponent(t.id), { status: sel.value }).then(function (r) {
              msg.textContent = r.ok ? 'Saved.' : errText(r);
              if (r.ok) load();
            });
          } }, 'Save status'), msg)));
      detail.querySelector('h2').scrollIntoView();
    }
    load();
  };

  pages.conversations = function () {
    show(h('p', { class: 'muted' }, 'Loading…'));
    api('GET', '/v1/conversations?limit=100').then(function (r) {
      if (r.status === 404) { show(unavailable('Conversations', 'GET /v1/conversations')); return; }
      if (!r.ok) { show(errorBox(r)); return; }
      var detail = h('div');
      show(r.data.answers.length ? table([['When', function (a) { return when(a.created); }], ['Question', function (a) { return a.question; }],
        ['Decision', function (a) { return a.decision + (a.reason ? ' (' + human(a.reason) + ')' : ''); }],
        ['Confidence', function (a) { return fmt(a.confidence); }], ['Ticket', function (a) { return a.ticket_id || ''; }]], r.data.answers, function (a) {
        api('GET', '/v1/conversations/' + encodeURIComponent(a.conversation_id)).then(function (c) {
          clear(detail);
          if (!c.ok) { add(detail, errorBox(c)); return; }
          add(detail, h('section', { class: 'detail' }, h('h2', null, 'Conversation ' + a.conversation_id),
            c.data.turns.map(function (m) { return h('div', { class: 'turn' }, h('b', null, m.role), m.text); })));
        });
      }) : h('p', { class: 'muted' }, 'No conversations yet.'), detail);
    });
  };

  pages.documents = function () {
    var file = h('input', { type: 'file', id: 'file', multiple: true });
    var kind = h('select', { id: 'kind' }, ['auto', 'doc', 'faq', 'ticket'].map(function (k) { return h('option', { value: k }, k); }));
    var bar = h('progress', { max: 100, value: 0, hidden: true });
    var msg = h('div', { role: 'status', class: 'muted' });
    var list = h('div');
    show(h('form', { class: 'row', onsubmit: upload },
      h('div', null, h('label', { htmlFor: 'file' }, 'Files (new or changed files are re-ingested)'), file),
      h('div', null, h('label', { htmlFor: 'kind' }, 'Kind'), kind), h('button', { type: 'submit' }, 'Upload'), bar), msg, list);
    function upload(ev) {
      ev.preventDefault();
      if (!file.files.length) return;
      var fd = new FormData();
      Array.prototype.forEach.call(file.files, function (f) { fd.append('file', f, f.name); });
      fd.append('kind', kind.value);
      var x = new XMLHttpRequest();
      x.open('POST', '/v1/documents');
      x.setRequestHeader('X-CSRF-Token', csrf);
      bar.hidden = false; bar.value = 0;
      x.upload.onprogress = function (e) { if (e.lengthComputable) bar.value = 100 * e.loaded / e.total; };
      x.onload = function () {
        var d = null;
        try { d = JSON.parse(x.responseText); } catch (e) { /* not JSON */ }
        if (x.status !== 202) { msg.textContent = (d && d.error && d.error.message) || ('HTTP ' + x.status); return; }
        bar.value = 100;
        msg.textContent = 'Ingesting…';
        poll(d.id);
      };
      x.onerror = function () { msg.textContent = 'Upload failed.'; };
      x.send(fd);
    }
    function poll(id) {
      api('GET', '/v1/ingest/jobs/' + encodeURIComponent(id)).then(function (r) {
        if (!r.ok) { msg.textContent = errText(r); return; }
        var j = r.data;
        if (j.state === 'queued' || j.state === 'running') { setTimeout(function () { poll(id); }, 400); return; }
        msg.textContent = j.state + ': ' + j.added + ' added, ' + j.updated + ' updated, ' + j.unchanged + ' unchanged, ' + j.chunks + ' chunks' +
          (j.failed.length ? '; failed: ' + j.failed.map(function (f) { return f.file + ' (' + f.reason + ')'; }).join(', ') : '');
        load();
      });
    }
    function load() {
      api('GET', '/v1/documents?limit=1000').then(function (r) {
        clear(list);
        if (!r.ok) { add(list, errorBox(r)); return; }
        add(list, h('p', { class: 'muted' }, r.data.documents.length + (r.data.next ? '+' : '') + ' documents'),
          table([['Id', function (d) { return d.id; }], ['Kind', function (d) { return d.kind; }], ['Title', function (d) { return d.title; }],
            ['Lang', function (d) { return d.lang || ''; }], ['Chunks', function (d) { return d.chunks; }], ['Updated', function (d) { return when(d.updated); }],
            ['', function (d) {
              return h('button', { type: 'button', class: 'danger', 'aria-label': 'Delete ' + d.id, onclick: function () {
                if (!confirm('Delete ' + d.id + '?')) return;
                api('DELETE', '/v1/documents/' + encodeURIComponent(d.id)).then(function (x) { msg.textContent = x.ok ? 'Deleted ' + d.id + '.' : errText(x); load(); });
              } }, 'Delete');
            }]], r.data.documents));
      });
    }
    load();
  };

  // gaps renders GET /v1/gaps: clusters of unanswered questions with the
  // nearest documents (a high score: the answer exists but was not found).
  pages.gaps = function () {
    show(h('p', { class: 'muted' }, 'Loading…'));
    api('GET', '/v1/gaps').then(function (r) {
      if (r.status === 404) { show(unavailable('Knowledge gaps', 'GET /v1/gaps')); return; }
      if (!r.ok) { show(errorBox(r)); return; }
      var g = r.data;
      show(h('div', { class: 'cards', 'data-state': 'gaps' },
        h('div', { class: 'card' }, h('div', { class: 'v' }, fmt(g.questions)), h('div', { class: 'k' }, 'unanswered questions')),
        h('div', { class: 'card' }, h('div', { class: 'v' }, fmt(g.gaps.length)), h('div', { class: 'k' }, 'gaps')),
        h('div', { class: 'card' }, h('div', { class: 'v' }, fmt(g.unclustered)), h('div', { class: 'k' }, 'unclustered'))),
        h('p', { class: 'muted' }, when(g.from) + ' – ' + (g.to ? when(g.to) : 'now') + ' · ' + g.vectors + ' vectors'),
        g.gaps.map(function (x) {
          return h('section', { class: 'detail' },
            h('h2', null, x.size + ' questions · ' + (x.terms || []).join(', ')),
            h('p', { class: 'muted' }, 'earlier ' + x.earlier + ' → recent ' + x.recent + ' · ' +
              Object.keys(x.languages || {}).map(function (l) { return l + ' ' + x.languages[l]; }).join(', ')),
            h('ul', null, (x.questions || []).map(function (q) { return h('li', null, q); })),
            x.nearest_documents && x.nearest_documents.length ? [h('p', { class: 'muted' }, 'Nearest documents:'),
              h('ul', null, x.nearest_documents.map(function (d) { return h('li', null, (d.title || d.id) + ' (' + fmt(d.score) + ')'); }))] : null);
        }));
    });
  };
  // faq lists the FAQ candidates (GET /v1/faq-candidates) with approve and
  // reject buttons on the pending ones: approving ingests the candidate as
  // an FAQ entry, rejecting is final.
  pages.faq = function () {
    var status = h('select', { id: 'fstatus', onchange: function () { load(); } },
      ['pending', 'approved', 'rejected', ''].map(function (s) { return h('option', { value: s }, s || 'any status'); }));
    var msg = h('p', { id: 'faq-status', role: 'status', class: 'muted' });
    var list = h('div');
    show(h('div', { class: 'row' }, h('div', null, h('label', { htmlFor: 'fstatus' }, 'Status'), status)), msg, list);
    function decide(c, verb) {
      api('POST', '/v1/faq-candidates/' + encodeURIComponent(c.id) + '/' + verb).then(function (r) {
        if (!r.ok) { msg.textContent = 'Candidate ' + c.id + ': ' + errText(r); return; }
        var d = r.data.candidate;
        msg.textContent = verb === 'approve'
          ? 'Candidate ' + c.id + ' approved: FAQ entry ' + d.document_id + ' (' + r.data.ingest + ').'
          : 'Candidate ' + c.id + ' rejected.';
        load();
      });
    }
    function load() {
      api('GET', '/v1/faq-candidates?limit=100' + (status.value ? '&status=' + status.value : '')).then(function (r) {
        clear(list);
        if (r.status === 404) { add(list, unavailable('FAQ candidates', 'GET /v1/faq-candidates')); return; }
        if (!r.ok) { add(list, errorBox(r)); return; }
        var cs = r.data.candidates;
        if (!cs.length) { add(list, h('p', { class: 'muted', 'data-state': 'empty' }, 'No ' + (status.value || '') + ' candidates.')); return; }
        add(list, cs.map(function (c) {
          return h('section', { class: 'detail', 'data-candidate': c.id, 'aria-label': 'Candidate ' + c.id },
            h('h2', null, c.question), h('p', null, c.answer),
            h('p', { class: 'muted' }, [c.status, 'from ' + human(c.source) + ' ' + c.source_id, c.lang || '', when(c.created),
              c.decided_by ? 'decided by ' + c.decided_by + ' ' + when(c.decided) : '', c.document_id || ''].filter(Boolean).join(' · ')),
            c.status === 'pending' ? h('div', { class: 'row' },
              h('button', { type: 'button', 'data-action': 'approve', 'aria-label': 'Approve candidate ' + c.id, onclick: function () { decide(c, 'approve'); } }, 'Approve'),
              h('button', { type: 'button', class: 'danger', 'data-action': 'reject', 'aria-label': 'Reject candidate ' + c.id, onclick: function () {
                if (confirm('Reject candidate ' + c.id + '? This is final.')) decide(c, 'reject');
              } }, 'Reject')) : null);
        }));
      });
    }
    load();
  };

  // evalReport renders GET /v1/eval/report: the latest published eval
  // report, per suite a table of its metrics overall and by language.
  var evalMetrics = [
    ['queries', function (b) { return b.queries; }], ['answerable', function (b) { return b.answerable; }],
    ['hit@1', function (b) { return b.retrieval['hit@1']; }], ['recall@10', function (b) { return b.retrieval['recall@10']; }],
    ['MRR@10', function (b) { return b.retrieval['mrr@10']; }], ['nDCG@10', function (b) { return b.retrieval['ndcg@10']; }],
    ['AUROC', function (b) { return b.decision.auroc; }], ['ECE', function (b) { return b.decision.ece; }],
    ['answer rate', function (b) { return b.decision.answer_rate; }], ['answer precision', function (b) { return b.decision.answer_precision; }],
    ['accuracy', function (b) { return b.decision.accuracy; }],
    ['escalation precision', function (b) { return b.decision.escalation_precision; }], ['escalation recall', function (b) { return b.decision.escalation_recall; }],
    ['answer rate at 95%', function (b) { return b.decision.answer_rate_at_95; }], ['citation precision', function (b) { return b.citations.precision; }],
    ['latency p50 (ms)', function (b) { return b.latency_ms.p50; }], ['latency p95 (ms)', function (b) { return b.latency_ms.p95; }]
  ];
  function metric(v) { return v == null ? '—' : fmt(v); }
  pages.eval = function () {
    show(h('p', { class: 'muted' }, 'Loading…'));
    api('GET', '/v1/eval/report').then(function (r) {
      if (r.status === 404 && r.data && r.data.error && r.data.error.code === 'no_eval_report') {
        show(h('div', { class: 'unavailable', role: 'status', 'data-state': 'no-report' }, h('strong', null, 'No eval report yet. '), errText(r)));
        return;
      }
      if (r.status === 404) { show(unavailable('Eval reports', 'GET /v1/eval/report')); return; }
      if (!r.ok) { show(errorBox(r)); return; }
      var rep = r.data.report, engine = rep.engine || {};
      show(h('p', { class: 'muted', 'data-state': 'eval-report' }, 'Published ' + when(r.data.published) + ' · ' + rep.suites.length + (rep.suites.length === 1 ? ' suite' : ' suites')),
        h('p', { class: 'muted' }, Object.keys(engine).sort().map(function (k) { return k + ': ' + engine[k]; }).join(' · ')),
        rep.suites.map(function (su) {
          var langs = Object.keys(su.by_language || {}).sort();
          var groups = [['all', su]].concat(langs.map(function (l) { return [l, su.by_language[l]]; }));
          return h('section', { class: 'detail', 'data-suite': su.name, 'aria-label': 'Suite ' + su.name },
            h('h2', null, su.name),
            h('p', { class: 'muted' }, su.documents + ' documents · ' + su.queries + ' queries · ' + su.answerable + ' answerable' + (su.errors ? ' · ' + su.errors + ' errors' : '')),
            h('table', null, h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'metric'), groups.map(function (g) { return h('th', { scope: 'col' }, g[0]); }))),
              h('tbody', null, evalMetrics.map(function (m) {
                return h('tr', { 'data-metric': m[0] }, h('th', { scope: 'row' }, m[0]), groups.map(function (g) { return h('td', null, metric(m[1](g[1]))); }));
              }))));
        }));
    });
  };

  pages.keys = function () {
    var name = h('input', { type: 'text', id: 'kname', placeholder: 'website widget' });
    var type = h('select', { id: 'ktype', onchange: sync }, h('option', { value: 'secret' }, 'secret'), h('option', { value: 'publishable' }, 'publishable (web widget)'));
    var scopes = ['ask', 'ingest', 'admin'].map(function (s) { return h('input', { type: 'checkbox', id: 'scope-' + s, value: s, checked: s === 'ask' }); });
    var origins = h('input', { type: 'text', id: 'korigins', placeholder: 'https://shop.example' });
    var scopeBox = h('div', null, h('label', null, 'Scopes'), scopes.map(function (c) { return h('label', { htmlFor: c.id, class: 'inline' }, c, ' ' + c.value + ' '); }));
    var originBox = h('div', { hidden: true }, h('label', { htmlFor: 'korigins' }, 'Origins (comma-separated)'), origins);
    var created = h('div', { role: 'status' }), list = h('div');
    function sync() { var pub = type.value === 'publishable'; scopeBox.hidden = pub; originBox.hidden = !pub; }
    show(h('form', { class: 'row', onsubmit: create },
      h('div', null, h('label', { htmlFor: 'kname' }, 'Name'), name), h('div', null, h('label', { htmlFor: 'ktype' }, 'Type'), type),
      scopeBox, originBox, h('button', { type: 'submit' }, 'Create key')), created, list);
    function create(ev) {
      ev.preventDefault();
      var body = { name: name.value };
      if (type.value === 'publishable') { body.publishable = true; body.origins = origins.value.split(',').map(function (s) { return s.trim(); }).filter(Boolean); }
      else body.scopes = scopes.filter(function (c) { return c.checked; }).map(function (c) { return c.value; });
      api('POST', '/v1/keys', body).then(function (r) {
        clear(created);
        if (!r.ok) { add(created, errorBox(r)); return; }
        add(created, h('div', { class: 'detail' }, h('p', null, 'Key ' + r.data.api_key.id + ' created. It is shown once: store it now.'),
          h('p', { class: 'secret' }, r.data.key),
          r.data.api_key.publishable ? h('p', { class: 'secret' }, '<script src="' + location.origin + '/widget.js" data-key="' + r.data.key + '" defer></script>') : null));
        load();
      });
    }
    function load() {
      api('GET', '/v1/keys').then(function (r) {
        clear(list);
        if (!r.ok) { add(list, errorBox(r)); return; }
        add(list, table([['Key', function (k) { return k.prefix + '…'; }], ['Name', function (k) { return k.name; }],
          ['Scopes', function (k) { return k.scopes.join(', '); }], ['Origins', function (k) { return (k.origins || []).join(', '); }],
          ['Created', function (k) { return when(k.created); }], ['Status', function (k) { return k.revoked ? 'revoked ' + when(k.revoked) : 'active'; }],
          ['', function (k) {
            return k.revoked ? '' : h('button', { type: 'button', class: 'danger', 'aria-label': 'Revoke ' + k.prefix, onclick: function () {
              if (!confirm('Revoke ' + k.prefix + '…? Clients using it stop working.')) return;
              api('DELETE', '/v1/keys/' + encodeURIComponent(k.id)).then(function (x) { if (!x.ok) add(created, errorBox(x)); load(); });
            } }, 'Revoke');
          }]], r.data.keys));
      });
    }
    load();
  };

  (pages[app.dataset.page] || pages[''])();
})();
