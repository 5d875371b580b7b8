/**
 * `switchboard hash-password`: prints the scrypt hash of a password, for an account's `password`, admin-password
 * or status-password. The password comes from stdin (one line; a trailing newline is not part of it), or, on a
 * terminal, from a prompt that does not echo, asked twice. Never from the command line, which other users of the
 * machine can read in the process list.
 */
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { hashPassword, SALT_BYTES } from '../security/password-hash.js';

export class PasswordInputError extends Error {
  override readonly name = 'PasswordInputError';
}

/** Everything on the stream, without one trailing newline (CRLF or LF). */
export async function readPasswordFrom(input: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of input) chunks.push(typeof c === 'string' ? Buffer.from(c, 'utf8') : (c as Buffer));
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

interface Terminal {
  readonly input: NodeJS.ReadStream;
  readonly output: NodeJS.WritableStream;
}

/** One line typed at the terminal with echo off; Backspace edits, Ctrl-C and Ctrl-D give up. */
function promptHidden(prompt: string, { input, output }: Terminal): Promise<string> {
  output.write(prompt);
  input.setRawMode(true);
  input.setEncoding('utf8');
  input.resume();
  let value = '';
  return new Promise((resolve, reject) => {
    const finish = (err?: Error): void => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      output.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return finish();
        if (ch === '\u0003' || ch === '\u0004') return finish(new PasswordInputError('cancelled'));
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else value += ch;
      }
    };
    input.on('data', onData);
  });
}

export async function readPassword(stdin: NodeJS.ReadStream, stderr: NodeJS.WritableStream): Promise<string> {
  if (!stdin.isTTY) return readPasswordFrom(stdin);
  const terminal = { input: stdin, output: stderr };
  const first = await promptHidden('Password: ', terminal);
  const again = await promptHidden('Again: ', terminal);
  if (first !== again) throw new PasswordInputError('the two passwords differ');
  return first;
}

/** The hash line to print, for a password that validation would take. */
export function hashForConfig(password: string): string {
  if (password === '') throw new PasswordInputError('the password is empty');
  return hashPassword(password, randomBytes(SALT_BYTES));
}
