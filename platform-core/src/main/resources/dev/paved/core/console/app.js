// Paved's admin console: one page over the admin port's JSON endpoints. No framework, no
// third-party code, no inline script or style (the page's Content-Security-Policy forbids them);
// every value is put in the page as text, never as markup. The token, when one is needed, stays in
// this tab's sessionStorage and goes out only as an Authorization header to this server.
'use strict';

const TOKEN_KEY = 'paved-admin-token';
const REFRESH_MS = 5000;
const SVG = 'http://www.w3.org/2000/svg';
const state = { session: null, view: 'overview', trace: null, span: null, filter: { route: '', status: '', minMs: '' }, message: null, timer: 0 };

function token() { return sessionStorage.getItem(TOKEN_KEY); }

/** An element: attrs holds attributes, 'text', 'class' and on<event> handlers; kids are nodes or text. */
function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'text') el.textContent = String(v);
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const kid of kids.flat(Infinity)) {
    if (kid === null || kid === undefined || kid === false) continue;
    el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  }
  return el;
}

function s(tag, attrs, ...kids) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v !== null && v !== undefined) el.setAttribute(k, String(v));
  }
  for (const kid of kids.flat(Infinity)) if (kid) el.append(kid);
  return el;
}

class HttpError extends Error {
  constructor(status, body) { super((body && body.error) || ('HTTP ' + status)); this.status = status; this.body = body; }
}

async function api(path, options) {
  const headers = Object.assign({ Accept: 'application/json' }, (options && options.headers) || {});
  const t = token();
  if (t) headers.Authorization = 'Bearer ' + t;
  const res = await fetch(path, Object.assign({ cache: 'no-store', credentials: 'omit' }, options || {}, { headers }));
  const body = res.headers.get('Content-Type') && res.headers.get('Content-Type').includes('json') ? await res.json() : null;
  if (!res.ok) throw new HttpError(res.status, body);
  return body;
}

function can(path) { return state.session && state.session.paths.includes(path); }

/** Runs an operator action; the answer (or the refusal) is shown as the view's message. */
async function act(name, params) {
  try {
    const r = await api('/actions/' + name, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Paved-Action': name }, body: JSON.stringify(params) });
    state.message = { fresh: true, error: false, text: 'Done: ' + r.target + (r.before !== null ? ' was ' + r.before : '') + (r.after !== null ? ', now ' + r.after : '') + (r.expiresAt ? ' until ' + time(r.expiresAt) : '') };
  } catch (e) {
    const why = e.status === 403 ? 'your role may not do this (operators only)' : e.status === 401 ? 'sign in with an operator token' : e.message;
    state.message = { fresh: true, error: true, text: 'Refused (' + (e.status || 'network') + '): ' + why };
  }
  render();
}

function actionButton(label, name, params) {
  return h('button', { type: 'button', onclick: () => act(name, params) }, label);
}

function number(v, digits) {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  return Number(v).toLocaleString('en', { maximumFractionDigits: digits === undefined ? 2 : digits });
}
function percent(v) { return number(100 * v, 2) + ' %'; }
function time(iso) { return new Date(iso).toLocaleTimeString('en-GB', { hour12: false }); }
function duration(seconds) {
  const d = Math.floor(seconds / 86400), hh = Math.floor(seconds % 86400 / 3600), m = Math.floor(seconds % 3600 / 60);
  return (d ? d + 'd ' : '') + (d || hh ? hh + 'h ' : '') + m + 'm ' + Math.floor(seconds % 60) + 's';
}
function badge(value) {
  const text = String(value);
  const kind = /^2\d\d$/.test(text) ? 'ok' : /^4\d\d$/.test(text) ? 'warn' : /^5\d\d$/.test(text) ? 'bad' : text;
  return h('span', { class: 'badge s-' + kind, text });
}

/** A line chart of values, with an optional dashed threshold; red once the last value is above it. */
function sparkline(values, opts) {
  const width = opts.width || 180, height = opts.height || 36;
  const max = Math.max(opts.threshold || 0, ...values, opts.min || 0) || 1;
  const step = values.length > 1 ? width / (values.length - 1) : width;
  const y = v => height - 2 - (height - 4) * (v / max);
  const points = values.map((v, i) => (i * step).toFixed(1) + ',' + y(v).toFixed(1)).join(' ');
  const last = values.length ? values[values.length - 1] : 0;
  const bad = opts.threshold !== undefined && last > opts.threshold;
  const svg = s('svg', { class: 'chart', width, height, viewBox: '0 0 ' + width + ' ' + height, role: 'img', 'aria-label': opts.label + ': last ' + number(last) + (opts.unit || '') + (bad ? ', above the alert threshold' : '') },
    s('line', { class: 'axis', x1: 0, y1: height - 1, x2: width, y2: height - 1 }));
  if (opts.threshold !== undefined) svg.append(s('line', { class: 'threshold', x1: 0, x2: width, y1: y(opts.threshold), y2: y(opts.threshold) }));
  if (values.length) svg.append(s('polyline', { class: bad ? 'line bad' : 'line', points }));
  const title = s('title');
  title.textContent = opts.label;
  svg.prepend(title);
  return svg;
}

/** A horizontal bar: share of a whole (0..1). */
function bar(share, label, error) {
  const w = 160, v = Math.max(0, Math.min(1, share));
  return s('svg', { class: 'chart', width: w, height: 12, role: 'img', 'aria-label': label },
    s('rect', { class: 'track', x: 0, y: 0, width: w, height: 12 }), s('rect', { class: error ? 'bar error' : 'bar', x: 0, y: 0, width: (w * v).toFixed(1), height: 12 }));
}

function table(headers, rows, opts) {
  return h('table', opts || {},
    h('thead', {}, h('tr', {}, headers.map(x => h('th', { scope: 'col', class: /^(p\d+|rate|errors|count|lag|ms|requests|share|calls)/i.test(x) ? 'num' : null, text: x })))),
    h('tbody', {}, rows.length ? rows : [h('tr', {}, h('td', { colspan: headers.length, class: 'muted', text: 'Nothing yet.' }))]));
}

function section(title, ...kids) { return h('section', { 'aria-label': title }, h('h2', { text: title }), kids); }

// ---------------------------------------------------------------- views

async function overview() {
  const info = await api('/info');
  const out = [];
  const svc = info.service || {};
  const rows = [
    ['Service', svc.name], ['Version', svc.version], ['Environment', svc.environment], ['Team', svc.owner], ['System', svc.system], ['Tier', svc.tier],
    ['Paved', info.platform && info.platform.sdkVersion], ['Configuration', 'version ' + info.config.version + ', hash ' + String(info.config.hash).slice(0, 12)],
    ['Up for', duration(info.platform.uptimeSeconds) + ' (since ' + new Date(info.platform.startedAt).toLocaleString('en-GB') + ')']];
  out.push(section('Identity', h('table', { class: 'identity' }, h('tbody', {}, rows.map(([k, v]) => h('tr', {}, h('th', { scope: 'row', text: k }), h('td', { text: v === null || v === undefined ? '–' : v })))))));
  if (can('/health/history')) {
    const hist = await api('/health/history');
    out.push(section('Health', table(['Check', 'Kind', 'Status', 'Reason', 'Took', 'Recent probes'], hist.checks.map(c => {
      const last = c.results[c.results.length - 1];
      return h('tr', {}, h('td', { text: c.name }), h('td', { text: c.kind }), h('td', {}, last ? badge(last.status) : '–'), h('td', { text: last && last.reason ? last.reason : '' }),
        h('td', { class: 'num', text: last ? last.durationMs + ' ms' : '–' }), h('td', {}, strip(c)));
    }), { id: 'health' })));
  }
  out.push(section('Operator actions', await actionsPanel()));
  return out;
}

function strip(check) {
  const w = 10, gap = 2;
  const svg = s('svg', { class: 'chart', width: 30 * (w + gap), height: 14, role: 'img', 'aria-label': check.name + ': last ' + check.results.length + ' probes, ' + check.results.filter(r => r.status !== 'UP').length + ' not up' });
  check.results.forEach((r, i) => {
    const rect = s('rect', { class: 'cell-' + r.status, x: i * (w + gap), y: 0, width: w, height: 14 });
    const t = s('title');
    t.textContent = time(r.checkedAt) + ' ' + r.status + ' ' + r.durationMs + ' ms' + (r.reason ? ': ' + r.reason : '');
    rect.append(t);
    svg.append(rect);
  });
  return svg;
}

async function actionsPanel() {
  const a = await api('/actions');
  const logger = h('input', { id: 'logger-name', name: 'logger', value: 'ROOT', required: true, size: 28 });
  const level = h('select', { id: 'logger-level', name: 'level' }, ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'OFF'].map(l => h('option', { value: l, selected: l === 'DEBUG', text: l })));
  const minutes = h('select', { id: 'logger-duration', name: 'duration' }, ['1m', '10m', '30m', '1h'].map(d => h('option', { value: d, selected: d === '10m', text: d })));
  const form = h('form', { class: 'inline', id: 'logger-form', 'aria-label': 'Change a logger level',
    onsubmit: ev => { ev.preventDefault(); act('logger-level', { logger: logger.value, level: level.value, duration: minutes.value }); } },
  h('label', { for: 'logger-name' }, 'Logger', logger), h('label', { for: 'logger-level' }, 'Level', level), h('label', { for: 'logger-duration' }, 'For', minutes),
  h('button', { type: 'submit', class: 'primary' }, 'Set level'),
  can('/config') ? h('button', { type: 'button', onclick: () => act('config-reload', {}) }, 'Reload configuration') : null);
  const active = table(['Active', 'Action', 'Set by', 'Ends', ''], a.active.map(x => h('tr', {}, h('td', { class: 'mono', text: x.key }), h('td', { text: x.action }), h('td', { text: x.setBy }),
    h('td', { text: time(x.expiresAt) }), h('td', {}, actionButton('End now', 'revert', { key: x.key })))), { id: 'active-actions' });
  return [h('p', { class: 'muted', text: 'Operators only; every action ends by itself and is written to the log as event.kind=admin_action.' }), form, active];
}

async function slos() {
  const all = await api('/slo?points=60');
  const names = Object.keys(all);
  if (!names.length) return [section('SLOs', h('p', { class: 'muted', text: 'This service declares no SLOs (platform.slo.objectives).' }))];
  return names.map(name => {
    const o = all[name];
    const remaining = o.errorBudgetRemaining;
    const charts = o.alerts.map(a => {
      const long = o.series.burnRates[a.longWindow], short = o.series.burnRates[a.shortWindow];
      return h('div', { class: 'card' + (a.firing ? ' firing' : '') },
        h('h3', {}, a.severity + ': ' + a.longWindow + ' and ' + a.shortWindow + ' over ' + number(a.factor) + 'x ', a.firing ? h('span', { class: 'badge s-bad', text: 'would fire' }) : h('span', { class: 'badge s-ok', text: 'quiet' })),
        h('p', { class: 'muted', text: 'Burn rate, last hour, ' + a.longWindow + ' window' }), sparkline(long, { label: name + ' burn rate over ' + a.longWindow, threshold: a.factor }),
        h('p', { class: 'muted', text: a.shortWindow + ' window' }), sparkline(short, { label: name + ' burn rate over ' + a.shortWindow, threshold: a.factor }));
    });
    return section('SLO ' + name,
      h('p', {}, o.kind + ', objective ' + o.objective + ' % over ' + o.window + (o.route ? ' on ' + o.route : '') + ' — ' + number(o.requests, 0) + ' events, ' + number(o.bad, 0) + ' bad'),
      h('p', { class: 'budget' }, 'Error budget left: ', h('strong', { class: remaining < 0 ? 's-bad' : '', 'data-budget': remaining, text: percent(remaining) }), ' ', bar(remaining, 'error budget left ' + percent(remaining), remaining < 0.25)),
      table(['Window', 'Burn rate'], Object.entries(o.burnRates).map(([w, r]) => h('tr', {}, h('td', { text: w }), h('td', { class: 'num', text: number(r, 3) })))),
      h('div', { class: 'grid' }, charts));
  });
}

async function traffic() {
  const t = await api('/routes');
  return [section('Traffic', h('p', {}, 'In flight now: ', h('strong', { id: 'in-flight', text: t.inFlight }), h('span', { class: 'muted', text: ' · one point every ' + t.stepSeconds + ' s' })),
    table(['Route', 'Requests', 'Rate /s', 'Errors', 'p50 ms', 'p95 ms', 'p99 ms', 'Rate', 'Errors', 'p99'], t.routes.map(r => h('tr', { 'data-route': r.route },
      h('td', { class: 'mono', text: r.route }), h('td', { class: 'num', text: number(r.requests, 0) }), h('td', { class: 'num', text: number(r.rate) }), h('td', { class: 'num', text: percent(r.errorRatio || 0) }),
      h('td', { class: 'num', text: number(r.p50Ms) }), h('td', { class: 'num', text: number(r.p95Ms) }), h('td', { class: 'num', text: number(r.p99Ms) }),
      h('td', {}, sparkline(r.points.map(p => p.rate), { label: r.route + ' requests per second', width: 120 })),
      h('td', {}, sparkline(r.points.map(p => p.errorRatio), { label: r.route + ' error ratio', width: 120, min: 0.01 })),
      h('td', {}, sparkline(r.points.map(p => p.p99Ms), { label: r.route + ' p99 ms', width: 120, unit: ' ms' })))), { id: 'routes' }))];
}

async function dependencies() {
  const out = [];
  const operator = state.session.role === 'operator';
  if (can('/dependencies')) {
    const d = await api('/dependencies');
    out.push(section('Dependencies', d.dependencies.length ? d.dependencies.map(x => h('div', { class: 'card', 'data-dependency': x.name },
      h('h3', {}, x.name + ' ', badge(x.breaker.state)),
      h('p', {}, 'Failure rate ' + (x.breaker.failureRate < 0 ? '– (too few calls)' : number(x.breaker.failureRate) + ' %') + ' · retry budget ' + x.retryBudget.available + ' left, ' + x.retryBudget.exhausted + ' refused · concurrency ' + x.concurrency.inUse + ' of ' + (x.concurrency.adaptiveLimit || x.concurrency.max)),
      h('p', {}, 'Calls: ' + (Object.entries(x.calls).map(([k, v]) => k + ' ' + v).join(', ') || 'none yet')),
      Object.keys(x.failuresByCause).length ? table(['Cause', 'Count'], Object.entries(x.failuresByCause).map(([k, v]) => h('tr', {}, h('td', { class: 'mono', text: k }), h('td', { class: 'num', text: v })))) : null,
      h('h4', { text: 'Breaker transitions' }), x.transitions.length ? h('ul', {}, x.transitions.map(e => h('li', { text: time(e.at) + ' ' + e.text }))) : h('p', { class: 'muted', text: 'None.' }),
      h('h4', { text: 'Recent failures' }), x.recentFailures.length ? h('ul', {}, x.recentFailures.slice(-8).map(e => h('li', { text: time(e.at) + ' ' + e.text }))) : h('p', { class: 'muted', text: 'None.' }),
      h('p', {}, actionButton('Force open for 10m', 'breaker', { dependency: x.name, state: 'open', duration: '10m' }), ' ',
        actionButton('Force closed for 10m', 'breaker', { dependency: x.name, state: 'closed', duration: '10m' }), operator ? '' : h('span', { class: 'muted', text: ' (operators only)' })))) : h('p', { class: 'muted', text: 'No dependency policy built yet.' })));
  }
  if (can('/consumers')) {
    const c = await api('/consumers');
    if (c.consumers.length) {
      out.push(section('Kafka consumers', c.consumers.map(x => h('div', { class: 'card' }, h('h3', { text: x.name + ' (group ' + x.group + ')' }), h('p', { text: 'Total lag ' + x.totalLag }),
        table(['Partition', 'Lag'], Object.entries(x.lag).map(([p, n]) => h('tr', {}, h('td', { class: 'mono', text: p }), h('td', { class: 'num', text: n }))))))));
    }
  }
  return out;
}

function spanRoute(span) { return span.attributes['http.route'] || span.attributes['messaging.destination.name'] || span.name; }
function spanFailed(span) { return span.status === 'ERROR' || Number(span.attributes['http.response.status_code']) >= 500; }
function root(trace) {
  const ids = new Set(trace.spans.map(x => x.spanId));
  return trace.spans.find(x => !x.parentSpanId || !ids.has(x.parentSpanId)) || trace.spans[0];
}

async function traces() {
  const t = await api('/traces?limit=100');
  if (state.trace) {
    const trace = t.traces.find(x => x.traceId === state.trace);
    if (trace) return waterfall(trace);
    state.trace = null;
  }
  const all = t.traces.map(x => ({ trace: x, root: root(x) }));
  const routes = [...new Set(all.map(x => spanRoute(x.root)))].sort();
  const f = state.filter;
  const route = h('select', { id: 'filter-route', onchange: e => { f.route = e.target.value; render(); } }, h('option', { value: '', text: 'every route' }), routes.map(r => h('option', { value: r, selected: r === f.route, text: r })));
  const status = h('select', { id: 'filter-status', onchange: e => { f.status = e.target.value; render(); } }, [['', 'any status'], ['ok', 'ok'], ['error', 'error']].map(([v, l]) => h('option', { value: v, selected: v === f.status, text: l })));
  const min = h('input', { id: 'filter-min', type: 'number', min: 0, value: f.minMs, size: 6, onchange: e => { f.minMs = e.target.value; render(); } });
  const shown = all.filter(x => (!f.route || spanRoute(x.root) === f.route) && (!f.status || (f.status === 'error') === spanFailed(x.root)) && (!f.minMs || x.root.durationMicros / 1000 >= Number(f.minMs)));
  return [section('Recent traces',
    h('form', { class: 'inline', 'aria-label': 'Filter traces', onsubmit: e => e.preventDefault() }, h('label', { for: 'filter-route' }, 'Route', route), h('label', { for: 'filter-status' }, 'Status', status), h('label', { for: 'filter-min' }, 'At least (ms)', min)),
    h('p', { class: 'muted', text: shown.length + ' of ' + all.length + ' traces in the buffer' + (t.droppedSpans ? ', ' + t.droppedSpans + ' spans dropped' : '') }),
    table(['Trace', 'Route', 'Status', 'Duration ms', 'Spans', 'Started'], shown.map(x => h('tr', {},
      h('td', {}, h('button', { type: 'button', class: 'row-button mono', 'data-trace': x.trace.traceId, onclick: () => { state.trace = x.trace.traceId; state.span = null; render(); } }, x.trace.traceId.slice(0, 16))),
      h('td', { class: 'mono', text: spanRoute(x.root) }), h('td', {}, badge(spanFailed(x.root) ? 'ERROR' : (x.root.attributes['http.response.status_code'] || x.root.status))),
      h('td', { class: 'num', text: number(x.root.durationMicros / 1000) }), h('td', { class: 'num', text: x.trace.spans.length }), h('td', { text: new Date(x.root.startEpochNanos / 1e6).toLocaleTimeString('en-GB') }))), { id: 'traces' }))];
}

function waterfall(trace) {
  const spans = [...trace.spans].sort((a, b) => a.startEpochNanos - b.startEpochNanos);
  const start = Math.min(...spans.map(x => x.startEpochNanos));
  const end = Math.max(...spans.map(x => x.startEpochNanos + x.durationMicros * 1000));
  const total = Math.max(1, end - start);
  const byId = new Map(spans.map(x => [x.spanId, x]));
  const depth = x => { let d = 0, p = x; while (p.parentSpanId && byId.has(p.parentSpanId) && d < 20) { p = byId.get(p.parentSpanId); d++; } return d; };
  const selected = spans.find(x => x.spanId === state.span) || spans[0];
  const rows = spans.map(x => {
    const w = 300, left = (x.startEpochNanos - start) / total * w, width = Math.max(1, x.durationMicros * 1000 / total * w);
    return h('tr', { 'data-span': x.spanId },
      h('td', {}, h('button', { type: 'button', class: 'row-button', onclick: () => { state.span = x.spanId; render(); } }, '\u00a0'.repeat(depth(x) * 3) + x.name)),
      h('td', { text: x.kind.toLowerCase() }), h('td', { class: 'num', text: number(x.durationMicros / 1000, 3) }),
      h('td', { class: 'bar-cell' }, s('svg', { class: 'chart', width: w, height: 12, role: 'img', 'aria-label': x.name + ' starts at ' + number((x.startEpochNanos - start) / 1e6, 3) + ' ms' },
        s('rect', { class: 'track', x: 0, y: 0, width: w, height: 12 }), s('rect', { class: spanFailed(x) ? 'bar error' : 'bar', x: left.toFixed(1), y: 1, width: width.toFixed(1), height: 10 }))));
  });
  return [section('Trace ' + trace.traceId,
    h('p', {}, h('button', { type: 'button', id: 'back-to-traces', onclick: () => { state.trace = null; render(); } }, '← All traces'), ' ' + spans.length + ' spans, ' + number(total / 1e6, 3) + ' ms'),
    table(['Span', 'Kind', 'ms', 'Timeline'], rows, { class: 'waterfall', id: 'waterfall' }),
    h('div', { class: 'card', id: 'span-detail' }, h('h3', { text: selected.name + ' (' + selected.status.toLowerCase() + ')' }),
      table(['Attribute', 'Value'], Object.entries(selected.attributes).map(([k, v]) => h('tr', {}, h('td', { class: 'mono', text: k }), h('td', { class: 'mono', text: v })))),
      h('h4', { text: 'Events' }),
      selected.events.length ? h('ul', { id: 'span-events' }, selected.events.map(e => h('li', {}, h('strong', { text: e.name }), ' +' + number((e.epochNanos - selected.startEpochNanos) / 1e6, 3) + ' ms ',
        h('span', { class: 'mono', text: Object.entries(e.attributes).map(([k, v]) => k + '=' + v).join(' ') })))) : h('p', { class: 'muted', text: 'No events.' })))];
}

async function flags() {
  const f = await api('/flags');
  return [section('Flags', h('p', {}, 'Source: ' + f.source + ' · ', badge(f.status), f.reason ? ' ' + f.reason : '', ' · last fetched: ' + (f.lastFetch === 'never' ? 'never' : f.lastFetch)),
    table(['Flag', 'Enabled', 'Evaluations by variant', 'Override', ''], f.flags.map(x => h('tr', { 'data-flag': x.name },
      h('td', { class: 'mono', text: x.name }), h('td', { text: x.enabled ? 'on' : 'off' }),
      h('td', { text: Object.entries(x.evaluations).map(([v, n]) => v + ': ' + n).join(', ') || 'none yet' }),
      h('td', { text: x.override ? 'forced ' + x.override : '' }),
      h('td', {}, x.override ? actionButton('End override', 'revert', { key: 'flag:' + x.name }) : [actionButton('Force on 10m', 'flag', { flag: x.name, value: 'on', duration: '10m' }), ' ', actionButton('Force off 10m', 'flag', { flag: x.name, value: 'off', duration: '10m' })]))), { id: 'flags' }))];
}

async function config() {
  const c = await api('/config');
  const out = [section('Configuration', h('p', { text: 'Version ' + c.version + ', hash ' + c.hash + ', applied ' + new Date(c.appliedAt).toLocaleString('en-GB') }),
    table(['Key', 'Value', 'Source'], Object.entries(c.values).map(([k, v]) => h('tr', {}, h('td', { class: 'mono', text: k }), h('td', { class: 'mono', text: v.value }), h('td', { class: 'mono', text: v.source }))), { id: 'config-values' }))];
  if (can('/config/history')) {
    const hist = await api('/config/history');
    out.push(section('History', hist.changes.slice().reverse().map(ch => h('div', { class: 'card' },
      h('h3', {}, new Date(ch.time).toLocaleString('en-GB') + ' ', badge(ch.outcome === 'rejected' ? 'ERROR' : 'ok'), ' ' + ch.outcome + ' (' + ch.trigger + ') → version ' + ch.version),
      ch.changes && ch.changes.length ? h('ul', {}, ch.changes.map(k => h('li', {}, h('code', { text: k.key }), ': ', h('span', { class: 'diff-before mono', text: k.before === null ? '(absent)' : k.before }), ' → ',
        h('span', { class: 'diff-after mono', text: k.after === null ? '(absent)' : k.after }), h('span', { class: 'muted', text: ' from ' + k.source + (k.restartRequired ? ', needs a restart' : '') })))) : null,
      ch.problems && ch.problems.length ? h('ul', {}, ch.problems.map(p => h('li', { class: 's-bad', text: typeof p === 'string' ? p : JSON.stringify(p) }))) : null))));
  }
  return out;
}

const VIEWS = { overview, slos, traffic, dependencies, traces, flags, config };
const NEEDS = { overview: '/info', slos: '/slo', traffic: '/routes', dependencies: '/dependencies', traces: '/traces', flags: '/flags', config: '/config' };

// ---------------------------------------------------------------- shell

async function session() {
  state.session = await api('/console/session');
  const s0 = state.session;
  const login = document.getElementById('login');
  login.hidden = s0.credential === 'open' || s0.credential === 'valid';
  document.getElementById('signout').hidden = !token();
  document.getElementById('who').textContent = s0.credential === 'open' ? 'Open environment: no token needed' : s0.role ? 'Signed in as ' + s0.role : s0.credential === 'invalid' ? 'That token is not valid here' : 'Sign in to see this service';
  for (const a of document.querySelectorAll('#views a')) {
    a.parentElement.hidden = s0.role !== null && !s0.paths.includes(NEEDS[a.dataset.view]);
  }
}

async function render() {
  const main = document.getElementById('main');
  const view = (location.hash.slice(1) || 'overview').split('/')[0];
  state.view = VIEWS[view] ? view : 'overview';
  for (const a of document.querySelectorAll('#views a')) {
    if (a.dataset.view === state.view) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  if (!state.session || !state.session.role) {
    main.replaceChildren(h('p', { class: 'message', text: 'This admin port needs a viewer or operator token (platform.admin.auth.tokens-file). Health, /info and /metrics stay open.' }));
    return;
  }
  try {
    const content = await VIEWS[state.view]();
    const m = state.message;
    // Announced once (role=alert) when it is new; shown quietly on the refreshes after.
    const message = m ? h('p', { class: m.error ? 'message error' : 'message', id: 'action-result', role: m.fresh ? 'alert' : null, text: m.text }) : null;
    if (m) m.fresh = false;
    const focus = focusKey(document.activeElement);
    main.replaceChildren(...[message].concat(content).filter(Boolean));
    restoreFocus(main, focus);
    document.getElementById('status').textContent = 'Updated ' + new Date().toLocaleTimeString('en-GB') + ' · refreshes every ' + REFRESH_MS / 1000 + ' s';
  } catch (e) {
    if (e.status === 401) { await session(); }
    main.replaceChildren(h('p', { class: 'message error', text: 'Could not load this view: ' + e.message }));
  }
}

async function identity() {
  try {
    const info = await api('/info');
    document.title = info.service.name + ' · admin console';
    document.getElementById('title').textContent = info.service.name;
    document.getElementById('identity').textContent = info.service.version + ' · ' + info.service.environment + ' · team ' + info.service.owner;
  } catch (e) { /* shown by the views */ }
}

/** What identifies a focused control across a redraw: its tag, id, data attributes, text and row. */
function focusKey(el) {
  const main = document.getElementById('main');
  if (!el || el === main || !main.contains(el)) return null;
  const row = el.closest('[data-span],[data-flag],[data-dependency],[data-route],[data-trace]');
  return [el.tagName, el.id, JSON.stringify(Object.assign({}, el.dataset)), el.textContent, row ? JSON.stringify(Object.assign({}, row.dataset)) : ''].join('|');
}

/** Puts the focus back on the same control after a redraw, so that the refresh never steals it. */
function restoreFocus(main, key) {
  if (!key) return;
  const tag = key.split('|')[0];
  for (const el of main.querySelectorAll(tag)) {
    if (focusKey(el) === key) { el.focus(); return; }
  }
}

function tick() {
  const active = document.activeElement;
  // Never redraw under someone typing or choosing in a form.
  if (!(active && active.closest('main form') && active.matches('input, select'))) render();
}

document.addEventListener('DOMContentLoaded', async () => {
  document.getElementById('login').addEventListener('submit', async ev => {
    ev.preventDefault();
    const field = document.getElementById('token');
    sessionStorage.setItem(TOKEN_KEY, field.value.trim());
    field.value = '';
    await session();
    render();
  });
  document.getElementById('signout').addEventListener('click', async () => { sessionStorage.removeItem(TOKEN_KEY); state.message = null; await session(); render(); });
  window.addEventListener('hashchange', () => { state.message = null; state.trace = null; render(); document.getElementById('main').focus(); });
  await identity();
  await session();
  await render();
  state.timer = setInterval(tick, REFRESH_MS);
});
