/**
 * deploy/switchboard.service: what systemd says of it (`systemd-analyze verify`, and the sandbox's exposure score),
 * and what it must hold: a dedicated user, never root, restart on failure, the sandbox, a stop timeout longer than
 * the gateway's own shutdown bound. Skipped where systemd-analyze is missing (.ci/run installs it).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/validate.js';

const UNIT = 'deploy/switchboard.service';
const text = readFileSync(UNIT, 'utf8');
const analyze = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' }).status === 0;

/** The [Service] keys, last value wins (as systemd reads them, but for lists). */
function service(): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#') || line === '') continue;
    const s = /^\[(.+)\]$/.exec(line);
    if (s) {
      section = s[1]!;
      continue;
    }
    if (section !== 'Service') continue;
    const eq = line.indexOf('=');
    keys.set(line.slice(0, eq), [...(keys.get(line.slice(0, eq)) ?? []), line.slice(eq + 1)]);
  }
  return keys;
}

/** The unit as systemd-analyze should see it here: ExecStart pointed at this node when /usr/bin/node is missing. */
function unitHere(dir: string): string {
  const file = join(dir, 'switchboard.service');
  writeFileSync(file, existsSync('/usr/bin/node') ? text : text.replaceAll('/usr/bin/node', process.execPath));
  return file;
}

describe('deploy/switchboard.service', () => {
  it('runs as a dedicated user, never root, restarts on failure, and is sandboxed', () => {
    const k = service();
    const one = (key: string): string | undefined => k.get(key)?.at(-1);
    expect(one('User')).toBe('switchboard');
    expect(one('Group')).toBe('switchboard');
    expect(one('Restart')).toBe('on-failure');
    expect(one('NoNewPrivileges')).toBe('yes');
    expect(one('ProtectSystem')).toBe('strict');
    expect(one('PrivateTmp')).toBe('yes');
    expect(one('ProtectHome')).toBe('yes');
    expect(one('CapabilityBoundingSet')).toBe('');
    expect(one('ReadWritePaths')).toBe('/var/lib/switchboard');
    expect(one('StateDirectory')).toBe('switchboard');
    // The gateway stops its links process and its redis-server itself, in order; systemd waits longer than it may take.
    expect(one('KillMode')).toBe('mixed');
    const bound = validateConfig({}, { file: 'defaults' }).process.shutdownTimeoutMs / 1000;
    expect(Number(one('TimeoutStopSec'))).toBeGreaterThan(bound);
    expect(one('ExecStart')).toMatch(/bin\/switchboard\.js start --config \/etc\/switchboard\/switchboard\.yaml$/);
  });

  it.skipIf(!analyze)('passes systemd-analyze verify without a warning, and its sandbox scores OK', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-unit-'));
    try {
      const file = unitHere(dir);
      const verify = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' });
      expect({ status: verify.status, stderr: verify.stderr.trim() }).toEqual({ status: 0, stderr: '' });
      const security = spawnSync('systemd-analyze', ['security', '--offline=true', file], { encoding: 'utf8' });
      // --offline came with systemd 250; an older one can only verify.
      if (/unrecognized option/.test(security.stderr)) return;
      const score = /Overall exposure level for switchboard\.service: ([\d.]+)/.exec(security.stdout + security.stderr);
      expect(score).not.toBeNull();
      // 0 is a perfectly sandboxed service, 10 an unprotected one; systemd calls up to 2 "OK".
      expect(Number(score![1])).toBeLessThanOrEqual(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
