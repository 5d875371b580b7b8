/**
 * Hostile or broken SMSC output: an unknown command gets a generic_nack and the session lives on; a frame whose
 * length cannot be right ends the session cleanly and the bind comes back; a truncated deliver_sm is refused; a
 * request that has no response PDU (outbind) gets a generic_nack; an SMSC that writes but never reads, or floods
 * deliver_sm ignoring any window, is held back by TCP instead of being buffered for.
 */
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Bind } from '../../src/smpp/bind.js';
import { COMMAND_IDS, decodePdu, encodePdu } from '../../src/smpp/codec.js';
import { createLogger } from '../../src/observability/logger.js';
import { sleep, testLink, waitFor } from '../helpers/links.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface RawSmsc {
  readonly port: number;
  readonly sockets: Socket[];
  readonly frames: { command: string; status: number; sequence: number }[];
  binds: number;
}

/** An SMSC written by hand: answers binds, records every frame it gets, and lets the test write raw bytes. */
async function rawSmsc(): Promise<RawSmsc> {
  const state: RawSmsc = { port: 0, sockets: [], frames: [], binds: 0 };
  const server: Server = createServer((socket) => {
    state.sockets.push(socket);
    let buf = Buffer.alloc(0);
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 16 && buf.length >= buf.readUInt32BE(0)) {
        const frame = buf.subarray(0, buf.readUInt32BE(0));
        buf = buf.subarray(frame.length);
        const pdu = decodePdu(frame);
        state.frames.push({ command: pdu.command, status: pdu.command_status, sequence: pdu.sequence_number });
        if (pdu.command === 'bind_transceiver') {
          state.binds++;
          socket.write(encodePdu('bind_transceiver_resp', { system_id: 'RAW' }, pdu.sequence_number));
        } else if (pdu.command === 'enquire_link') socket.write(encodePdu('enquire_link_resp', {}, pdu.sequence_number));
        else if (pdu.command === 'unbind') socket.write(encodePdu('unbind_resp', {}, pdu.sequence_number));
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  Object.assign(state, { port: (server.address() as { port: number }).port });
  cleanups.push(() => {
    for (const s of state.sockets) s.destroy();
    return new Promise<void>((r) => server.close(() => r()));
  });
  return state;
}

function header(length: number, commandId: number, status: number, sequence: number): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt32BE(length, 0);
  b.writeUInt32BE(commandId, 4);
  b.writeUInt32BE(status, 8);
  b.writeUInt32BE(sequence, 12);
  return b;
}

function bind(port: number): Bind {
  const b = new Bind({ link: testLink(port), mode: 'transceiver', port, instance: 1, logger: createLogger('silent') });
  b.start();
  cleanups.push(() => b.stop(100));
  return b;
}

describe('an SMSC that sends what it should not', () => {
  it('an unknown command gets generic_nack ESME_RINVCMDID, and the session stays bound', async () => {
    const smsc = await rawSmsc();
    const b = bind(smsc.port);
    await waitFor(() => b.state.kind === 'bound');
    smsc.sockets[0]!.write(header(16, 0x00000abc, 0, 77));
    await waitFor(() => smsc.frames.some((f) => f.command === 'generic_nack'), 2000, 'generic_nack');
    expect(smsc.frames.find((f) => f.command === 'generic_nack')).toEqual({ command: 'generic_nack', status: 0x03, sequence: 77 });
    expect(b.state.kind).toBe('bound');
    expect(smsc.binds).toBe(1);
  });

  it('an outbind on a bound session (a request with no response PDU) gets a generic_nack, and the session stays bound', async () => {
    // Found by npm run fuzz:smpp: answering it looked up "outbind_resp", which does not exist, and the gateway crashed.
    const smsc = await rawSmsc();
    const b = bind(smsc.port);
    await waitFor(() => b.state.kind === 'bound');
    const body = Buffer.from('SMSC\0pw\0', 'latin1');
    smsc.sockets[0]!.write(Buffer.concat([header(16 + body.length, COMMAND_IDS.outbind!, 0, 31), body]));
    await waitFor(() => smsc.frames.some((f) => f.command === 'generic_nack'), 2000, 'generic_nack');
    expect(smsc.frames.find((f) => f.command === 'generic_nack')).toEqual({ command: 'generic_nack', status: 0x03, sequence: 31 });
    expect(b.state.kind).toBe('bound');
    expect(smsc.binds).toBe(1);
  });

  it('an SMSC that floods enquire_link and never reads is held back by TCP (the gateway stops reading it), and the keep-alive ends the session', async () => {
    // Before: the gateway read on and buffered every answer, 1.4 GB in 15 s, and the bind stayed bound.
    const smsc = await rawSmsc();
    const b = bind(smsc.port);
    await waitFor(() => b.state.kind === 'bound');
    const s = smsc.sockets[0]!;
    s.pause(); // never reads again
    const batch = Buffer.concat(Array.from({ length: 1000 }, (_, i) => header(16, COMMAND_IDS.enquire_link!, 0, i + 1)));
    const limit = 24 << 20;
    let written = 0;
    let blocked = false;
    while (!blocked && written < limit && !s.destroyed) {
      written += batch.length;
      if (s.write(batch)) await new Promise((r) => setImmediate(r));
      else blocked = !(await Promise.race([once(s, 'drain').then(() => true), sleep(500).then(() => false)]));
    }
    expect(blocked, `the SMSC wrote ${written} bytes and was never held back`).toBe(true);
    await waitFor(() => smsc.binds >= 2, 5000, 'the session ended by the keep-alive, and a new bind');
  });

  it('an SMSC that floods deliver_sm ignoring any window: the gateway holds at most 1000 unanswered, reads the rest as it answers, and loses none', async () => {
    // Before: it read on and held every one (250 000 in 6 s made 2.6 GB, and the answers stopped).
    const smsc = await rawSmsc();
    const waiting: Array<() => void> = [];
    let handled = 0;
    const b = new Bind({
      link: testLink(smsc.port),
      mode: 'transceiver',
      port: smsc.port,
      instance: 1,
      logger: createLogger('silent'),
      onInbound: () => {
        handled++;
        return new Promise((resolve) => waiting.push(() => resolve('ok')));
      },
    });
    b.start();
    cleanups.push(() => b.stop(100));
    await waitFor(() => b.state.kind === 'bound');
    const total = 5000;
    const deliver = (seq: number): Buffer => {
      const body = Buffer.from(`\0\x01\x0146700000001\0\x01\x014711\0\0\0\0\0\0\0\0\0\0\x05hello`, 'latin1');
      return Buffer.concat([header(16 + body.length, COMMAND_IDS.deliver_sm!, 0, seq), body]);
    };
    smsc.sockets[0]!.write(Buffer.concat(Array.from({ length: total }, (_, i) => deliver(i + 1))));
    await waitFor(() => handled >= 1000, 3000, 'the first 1000 handed in');
    await sleep(300);
    expect(handled).toBe(1000);
    // Answering lets the rest in, a thousand at a time; every one is answered, and the session stays bound.
    const answers = (): number => smsc.frames.filter((f) => f.command === 'deliver_sm_resp').length;
    await waitFor(
      () => {
        for (const release of waiting.splice(0)) release();
        return answers() === total;
      },
      10_000,
      `${total} deliver_sm_resp`,
    );
    expect(handled).toBe(total);
    expect(b.state.kind).toBe('bound');
    expect(smsc.binds).toBe(1);
  });

  it('a command_length below the header size ends the session cleanly, and it rebinds', async () => {
    const smsc = await rawSmsc();
    const b = bind(smsc.port);
    await waitFor(() => b.state.kind === 'bound');
    smsc.sockets[0]!.write(header(8, COMMAND_IDS.deliver_sm!, 0, 5));
    await waitFor(() => smsc.binds >= 2, 3000, 'rebind');
    expect(b.state.kind === 'bound' || b.state.kind === 'binding').toBe(true);
  });

  it('a deliver_sm whose body stops before its mandatory fields is refused for good (ESME_RX_P_APPN), and the session lives on', async () => {
    const smsc = await rawSmsc();
    const b = bind(smsc.port);
    await waitFor(() => b.state.kind === 'bound');
    // A deliver_sm that claims 40 octets but whose C-strings never end and whose sm_length runs past the frame.
    const body = Buffer.alloc(24, 0x41);
    body[body.length - 2] = 0xff; // sm_length far beyond the frame
    smsc.sockets[0]!.write(Buffer.concat([header(16 + body.length, COMMAND_IDS.deliver_sm!, 0, 9), body]));
    await waitFor(() => smsc.frames.some((f) => f.command === 'deliver_sm_resp'), 3000, 'an answer');
    expect(smsc.frames.find((f) => f.command === 'deliver_sm_resp')).toEqual({ command: 'deliver_sm_resp', status: 0x65, sequence: 9 });
    expect(b.state.kind).toBe('bound');
    expect(smsc.binds).toBe(1);
  });
});
