/**
 * The SMSC side and the service side of bench/kannel-services.sh: two simulators (links SIM on 22775, OTHER on
 * 22776) that print every submit_sm they receive, and a local service on 23099 that answers each path as the
 * configuration's services expect. Once SIM is bound, sends each argument as an MO from 46701111111 to 4444 and
 * waits 1.5 s after each; then stays up for LINGER_MS (default 20 s) for the sendsms checks, and exits.
 *
 *   tsx bench/kannel-services.ts geturl long1 "txt one two three"
 */
import { createServer } from 'node:http';
import { decodeShortMessage } from '../src/encoding/index.js';
import { SmscSimulator } from '../src/simulator/smsc-simulator.js';

const LONG = Array.from({ length: 40 }, (_, i) => `word${String(i).padStart(2, '0')}`).join(' ') + ' ' + 'x'.repeat(50);
const ANSWERS: Record<string, { status?: number; headers: Record<string, string>; body: string }> = {
  '/plain': { headers: { 'content-type': 'text/plain' }, body: 'thanks' },
  '/long': { headers: { 'content-type': 'text/plain' }, body: LONG },
  '/empty': { headers: { 'content-type': 'text/plain' }, body: '' },
  '/html': { headers: { 'content-type': 'text/html' }, body: '<html><body>junk <b>the answer</b> more junk</body></html>' },
  '/hdr': {
    headers: {
      'content-type': 'text/plain',
      'x-kannel-from': '777',
      'x-kannel-to': '888',
      'x-kannel-smsc': 'OTHER',
      'x-kannel-dlr-mask': '31',
      'x-kannel-dlr-url': 'http://127.0.0.1:23099/dlr?t=%d',
      'x-kannel-coding': '2',
    },
    body: 'with headers',
  },
  '/s500': { status: 500, headers: { 'content-type': 'text/plain' }, body: 'boom' },
};

const service = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString();
    console.log('HTTP', req.method, req.url, JSON.stringify(req.headers), JSON.stringify(body));
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const a = path === '/echo' ? { headers: { 'content-type': 'text/plain' }, body: `echo:${body.slice(0, 100)}` } : ANSWERS[path];
    res.writeHead(a?.status ?? 200, a?.headers ?? { 'content-type': 'text/plain' }).end(a?.body ?? 'ok');
  });
});
service.listen(23099, '127.0.0.1');

const sims = [new SmscSimulator({ port: 22775, host: '127.0.0.1' }), new SmscSimulator({ port: 22776, host: '127.0.0.1' })];
for (const [i, sim] of sims.entries()) {
  await sim.start();
  sim.on('submit', (m) => {
    const d = decodeShortMessage({ dataCoding: m.dataCoding, esmClass: m.esmClass, shortMessage: m.shortMessage, sar: m.sar });
    console.log(
      `SUBMIT ${i === 0 ? 'SIM' : 'OTHER'} from=${m.sourceAddr} ton=${m.sourceTon} to=${m.destAddr} dc=${m.dataCoding} esm=${m.esmClass} ` +
        `rd=${m.registeredDelivery} len=${m.shortMessage.length} concat=${JSON.stringify(d.concat)} text=${JSON.stringify(d.text)}`,
    );
  });
}
const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
for (let i = 0; i < 150 && sims[0]!.boundSessions().length === 0; i++) await wait(200);
console.log('bound');
for (const text of process.argv.slice(2)) {
  console.log('=== MO', JSON.stringify(text));
  await sims[0]!.deliver({
    sourceAddr: '46701111111',
    destAddr: '4444',
    esmClass: 0,
    dataCoding: 0,
    shortMessage: Buffer.from(text, 'latin1'),
  });
  await wait(1500);
}
console.log('MO done');
await wait(Number(process.env.LINGER_MS ?? 20_000));
for (const sim of sims) await sim.kill();
service.close();
process.exit(0);
