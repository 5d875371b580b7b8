// DOM building and formatting for the dashboard. Text from the gateway (link names, reasons, message texts) only
// ever becomes Text nodes or attribute values: nothing here parses HTML, so nothing it shows can run as markup.

/**
 * An element with attributes and children. Strings and numbers become Text nodes; null, undefined and false are
 * skipped. `on` maps event names to listeners.
 * @param {string} tag
 * @param {Record<string, unknown>} [attrs]
 * @param {...(Node | string | number | null | undefined | false)} children
 * @returns {HTMLElement}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'on') for (const [ev, fn] of Object.entries(/** @type {Record<string, EventListener>} */ (v))) el.addEventListener(ev, fn);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

/** @param {Element} el @param {Array<Node | string | number | null | undefined | false>} children */
export function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    el.append(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

/** Sets an element's text, touching the DOM only when it changed (keeps selections and avoids layout work). */
export function setText(el, text) {
  const t = String(text ?? '');
  if (el.textContent !== t) el.textContent = t;
}

/** "12 s", "3 min", "2 h 5 min", "4 d 2 h". @param {number | undefined} ms */
export function duration(ms) {
  if (ms === undefined || ms === null || !Number.isFinite(ms)) return '–';
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const hours = Math.floor(m / 60);
  if (hours < 48) return `${hours} h ${m % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** A local date and time to the second. @param {number | undefined} epochMs */
export function time(epochMs) {
  if (!epochMs) return '–';
  const d = new Date(epochMs);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** @param {number | undefined} n */
export function count(n) {
  return n === undefined || n === null ? '–' : Number(n).toLocaleString('en');
}

/** @param {number | undefined} ms */
export function millis(ms) {
  return ms === undefined || ms === null ? '–' : `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
}
