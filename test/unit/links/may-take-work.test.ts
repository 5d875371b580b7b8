/**
 * Whether a link may take work (mayTakeWork): new work from a route's queue by its tier, or more of what it holds.
 */
import { describe, expect, it } from 'vitest';
import { mayTakeWork, type LinkWorkState, type RouteTurn } from '../../../src/links/may-take-work.js';

const sending: LinkWorkState = { stopped: false, willSend: true };
const stopped: LinkWorkState = { stopped: true, willSend: true };
const silent: LinkWorkState = { stopped: false, willSend: false };
const preferred: RouteTurn = { tier: 'preferred', spilling: false, preferredHealthy: true };
const fallback = (preferredHealthy: boolean, spilling = false): RouteTurn => ({ tier: 'fallback', spilling, preferredHealthy });

describe('mayTakeWork', () => {
  it.each<[string, LinkWorkState, RouteTurn | undefined, boolean]>([
    ['a link that sends: more of what it holds', sending, undefined, true],
    ['stopped (closing, operator, suspended): nothing', stopped, undefined, false],
    ['no bind will send: nothing', silent, undefined, false],
    ['a preferred link takes its route', sending, preferred, true],
    ['a stopped preferred link does not', stopped, preferred, false],
    ['a preferred link that cannot send does not', silent, preferred, false],
    ['a fallback link while a preferred one is healthy: no', sending, fallback(true), false],
    ['a fallback link while no preferred one is healthy anywhere: yes', sending, fallback(false), true],
    ['a fallback link helping saturated preferred links (spillover): yes', sending, fallback(true, true), true],
    ['a stopped fallback link, even with no preferred one healthy: no', stopped, fallback(false), false],
    ['a fallback link that cannot send, spilling or not: no', silent, fallback(false, true), false],
  ])('%s', (_what, link, route, expected) => {
    expect(mayTakeWork(link, route)).toBe(expected);
  });
});
