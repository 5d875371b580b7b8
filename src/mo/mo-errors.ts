/**
 * Errors of the MO path, named for what happens next: a callback error is retried with backoff, a request error
 * never will succeed and is given up at once, a reassembly error means Redis holds something this code did not write.
 */

export type CallbackFailure = 'status' | 'timeout' | 'connection';

/** A service did not take the MO (non-2xx, no answer in time, or no connection); the queue tries again later. */
export class MoCallbackError extends Error {
  override readonly name = 'MoCallbackError';
  constructor(
    readonly failure: CallbackFailure,
    readonly service: string,
    readonly url: string,
    readonly status: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(
      failure === 'status'
        ? `service ${service} answered HTTP ${status ?? '?'} for ${url}`
        : failure === 'timeout'
          ? `service ${service} did not answer in time at ${url}`
          : `cannot reach service ${service} at ${url}`,
      options,
    );
  }
}

/**
 * The request for a service cannot be made at all, and retrying cannot help: its URL does not parse once filled in
 * ('invalid-url'), or it goes where callbacks.deny-networks or deny-hosts forbid ('refused'), or the file of a file
 * service cannot be read or the shell of an exec service cannot start ('unreadable'; `url` is the file or command).
 */
export class MoRequestError extends Error {
  override readonly name = 'MoRequestError';
  constructor(
    readonly reason: 'invalid-url' | 'refused' | 'unreadable',
    readonly service: string,
    readonly url: string,
    readonly detail: string,
  ) {
    super(
      reason === 'refused'
        ? `service ${service}: ${url} is refused (${detail})`
        : reason === 'unreadable'
          ? `service ${service}: cannot read ${JSON.stringify(url)} (${detail})`
          : `service ${service}: ${JSON.stringify(url)} is not a valid URL once the escape codes are filled in (${detail})`,
    );
  }
}

/** Redis answered the reassembly scripts with something of the wrong shape, or a stored part does not parse. */
export class MoReassemblyError extends Error {
  override readonly name = 'MoReassemblyError';
  constructor(
    message: string,
    readonly key: string,
    options?: { cause?: unknown },
  ) {
    super(`${message} (${key})`, options);
  }
}

/** The service answered but Redis did not take the answer: the MO is tried again, service call included. */
export class MoReplyError extends Error {
  override readonly name = 'MoReplyError';
  constructor(
    readonly service: string,
    readonly detail: string,
  ) {
    super(`the answer of service ${service} cannot be queued now (${detail})`);
  }
}
