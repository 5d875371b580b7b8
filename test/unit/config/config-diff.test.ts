/**
 * diffConfig: what a reload binds, unbinds, rebinds and keeps, and which changes wait for a restart.
 */
import { describe, expect, it } from 'vitest';
import { describeDiff, diffConfig } from '../../../src/config/config-diff.js';
import { parseYamlConfig } from '../../../src/config/load-yaml.js';

function yaml(links: string[], extra = ''): ReturnType<typeof parseYamlConfig>['config'] {
  const text = [
    'links:',
    ...links.map((l) => `  - ${l}`),
    'accounts:',
    '  - { username: u, password: p }',
    extra,
  ].join('\n');
  return parseYamlConfig(text, 'sb.yaml', {}).config;
}

describe('diffConfig', () => {
  it('sorts links into added, removed, changed and unchanged', () => {
    const before = yaml(['{ smsc-id: a, host: 127.0.0.1, port: 2775, smsc-username: s, smsc-password: p }', '{ smsc-id: b, host: 127.0.0.1, port: 2776, smsc-username: s, smsc-password: p }', '{ smsc-id: c, host: 127.0.0.1, port: 2777, smsc-username: s, smsc-password: p }']);
    const after = yaml(['{ smsc-id: c, host: 127.0.0.1, port: 2777, smsc-username: s, smsc-password: p }', '{ smsc-id: b, host: 127.0.0.1, port: 2776, smsc-username: other, smsc-password: p }', '{ smsc-id: d, host: 127.0.0.1, port: 2778, smsc-username: s, smsc-password: p }']);
    const d = diffConfig(before, after);
    expect(d.added.map((l) => l.id)).toEqual(['d']);
    expect(d.removed.map((l) => l.id)).toEqual(['a']);
    expect(d.changed.map((l) => l.id)).toEqual(['b']);
    expect(d.unchanged).toEqual(['c']);
    expect(d.accountsChanged).toBe(false);
    expect(d.needRestart).toEqual([]);
    expect(describeDiff(d)).toBe('added d; removed a; rebinding b; kept c');
  });

  it('an identical file changes nothing, whatever the order of keys', () => {
    const a = yaml(['{ smsc-id: a, host: 127.0.0.1, port: 2775, smsc-username: s, smsc-password: p, throughput: 5 }']);
    const b = yaml(['{ throughput: 5, smsc-username: s, smsc-password: p, port: 2775, host: 127.0.0.1, smsc-id: a }']);
    const d = diffConfig(a, b);
    expect(d.unchanged).toEqual(['a']);
    expect(describeDiff(d)).toBe('kept a');
  });

  it('names accounts replaced and the sections that need a restart', () => {
    const a = yaml(['{ smsc-id: a, host: 127.0.0.1, port: 2775, smsc-username: s, smsc-password: p }']);
    const b = { ...yaml(['{ smsc-id: a, host: 127.0.0.1, port: 2775, smsc-username: s, smsc-password: p }'], 'http: { sendsms-port: 13099 }'), accounts: [] };
    const d = diffConfig(a, b);
    expect(d.accountsChanged).toBe(true);
    expect(d.needRestart).toEqual(['http']);
    expect(describeDiff(d)).toContain('changes to http take effect at the next restart');
  });
});
