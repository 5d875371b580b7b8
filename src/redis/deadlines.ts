/**
 * Waits on Redis with a deadline, for work that must be answered whether Redis answers or not (a receipt's or an
 * MO's deliver_sm). A timer per wait: Node keeps the timers of one duration in one list behind a single system
 * timer, and the deadline adds about 0.2 µs to a wait (measured; a queue of waits swept by one interval timer
 * measured 0.6 to 0.9 µs, so the simpler form stays).
 */
export class Deadlines {
  constructor(private readonly ms: number) {}

  /** The outcome of `work`, or 'timeout' once it has taken `ms`; `work` goes on either way. */
  race<T>(work: Promise<T>): Promise<T | 'timeout'> {
    return new Promise<T | 'timeout'>((resolve, reject) => {
      const timer = setTimeout(() => resolve('timeout'), this.ms);
      work.then(
        (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        (e: unknown) => {
          clearTimeout(timer);
          reject(e);
        },
      );
    });
  }
}
