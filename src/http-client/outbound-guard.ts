/**
 * Holds outbound HTTP requests (callbacks, MO forwarding) to the outbound policy (security/outbound-policy.ts) at
 * the last moment: the URL's host before the request (an address literal is never looked up), and every address
 * a host name resolves to, in the connection's own DNS lookup. Checking the addresses the socket actually
 * connects to is what defeats DNS rebinding: a name that resolved to a public address when checked and to
 * 169.254.169.254 a moment later never reaches the second one.
 *
 * Each policy has its own keep-alive agents, so a connection opened under one account's callback-allow is never
 * reused for a request that policy would not allow.
 */
import dns from 'node:dns';
import type { LookupFunction } from 'node:net';
import { Agent, type Dispatcher } from 'undici';
import { canonicalHost, checkAddress, checkHost, type OutboundPolicies, type OutboundPolicy } from '../security/outbound-policy.js';

/** A request the policy refuses; never retried. */
export class OutboundRefusedError extends Error {
  override readonly name = 'OutboundRefusedError';
  readonly code = 'ERR_OUTBOUND_REFUSED';
}

export class OutboundGuard {
  /** Keep-alive connections for HTTP and HTTPS alike, opened through the checking lookup. */
  readonly dispatcher: Dispatcher;

  constructor(readonly policy: OutboundPolicy) {
    const lookup: LookupFunction = (hostname, options, callback) => {
      dns.lookup(hostname, options, (err, address, family) => {
        if (err) return callback(err, address, family);
        const host = canonicalHost(hostname);
        for (const a of typeof address === 'string' ? [address] : address.map((x) => x.address)) {
          const verdict = checkAddress(policy, host, a);
          if (!verdict.ok) return callback(new OutboundRefusedError(`${host} resolves to ${a}: ${verdict.reason}`), '', 0);
        }
        return callback(null, address, family);
      });
    };
    this.dispatcher = new Agent({ connections: 256, keepAliveTimeout: 30_000, connect: { lookup } });
  }

  /** Why a request to this URL is refused before any DNS, or undefined. */
  refusal(url: URL): string | undefined {
    const verdict = checkHost(this.policy, url.hostname);
    return verdict.ok ? undefined : verdict.reason;
  }
}

/** One guard per policy, made when first needed. */
export class OutboundGuards {
  private readonly guards = new Map<OutboundPolicy, OutboundGuard>();

  constructor(private readonly policies: OutboundPolicies) {}

  forAccount(username: string | undefined): OutboundGuard {
    return this.guardOf(this.policies.forAccount(username));
  }

  /** MO services: the deny lists, no allow list. */
  get services(): OutboundGuard {
    return this.guardOf(this.policies.default);
  }

  private guardOf(policy: OutboundPolicy): OutboundGuard {
    let g = this.guards.get(policy);
    if (!g) {
      g = new OutboundGuard(policy);
      this.guards.set(policy, g);
    }
    return g;
  }
}
