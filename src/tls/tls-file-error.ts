/**
 * A certificate, key or CA file that cannot be used, named so the operator knows which file to fix: at start it
 * stops the gateway, at a reload it keeps the current certificate, at an SMPP connect it is the bind's down reason.
 */
import { readFileSync } from 'node:fs';

export class TlsFileError extends Error {
  override readonly name = 'TlsFileError';

  constructor(
    readonly file: string,
    readonly detail: string,
  ) {
    super(`${file}: ${detail}`);
  }
}

/** Reads a PEM file; `what` says what it should hold, for the message. */
export function readTlsFile(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new TlsFileError(file, `cannot read the ${what} (${err.code ?? err.message})`);
  }
}
