/**
 * The request path's circuit: a connection fault opens it and every operation is refused at once, without running,
 * until a probe is answered; refusals pass through without opening it; a fault is two log lines, not one per request.
 */
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { describe, expect, it } from 'vitest';
import { RedisCircuit } from '../../../src/redis/redis-circuit.js';
import { RedisUnavailableError } from '../../../src/redis/redis-fault.js';

function logs(): { lines: Array<{ level: number; msg: string; refused?: number }>; logger: Logger } {
  const lines: Array<{ level: number; msg: string }> = [];
  const sink = new Writable({
    write(chunk: Buffer, _e, done) {
      lines.push(JSON.parse(chunk.toString()) as { level: number; msg: string });
      done();
    },
  });
  return { lines, logger: pino({ level: 'info' }, sink) };
}

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('RedisCircuit', () => {
  it('opens on a timeout, refuses at once without running, and closes when a probe is answered', async () => {
    const log = logs();
    let answering = false;
    let probes = 0;
    const circuit = new RedisCircuit({
      probe: async () => {
        probes++;
        if (!answering) throw new Error('Command timed out');
      },
      probeIntervalMs: 5,
      logger: log.logger,
      activity: 'sendsms',
    });
    await expect(circuit.run(() => Promise.reject(new Error('Command timed out')))).rejects.toMatchObject({
      name: 'RedisUnavailableError',
      fault: 'timeout',
      statusCode: 503,
    });
    expect(circuit.isOpen).toBe(true);
    let ran = 0;
    for (let i = 0; i < 100; i++) {
      await expect(
        circuit.run(async () => {
          ran++;
          return 1;
        }),
      ).rejects.toBeInstanceOf(RedisUnavailableError);
    }
    expect(ran).toBe(0);
    await new Promise((r) => setTimeout(r, 30));
    expect(probes).toBeGreaterThan(1);
    answering = true;
    await new Promise((r) => setTimeout(r, 20));
    expect(circuit.isOpen).toBe(false);
    expect(await circuit.run(async () => 'queued')).toBe('queued');
    circuit.stop();
    expect(log.lines.map((l) => [l.level, l.msg])).toEqual([
      [50, 'Redis does not answer in time: sendsms answer 503 with Retry-After until it is over (logged again when it changes)'],
      [40, 'Redis answers again: sendsms back to normal'],
    ]);
    expect(log.lines[1]?.refused).toBe(101);
  });

  it('lets refusals through without opening, and logs each kind once', async () => {
    const log = logs();
    const circuit = new RedisCircuit({ probe: async () => undefined, probeIntervalMs: 5, logger: log.logger, activity: 'sendsms' });
    for (let i = 0; i < 10; i++)
      await expect(
        circuit.run(() => Promise.reject(new Error("OOM command not allowed when used memory > 'maxmemory'."))),
      ).rejects.toMatchObject({ fault: 'out-of-memory' });
    expect(circuit.isOpen).toBe(false);
    await expect(
      circuit.run(() => Promise.reject(new Error("READONLY You can't write against a read only replica."))),
    ).rejects.toMatchObject({ fault: 'read-only' });
    expect(await circuit.run(async () => 'ok')).toBe('ok');
    expect(log.lines.map((l) => l.msg)).toEqual([
      expect.stringMatching(/^Redis refuses writes: out of memory/),
      expect.stringMatching(/^Redis refuses writes: it is a read-only replica/),
      'Redis answers again: sendsms back to normal',
    ]);
  });

  it('passes errors that are not Redis faults unchanged, and stays closed', async () => {
    const log = logs();
    const circuit = new RedisCircuit({ probe: async () => undefined, probeIntervalMs: 5, logger: log.logger, activity: 'sendsms' });
    const bug = new TypeError('x is undefined');
    await expect(circuit.run(() => Promise.reject(bug))).rejects.toBe(bug);
    await flush();
    expect(circuit.isOpen).toBe(false);
    expect(log.lines).toEqual([]);
  });
});
