/**
 * Cluster events over one Redis pub/sub channel: "route <key>" when a route gets a queue, "link <id>" when a bind
 * of a link changes state. Messages only say what changed; receivers re-read the state from Redis, so a lost
 * message costs a little delay (the periodic re-read), never a wrong view.
 */
import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';

/**
 * route: a route got a queue; link: a bind of a link changed state; control: an operator changed a link's or the
 * gateway's state (see control/operator-state.ts); reload: an operator asked every process to re-read its
 * configuration file (the argument names who asked); smpp: an operator disconnects SMPP client sessions (the
 * argument says which, as JSON; each process acts on the sessions it holds, so a lost message loses the action);
 * lists: an operator asked every process to re-read its number lists.
 */
export type BusEvent = 'route' | 'link' | 'control' | 'reload' | 'smpp' | 'lists';

export class EventBus extends EventEmitter<{
  route: [key: string];
  link: [id: string];
  control: [what: string];
  reload: [who: string];
  /** An operator's action on SMPP client sessions (JSON), for the process that holds them. */
  smpp: [action: string];
  lists: [who: string];
}> {
  private started = false;

  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    readonly channel: string,
  ) {
    super();
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.subscriber.on('message', (channel: string, payload: string) => {
      if (channel !== this.channel) return;
      const space = payload.indexOf(' ');
      const kind = payload.slice(0, space);
      const arg = payload.slice(space + 1);
      if (kind === 'route' || kind === 'link' || kind === 'control' || kind === 'reload' || kind === 'smpp' || kind === 'lists')
        this.emit(kind, arg);
    });
    await this.subscriber.subscribe(this.channel);
  }

  async publish(kind: BusEvent, arg: string, via: Redis = this.publisher): Promise<void> {
    await via.publish(this.channel, `${kind} ${arg}`);
  }
}
