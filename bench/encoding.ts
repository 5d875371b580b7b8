/**
 * `npm run bench:encoding`: what encoding costs per message, on the accept path (encodeText + countParts, once per
 * message) and on the drain path (buildParts for the link's concatenation method, once per send). Bounded: a fixed
 * number of iterations per case, a few seconds in all. `npm run bench` runs it after its runs (ENCODING=0 skips it)
 * on the measured tree's compiled dist/ (ENCODING_MODULE); run alone, it measures src/ through tsx.
 *
 * env: ITERATIONS=200000 (per figure) ENCODING_MODULE=path of an encoding/index.js to measure instead of src/
 */
import { pathToFileURL } from 'node:url';
import type * as Encoding from '../src/encoding/index.js';

const { buildParts, countParts, encodeText } = (await import(
  process.env.ENCODING_MODULE ? pathToFileURL(process.env.ENCODING_MODULE).href : '../src/encoding/index.js'
)) as typeof Encoding;

const CASES: Array<{ name: string; text: string }> = [
  { name: 'the bench\'s "bench msg 12345"', text: 'bench msg 12345' },
  { name: '160-character GSM', text: 'The quick brown fox jumps over the lazy dog. '.repeat(4).slice(0, 160) },
  { name: '500-character GSM with {}[]€', text: 'Line {x} [y] costs 5€ and more text follows. '.repeat(12).slice(0, 500) },
  { name: '200-character Cyrillic', text: 'Съешь же ещё этих мягких французских булок, да выпей чаю. '.repeat(4).slice(0, 200) },
];

const ITERATIONS = Number(process.env.ITERATIONS ?? 200_000);

function timeUs(fn: () => void): number {
  for (let i = 0; i < 2000; i++) fn(); // warm up the JIT
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < ITERATIONS; i++) fn();
  return Number(process.hrtime.bigint() - t0) / 1000 / ITERATIONS;
}

console.log(
  `encoding cost, µs per message (${ITERATIONS} iterations per figure, one process, after a warm-up; ${process.env.ENCODING_MODULE ? 'compiled dist/' : 'src/ through tsx'})`,
);
console.log('| text | parts (udh8) | accept: encodeText + countParts | drain: buildParts udh8 | drain: buildParts sar |');
console.log('|---|---|---|---|---|');
for (const c of CASES) {
  const raw = Buffer.from(c.text, 'utf8');
  const enc = encodeText({ text: raw });
  if (!enc.ok) throw new Error(`cannot encode ${c.name}: ${enc.detail}`);
  const parts = countParts(enc.alphabet, enc.payload, 'udh8');
  const accept = timeUs(() => {
    const e = encodeText({ text: raw });
    if (e.ok) countParts(e.alphabet, e.payload, 'udh8');
  });
  const udh8 = timeUs(() => buildParts(enc.alphabet, enc.payload, 'udh8', 42));
  const sar = timeUs(() => buildParts(enc.alphabet, enc.payload, 'sar', 42));
  console.log(`| ${c.name} | ${parts} | ${accept.toFixed(2)} | ${udh8.toFixed(2)} | ${sar.toFixed(2)} |`);
}
