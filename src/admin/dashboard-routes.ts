/**
 * The dashboard and the API documentation on the admin port: the page at `/`, its scripts and styles under
 * `/dashboard/`, the docs page at `/docs`, the OpenAPI document at `/openapi.json`, and `/api/v1/access` (what the
 * given password may do, and which panels the gateway has; the page asks it at login). Pages and assets need no password, since the page must show its
 * login, but the client address is checked as for every admin route (admin-allow-ip, admin-deny-ip). Data comes
 * only from the JSON admin API, with the password.
 *
 * Assets are a fixed table of files (the page's own under ./static, uPlot and Swagger UI from node_modules), read
 * once when first asked for: no directory is served, so no request path ever reaches the file system, and nothing
 * is fetched from a CDN.
 */
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { clientAllowed, ipRules } from '../security/ip-rules.js';
import type { AdminAccess, AdminRefusal } from './admin-access.js';
import { openApiDocument } from './openapi-document.js';
import { clientPrefix } from './path-prefix.js';

export interface DashboardDeps {
  readonly access: AdminAccess;
  /** Hears a refused login question (the port's refusal log). */
  readonly refused?: (req: FastifyRequest, refusal: AdminRefusal) => void;
  readonly allowIp: readonly string[];
  readonly denyIp: readonly string[];
  /** admin.base-path: '' or `/sms-gateway`. */
  readonly basePath: string;
  readonly version: string;
  /** The sendsms port, for the OpenAPI document's server URL (read at each request). */
  readonly sendsms: () => { readonly tls: boolean; readonly host: string; readonly port: number };
  /** The gateway has an smpp-server section (the page then shows its client sessions); false when absent. */
  readonly smppServer?: boolean;
}

const HTML = 'text/html; charset=utf-8';
const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

const own = (name: string): string => fileURLToPath(new URL(`./static/${name}`, import.meta.url));
const vendor = (id: string): string => createRequire(import.meta.url).resolve(id);

/** URL path → file and type. The page refers to these with relative URLs, so they work under any prefix. */
const ASSETS: Readonly<Record<string, { readonly file: () => string; readonly type: string }>> = {
  '/': { file: () => own('index.html'), type: HTML },
  '/docs': { file: () => own('docs.html'), type: HTML },
  '/dashboard/dashboard.js': { file: () => own('dashboard.js'), type: JS },
  '/dashboard/view.js': { file: () => own('view.js'), type: JS },
  '/dashboard/charts.js': { file: () => own('charts.js'), type: JS },
  '/dashboard/docs.js': { file: () => own('docs.js'), type: JS },
  '/dashboard/dashboard.css': { file: () => own('dashboard.css'), type: CSS },
  '/dashboard/vendor/uPlot.iife.min.js': { file: () => vendor('uplot/dist/uPlot.iife.min.js'), type: JS },
  '/dashboard/vendor/uPlot.min.css': { file: () => vendor('uplot/dist/uPlot.min.css'), type: CSS },
  '/dashboard/vendor/swagger-ui-bundle.js': { file: () => vendor('swagger-ui-dist/swagger-ui-bundle.js'), type: JS },
  '/dashboard/vendor/swagger-ui.css': { file: () => vendor('swagger-ui-dist/swagger-ui.css'), type: CSS },
};

export const DASHBOARD_PATHS: readonly string[] = Object.keys(ASSETS);

/**
 * Scripts and styles from this origin only (no CDN, nothing inline but style attributes, which uPlot and Swagger UI
 * set), data only from this origin, and never in a frame.
 */
const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

interface Loaded {
  readonly body: Buffer;
  readonly etag: string;
}

export function registerDashboard(app: FastifyInstance, deps: DashboardDeps): void {
  const allow = ipRules(deps.allowIp);
  const deny = ipRules(deps.denyIp);
  const loaded = new Map<string, Promise<Loaded>>();
  const load = (path: string, file: string): Promise<Loaded> => {
    let p = loaded.get(path);
    if (!p) {
      p = readFile(file).then((body) => ({ body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` }));
      // A file that could not be read is tried again at the next request, not remembered as missing.
      p.catch(() => loaded.delete(path));
      loaded.set(path, p);
    }
    return p;
  };
  const refused = (req: FastifyRequest, reply: FastifyReply): FastifyReply | undefined =>
    clientAllowed(allow, deny, req.ip)
      ? undefined
      : reply
          .code(403)
          .type('text/plain; charset=utf-8')
          .send(`Denied: this client address (${req.ip}) may not use the admin port; see admin.admin-allow-ip and admin.admin-deny-ip`);

  const serve = async (req: FastifyRequest, reply: FastifyReply, path: string, asset: (typeof ASSETS)[string]): Promise<FastifyReply> => {
    const no = refused(req, reply);
    if (no) return no;
    const { body, etag } = await load(path, asset.file());
    reply.headers({
      'content-type': asset.type,
      'cache-control': 'no-cache',
      etag,
      'x-content-type-options': 'nosniff',
      ...(asset.type === HTML ? PAGE_HEADERS : {}),
    });
    if (req.headers['if-none-match'] === etag) return reply.code(304).send();
    return reply.send(body);
  };

  for (const [path, asset] of Object.entries(ASSETS)) app.get(path, (req, reply) => serve(req, reply, path, asset));
  // The page's relative URLs need the trailing slash; so does a proxy's sub-path.
  const toSlash =
    (to: string) =>
    (req: FastifyRequest, reply: FastifyReply): FastifyReply =>
      refused(req, reply) ?? reply.redirect(`${clientPrefix(deps.basePath, req.originalUrl, req.headers['x-forwarded-prefix'])}${to}`, 301);
  app.get('/docs/', toSlash('/docs'));
  if (deps.basePath !== '') app.get(deps.basePath, toSlash('/'));

  app.get('/openapi.json', async (req, reply) => {
    const no = refused(req, reply);
    if (no) return no;
    const sendsms = deps.sendsms();
    const anyAddress = sendsms.host === '0.0.0.0' || sendsms.host === '::' || sendsms.host === '';
    const doc = openApiDocument({
      version: deps.version,
      adminPrefix: clientPrefix(deps.basePath, req.originalUrl, req.headers['x-forwarded-prefix']),
      sendsms: { ...sendsms, host: anyAddress ? req.hostname : sendsms.host },
    });
    return reply.header('cache-control', 'no-cache').send(doc);
  });

  app.get('/api/v1/access', async (req, reply) => {
    const read = await deps.access(req, 'status');
    if (read !== 'ok') {
      deps.refused?.(req, read);
      return reply.code(read.status).headers(read.headers).send(read.body);
    }
    // What the page may offer is said at login, so that it never asks for a panel the gateway does not have.
    return { access: (await deps.access(req, 'admin')) === 'ok' ? 'admin' : 'read', smppServer: deps.smppServer === true };
  });
}
