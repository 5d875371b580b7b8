/**
 * The `switchboard` command: start, simulator, import-kannel, check-config, explain, hash-password, and the
 * commands on a running gateway's admin API (status, links, queues, queue, link, reload, smpp-sessions;
 * admin-command.ts).
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError } from '../config/config-error.js';
import { RedisBinaryMissingError } from '../redis/embedded-server.js';
import { PERSONA_HELP } from '../simulator/persona.js';
import { loadConfigFile } from '../config/load-config.js';
import { TlsFileError } from '../tls/tls-file-error.js';
import { ADMIN_COMMANDS, ADMIN_USAGE, explainIsOnline } from './admin-args.js';
import { runAdminCommand, useColor, type AdminIo } from './admin-command.js';
import { checkConfigFile } from './check-config.js';
import { explain, EXPLAIN_EXIT } from './explain.js';
import { hashForConfig, PasswordInputError, readPassword } from './hash-password.js';
import { importKannel } from './import-kannel.js';
import { runSimulator } from './simulator.js';
import { start } from './start.js';

const USAGE = `usage: switchboard <command> [options]

commands:
  start [--config FILE]       start the gateway (FILE: switchboard YAML or a Kannel .conf;
                              default config/switchboard.yaml)
      --processes 1|2         2 (the default with two cores or more): HTTP in this process, the
                              links (binds, queue workers, receipts, MO) in a child process
  simulator [options]         run the SMSC simulator
      --port N                SMPP port (default 2775)
      --host ADDR             listen address (default 127.0.0.1)
      --persona NAME[:ARG]    behaviour (default happy; see below)
      --receipts MODE         requested (default) | all | none
      --receipt-delay MS      delay before a receipt (default 50)
      --id-format F           decimal (default) | hex: message ids in submit_sm_resp
      --receipt-id-format F   same (default) | decimal | hex: ids in receipts
      --control-port N        HTTP control on 127.0.0.1: GET /stats, POST /persona?name=, POST /mo
      --quiet                 do not log every submit
      --tls-cert FILE         speak SMPP over TLS with this PEM certificate (with --tls-key)
      --tls-key FILE          the PEM private key of --tls-cert
  import-kannel FILE          print the YAML equivalent of a Kannel configuration
  check-config FILE           load and check a configuration (YAML or Kannel .conf): errors, keys
                              not carried over, smsc-ids no link or account has (with the nearest
                              one), unreachable links and accounts, duplicates. Exit 0 clean,
                              1 invalid, 2 usage error, 3 valid with warnings
  explain [options]           which links would carry a message and why, from the configuration
                              (or from the running gateway: explain --url, below)
      --config FILE           the configuration (default config/switchboard.yaml)
      --account NAME          the sendsms-user (username)
      --to NUMBER             the receiver
      --smsc ID               the smsc= of the request
      --json                  JSON instead of a table
                              Exit 0 routable, 1 not routable, 2 usage error or a configuration
                              that does not load
  hash-password               print the scrypt hash of a password, for an account's password,
                              admin-password or status-password; the password is read from
                              stdin, or asked twice without echo on a terminal

${ADMIN_USAGE}
environment:
  REDIS_URL                   use this Redis instead of the embedded redis-server
  SWITCHBOARD_URL             the admin port of the commands on a running gateway
  SWITCHBOARD_PASSWORD        their password (admin-password, or status-password to read only)
  NO_COLOR                    no colours in tables (they are used only on a terminal anyway)

${PERSONA_HELP}
`;

function fail(message: string): never {
  process.stderr.write(`switchboard: ${message}\n`);
  process.exit(2);
}

function intOption(v: string | undefined, name: string, def: number): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) fail(`--${name}: expected a number from 0 to 65535, got ${JSON.stringify(v)}`);
  return n;
}

function oneOf<T extends string>(v: string | undefined, name: string, allowed: readonly T[], def: T): T {
  if (v === undefined) return def;
  if (!(allowed as readonly string[]).includes(v)) fail(`--${name}: expected one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
  return v as T;
}

const adminIo: AdminIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  now: () => Date.now(),
  color: useColor(process.stdout.isTTY, process.env),
};

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command !== undefined && (ADMIN_COMMANDS.includes(command) || (command === 'explain' && explainIsOnline(rest, process.env)))) {
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(ADMIN_USAGE);
      return;
    }
    process.exitCode = await runAdminCommand(argv, process.env, adminIo);
    return;
  }
  switch (command) {
    case 'start': {
      const { values } = parseArgs({
        args: rest,
        options: { config: { type: 'string', short: 'c' }, processes: { type: 'string' }, role: { type: 'string' } },
        strict: true,
      });
      const configFile = values.config ?? 'config/switchboard.yaml';
      if (!existsSync(configFile)) fail(`configuration file ${configFile} not found (give one with --config FILE)`);
      const processes =
        values.processes === undefined ? undefined : oneOf(values.processes, 'processes', ['1', '2'] as const, '2') === '1' ? 1 : 2;
      const role = values.role === undefined ? undefined : oneOf(values.role, 'role', ['all', 'http', 'links'] as const, 'all');
      await start({ configFile, ...(processes ? { processes } : {}), ...(role ? { role } : {}) });
      return;
    }
    case 'simulator': {
      const { values } = parseArgs({
        args: rest,
        strict: true,
        options: {
          port: { type: 'string' },
          host: { type: 'string' },
          persona: { type: 'string' },
          receipts: { type: 'string' },
          'receipt-delay': { type: 'string' },
          'id-format': { type: 'string' },
          'receipt-id-format': { type: 'string' },
          'control-port': { type: 'string' },
          quiet: { type: 'boolean' },
          'tls-cert': { type: 'string' },
          'tls-key': { type: 'string' },
        },
      });
      const certFile = values['tls-cert'];
      const keyFile = values['tls-key'];
      if ((certFile === undefined) !== (keyFile === undefined)) fail('--tls-cert and --tls-key go together');
      await runSimulator({
        host: values.host ?? '127.0.0.1',
        port: intOption(values.port, 'port', 2775),
        persona: values.persona ?? 'happy',
        receipts: oneOf(values.receipts, 'receipts', ['requested', 'all', 'none'] as const, 'requested'),
        receiptDelayMs: intOption(values['receipt-delay'], 'receipt-delay', 50),
        idFormat: oneOf(values['id-format'], 'id-format', ['decimal', 'hex'] as const, 'decimal'),
        receiptIdFormat: oneOf(values['receipt-id-format'], 'receipt-id-format', ['same', 'decimal', 'hex'] as const, 'same'),
        controlPort: values['control-port'] === undefined ? undefined : intOption(values['control-port'], 'control-port', 0),
        quiet: values.quiet ?? false,
        tls: certFile !== undefined && keyFile !== undefined ? { certFile, keyFile } : undefined,
      });
      return;
    }
    case 'check-config': {
      const { positionals } = parseArgs({ args: rest, options: {}, allowPositionals: true, strict: true });
      const [file, extra] = positionals;
      if (!file || extra !== undefined) fail('check-config needs one file: switchboard check-config kannel.conf');
      if (!existsSync(file)) fail(`configuration file ${file} not found`);
      const result = checkConfigFile(file);
      process.stdout.write(result.output);
      process.exitCode = result.exitCode;
      return;
    }
    case 'explain': {
      const { values } = parseArgs({
        args: rest,
        strict: true,
        options: {
          config: { type: 'string', short: 'c' },
          account: { type: 'string' },
          to: { type: 'string' },
          smsc: { type: 'string' },
          json: { type: 'boolean' },
        },
      });
      const configFile = values.config ?? 'config/switchboard.yaml';
      if (!values.account) fail('explain needs --account NAME (a sendsms-user username)');
      if (!values.to) fail('explain needs --to NUMBER');
      if (!existsSync(configFile)) fail(`configuration file ${configFile} not found (give one with --config FILE)`);
      const result = explain(loadConfigFile(configFile).config, {
        account: values.account,
        to: values.to,
        smsc: values.smsc,
        json: values.json,
      });
      (result.exitCode === EXPLAIN_EXIT.usage ? process.stderr : process.stdout).write(result.output);
      process.exitCode = result.exitCode;
      return;
    }
    case 'import-kannel': {
      const file = rest[0];
      if (!file) fail('import-kannel needs a file: switchboard import-kannel kannel.conf');
      process.stdout.write(importKannel(file));
      return;
    }
    case 'hash-password': {
      if (rest.length > 0) fail('hash-password takes no arguments: give the password on stdin or at the prompt, never on the command line');
      process.stdout.write(`${hashForConfig(await readPassword(process.stdin, process.stderr))}\n`);
      return;
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return;
    default:
      fail(`unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  if (e instanceof ConfigError || e instanceof RedisBinaryMissingError || e instanceof TlsFileError || e instanceof PasswordInputError)
    fail(e.message);
  if (String((e as NodeJS.ErrnoException)?.code ?? '').startsWith('ERR_PARSE_ARGS')) fail((e as Error).message);
  process.stderr.write(`switchboard: ${(e as Error)?.stack ?? String(e)}\n`);
  process.exit(1);
});
