import { describe, expect, it } from 'vitest';
import { RedisAvailability } from '../../../src/redis/availability.js';

describe('RedisAvailability', () => {
  it('counts the time without a primary once when several sources see it, the current stretch included', () => {
    const a = new RedisAvailability();
    a.lost('connection store', 1000);
    a.lost('requests', 1200);
    a.found('connection store', 1500);
    expect(a.withoutPrimaryMs(1600)).toBe(600);
    a.found('requests', 2000);
    expect(a.withoutPrimaryMs(5000)).toBe(1000);
    a.found('requests', 6000); // not lost: nothing changes
    a.lost('requests', 7000);
    expect(a.withoutPrimaryMs(7250)).toBe(1250);
  });

  it('counts a failover when a connection comes back to another address, once for all the clients that follow', () => {
    const a = new RedisAvailability();
    expect(a.connectedTo('10.0.0.1:6379')).toBeUndefined();
    expect(a.connectedTo('10.0.0.1:6379')).toBeUndefined();
    expect(a.connectedTo('10.0.0.2:6379')).toBe('10.0.0.1:6379');
    expect(a.connectedTo('10.0.0.2:6379')).toBeUndefined();
    expect(a.failovers).toBe(1);
  });
});
