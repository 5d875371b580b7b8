import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CHECK_CONFIG_EXIT, checkConfigFile } from '../../../src/cli/check-config.js';

const dir = mkdtempSync(join(tmpdir(), 'sb-check-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('checkConfigFile', () => {
  it("the loader's warnings and checkConfig's come together in line order, then the count; exit 3", () => {
    const file = write(
      'k.conf',
      [
        'group = sendsms-user', //         1
        'username = a',
        'password = p',
        'forced-smsc = carier', //         4
        'user-allow-ip = 10.0.0.1', //     5
        '',
        'group = smsc', //                 7
        'smsc = smpp',
        'smsc-id = carrier',
        'host = h', //                     10
        'smsc-username = u',
        'smsc-password = p',
        'my-number = 1234', //             13
      ].join('\n'),
    );
    const r = checkConfigFile(file, {});
    expect(r.exitCode).toBe(CHECK_CONFIG_EXIT.warnings);
    const lines = r.output.trimEnd().split('\n');
    expect(lines.map((l) => /^warning: [^:]+:(\d+):/.exec(l)?.[1] ?? l)).toEqual(['3', '4', '5', '13', `${file}: valid, 4 warnings`]);
    expect(lines[1]).toBe(
      `warning: ${file}:4: group sendsms-user (line 1) forced-smsc: "carier" is no link's smsc-id, and no link's allowed-smsc-id, denied-smsc-id or preferred-smsc-id lists it; did you mean carrier?`,
    );
  });

  it('a clean file: exit 0 and one line', () => {
    expect(checkConfigFile('config/switchboard.yaml', {})).toEqual({
      output: 'config/switchboard.yaml: valid, no warnings\n',
      exitCode: CHECK_CONFIG_EXIT.clean,
    });
  });

  it('an invalid file: every error, exit 1', () => {
    const file = write('bad.yaml', 'http:\n  sendsms-port: x\nlinks:\n  - host: h\n');
    const r = checkConfigFile(file, {});
    expect(r.exitCode).toBe(CHECK_CONFIG_EXIT.invalid);
    expect(r.output).toContain(`error: ${file}:2: http.sendsms-port: expected an integer from 0 to 65535, got "x"\n`);
    expect(r.output.trimEnd().split('\n').at(-1)).toMatch(
      new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: invalid, \\d+ errors$`),
    );
  });
});
