/**
 * The sms-services that answer without calling a URL (smsbox.c obey_request): `text` answers with its template,
 * `file` with the content of the file it names (read at each message), `exec` with what a shell command prints.
 * Escape codes are filled in as Kannel fills them, URL-encoded, in the file name and the command too.
 *
 * `exec` runs `/bin/sh -c` with the filled-in command, as Kannel's popen does. The handset's words reach the shell
 * URL-encoded, which still lets ' ( ) * ! ~ through: a command that puts %a or %r inside quotes can be broken out
 * of. That is why it needs mo.allow-exec. The command's exit status is not looked at (Kannel does not either); it
 * has the callback timeout to finish, and what it prints beyond MAX_OUTPUT_BYTES is not read.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fillEscapeCodes } from '../dlr/escape-codes.js';
import type { Service } from '../domain/service.js';
import { escapeContext } from './build-mo-request.js';
import { MoCallbackError, MoRequestError } from './mo-errors.js';
import type { MoMessage } from './mo-message.js';

/** More than the longest answer max-messages allows (255 SMS of 160 characters). */
export const MAX_OUTPUT_BYTES = 64 * 1024;

/** The answer of a text, file or exec service. Throws MoRequestError (unreadable file) or MoCallbackError (timeout). */
export async function runLocalService(mo: MoMessage, service: Service, timeoutMs: number): Promise<Buffer> {
  const ctx = escapeContext(mo, service);
  if (service.text !== undefined) return Buffer.from(fillEscapeCodes(service.text, ctx), 'utf8');
  if (service.file !== undefined) {
    const path = fillEscapeCodes(service.file, ctx);
    try {
      return await readFile(path);
    } catch (e) {
      throw new MoRequestError('unreadable', service.name, path, (e as NodeJS.ErrnoException).code ?? (e as Error).message);
    }
  }
  const command = fillEscapeCodes(service.exec ?? '', ctx);
  return new Promise<Buffer>((resolve, reject) => {
    execFile('/bin/sh', ['-c', command], { encoding: 'buffer', timeout: timeoutMs, maxBuffer: MAX_OUTPUT_BYTES }, (err, stdout) => {
      const printed = Buffer.isBuffer(stdout) ? stdout.subarray(0, MAX_OUTPUT_BYTES) : Buffer.alloc(0);
      // Output past the cap, or a non-zero exit, still answers with what was printed, as popen would read it.
      if (err === null || err.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER' || (typeof err.code === 'number' && !err.killed))
        return resolve(printed);
      if (err.killed) return reject(new MoCallbackError('timeout', service.name, command, undefined, { cause: err }));
      reject(new MoRequestError('unreadable', service.name, command, err.message));
    });
  });
}
