/**
 * Debian's nginx as a reverse proxy in front of the admin port, the way an operator serves the dashboard at a
 * sub-path: a child process in the foreground (daemon off) with a generated configuration in a temp directory,
 * listening on a free loopback port, stopped with the test file. `.ci/run` installs nginx when it is missing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './child-gateway.js';

const BINARIES = [process.env.NGINX_PATH, '/usr/sbin/nginx', '/usr/bin/nginx'].filter((p): p is string => !!p);

export interface Nginx {
  readonly port: number;
  /** The URL of the proxied sub-path, with its trailing slash. */
  readonly url: string;
  stop(): Promise<void>;
}

/** nginx's recommended sub-path block, as the README shows it (the prefix stripped, X-Forwarded-Prefix set). */
export function subPathLocation(prefix: string, upstream: string): string {
  return `location ${prefix}/ {
      proxy_pass http://${upstream}/;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Prefix ${prefix};
    }`;
}

export async function startNginx(opts: { prefix: string; upstreamPort: number }): Promise<Nginx> {
  const bin = BINARIES.find((p) => existsSync(p));
  if (!bin)
    throw new Error(
      `no nginx at ${BINARIES.join(', ')}: install Debian's nginx (apt-get install -y nginx; .ci/run does) or set NGINX_PATH`,
    );
  const dir = mkdtempSync(join(tmpdir(), 'sb-nginx-'));
  const port = await freePort();
  const conf = join(dir, 'nginx.conf');
  // As root, nginx's workers would drop to `nobody`, who cannot write the temp directories made here.
  const user = process.getuid?.() === 0 ? 'user root;' : '';
  writeFileSync(
    conf,
    `${user}
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port};
    ${subPathLocation(opts.prefix, `127.0.0.1:${opts.upstreamPort}`)}
  }
}
`,
  );
  const child: ChildProcess = spawn(bin, ['-p', dir, '-c', conf, '-g', 'daemon off;', '-e', join(dir, 'error.log')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const log = (): string => stderr + (existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : '');
  const deadline = Date.now() + 5000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited at start (${child.exitCode}): ${log()}`);
    const up = await fetch(`http://127.0.0.1:${port}/`).then(
      () => true,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`nginx did not listen within 5 s: ${log()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    url: `http://127.0.0.1:${port}${opts.prefix}/`,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGQUIT');
        const killer = setTimeout(() => child.kill('SIGKILL'), 2000);
        await exited;
        clearTimeout(killer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
