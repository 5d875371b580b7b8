/** WAIT after a write (redis.wait-replicas) against a real primary and replica. */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReplicaAck, ReplicationError } from '../../src/redis/replica-ack.js';
import { startSentinels, type SentinelDeployment } from '../helpers/sentinel.js';

let d: SentinelDeployment;
let client: Redis;
beforeAll(async () => {
  d = await startSentinels({ replicas: 1, sentinels: 0 });
  client = new Redis({ port: d.nodes[0]!.port, host: '127.0.0.1', maxRetriesPerRequest: null });
});
afterAll(async () => {
  client?.disconnect();
  await d?.stop();
});

describe('ReplicaAck', () => {
  it('resolves once the replica holds the write (one WAIT), and reports its result', async () => {
    const ack = new ReplicaAck(client, { replicas: 1, timeoutMs: 1000 });
    expect(await ack.after(() => client.set('k1', 'v'))).toBe('OK');
    expect(ack.counters).toMatchObject({ waits: 1, late: 0, lost: 0 });
    expect(await d.client(d.nodes[1]!.port).get('k1')).toBe('v');
  });

  it('rejects with a 503-kind error when fewer replicas confirm within the timeout', async () => {
    const ack = new ReplicaAck(client, { replicas: 2, timeoutMs: 100 });
    const t0 = Date.now();
    const err = await ack.after(() => client.set('k2', 'v')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReplicationError);
    expect((err as ReplicationError).statusCode).toBe(503);
    expect((err as ReplicationError).possiblyLost).toBe(false);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(90);
    expect(ack.counters).toMatchObject({ waits: 1, late: 1 });
  });

  it('reports the write as possibly lost when the connection changed before the WAIT was answered', async () => {
    const ack = new ReplicaAck(client, { replicas: 1, timeoutMs: 1000 });
    const err = await ack
      .persistently(async () => {
        await client.set('k3', 'v');
        client.stream.destroy(); // ioredis reconnects; the WAIT goes on the new connection
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReplicationError);
    expect((err as ReplicationError).possiblyLost).toBe(true);
    expect(ack.counters.lost).toBe(1);
  });

  it('sends nothing with 0 replicas', async () => {
    const ack = new ReplicaAck(client, { replicas: 0, timeoutMs: 1000 });
    await ack.after(() => client.set('k4', 'v'));
    expect(ack.counters.waits).toBe(0);
  });
});
