// The Switchboard dashboard: links, route queues, SMPP client sessions, messages and the operator's actions, from
// the JSON admin API.
// Every URL is relative, so the page works at `/` and under a reverse proxy's sub-path alike. The status is polled
// every second; when the gateway is away (a restart), polling goes on and the page comes back by itself. A refused
// password (401/403) clears everything shown and asks for the login again.
import { Sparkline } from './charts.js';
import { count, duration, h, millis, setText, time } from './view.js';

const POLL_MS = 1000;
const TIMEOUT_MS = 5000;
const STORE = 'switchboard.dashboard.auth';
const FINAL = new Set(['delivered', 'undeliverable', 'expired', 'removed', 'failed']);

const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

const state = {
  /** HTTP Basic credentials (base64), or '' for none. */
  auth: sessionStorage.getItem(STORE) ?? '',
  /** 'admin' | 'read' once logged in. */
  access: null,
  /** The gateway has an smpp-server section: its client sessions are shown (the login's answer says so). */
  smpp: false,
  /** Bumped at every login and logout: answers to an older session are dropped. */
  session: 0,
  timer: 0,
  reachable: true,
  /** id → link card */
  links: new Map(),
  /** key → route row */
  routes: new Map(),
  /** SMPP session id → session row */
  sessions: new Map(),
  /** The open peek: { route, which: 'queued' | 'failed', cursor } */
  peek: null,
  /** The message shown: its id, last status, and until when to refresh it even when final (after an action). */
  message: null,
};

class Refused extends Error {
  /** @param {string} message @param {number} status */
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}
class Unreachable extends Error {}

const base64 = (s) => btoa(String.fromCharCode(...new TextEncoder().encode(s)));

/** A call to the admin API. Throws Refused on 401/403, Unreachable when nothing (or a proxy's 5xx) answers. */
async function call(method, path, body) {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), TIMEOUT_MS);
  let res;
  try {
    res = await fetch(path, {
      method,
      // The credentials go in an explicit header; 'omit' also keeps the browser from offering its own login box.
      credentials: 'omit',
      cache: 'no-store',
      headers: {
        ...(state.auth ? { authorization: `Basic ${state.auth}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: abort.signal,
    });
  } catch (e) {
    throw new Unreachable(e instanceof Error && e.name === 'AbortError' ? 'no answer' : 'cannot connect');
  } finally {
    clearTimeout(timer);
  }
  let json;
  try {
    json = await res.json();
  } catch {
    json = undefined;
  }
  // 429: this address failed too many logins; the gateway says when it may try again.
  if (res.status === 401 || res.status === 403 || res.status === 429)
    throw new Refused(json?.error?.message ?? `refused (${res.status})`, res.status);
  if (res.status >= 500) throw new Unreachable(json?.error?.message ?? `HTTP ${res.status}`);
  return { status: res.status, json };
}

// ---- login ------------------------------------------------------------------------------------------------------

function showLogin(message) {
  $('app').hidden = true;
  $('logout').hidden = true;
  setText($('who'), '');
  $('login').hidden = false;
  setText($('login-error'), message ?? '');
  /** @type {HTMLInputElement} */ ($('password')).focus();
}

/** @param {{ access: 'admin' | 'read', smppServer?: boolean }} answer what /api/v1/access said */
function enter(answer) {
  const { access } = answer;
  if (state.access !== access) resetView();
  state.access = access;
  showSmpp(answer.smppServer === true);
  state.session++;
  document.body.dataset.access = access;
  $('login').hidden = true;
  $('app').hidden = false;
  $('logout').hidden = state.auth === '';
  setText($('who'), access === 'admin' ? 'admin' : 'read-only');
  clearTimeout(state.timer);
  void poll();
}

/** Forgets the login and everything shown with it. */
function logout(message) {
  state.session++;
  clearTimeout(state.timer);
  state.auth = '';
  state.access = null;
  showSmpp(false);
  sessionStorage.removeItem(STORE);
  delete document.body.dataset.access;
  resetView();
  showLogin(message);
}

/** Takes every figure, message and result off the page (the cards and rows are built again for the next access). */
function resetView() {
  for (const card of state.links.values()) card.destroy();
  state.links.clear();
  state.routes.clear();
  state.sessions.clear();
  state.peek = null;
  state.message = null;
  $('link-list').replaceChildren();
  $('route-rows').replaceChildren();
  $('smpp-rows').replaceChildren();
  $('smpp-waiting-rows').replaceChildren();
  $('peek').replaceChildren();
  $('peek').hidden = true;
  $('message').replaceChildren();
  $('result').hidden = true;
  setText($('gateway'), '');
}

async function boot() {
  try {
    const r = await call('GET', 'api/v1/access');
    connection(true);
    enter(r.json);
  } catch (e) {
    // Without a saved login a 401 just means "log in"; a 403 says why no password can help (which key to set).
    if (e instanceof Refused) return logout(state.auth ? 'The saved login was refused: log in again.' : e.status === 401 ? '' : e.message);
    connection(false, e.message);
    state.timer = setTimeout(boot, 2000);
  }
}

$('login').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const input = /** @type {HTMLInputElement} */ ($('password'));
  state.auth = base64(`dashboard:${input.value}`);
  input.value = '';
  try {
    const r = await call('GET', 'api/v1/access');
    sessionStorage.setItem(STORE, state.auth);
    connection(true);
    enter(r.json);
  } catch (e) {
    // 403: the address or the configuration closes the port whatever the password; say what the gateway said.
    if (e instanceof Refused) logout(e.status === 401 ? 'Wrong password.' : e.message);
    else {
      state.auth = '';
      setText($('login-error'), `The gateway cannot be reached (${e.message}).`);
    }
  }
});

$('logout').addEventListener('click', () => logout('Logged out.'));

// ---- polling ----------------------------------------------------------------------------------------------------

function connection(up, why) {
  const el = $('conn');
  el.dataset.state = up ? 'live' : 'away';
  setText(el, up ? 'live' : `gateway unreachable (${why}), retrying…`);
  document.body.classList.toggle('stale', !up);
}

async function poll() {
  const session = state.session;
  try {
    const r = await call('GET', 'api/v1/status');
    if (session !== state.session) return;
    if (!state.reachable) {
      // Back after an outage (a restart, maybe with another configuration): ask again what this login may do.
      const a = await call('GET', 'api/v1/access');
      if (session !== state.session) return;
      if (a.json.access !== state.access) return enter(a.json);
      // Restarted with or without an smpp-server section: the panel follows.
      showSmpp(a.json.smppServer === true);
    }
    state.reachable = true;
    connection(true);
    render(r.json);
    if (state.smpp) await pollSmpp(session);
    const m = state.message;
    if (m && (!FINAL.has(m.status) || Date.now() < m.watchUntil)) await lookup(m.id, true);
  } catch (e) {
    if (session !== state.session) return;
    if (e instanceof Refused) return logout('Your login was refused or has expired: log in again.');
    state.reachable = false;
    connection(false, e.message);
  }
  if (session === state.session) state.timer = setTimeout(poll, POLL_MS);
}

/** The SMPP clients panel, and its link in the header, shown or not. */
function showSmpp(on) {
  state.smpp = on;
  $('smpp').hidden = !on;
  $('smpp-nav').hidden = !on;
  if (on) return;
  state.sessions.clear();
  $('smpp-rows').replaceChildren();
  $('smpp-waiting-rows').replaceChildren();
}

async function pollSmpp(session) {
  const r = await call('GET', 'api/v1/smpp-sessions');
  if (session !== state.session) return;
  // 404 no_smpp_server: the gateway answering now has no smpp-server section (a restart in between).
  if (r.status === 404) return showSmpp(false);
  if (r.status === 200) renderSmpp(r.json, Date.now());
}

function pollNow() {
  clearTimeout(state.timer);
  void poll();
}

// ---- rendering --------------------------------------------------------------------------------------------------

function render(status) {
  const now = Date.now();
  const nodes = status.nodes.length;
  setText(
    $('gateway'),
    `${status.state} · v${status.version} · ${nodes} process${nodes === 1 ? '' : 'es'} · up ${duration(now - status.startedAt)} · ${count(status.sms.received.mt)} accepted · ${count(status.sms.sent.mt)} sent · ${count(status.sms.queued)} queued · ${count(status.sms.failed)} failed`,
  );
  $('gateway').dataset.state = status.state;

  reconcile(
    state.links,
    status.links,
    (l) => l.id,
    (id) => new LinkCard(id),
    $('link-list'),
    now,
  );
  setText($('links-empty'), status.links.length === 0 ? 'No links are configured.' : '');
  reconcile(
    state.routes,
    status.routes,
    (r) => r.key,
    (key) => new RouteRow(key),
    $('route-rows'),
    now,
  );
  setText($('routes-empty'), status.routes.length === 0 ? 'No route has been used yet.' : '');
  $('route-table').hidden = status.routes.length === 0;
}

/** One view per item in a container: made when first seen, updated at every status, removed when gone. */
function reconcile(views, items, keyOf, make, container, now) {
  const seen = new Set();
  for (const item of items) {
    const key = keyOf(item);
    seen.add(key);
    let view = views.get(key);
    if (!view) {
      view = make(key);
      views.set(key, view);
      container.append(view.el);
    }
    view.update(item, now);
  }
  for (const [key, view] of views) {
    if (seen.has(key)) continue;
    view.destroy?.();
    view.el.remove();
    views.delete(key);
  }
}

/** The SMPP server's client sessions, a row each, and the deliver_sm waiting per account. */
function renderSmpp(view, now) {
  reconcile(
    state.sessions,
    view.sessions,
    (s) => s.id,
    (id) => new SessionRow(id),
    $('smpp-rows'),
    now,
  );
  setText($('smpp-empty'), view.sessions.length === 0 ? 'No SMPP client is bound.' : '');
  $('smpp-table').hidden = view.sessions.length === 0;
  const accounts = [...new Set([...view.sessions.map((s) => s.account), ...Object.keys(view.waiting)])].sort();
  $('smpp-waiting-rows').replaceChildren(
    ...accounts.map((a) => {
      const bound = view.sessions.filter((s) => s.account === a).length;
      const waiting = view.waiting[a] ?? 0;
      // Waiting with nothing bound to take it: the client to look at.
      return h(
        'tr',
        { 'data-account': a, class: waiting > 0 && bound === 0 ? 'unbound' : undefined },
        h('td', {}, a),
        h('td', { class: 'num' }, count(bound)),
        h('td', { class: 'num waiting' }, count(waiting)),
      );
    }),
  );
  $('smpp-waiting-table').hidden = accounts.length === 0;
}

const button = (label, action, data, title) => h('button', { type: 'button', 'data-action': action, ...data, title }, label);

class LinkCard {
  constructor(id) {
    this.id = id;
    this.health = h('span', { class: 'badge link-health' });
    this.where = h('span', { class: 'where' });
    this.binds = h('tbody');
    this.rate = new Sparkline('submits/s', '#2563eb', (v) => v.toFixed(1));
    this.latency = new Sparkline('latency p50', '#d97706', millis);
    this.last = null;
    this.buttons =
      state.access === 'admin'
        ? {
            stop: button('Stop', 'link-stop', { 'data-link': id }, 'Unbind and keep down'),
            start: button('Start', 'link-start', { 'data-link': id }, 'Bind again'),
            drain: button('Drain', 'link-drain', { 'data-link': id }, 'Finish the window, take nothing new'),
          }
        : null;
    this.el = h(
      'article',
      { class: 'link', 'data-link': id },
      h(
        'header',
        {},
        h('h3', {}, id),
        this.where,
        this.health,
        this.buttons ? h('span', { class: 'actions' }, this.buttons.stop, this.buttons.start, this.buttons.drain) : null,
      ),
      h(
        'div',
        { class: 'link-body' },
        h(
          'table',
          { class: 'binds' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ...['bind', 'state', 'since', 'reason', 'window', 'rate', 'accepted', 'refused', 'unanswered', 'process'].map((t) =>
                h('th', {}, t),
              ),
            ),
          ),
          this.binds,
        ),
        h('div', { class: 'charts' }, this.rate.el, this.latency.el),
      ),
    );
  }

  update(link, now) {
    const label = link.admin === 'stopped' ? 'stopped' : link.admin === 'draining' ? 'draining' : link.healthy ? 'up' : 'down';
    this.el.dataset.health = label;
    setText(this.health, label);
    setText(this.where, `smsc-id ${link.smscId} · ${link.host}:${link.port}`);
    if (this.buttons) {
      this.buttons.stop.disabled = link.admin === 'stopped';
      this.buttons.start.disabled = link.admin === 'running';
      this.buttons.drain.disabled = link.admin !== 'running';
    }
    this.binds.replaceChildren(
      ...link.binds.map((b) =>
        h(
          'tr',
          { 'data-bind': b.bind },
          h('td', {}, b.bind),
          h('td', {}, h('span', { class: `state state-${b.state}` }, b.state, b.probation ? ' (probation)' : '')),
          h('td', { title: time(b.since) }, duration(now - b.since)),
          h('td', { class: 'reason' }, b.reason ?? ''),
          h('td', {}, `${b.window.inUse}/${b.window.size}`),
          h('td', {}, `${b.throughput.actual.toFixed(1)}${b.throughput.limit ? `/${b.throughput.limit}` : ''}`),
          h('td', {}, count(b.counters.accepted)),
          h('td', {}, count(b.counters.refused)),
          h('td', {}, count(b.counters.unanswered)),
          h('td', { class: 'node' }, b.node || '–'),
        ),
      ),
    );
    if (link.binds.length === 0) this.binds.append(h('tr', {}, h('td', { colspan: 10, class: 'empty' }, 'no bind')));
    // The rate from the submit counters between two polls: livelier than the bind's one-minute figure.
    const submitted = link.binds.reduce((n, b) => n + b.counters.submitted, 0);
    const rate =
      this.last && submitted >= this.last.submitted ? ((submitted - this.last.submitted) * 1000) / Math.max(1, now - this.last.at) : 0;
    this.last = { at: now, submitted };
    this.rate.push(now, rate);
    const p50 = link.binds.map((b) => b.latencyMs.p50).filter((v) => v !== undefined && v !== null);
    this.latency.push(now, p50.length ? Math.max(...p50) : undefined);
  }

  destroy() {
    this.rate.destroy();
    this.latency.destroy();
  }
}

class RouteRow {
  constructor(key) {
    this.key = key;
    const cell = (cls) => h('td', { class: cls });
    this.cells = {
      links: cell('links'),
      draining: cell('draining'),
      queued: cell('queued num'),
      detail: cell('detail num'),
      failed: cell('failed num'),
      oldest: cell('oldest num'),
      state: cell('route-state'),
    };
    this.pause = state.access === 'admin' ? button('Pause', 'route-pause', { 'data-route': key }) : null;
    this.el = h(
      'tr',
      { 'data-route': key },
      h('td', { class: 'key', title: key }, key),
      this.cells.links,
      this.cells.draining,
      this.cells.queued,
      this.cells.detail,
      this.cells.failed,
      this.cells.oldest,
      this.cells.state,
      h(
        'td',
        { class: 'actions' },
        this.pause,
        button('Queued', 'peek-queued', { 'data-route': key }, 'Show the first queued messages'),
        button('Failed', 'peek-failed', { 'data-route': key }, 'Show the failed messages'),
      ),
    );
  }

  update(r) {
    setText(this.cells.links, `${r.preferred.join(', ') || '–'}${r.fallback.length ? ` → ${r.fallback.join(', ')}` : ''}`);
    // A route none of whose links is configured: its messages wait for a reload or an operator.
    setText(this.cells.draining, r.noLink ? 'no link (configured)' : r.drainingLinks.join(', ') || 'none');
    setText(this.cells.queued, count(r.counts.queued));
    setText(this.cells.detail, `${count(r.counts.waiting)} / ${count(r.counts.active)} / ${count(r.counts.delayed)}`);
    setText(this.cells.failed, count(r.counts.failed));
    setText(this.cells.oldest, r.oldestAgeMs === undefined ? '–' : duration(r.oldestAgeMs));
    setText(this.cells.state, r.paused ? 'paused' : 'running');
    this.el.dataset.paused = String(r.paused);
    this.el.classList.toggle('no-link', r.noLink === true);
    this.el.classList.toggle('has-failed', r.counts.failed > 0);
    if (this.pause) {
      this.pause.dataset.action = r.paused ? 'route-resume' : 'route-pause';
      setText(this.pause, r.paused ? 'Resume' : 'Pause');
    }
  }
}

class SessionRow {
  constructor(id) {
    this.id = id;
    const cell = (cls) => h('td', { class: cls });
    this.cells = {
      account: cell('account'),
      kind: cell('kind'),
      remote: cell('remote'),
      online: cell('online num'),
      window: cell('window num'),
      submits: cell('submits num'),
      delivers: cell('delivers num'),
      failures: cell('failures num'),
      node: cell('node'),
    };
    this.disconnect =
      state.access === 'admin' ? button('Disconnect', 'smpp-disconnect', { 'data-session': id }, 'Unbind this session') : null;
    this.el = h('tr', { 'data-session': id }, ...Object.values(this.cells), h('td', { class: 'actions' }, this.disconnect));
  }

  update(s, now) {
    setText(this.cells.account, s.account);
    setText(this.cells.kind, s.kind);
    setText(this.cells.remote, s.tls ? `${s.remote} (TLS)` : s.remote);
    setText(this.cells.online, duration(now - s.boundAt));
    this.cells.online.title = time(s.boundAt);
    setText(this.cells.window, `${count(s.outstanding)}/${count(s.window)}`);
    setText(this.cells.submits, count(s.submits));
    setText(this.cells.delivers, count(s.delivers));
    setText(this.cells.failures, count(s.deliverFailures));
    setText(this.cells.node, s.node || '–');
    this.el.classList.toggle('has-failures', s.deliverFailures > 0);
    if (this.disconnect) this.disconnect.dataset.account = s.account;
  }
}

// ---- peek -------------------------------------------------------------------------------------------------------

async function openPeek(route, which, cursor) {
  const session = state.session;
  const q = new URLSearchParams({ state: which, limit: '50', ...(cursor ? { cursor } : {}) });
  try {
    const r = await call('GET', `api/v1/routes/${encodeURIComponent(route)}/messages?${q}`);
    if (session !== state.session) return;
    if (r.status !== 200) return showResult(false, errorText(r));
    state.peek = { route, which, cursor };
    renderPeek(r.json);
  } catch (e) {
    if (e instanceof Refused) return logout('Your login was refused or has expired: log in again.');
    showResult(false, e.message);
  }
}

function renderPeek(page) {
  const { route, which } = state.peek;
  const admin = state.access === 'admin' && which === 'failed';
  const rows = page.messages.map((m) =>
    h(
      'tr',
      { 'data-message': m.id },
      admin ? h('td', {}, h('input', { type: 'checkbox', value: m.id, 'aria-label': `select ${m.id}` })) : null,
      h('td', {}, h('button', { type: 'button', class: 'link-button', 'data-action': 'lookup', 'data-id': m.id }, m.id)),
      h('td', {}, m.to),
      h('td', {}, m.from),
      h('td', {}, m.account),
      h('td', {}, m.state),
      h('td', { class: 'num' }, m.attempts),
      h('td', {}, time(m.acceptedAt)),
      h('td', { class: 'reason' }, m.error ?? ''),
      h('td', { class: 'text' }, m.text),
    ),
  );
  const head = ['id', 'to', 'from', 'account', 'state', 'tries', 'accepted', 'error', 'text'];
  const panel = $('peek');
  panel.hidden = false;
  panel.replaceChildren(
    h(
      'header',
      {},
      h('h3', {}, `${which === 'failed' ? 'Failed' : 'Queued'} messages of route `, h('code', {}, route)),
      h(
        'span',
        { class: 'actions' },
        admin ? button('Retry selected', 'retry-selected') : null,
        admin ? button('Remove selected', 'remove-selected') : null,
        admin ? button('Retry all', 'retry-all') : null,
        admin ? button('Remove all', 'remove-all') : null,
        button('Refresh', 'peek-refresh'),
        page.next ? button('Next page', 'peek-next', { 'data-cursor': page.next }) : null,
        button('Close', 'peek-close'),
      ),
    ),
    rows.length === 0
      ? h('p', { class: 'empty' }, 'None.')
      : h(
          'table',
          { class: 'messages' },
          h('thead', {}, h('tr', {}, admin ? h('th', {}, '') : null, ...head.map((t) => h('th', {}, t)))),
          h('tbody', {}, ...rows),
        ),
  );
}

// ---- a message --------------------------------------------------------------------------------------------------

async function lookup(id, quietly = false) {
  const session = state.session;
  const out = $('message');
  try {
    const r = await call('GET', `api/v1/messages/${encodeURIComponent(id)}`);
    if (session !== state.session) return;
    if (r.status === 404) {
      state.message = null;
      return out.replaceChildren(h('p', { class: 'empty', 'data-found': 'false' }, `No message ${id}.`));
    }
    if (r.status !== 200) return showResult(false, errorText(r));
    state.message = { id, status: r.json.status, watchUntil: state.message?.id === id ? state.message.watchUntil : 0 };
    renderMessage(r.json);
  } catch (e) {
    if (quietly) throw e;
    if (e instanceof Refused) return logout('Your login was refused or has expired: log in again.');
    showResult(false, e.message);
  }
}

function renderMessage(m) {
  const fields = [
    ['status', m.status + (m.queueState ? ` (${m.queueState})` : '')],
    ['account', m.account],
    ['from', m.from],
    ['to', m.to],
    ['link', m.link ? `${m.link} (smsc-id ${m.smscId ?? '–'})` : undefined],
    ['route', m.route],
    ['accepted', m.acceptedAt ? time(m.acceptedAt) : undefined],
    ['submitted', m.submittedAt ? time(m.submittedAt) : undefined],
    ['updated', m.updatedAt ? time(m.updatedAt) : undefined],
    ['error', m.error],
    ['tries', m.attempts],
    ['dlr-mask', m.dlrMask],
    ['report to', m.callbackUrl ?? m.dlrUrl],
  ].filter(([, v]) => v !== undefined && v !== null && v !== '');
  const parts = m.parts ?? [];
  $('message').replaceChildren(
    h('h3', {}, 'Message ', h('code', {}, m.id), ' ', h('span', { class: `badge message-status status-${m.status}` }, m.status)),
    h('dl', {}, ...fields.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    parts.length
      ? h(
          'table',
          { class: 'parts' },
          h('thead', {}, h('tr', {}, h('th', {}, 'part'), h('th', {}, 'SMSC id'), h('th', {}, 'receipt'))),
          h(
            'tbody',
            {},
            ...parts.map((p) => h('tr', {}, h('td', {}, p.seq), h('td', {}, p.smscMessageId ?? '–'), h('td', {}, p.receipt ?? '–'))),
          ),
        )
      : null,
    h(
      'table',
      { class: 'history' },
      h('thead', {}, h('tr', {}, h('th', {}, 'when'), h('th', {}, 'event'), h('th', {}, 'part'), h('th', {}, 'detail'))),
      h(
        'tbody',
        {},
        ...(m.history ?? []).map((e) =>
          h('tr', {}, h('td', {}, time(e.at)), h('td', {}, e.event), h('td', {}, e.part ?? ''), h('td', {}, e.detail ?? '')),
        ),
      ),
    ),
  );
}

$('lookup').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const id = /** @type {HTMLInputElement} */ ($('lookup-id')).value.trim();
  if (id) void lookup(id);
});

// ---- actions ----------------------------------------------------------------------------------------------------

function confirmAction(text) {
  const dialog = /** @type {HTMLDialogElement} */ ($('confirm'));
  setText($('confirm-text'), text);
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise((resolve) => dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true }));
}

function errorText(r) {
  const e = r.json?.error;
  return e ? `${e.code}: ${e.message}${e.known ? ` (known: ${e.known.join(', ')})` : ''}` : `HTTP ${r.status}`;
}

function showResult(ok, text) {
  const el = $('result');
  el.hidden = false;
  el.dataset.ok = String(ok);
  setText(el, `${ok ? '✓' : '✗'} ${text}`);
}

/**
 * Asks, then posts; shows what the gateway answered. `describe` words a successful reply that is not an action
 * result (an SMPP disconnect, which other processes carry out, answers 202 with what it asked).
 */
async function act(question, path, body, describe) {
  if (!(await confirmAction(question))) return;
  try {
    const r = await call('POST', path, body);
    const result = r.json;
    if (describe && r.status >= 200 && r.status < 300) showResult(true, describe(result));
    else if (result && typeof result.ok === 'boolean') showResult(result.ok, `${result.action}: ${result.detail}`);
    else showResult(false, errorText(r));
  } catch (e) {
    if (e instanceof Refused) showResult(false, `refused: ${e.message}`);
    else showResult(false, e.message);
  }
  // An action may change the message shown (a retry): follow it for a while, even from a final state.
  if (state.message) state.message.watchUntil = Date.now() + 30_000;
  pollNow();
  if (state.peek) void openPeek(state.peek.route, state.peek.which, state.peek.cursor);
}

const selected = () =>
  [...document.querySelectorAll('#peek input[type=checkbox]:checked')].map((c) => /** @type {HTMLInputElement} */ (c).value);

document.addEventListener('click', (ev) => {
  const target = /** @type {HTMLElement} */ (ev.target).closest('button[data-action]');
  if (!target) return;
  const { action, link, route, id, cursor, session, account } = target.dataset;
  const link_ = link && encodeURIComponent(link);
  const route_ = route && encodeURIComponent(route);
  const peek = state.peek;
  switch (action) {
    case 'link-stop':
      return void act(`Stop link ${link}? It unbinds and stays down until started.`, `api/v1/links/${link_}/stop`);
    case 'link-start':
      return void act(`Start link ${link}?`, `api/v1/links/${link_}/start`);
    case 'link-drain':
      return void act(`Drain link ${link}? It finishes its window and takes nothing new.`, `api/v1/links/${link_}/drain`);
    case 'route-pause':
      return void act(`Pause route ${route}? Its messages wait until it is resumed.`, `api/v1/routes/${route_}/pause`);
    case 'route-resume':
      return void act(`Resume route ${route}?`, `api/v1/routes/${route_}/resume`);
    case 'smpp-disconnect':
      return void act(
        `Disconnect SMPP session ${session} of account ${account}? The client is asked to unbind (it may bind again).`,
        `api/v1/smpp-sessions/disconnect?session=${encodeURIComponent(session ?? '')}`,
        undefined,
        (r) => `asked to unbind session ${r.requested.session} (${r.sessions} session${r.sessions === 1 ? '' : 's'} bound)`,
      );
    case 'peek-queued':
      return void openPeek(route, 'queued');
    case 'peek-failed':
      return void openPeek(route, 'failed');
    case 'peek-refresh':
      return void (peek && openPeek(peek.route, peek.which, peek.cursor));
    case 'peek-next':
      return void (peek && openPeek(peek.route, peek.which, cursor));
    case 'peek-close':
      state.peek = null;
      $('peek').hidden = true;
      return void $('peek').replaceChildren();
    case 'lookup':
      /** @type {HTMLInputElement} */ ($('lookup-id')).value = id ?? '';
      $('messages').scrollIntoView();
      return void lookup(id ?? '');
    case 'retry-selected':
    case 'remove-selected':
    case 'retry-all':
    case 'remove-all': {
      if (!peek) return;
      const verb = action.startsWith('retry') ? 'retry' : 'remove';
      const all = action.endsWith('all');
      const ids = selected();
      if (!all && ids.length === 0) return showResult(false, 'select messages first');
      const what = all ? `every failed message of route ${peek.route}` : `${ids.length} failed message${ids.length === 1 ? '' : 's'}`;
      const question = verb === 'retry' ? `Queue ${what} again?` : `Remove ${what}? Each gets its final report.`;
      return void act(question, `api/v1/routes/${encodeURIComponent(peek.route)}/${verb}`, all ? {} : { ids });
    }
  }
});

void boot();
