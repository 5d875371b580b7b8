/**
 * Reads a number list (Kannel's white-list / black-list) from where the configuration says: an http(s):// URL, a
 * file:// URL, or a file path. Kannel fetches its lists over HTTP and wants text/plain; a file is the usual way
 * here. Never throws: a list that cannot be read comes back with why, and the caller keeps the last good one.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';

export type ListText = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly detail: string };

/** Longest a list may take to arrive, and its largest size (a list of ten million numbers is about 130 MB). */
const TIMEOUT_MS = 10_000;
const MAX_BYTES = 256 * 1024 * 1024;

export async function fetchListText(source: string): Promise<ListText> {
  if (/^https?:\/\//i.test(source)) {
    try {
      const res = await request(source, { method: 'GET', headersTimeout: TIMEOUT_MS, bodyTimeout: TIMEOUT_MS });
      if (res.statusCode !== 200) {
        await res.body.dump();
        return { ok: false, detail: `HTTP ${res.statusCode}` };
      }
      const type = String(res.headers['content-type'] ?? '')
        .split(';')[0]!
        .trim()
        .toLowerCase();
      if (type !== 'text/plain') {
        await res.body.dump();
        return { ok: false, detail: `content type ${type || 'none'}, expected text/plain (as Kannel)` };
      }
      const length = Number(res.headers['content-length'] ?? 0);
      if (length > MAX_BYTES) {
        await res.body.dump();
        return { ok: false, detail: `${length} bytes, more than ${MAX_BYTES}` };
      }
      return { ok: true, text: await res.body.text() };
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      const cause = (err.cause as NodeJS.ErrnoException | undefined) ?? err;
      return { ok: false, detail: cause.code ?? cause.message };
    }
  }
  try {
    const path = /^file:\/\//i.test(source) ? fileURLToPath(source) : source;
    return { ok: true, text: await readFile(path, 'utf8') };
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return { ok: false, detail: err.code === 'ENOENT' ? 'no such file' : (err.code ?? err.message) };
  }
}
