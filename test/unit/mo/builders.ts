/** Builders for the MO unit tests: a service, a received deliver_sm and a ready MoMessage, naming only what matters. */
import type { Service } from '../../../src/domain/service.js';
import type { MoMessage } from '../../../src/mo/mo-message.js';
import type { InboundSm } from '../../../src/smpp/inbound.js';

export function service(keyword: string, over: Partial<Service> = {}): Service {
  return {
    name: over.name ?? keyword,
    keyword,
    aliases: [],
    getUrl: 'http://svc.example/mo?text=%a',
    postUrl: undefined,
    acceptedSmsc: [],
    ...over,
  };
}

export function inbound(over: Partial<InboundSm> = {}): InboundSm {
  return {
    command: 'deliver_sm',
    serviceType: '',
    sourceAddr: '4670000001',
    sourceTon: 1,
    sourceNpi: 1,
    destAddr: '1234',
    destTon: 0,
    destNpi: 0,
    esmClass: 0,
    protocolId: 0,
    dataCoding: 0,
    body: Buffer.from('hello', 'latin1'),
    receiptedMessageId: undefined,
    messageState: undefined,
    networkErrorCode: undefined,
    sar: undefined,
    ...over,
  };
}

export function mo(over: Partial<MoMessage> = {}): MoMessage {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    from: '+4670000001',
    to: '1234',
    smscId: 'op-a',
    linkId: 'op-a',
    account: 'esme',
    // 2024-03-05 06:07:08 UTC
    receivedAtMs: Date.UTC(2024, 2, 5, 6, 7, 8),
    text: 'Weather in Oslo',
    coding: 0,
    dataCoding: 0,
    protocolId: 0,
    serviceType: '',
    parts: 1,
    ...over,
  };
}
