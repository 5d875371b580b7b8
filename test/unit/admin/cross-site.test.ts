/** Another site's page told apart from the port's own pages and from scripts, by Origin and Sec-Fetch-Site. */
import { describe, expect, it } from 'vitest';
import { isBrowserRequest, isCrossSite } from '../../../src/admin/cross-site.js';
import { normalizeOrigin } from '../../../src/security/origin.js';

const host = '127.0.0.1:13000';

describe('isCrossSite', () => {
  it("lets through requests without Origin and Sec-Fetch-Site (curl, scripts) and the port's own pages", () => {
    expect(isCrossSite({ host }, [])).toBe(false);
    expect(isCrossSite({ host, origin: 'http://127.0.0.1:13000', 'sec-fetch-site': 'same-origin' }, [])).toBe(false);
    expect(isCrossSite({ host, 'sec-fetch-site': 'same-origin' }, [])).toBe(false);
    // typed into the address bar, or a bookmark
    expect(isCrossSite({ host, 'sec-fetch-site': 'none' }, [])).toBe(false);
  });

  it('refuses Sec-Fetch-Site cross-site or same-site without an allowed Origin', () => {
    expect(isCrossSite({ host, 'sec-fetch-site': 'cross-site' }, [])).toBe(true);
    expect(isCrossSite({ host, 'sec-fetch-site': 'same-site' }, [])).toBe(true);
  });

  it("refuses an Origin that is not the port's own, nor allowed; `null` too", () => {
    expect(isCrossSite({ host, origin: 'http://evil.example' }, [])).toBe(true);
    expect(isCrossSite({ host, origin: 'http://127.0.0.1:8080' }, [])).toBe(true);
    expect(isCrossSite({ host, origin: 'null' }, [])).toBe(true);
    expect(isCrossSite({ host, origin: 'https://ops.example.com', 'sec-fetch-site': 'cross-site' }, ['https://ops.example.com'])).toBe(
      false,
    );
    expect(isCrossSite({ host, origin: 'https://OPS.example.com:443' }, ['https://ops.example.com'])).toBe(false);
  });

  it("takes a proxy's X-Forwarded-Host as the port's own host, and a Host without a port as any port of that name", () => {
    expect(isCrossSite({ host: '127.0.0.1:13000', 'x-forwarded-host': 'gw.example:8443', origin: 'https://gw.example:8443' }, [])).toBe(
      false,
    );
    expect(isCrossSite({ host: '127.0.0.1', origin: 'http://127.0.0.1:8080' }, [])).toBe(false);
    expect(isCrossSite({ host: '127.0.0.1', origin: 'http://127.0.0.2:8080' }, [])).toBe(true);
    expect(isCrossSite({ origin: 'http://127.0.0.1:13000' }, [])).toBe(true);
  });
});

describe('isBrowserRequest', () => {
  it('knows browsers by Fetch Metadata, Origin or a Mozilla/ user agent; curl is none', () => {
    expect(isBrowserRequest({ 'sec-fetch-mode': 'navigate' })).toBe(true);
    expect(isBrowserRequest({ origin: 'http://x' })).toBe(true);
    expect(isBrowserRequest({ 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64)' })).toBe(true);
    expect(isBrowserRequest({ 'user-agent': 'curl/8.5.0' })).toBe(false);
    expect(isBrowserRequest({})).toBe(false);
  });
});

describe('normalizeOrigin', () => {
  it('spells an origin one way, and refuses anything that is not one', () => {
    expect(normalizeOrigin('HTTPS://Ops.Example.com:443/')).toBe('https://ops.example.com');
    expect(normalizeOrigin('http://[::1]:8080')).toBe('http://[::1]:8080');
    expect(normalizeOrigin('https://ops.example.com/path')).toBeUndefined();
    expect(normalizeOrigin('ftp://x')).toBeUndefined();
    expect(normalizeOrigin('ops.example.com')).toBeUndefined();
  });
});
