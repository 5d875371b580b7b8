/**
 * Makes a child process end with the process that starts it, however that one ends (kill -9 included): the Linux
 * kernel's parent-death signal (prctl PR_SET_PDEATHSIG), set by util-linux's `setpriv --pdeathsig` just before it
 * executes the command, so the child is the command itself with this process as its parent. Node has no binding
 * for prctl, and a watchdog process would be one more thing to outlive its parent.
 *
 * Where setpriv is missing (not Linux, or a minimal image), the command runs as it is: it then outlives a parent
 * killed with -9, as any child does.
 */
import { accessSync, constants } from 'node:fs';

const SETPRIV_DIRS = ['/usr/bin', '/bin', '/usr/sbin', '/sbin'];

let found: string | null | undefined;

/** The setpriv binary, or undefined; looked for once. */
export function findSetpriv(): string | undefined {
  if (found === undefined) {
    found = null;
    if (process.platform === 'linux') {
      for (const dir of SETPRIV_DIRS) {
        try {
          accessSync(`${dir}/setpriv`, constants.X_OK);
          found = `${dir}/setpriv`;
          break;
        } catch {
          // not here
        }
      }
    }
  }
  return found ?? undefined;
}

/** The command and arguments to spawn so that the child gets `signal` when this process ends. */
export function withParentDeathSignal(
  command: string,
  args: readonly string[],
  signal: 'TERM' | 'KILL' = 'TERM',
): { command: string; args: string[] } {
  const setpriv = findSetpriv();
  return setpriv ? { command: setpriv, args: ['--pdeathsig', signal, '--', command, ...args] } : { command, args: [...args] };
}
