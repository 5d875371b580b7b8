/**
 * docker-compose.yml's `ha` profile: 3 Redis (one primary, two replicas of it), 3 Sentinels watching that primary,
 * 2 gateways whose configuration (config/docker-ha.yaml) finds the primary through those Sentinels with
 * wait-replicas: 1. Checked with `docker compose config` where Docker Compose is installed; everywhere, by reading
 * the file (this machine has the docker CLI without the compose plugin, so the YAML itself is what is checked).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfigFile } from '../../src/config/load-config.js';

interface Service {
  readonly profiles?: string[];
  readonly image?: string;
  readonly build?: string;
  readonly command?: string[];
  readonly entrypoint?: string[];
  readonly environment?: Record<string, string>;
  readonly ports?: string[];
  readonly volumes?: string[];
  readonly depends_on?: string[] | Record<string, unknown>;
}
const file = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const ha = Object.entries(file.services).filter(([, s]) => s.profiles?.includes('ha'));
const compose = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' }).status === 0;

describe('docker-compose.yml, profile ha', () => {
  it.skipIf(!compose)('is valid for `docker compose config`', () => {
    const r = spawnSync('docker', ['compose', '--profile', 'ha', 'config', '--quiet'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('has a primary and two replicas of it, three Sentinels on it, and two gateways', () => {
    const redis = ha.filter(([, s]) => s.command?.[0] === 'redis-server');
    const replicaOf = (s: Service): string | undefined => {
      const i = s.command?.indexOf('--replicaof') ?? -1;
      return i < 0 ? undefined : `${s.command?.[i + 1]}:${s.command?.[i + 2]}`;
    };
    const primaries = redis.filter(([, s]) => replicaOf(s) === undefined).map(([n]) => n);
    expect(primaries).toEqual(['redis-primary']);
    expect(redis.filter(([, s]) => replicaOf(s) === 'redis-primary:6379')).toHaveLength(2);
    for (const [, s] of redis) expect(s.command).toContain('--appendonly');

    const sentinels = ha.filter(([, s]) => s.command?.some((c) => c.includes('--sentinel')));
    expect(sentinels.map(([n]) => n).sort()).toEqual(['sentinel-1', 'sentinel-2', 'sentinel-3']);
    for (const [, s] of sentinels) expect(s.command?.join(' ')).toContain('sentinel monitor mymaster redis-primary 6379 2');

    const gateways = ha.filter(([, s]) => s.build !== undefined);
    expect(gateways.map(([n]) => n).sort()).toEqual(['gateway-ha-a', 'gateway-ha-b']);
    for (const [, s] of gateways) {
      expect(s.command).toEqual(['start', '--config', 'config/docker-ha.yaml']);
      // REDIS_URL would win over redis.sentinels.
      expect(s.environment?.REDIS_URL).toBe('');
    }
    expect(new Set(gateways.flatMap(([, s]) => s.ports ?? [])).size).toBe(2);
  });

  it('names only services and volumes it defines', () => {
    for (const [, s] of Object.entries(file.services)) {
      const deps = Array.isArray(s.depends_on) ? s.depends_on : Object.keys(s.depends_on ?? {});
      for (const d of deps) expect(file.services[d], d).toBeDefined();
      for (const v of s.volumes ?? []) expect(file.volumes[v.split(':')[0]!], v).toBeDefined();
    }
  });

  it("the gateways' configuration finds the primary through those Sentinels and waits for a replica", () => {
    const { config } = loadConfigFile('config/docker-ha.yaml', {});
    expect(config.redis.sentinel?.name).toBe('mymaster');
    expect(config.redis.sentinel?.sentinels.map((a) => `${a.host}:${a.port}`)).toEqual([
      'sentinel-1:26379',
      'sentinel-2:26379',
      'sentinel-3:26379',
    ]);
    expect(config.redis.replication).toEqual({ replicas: 1, timeoutMs: 250 });
    expect(config.links[0]?.instances).toBe(2);
  });
});
