/**
 * Reads a V8 .cpuprofile (node --cpu-prof) and says where the time went: self time by function and by owner
 * (our src/, each package in node_modules, Node's internals, the garbage collector, idle).
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
  startTime: number;
  endTime: number;
}

/**
 * Stages of a message through the gateway, recognised by a frame anywhere on the sampled stack (first match wins).
 * Named after files in src/ and the packages; when those move, the samples fall into "other" and this wants updating.
 */
const STAGES: ReadonlyArray<readonly [string, RegExp]> = [
  ['DLR callbacks (GET to the dlr-url: fetch)', /dlr\/callback-queue|node:internal\/deps\/undici/],
  [
    'receipts (parse, match, record, queue the callback)',
    /dlr\/receipt-pipeline|dlr\/receipt-matcher|dlr\/parse-receipt|^receipt .*dlr\/report-dispatcher|applyReceipt|findCorrelation|claimOnce|nextCallbackSeq/m,
  ],
  ['message store (state after submit)', /messages\/(outcome-writer|record-codec)/],
  ['SMPP out (encode, write submit_sm, read resp)', /\/dist\/smpp\/|node_modules\/smpp\//],
  ['enqueue (group commit, addBulk; receipt and callback jobs too)', /queue\/producer\.js|addJobs|addBulk/],
  ['bullmq worker (fetch, lock, complete)', /bullmq\/dist\/cjs\/classes\/worker|moveToFinished|moveToActive/],
  [
    'sendsms (HTTP parse, route, reply)',
    /sendsms-route|accept-service|node_modules\/fastify\/|find-my-way|_http_server|_http_outgoing|parserOnIncoming/,
  ],
  ['Redis replies (ioredis parse, dispatch)', /DataHandler|resp\/decoder|ioredis\/built\/Command/],
];

export interface ProfileSummary {
  readonly totalMs: number;
  readonly byStage: Array<{ stage: string; ms: number; share: number }>;
  readonly byOwner: Array<{ owner: string; ms: number; share: number }>;
  readonly byFunction: Array<{ fn: string; ms: number; share: number }>;
  /**
   * Self time charged to the nearest Switchboard function on the sampled stack (what our code set off
   * synchronously: the library and native code under it included); a sample without one (a library's async
   * continuation: a bullmq script reply, an ioredis read, a fetch) is charged to that continuation's first frame.
   */
  readonly byCaller: Array<{ fn: string; ms: number; share: number }>;
}

function owner(url: string, fn: string): string {
  if (fn === '(garbage collector)') return '(garbage collector)';
  if (fn === '(idle)' || fn === '(program)') return fn;
  if (!url) return '(native / V8)';
  if (url.startsWith('node:')) return 'node: internals';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm?.[1]) return nm[1];
  const m = /\/(dist|src)\/(.+)$/.exec(url);
  if (m?.[2]) return `switchboard ${m[2].split('/')[0]}`;
  return url;
}

export function summarizeProfile(file: string, top = 25): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  // Self time per node: from samples and timeDeltas when present (exact), else hitCount × mean interval.
  const self = new Map<number, number>();
  if (p.samples && p.timeDeltas && p.samples.length === p.timeDeltas.length) {
    for (let i = 0; i < p.samples.length; i++) {
      const next = p.timeDeltas[i + 1] ?? 0;
      const id = p.samples[i]!;
      self.set(id, (self.get(id) ?? 0) + Math.max(0, next));
    }
  } else {
    const hits = p.nodes.reduce((s, n) => s + (n.hitCount ?? 0), 0);
    const per = hits ? (p.endTime - p.startTime) / hits : 0;
    for (const n of p.nodes) self.set(n.id, (n.hitCount ?? 0) * per);
  }
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stackText = (id: number): string => {
    const parts: string[] = [];
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur)?.callFrame;
      if (f) parts.push(`${f.functionName} ${f.url}`);
    }
    return parts.join('\n');
  };
  const stages = new Map<string, number>();
  const owners = new Map<string, number>();
  const fns = new Map<string, number>();
  const callers = new Map<string, number>();
  const frameName = (f: ProfileNode['callFrame']): string => {
    const short = f.url ? f.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/(dist|src)\//, '$1/') : '';
    return `${f.functionName || '(anonymous)'}${short ? ` ${short}:${f.lineNumber + 1}` : ''}`;
  };
  const PLUMBING = new Set([
    '(root)',
    '',
    'processTicksAndRejections',
    'runMicrotasks',
    'listOnTimeout',
    'processTimers',
    'processImmediate',
  ]);
  const callerOf = (id: number): string => {
    const chain: ProfileNode['callFrame'][] = [];
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur)?.callFrame;
      if (!f) continue;
      if (/\/(dist|src)\//.test(f.url) && !f.url.includes('node_modules')) return frameName(f);
      chain.push(f);
    }
    const first = chain.reverse().find((f) => !PLUMBING.has(f.functionName));
    return `[continuation] ${first ? frameName(first) : '(unknown)'}`;
  };
  let total = 0;
  for (const [id, us] of self) {
    const n = byId.get(id);
    if (!n) continue;
    const { functionName, url, lineNumber } = n.callFrame;
    if (functionName === '(idle)') continue;
    total += us;
    const special = functionName === '(garbage collector)' || functionName === '(program)' ? functionName : undefined;
    const stack = special ? '' : stackText(id);
    const stage = special ?? STAGES.find(([, re]) => re.test(stack))?.[0] ?? 'other (timers, promise glue, startup)';
    stages.set(stage, (stages.get(stage) ?? 0) + us);
    const o = owner(url, functionName);
    owners.set(o, (owners.get(o) ?? 0) + us);
    const short = url ? url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/(dist|src)\//, '$1/') : '';
    const key = `${functionName || '(anonymous)'}${short ? ` ${short}:${lineNumber + 1}` : ''}`;
    fns.set(key, (fns.get(key) ?? 0) + us);
    const caller = special ?? callerOf(id);
    callers.set(caller, (callers.get(caller) ?? 0) + us);
  }
  const rank = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]);
  return {
    totalMs: total / 1000,
    byStage: rank(stages).map(([st, us]) => ({ stage: st, ms: us / 1000, share: us / total })),
    byOwner: rank(owners)
      .slice(0, top)
      .map(([o, us]) => ({ owner: o, ms: us / 1000, share: us / total })),
    byFunction: rank(fns)
      .slice(0, top)
      .map(([f, us]) => ({ fn: f, ms: us / 1000, share: us / total })),
    byCaller: rank(callers)
      .slice(0, top)
      .map(([f, us]) => ({ fn: f, ms: us / 1000, share: us / total })),
  };
}

export function formatProfile(s: ProfileSummary): string {
  const pct = (x: number): string => `${(x * 100).toFixed(1).padStart(5)} %`;
  const lines = [
    `busy time in the profile: ${(s.totalMs / 1000).toFixed(2)} s (idle excluded)`,
    '',
    'self time by stage (from the call stack):',
  ];
  for (const st of s.byStage) lines.push(`  ${pct(st.share)}  ${st.ms.toFixed(0).padStart(6)} ms  ${st.stage}`);
  lines.push('', 'self time by owner:');
  for (const o of s.byOwner) lines.push(`  ${pct(o.share)}  ${o.ms.toFixed(0).padStart(6)} ms  ${o.owner}`);
  lines.push('', 'self time by function:');
  for (const f of s.byFunction) lines.push(`  ${pct(f.share)}  ${f.ms.toFixed(0).padStart(6)} ms  ${f.fn}`);
  lines.push('', 'self time charged to the nearest Switchboard function on the stack (else to the async continuation it ran in):');
  for (const f of s.byCaller) lines.push(`  ${pct(f.share)}  ${f.ms.toFixed(0).padStart(6)} ms  ${f.fn}`);
  return lines.join('\n');
}
