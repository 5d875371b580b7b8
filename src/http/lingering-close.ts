/**
 * Lingering close (nginx's lingering_close): when the server answers before it has read the request's body (413
 * body too large, 429 over a rate limit) and then closes, closing at once would make the kernel answer the client's
 * unread bytes with a reset, and a client that sends its whole body before reading (Python's http.client, most
 * scripts) sees "connection reset" or "broken pipe" instead of the reply. So for such a connection the close only
 * ends our side (FIN after the reply), keeps reading and discarding what the client still sends, and destroys the
 * socket when the client closes, or after `lingerMs` at the latest.
 *
 * Applied only on the paths that reply early, never per request: a normal request has been read whole before
 * its reply.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

const LINGERING = Symbol('switchboard.lingering');

type LingeringSocket = Socket & { [LINGERING]?: true };

export function lingerAfterReply(req: IncomingMessage, lingerMs: number): void {
  if (req.complete) return;
  const socket = req.socket as LingeringSocket;
  if (socket[LINGERING] || socket.destroyed) return;
  socket[LINGERING] = true;
  // Node's HTTP server calls destroySoon() once the reply of a closing connection is written (resOnFinish); the
  // reply is out by then, so only our side is ended here. The HTTP parser keeps reading the rest of the body into
  // the finished request, which discards it (Node dumps or has resumed a body nobody reads).
  socket.destroySoon = function lingeringDestroySoon(this: Socket): void {
    if (this.destroyed) return;
    const timer = setTimeout(() => this.destroy(), lingerMs);
    timer.unref();
    const done = (): void => {
      clearTimeout(timer);
      this.destroy();
    };
    this.once('end', done);
    this.once('close', () => clearTimeout(timer));
    this.end();
  };
}
