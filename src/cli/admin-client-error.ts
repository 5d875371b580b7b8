/**
 * What can go wrong talking to the admin API, one class per thing the operator does about it: start the gateway
 * or fix the URL (GatewayUnreachableError, UnexpectedReplyError), give the right password (AdminAuthError), or read
 * why the gateway refused (AdminRefusedError). The CLI maps each to its exit code.
 */

/** Nothing answered at the URL: connection refused, no such host, TLS failure, or no answer within the timeout. */
export class GatewayUnreachableError extends Error {
  readonly url: string;
  constructor(url: string, why: string, options?: { cause?: unknown }) {
    super(`cannot reach the gateway at ${url}: ${why}`, options);
    this.name = 'GatewayUnreachableError';
    this.url = url;
  }
}

/** Something answered, but not as the admin API does (another port, a proxy's page, a reply of another shape). */
export class UnexpectedReplyError extends Error {
  readonly url: string;
  readonly status: number;
  constructor(url: string, status: number, why: string) {
    super(`${url} did not answer as the switchboard admin API (HTTP ${status}): ${why}`);
    this.name = 'UnexpectedReplyError';
    this.url = url;
    this.status = status;
  }
}

/** 401 (no or wrong password) or 403 (the client address is refused, or the status password cannot do this). */
export class AdminAuthError extends Error {
  readonly status: 401 | 403;
  readonly code: string | undefined;
  constructor(status: 401 | 403, code: string | undefined, hasPassword: boolean) {
    const why =
      status === 401
        ? hasPassword
          ? 'the password was refused (an action needs admin-password; status-password only reads)'
          : 'a password is needed: give --password or set SWITCHBOARD_PASSWORD'
        : code === 'forbidden_ip'
          ? 'this client address is refused (admin-allow-ip, admin-deny-ip)'
          : 'forbidden';
    super(`authentication refused (HTTP ${status}): ${why}`);
    this.name = 'AdminAuthError';
    this.status = status;
    this.code = code;
  }
}

/** The gateway understood and said no: an unknown link or route, a bad configuration to reload, a failure of its own. */
export class AdminRefusedError extends Error {
  readonly status: number;
  readonly code: string;
  /** The ids there are, when the refusal is about an unknown one. */
  readonly known: readonly string[] | undefined;
  /** What is wrong, one line each (a configuration's problems). */
  readonly problems: readonly string[];
  /** The reply's body as it came, for `--json`. */
  readonly body: string;
  constructor(
    status: number,
    code: string,
    message: string,
    details: { known: readonly string[] | undefined; problems: readonly string[]; body: string },
  ) {
    super(message);
    this.name = 'AdminRefusedError';
    this.status = status;
    this.code = code;
    this.known = details.known;
    this.problems = details.problems;
    this.body = details.body;
  }
}

export type AdminClientError = GatewayUnreachableError | UnexpectedReplyError | AdminAuthError | AdminRefusedError;

export function isAdminClientError(e: unknown): e is AdminClientError {
  return (
    e instanceof GatewayUnreachableError ||
    e instanceof UnexpectedReplyError ||
    e instanceof AdminAuthError ||
    e instanceof AdminRefusedError
  );
}
