import { describe, expect, it } from 'vitest';
import { importKannel } from '../../../src/cli/import-kannel.js';
import { loadConfigFile } from '../../../src/config/load-config.js';
import { parseYamlConfig } from '../../../src/config/load-yaml.js';
import { statusAccess } from '../../../src/security/status-access.js';

describe('switchboard import-kannel', () => {
  it('prints YAML that loads into the same configuration as the Kannel file, with what was not carried over as comments', () => {
    const yaml = importKannel('config/kannel-example.conf');
    expect(yaml).toContain('# Not carried over:');
    expect(yaml).toContain('config/kannel-example.conf:12: group smsbox (line 11) bearerbox-host');
    // plain-text passwords carry over as they are, with a note to hash them
    expect(yaml).toContain(
      '# To change:\n#   admin.admin-password: is stored in plain text; store the hash that `switchboard hash-password` prints instead',
    );
    expect(yaml).toContain('#   accounts[0].password: is stored in plain text');
    const { config: fromYaml } = parseYamlConfig(yaml, 'imported.yaml', {});
    const fromKannel = loadConfigFile('config/kannel-example.conf').config;
    expect({ ...fromYaml, source: '' }).toEqual({ ...fromKannel, source: '' });
  });
});

describe('shipped configurations', () => {
  it('config/docker.yaml loads with the REDIS_URL docker-compose gives it, and names the variable when it is missing', async () => {
    const { readFileSync } = await import('node:fs');
    const text = readFileSync('config/docker.yaml', 'utf8');
    const { config: c } = parseYamlConfig(text, 'config/docker.yaml', { REDIS_URL: 'redis://redis:6379' });
    expect(c.redis.url).toBe('redis://redis:6379');
    expect(c.links[0]).toMatchObject({ host: 'simulator', port: 2775 });
    // listening on every interface: the status stays closed unless STATUS_PASSWORD is given
    expect(statusAccess([c.admin.password, c.admin.statusPassword], c.http.host)).toEqual({ kind: 'closed' });
    const withPassword = parseYamlConfig(text, 'config/docker.yaml', { REDIS_URL: 'redis://redis:6379', STATUS_PASSWORD: 'st' }).config;
    expect(statusAccess([withPassword.admin.password, withPassword.admin.statusPassword], withPassword.http.host)).toEqual({
      kind: 'password',
      passwords: ['st'],
    });
    expect(() => parseYamlConfig(text, 'config/docker.yaml', {})).toThrow(
      /config\/docker\.yaml:\d+: redis\.url: environment variable REDIS_URL is not set/,
    );
  });
});
