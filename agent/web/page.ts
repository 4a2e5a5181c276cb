// The agent's read-only web page: one HTML document with its style and script inline (no framework,
// no fonts, no other request but its polls of /api/state), allowed by a Content-Security-Policy that
// names their hashes, so nothing else can run in it. Everything shown is set as text, never as HTML.
import { createHash } from 'node:crypto';

const STYLE = `
:root{color-scheme:light dark;--ok:#1a7f37;--bad:#cf222e;--warn:#9a6700;--mute:#6e7781;--line:#d0d7de}
body{font:14px/1.45 system-ui,sans-serif;margin:0;padding:12px;max-width:1100px;margin-inline:auto}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:20px 0 6px}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;color:#fff;background:var(--mute)}
.Synced,.Healthy,.ok{background:var(--ok)}.Failed,.Degraded,.failed,.Missing{background:var(--bad)}
.Progressing,.Unknown,.Standby,.Suspended,.skipped{background:var(--warn)}
.mute{color:var(--mute)}.err{color:var(--bad);white-space:pre-wrap;word-break:break-word}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:3px 6px;border-bottom:1px solid var(--line);vertical-align:top}
td.msg{word-break:break-word}details{margin:6px 0}summary{cursor:pointer;font-weight:600}
.scroll{overflow-x:auto}code{font-size:12px}#login{display:none}
pre{overflow-x:auto;font-size:12px;background:rgba(127,127,127,.1);padding:6px}button.ref{all:unset;cursor:pointer;text-decoration:underline dotted;word-break:break-word}
@media (max-width:640px){.wide{display:none}td,th{padding:3px 3px}}
`;

const SCRIPT = `
const $ = (id) => document.getElementById(id);
let etag = '';
const el = (tag, text, cls) => { const e = document.createElement(tag); if (text !== undefined) e.textContent = String(text); if (cls) e.className = cls; return e; };
const badge = (s) => el('span', s, 'badge ' + s);
const short = (c) => (c || '').slice(0, 12);
const when = (t) => t ? new Date(t).toLocaleString() : '';
const ref = (r) => r.kind + ' ' + (r.namespace ? r.namespace + '/' : '') + r.name;
function link(text, href) { if (!href) return el('code', text); const a = el('a', text); a.href = href; a.rel = 'noreferrer'; return a; }
function row(cells, wide) { const tr = el('tr'); cells.forEach((c, i) => { const td = el('td'); if (wide && wide.includes(i)) td.className = 'wide'; if (c instanceof Node) td.append(c); else td.textContent = c ?? ''; tr.append(td); }); return tr; }
function table(head, rows, wide) { const t = el('table'); const h = el('tr'); head.forEach((x, i) => { const th = el('th', x); if (wide && wide.includes(i)) th.className = 'wide'; h.append(th); }); t.append(h, ...rows); const d = el('div'); d.className = 'scroll'; d.append(t); return d; }
function pick(r) { const b = el('button', ref(r), 'ref'); b.addEventListener('click', () => show(r)); return b; }
async function show(r) {
  const token = sessionStorage.getItem('token');
  const res = await fetch('api/object?' + new URLSearchParams(r), { headers: token ? { Authorization: 'Bearer ' + token } : {}, cache: 'no-store' });
  const o = $('object'); o.replaceChildren();
  if (res.status !== 200) { o.append(el('div', 'the agent answered ' + res.status, 'err')); return; }
  const c = await res.json();
  o.append(el('h2', c.object), el('div', c.file || '', 'mute'));
  if (c.problem) o.append(el('div', c.problem, 'err'));
  else if (c.live === undefined) o.append(el('div', 'not in the cluster: git sets', 'err'), el('pre', c.desired));
  else if (!c.diff) o.append(el('div', 'live agrees with git on the fields we set:'), el('pre', c.desired));
  else o.append(el('div', 'live differs from git on the fields we set:', 'err'), el('pre', c.diff));
  o.scrollIntoView();
}
function counts(c) { return Object.entries(c).filter(([, n]) => n > 0).map(([a, n]) => n + ' ' + a).join(', ') || 'no objects'; }
function render(v) {
  document.title = v.env + ' · typed-gitops';
  $('env').textContent = v.env;
  $('badges').replaceChildren(badge(v.sync), ...(v.health ? [document.createTextNode(' '), badge(v.health.status)] : []));
  $('health').textContent = v.health && v.health.status !== 'Healthy' ? v.health.message : '';
  const c = $('commit'); c.replaceChildren();
  if (v.revision) {
    c.append('rendered ', link(short(v.revision), v.revisionUrl));
    if (v.sourceCommit) c.append(' from source ', link(short(v.sourceCommit), v.sourceUrl));
    if (v.commit) c.append(el('div', v.commit.subject), el('div', v.commit.author + ' · ' + when(v.commit.date), 'mute'));
  } else c.append('no revision applied yet');
  $('when').textContent = v.lastReconcileAt ? 'last reconcile ' + when(v.lastReconcileAt) : '';
  $('errors').replaceChildren(...v.errors.map((e) => el('div', e, 'err')), ...v.notices.map((n) => el('div', n, 'mute')));
  $('apps').replaceChildren(...v.apps.map((a) => {
    const d = el('details'); d.open = v.apps.length <= 3 || (a.health && a.health.status !== 'Healthy');
    const s = el('summary', a.name + ' '); if (a.health) s.append(badge(a.health.status)); s.append(el('span', ' ' + a.objects.length + (a.omitted ? ' of ' + (a.objects.length + a.omitted) : '') + ' objects', 'mute'));
    d.append(s, table(['object', 'last action', 'health', 'message'], a.objects.map((o) => row([pick(o.ref), badge(o.action), badge(o.health), el('span', o.health === 'Healthy' ? '' : o.message)], [3])), [3]));
    if (a.omitted) d.append(el('div', '… and ' + a.omitted + ' more', 'mute'));
    return d;
  }));
  $('reconciles').replaceChildren(table(['time', 'duration', 'revision', 'result', 'errors'], v.reconciles.map((r) =>
    row([when(r.at), (r.durationMs / 1000).toFixed(1) + ' s', short(r.revision), el('span', (r.ok ? 'ok: ' : 'failed: ') + counts(r.counts)), el('span', r.errors.join('\\n') + (r.errorCount > r.errors.length ? ' … and ' + (r.errorCount - r.errors.length) + ' more' : ''), 'err')], [2])), [2]));
  $('drift').replaceChildren(v.drift.length ? table(['time', 'object', 'what', 'detail'], v.drift.map((d) => row([when(d.at), d.object, el('span', d.what, 'badge ' + (d.what === 'fight' ? 'failed' : 'ok')), d.detail]))) : el('div', 'none since the agent started', 'mute'));
}
async function poll() {
  const token = sessionStorage.getItem('token');
  try {
    const res = await fetch('api/state', { headers: { ...(token ? { Authorization: 'Bearer ' + token } : {}), ...(etag ? { 'If-None-Match': etag } : {}) }, cache: 'no-store' });
    $('login').style.display = res.status === 401 ? 'block' : 'none';
    if (res.status === 200) { etag = res.headers.get('ETag') || ''; render(await res.json()); $('stale').textContent = ''; }
    else if (res.status !== 304 && res.status !== 401) $('stale').textContent = 'the agent answered ' + res.status;
  } catch (e) { $('stale').textContent = 'cannot reach the agent; showing what it said last'; }
  setTimeout(poll, 2000);
}
$('login').addEventListener('submit', (e) => { e.preventDefault(); sessionStorage.setItem('token', $('token').value); etag = ''; });
poll();
`;

const BODY = `<header><h1><span id="env">…</span> <span id="badges"></span></h1>
<div id="health" class="err"></div><div id="commit"></div><div id="when" class="mute"></div><div id="stale" class="err"></div></header>
<form id="login"><label>This agent has a webhook secret: enter it to see its state <input id="token" type="password" autocomplete="off"></label> <button>Show</button></form>
<div id="errors"></div>
<h2>Apps</h2><div id="apps"></div>
<h2>Last reconciles</h2><div id="reconciles"></div>
<h2>Drift corrections and fights</h2><div id="drift"></div>
<div id="object"></div>`;

const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

export const PAGE_HTML = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>typed-gitops</title><style>${STYLE}</style></head><body>${BODY}<script>${SCRIPT}</script></body></html>`;

/** Only the inline style and script above run; requests go to this agent only; no frame may embed the page. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': `default-src 'none'; style-src ${hash(STYLE)}; script-src ${hash(SCRIPT)}; connect-src 'self'; img-src 'none'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'`,
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-cache',
};
