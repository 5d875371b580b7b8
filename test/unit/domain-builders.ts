/**
 * Small builders for the domain objects the pure modules take, with the schema's defaults, so a test names only
 * what it is about.
 */
import type { Account } from '../../src/domain/account.js';
import { DEFAULT_INTEROP, type Link, type LinkRouting } from '../../src/domain/link.js';

export const NO_ROUTING: LinkRouting = {
  allowedSmscId: [],
  deniedSmscId: [],
  preferredSmscId: [],
  allowedPrefix: [],
  deniedPrefix: [],
  preferredPrefix: [],
};

export function routing(over: Partial<LinkRouting> = {}): LinkRouting {
  return { ...NO_ROUTING, ...over };
}

export function makeLink(id: string, over: Partial<Omit<Link, 'routing'>> & { routing?: Partial<LinkRouting> } = {}): Link {
  const { routing: r, ...rest } = over;
  return {
    id,
    smscId: id,
    host: '127.0.0.1',
    port: 2775,
    receivePort: 0,
    transceiver: false,
    systemId: 'user',
    password: 'pw',
    systemType: '',
    addressRange: '',
    sourceAddrTon: undefined,
    sourceAddrNpi: undefined,
    destAddrTon: 2,
    destAddrNpi: 1,
    enquireLinkIntervalMs: 30_000,
    responseTimeoutMs: 30_000,
    unhealthyAfterMs: 3_000,
    connectTimeoutMs: 10_000,
    maxPendingSubmits: 10,
    reconnectDelayMs: 10_000,
    reconnectDelayMaxMs: 60_000,
    throughput: 0,
    instances: 1,
    msgIdType: { submitRespHex: false, deliverHex: false },
    concatenation: 'udh8',
    gsmPacked: false,
    throttlePauseMs: 1_000,
    spilloverQueueAgeMs: 0,
    ...rest,
    routing: routing(r),
    interop: over.interop ?? DEFAULT_INTEROP,
    tlvs: over.tlvs ?? [],
  };
}

export function makeAccount(over: Partial<Account> = {}): Account {
  return {
    username: 'user',
    password: 'secret',
    name: over.username ?? 'user',
    defaultSmsc: undefined,
    forcedSmsc: undefined,
    defaultSender: undefined,
    fakedSender: undefined,
    maxMessages: 10,
    allowIp: [],
    denyIp: [],
    callbackAllow: [],
    allowedPrefix: [],
    deniedPrefix: [],
    ...over,
  };
}
