/**
 * The dependency rules of DESIGN.md, held by a test: each library sits behind one edge, the domain imports nothing
 * of ours, and the pure core imports no edge.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const SRC = 'src';
const all = files(SRC).map((f) => ({
  file: relative(SRC, f),
  imports: [...readFileSync(f, 'utf8').matchAll(/^\s*(?:import|export)[^'"]*from\s+'([^']+)'/gm)].map((m) => m[1]!),
}));
const folder = (f: string): string => f.split('/')[0] ?? '';

describe('architecture', () => {
  it.each([
    ['bullmq', ['queue']],
    ['smpp', ['smpp']],
    ['fastify', ['http', 'admin']],
    ['prom-client', ['observability']],
    ['undici', ['http']],
  ])('only %s edges import %s', (lib, allowed) => {
    const offenders = all.filter((f) => f.imports.includes(lib) && !allowed.includes(folder(f.file))).map((f) => f.file);
    expect(offenders).toEqual([]);
  });

  // The admin port is an HTTP server too, so it may use the HTTP edge's plumbing (node server, basic auth), and the
  // SMSC simulator speaks SMPP through the SMPP edge's codec; no other
  // edge reaches into another: what they share goes through domain types and the application layer that wires them.
  const EDGES = ['http', 'smpp', 'queue', 'admin', 'simulator'];
  const MAY_USE: Record<string, string[]> = { admin: ['http'], simulator: ['smpp'] };
  it('edges do not import each other', () => {
    const offenders = all.flatMap((f) => {
      const from = folder(f.file);
      if (!EDGES.includes(from)) return [];
      return f.imports
        .filter((i) => i.startsWith('../'))
        .map((i) => i.split('/')[1] ?? '')
        .filter((to) => EDGES.includes(to) && to !== from && !(MAY_USE[from] ?? []).includes(to))
        .map((to) => `${f.file} → ${to}`);
    });
    expect(offenders).toEqual([]);
  });

  it('domain imports nothing of ours', () => {
    const offenders = all
      .filter((f) => folder(f.file) === 'domain' && f.imports.some((i) => i.startsWith('.') && !i.startsWith('./')))
      .map((f) => f.file);
    expect(offenders).toEqual([]);
  });

  const PURE_FILES = [
    'dlr/parse-receipt.ts',
    'dlr/decide-reports.ts',
    'dlr/normalize-message-id.ts',
    'dlr/escape-codes.ts',
    'config/schema.ts',
    'config/validate.ts',
    'config/check-config.ts',
    'config/kannel-integer.ts',
    'config/config-diff.ts',
    'config/path-prefix.ts',
    'admin/path-prefix.ts',
    'smpp/throttle-backoff.ts',
    'messages/prepare-submission.ts',
    'messages/authenticate.ts',
    'messages/token-bucket.ts',
    'messages/quota-periods.ts',
    'security/rate-limit-client.ts',
    'security/ip-rules.ts',
    'security/password-hash.ts',
    'security/outbound-policy.ts',
    'security/status-access.ts',
    'observability/log-throttle.ts',
    'observability/redact-url.ts',
    'observability/state-changes.ts',
    'admin/escape-markup.ts',
    'admin/kannel-reply.ts',
    'admin/kannel-status.ts',
    'admin/kannel-store-status.ts',
  ];
  const pure = all.filter((f) => ['routing', 'encoding'].includes(folder(f.file)) || PURE_FILES.includes(f.file));

  it('the pure core (routing, encoding, receipt parsing, config, access rules) imports no edge and no I/O library', () => {
    expect(pure.length).toBeGreaterThan(16);
    const edges = [
      '/http/',
      '/queue/',
      '/smpp/',
      '/redis/',
      '/links/',
      '/simulator/',
      '/mo/',
      'ioredis',
      'bullmq',
      'fastify',
      'node:net',
      'node:fs',
      'node:http',
      'node:dns',
    ];
    // Address arithmetic from node:net (BlockList, isIP) opens no socket; nothing else of node:net is allowed.
    const netArithmetic = (f: { file: string }): boolean =>
      !/import\s*{[^}]*}\s*from\s*'node:net'/.test(readFileSync(join(SRC, f.file), 'utf8')) ||
      /import\s*{\s*(BlockList|isIP)(\s*,\s*(BlockList|isIP))?\s*}\s*from\s*'node:net'/.test(readFileSync(join(SRC, f.file), 'utf8'));
    const offenders = pure.flatMap((f) =>
      f.imports.filter((i) => edges.some((e) => i.includes(e)) && !(i === 'node:net' && netArithmetic(f))).map((i) => `${f.file} → ${i}`),
    );
    expect(offenders).toEqual([]);
  });
});
