/**
 * `SIDE=server npm run fuzz:smpp`: hostile client ESMEs against a real gateway's SMPP server. LANES connections at a
 * time write COUNT actions from a seeded stream: random bytes, lying command_lengths (huge, or under a header),
 * truncated and garbled submits (random data_coding, esm_class, UDH and TLVs), unknown commands, responses to
 * nothing, floods of wrong-password binds, binds written byte by byte, enquire_link and submit floods from a client
 * that reads nothing, deliver_sm from a client, second binds and unbinds, connections that never bind. The gateway
 * must not crash, its memory must stay bounded, /health must keep answering, and afterwards a normal client must
 * bind, submit and get its receipt as a deliver_sm. Prints the seed (rerun with SEED=) and the figures; exits 1
 * when a check failed.
 *
 * env: COUNT=20000 LANES=16 SEED=<random> TIMEOUT=600 (s) RSS_LIMIT_MB=400 (growth over the baseline that fails)
 *
 * The gateway runs from this checkout's src/ (tsx) as `switchboard start --processes 1` on a private
 * redis-server, against the simulator in this process; everything listens on 127.0.0.1 and is stopped at the end.
 */
import { randomInt } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmbeddedRedis } from '../src/redis/embedded-server.js';
import { SmscSimulator } from '../src/simulator/smsc-simulator.js';
import { encodePdu } from '../src/smpp/codec.js';
import { SmppConnection } from '../src/smpp/connection.js';
import { CMD, frame, tlv, TLV } from './lib/hostile-pdus.js';
import { freePort, Procs, residentBytes, sleep } from './lib/proc.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const COUNT = Number(process.env.COUNT ?? 20_000);
const LANES = Number(process.env.LANES ?? 16);
const SEED = Number(process.env.SEED ?? randomInt(1, 2 ** 31));
const TIMEOUT_MS = Number(process.env.TIMEOUT ?? 600) * 1000;
const RSS_LIMIT = Number(process.env.RSS_LIMIT_MB ?? 400) * 1048576;
const log = (line: string): void => void process.stdout.write(`[fuzz:server] ${line}\n`);

/** mulberry32: a small seeded PRNG, so a seed replays the same actions. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ACTIONS = [
  'garbage',
  'huge-length',
  'short-length',
  'wrong-password-flood',
  'bind-byte-by-byte',
  'bound-garbled-submits',
  'bound-unknown-commands',
  'bound-orphan-responses',
  'bound-flood-no-read',
  'bound-deliver-from-client',
  'bound-rebind-unbind',
  'never-bind',
] as const;
type Action = (typeof ACTIONS)[number];

async function open(port: number, localAddress?: string): Promise<Socket | undefined> {
  const s = connect({ host: '127.0.0.1', port, ...(localAddress ? { localAddress } : {}) });
  s.on('error', () => undefined);
  const ok = await new Promise<boolean>((r) => {
    s.once('connect', () => r(true));
    s.once('error', () => r(false));
    s.once('close', () => r(false));
  });
  return ok ? s : undefined;
}

const bindPdu = (seq: number, password = 'secret'): Buffer =>
  encodePdu('bind_transceiver', { system_id: 'esme', password, system_type: '', interface_version: 0x34 }, seq);

function randomBytes(rnd: () => number, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(rnd() * 256);
  return b;
}

function garbledSubmit(rnd: () => number, seq: number): Buffer {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const body = randomBytes(rnd, Math.floor(rnd() * 200));
  const kind = Math.floor(rnd() * 4);
  if (kind === 0) return frame(CMD.submit_sm, 0, seq, body); // random body
  const udh =
    rnd() < 0.5 ? Buffer.concat([Buffer.from([Math.floor(rnd() * 20)]), randomBytes(rnd, Math.floor(rnd() * 10))]) : Buffer.alloc(0);
  const fields: Record<string, unknown> = {
    source_addr: pick(['4711', '', 'ALPHA', '+46700000000', 'x'.repeat(20)]),
    destination_addr: pick(['46700000001', '', '4699', '+4670', 'abc']),
    esm_class: pick([0, 0x40, 0x43, 0x80, 0xff]),
    data_coding: pick([0, 1, 3, 4, 8, 0x10, 0xf5, 0xff]),
    registered_delivery: pick([0, 1, 2, 0x11, 0xff]),
    priority_flag: pick([0, 1, 3, 9]),
    validity_period: pick(['', '000001000000000R', 'nonsense', '991231235959000+']),
    schedule_delivery_time: pick(['', '000000000100000R', 'x']),
    short_message: Buffer.concat([udh, randomBytes(rnd, Math.floor(rnd() * 160))]),
  };
  if (rnd() < 0.3) {
    fields.sar_msg_ref_num = Math.floor(rnd() * 65536);
    fields.sar_total_segments = Math.floor(rnd() * 256);
    fields.sar_segment_seqnum = Math.floor(rnd() * 256);
  }
  let pdu: Buffer;
  try {
    pdu = encodePdu(kind === 3 ? 'data_sm' : 'submit_sm', fields, seq);
  } catch {
    return frame(CMD.submit_sm, 0, seq, body);
  }
  // Sometimes truncated, or with an absurd TLV appended (its length running past the end).
  if (kind === 2) pdu = pdu.subarray(0, Math.max(16, Math.floor(rnd() * pdu.length)));
  if (rnd() < 0.2) pdu = Buffer.concat([pdu, tlv(TLV.message_payload, randomBytes(rnd, 10), 60_000)]);
  pdu.writeUInt32BE(pdu.length, 0);
  return pdu;
}

/** Binds; undefined when the server refused or went. */
async function bound(port: number): Promise<Socket | undefined> {
  const s = await open(port);
  if (!s) return undefined;
  s.write(bindPdu(1));
  const ok = await new Promise<boolean>((r) => {
    const t = setTimeout(() => r(false), 5000);
    s.once('data', (d: Buffer) => {
      clearTimeout(t);
      r(d.length >= 16 && d.readUInt32BE(8) === 0);
    });
    s.once('close', () => r(false));
  });
  if (!ok) s.destroy();
  return ok ? s : undefined;
}

async function act(action: Action, port: number, rnd: () => number, counters: Record<string, number>): Promise<void> {
  counters[action] = (counters[action] ?? 0) + 1;
  const hold = (s: Socket, ms: number): Promise<void> =>
    new Promise((r) => {
      const t = setTimeout(() => {
        s.destroy();
        r();
      }, ms);
      s.once('close', () => {
        clearTimeout(t);
        r();
      });
    });
  switch (action) {
    case 'garbage':
    case 'huge-length':
    case 'short-length': {
      const s = await open(port);
      if (!s) return;
      if (action === 'garbage') s.write(randomBytes(rnd, 1 + Math.floor(rnd() * 2000)));
      else
        s.write(
          frame(
            CMD.submit_sm,
            0,
            1,
            randomBytes(rnd, 20),
            action === 'huge-length' ? 0x7fffffff - Math.floor(rnd() * 1000) : Math.floor(rnd() * 16),
          ),
        );
      return hold(s, 200);
    }
    case 'wrong-password-flood': {
      // From an address of their own: after 10 failures a minute the server refuses that address at once, which
      // the other actions' binds (from 127.0.0.1) must not run into.
      for (let i = 0; i < 5; i++) {
        const s = await open(port, '127.0.0.3');
        if (!s) return;
        s.write(bindPdu(1, `bad${Math.floor(rnd() * 1000)}`));
        await hold(s, 300);
      }
      return;
    }
    case 'bind-byte-by-byte': {
      const s = await open(port);
      if (!s) return;
      for (const byte of bindPdu(1)) {
        if (s.destroyed) return;
        s.write(Buffer.from([byte]));
        await sleep(2);
      }
      return hold(s, 200);
    }
    case 'never-bind': {
      const s = await open(port);
      if (s) await hold(s, 500);
      return;
    }
    default: {
      const s = await bound(port);
      if (!s) {
        counters['bind refused'] = (counters['bind refused'] ?? 0) + 1;
        return;
      }
      s.on('data', () => undefined); // read and drop, unless paused below
      let seq = 2;
      const n = 5 + Math.floor(rnd() * 50);
      for (let i = 0; i < n && !s.destroyed; i++) {
        let pdu: Buffer;
        switch (action) {
          case 'bound-garbled-submits':
            pdu = garbledSubmit(rnd, seq++);
            break;
          case 'bound-unknown-commands':
            pdu = frame(0x00000100 + Math.floor(rnd() * 0x100), 0, seq++, randomBytes(rnd, Math.floor(rnd() * 40)));
            break;
          case 'bound-orphan-responses':
            pdu = frame(
              [CMD.deliver_sm_resp, CMD.enquire_link_resp, CMD.generic_nack, CMD.submit_sm_resp][i % 4]!,
              Math.floor(rnd() * 0x100),
              Math.floor(rnd() * 1e6),
              Buffer.from([0]),
            );
            break;
          case 'bound-flood-no-read':
            s.pause();
            pdu = i % 2 === 0 ? frame(CMD.enquire_link, 0, seq++) : garbledSubmit(rnd, seq++);
            break;
          case 'bound-deliver-from-client':
            pdu = encodePdu('deliver_sm', { source_addr: '1', destination_addr: '2', short_message: Buffer.from('hi') }, seq++);
            break;
          default:
            pdu = i % 3 === 0 ? bindPdu(seq++) : i % 3 === 1 ? frame(CMD.enquire_link, 0, seq++) : frame(CMD.unbind, 0, seq++);
        }
        s.write(pdu);
        if (rnd() < 0.1) await sleep(1);
      }
      return hold(s, 300);
    }
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-fuzz-server-'));
  const procs = new Procs();
  const problems: string[] = [];
  const redis = await startEmbeddedRedis({ dataDir: join(dir, 'redis'), persistence: false, detached: true });
  const sim = new SmscSimulator({ port: 0, receiptDelayMs: 20, record: false });
  process.on('exit', () => {
    procs.killAllNow();
    try {
      process.kill(redis.pid, 'SIGKILL');
    } catch {
      // gone
    }
  });
  try {
    await sim.start();
    const [httpPort, smppPort] = [await freePort(), await freePort()];
    const cfg = join(dir, 'switchboard.yaml');
    writeFileSync(
      cfg,
      `http: { sendsms-port: ${httpPort}, sendsms-interface: 127.0.0.1, global-sender: "12345" }
admin: { admin-port: 0 }
log: { level: warn }
smpp-server: { port: ${smppPort}, interface: 127.0.0.1, max-binds: 50, inactivity-timeout: 5, enquire-link-interval: 1 }
links:
  - { smsc-id: sim, host: 127.0.0.1, port: ${sim.port}, transceiver-mode: true, smsc-username: u, smsc-password: p }
accounts:
  - { username: esme, password: secret }
  - { username: calm, password: secret }
`,
    );
    const env: NodeJS.ProcessEnv = { ...process.env, REDIS_URL: `unix://${redis.socketPath}` };
    delete env.NODE_OPTIONS;
    const gw = procs.start(
      'gateway',
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'start', '--config', cfg, '--processes', '1'],
      {
        cwd: REPO,
        env,
        logFile: join(dir, 'gateway.log'),
      },
    );
    const deadline = Date.now() + TIMEOUT_MS;
    while (
      sim.boundSessions().length === 0 ||
      !(await fetch(`http://127.0.0.1:${httpPort}/health`).then(
        (r) => r.ok,
        () => false,
      ))
    ) {
      if (gw.exited || Date.now() > deadline) throw new Error(`the gateway did not start (log in ${dir})`);
      await sleep(100);
    }
    log(
      `gateway PID ${gw.pid} (log ${dir}/gateway.log), SMPP server on 127.0.0.1:${smppPort}, seed ${SEED}, ${COUNT} actions over ${LANES} lanes`,
    );
    const rssBefore = residentBytes(gw.pid).now;
    const counters: Record<string, number> = {};
    const health = { checks: 0, failures: 0, maxMs: 0 };
    let rssPeak = rssBefore;
    let stop = false;
    const watcher = (async () => {
      while (!stop) {
        rssPeak = Math.max(rssPeak, residentBytes(gw.pid).now);
        const t = Date.now();
        const ok = await fetch(`http://127.0.0.1:${httpPort}/health`, { signal: AbortSignal.timeout(5000) }).then(
          (r) => r.ok,
          () => false,
        );
        health.checks++;
        if (!ok) health.failures++;
        health.maxMs = Math.max(health.maxMs, Date.now() - t);
        await sleep(250);
      }
    })();
    const started = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: LANES }, async (_, lane) => {
        const rnd = prng(SEED + lane + 1);
        while (next < COUNT && Date.now() < deadline && !gw.exited) {
          next++;
          await act(ACTIONS[Math.floor(rnd() * ACTIONS.length)]!, smppPort, rnd, counters).catch(() => undefined);
        }
      }),
    );
    const hostileMs = Date.now() - started;
    stop = true;
    await watcher;
    if (gw.exited) problems.push(`the gateway exited (code ${gw.exitCode}) during the run`);
    await sleep(6000); // sessions left behind end by their inactivity timeout
    const rssAfter = residentBytes(gw.pid).now;
    if (rssPeak - rssBefore > RSS_LIMIT)
      problems.push(`RSS grew by ${((rssPeak - rssBefore) / 1048576).toFixed(0)} MB (limit ${RSS_LIMIT / 1048576} MB)`);
    // Recovery: a well-behaved client binds, submits with a receipt and gets it: another account (the storm's own
    // receipts wait for 'esme'), from another address.
    const recovery = await (async (): Promise<string | undefined> => {
      const s = await open(smppPort, '127.0.0.2');
      if (!s) return 'cannot connect';
      const conn = new SmppConnection(s, { closeOnTimeout: false });
      let receipt = '';
      conn.on('request', (pdu) => {
        if (pdu.command === 'deliver_sm') receipt = String(pdu.receipted_message_id ?? '');
        conn.respond(pdu, 0);
      });
      const b = await conn.request('bind_transceiver', { system_id: 'calm', password: 'secret' }, 10_000);
      if (b.command_status !== 0) return `bind answered 0x${b.command_status.toString(16)}`;
      const r = await conn.request(
        'submit_sm',
        { source_addr: '4711', destination_addr: '46700000009', short_message: Buffer.from('after the storm'), registered_delivery: 1 },
        10_000,
      );
      if (r.command_status !== 0) return `submit answered 0x${r.command_status.toString(16)}`;
      for (let i = 0; i < 200 && receipt !== String(r.message_id); i++) await sleep(50);
      conn.close('done');
      return receipt === String(r.message_id) ? undefined : 'no receipt within 10 s';
    })().catch((e: unknown) => (e as Error).message);
    if (recovery) problems.push(`recovery: ${recovery}`);
    log(
      `${COUNT} actions in ${(hostileMs / 1000).toFixed(1)} s: ${Object.entries(counters)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    );
    log(
      `gateway RSS: before ${(rssBefore / 1048576).toFixed(0)} MB, peak ${(rssPeak / 1048576).toFixed(0)} MB, after ${(rssAfter / 1048576).toFixed(0)} MB`,
    );
    log(`/health: ${health.checks} checks, ${health.failures} failed, slowest ${health.maxMs} ms`);
    log(`recovery: ${recovery ?? 'a normal client bound, submitted and got its receipt'}`);
    await procs.stop(gw, 10_000);
    if (gw.exitCode !== 0) problems.push(`the gateway did not stop cleanly (exit ${gw.exitCode})`);
  } finally {
    await procs.stopAll(5000);
    await sim.kill();
    await redis.stop();
  }
  if (problems.length > 0) {
    log(`FAILED (seed ${SEED}):\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  log(`passed (seed ${SEED})`);
}

main().catch((e: unknown) => {
  process.stderr.write(`[fuzz:server] ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
