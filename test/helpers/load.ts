/** A steady, bounded load: one message every 1000/rate ms until stopped or `maxCount` is reached. */
export interface SteadyLoad {
  readonly sent: { to: string; at: number; status: number }[];
  stop(): Promise<void>;
}

export function steadyLoad(send: (to: string) => Promise<number>, ratePerSecond: number, maxCount: number, base = 4671000000): SteadyLoad {
  const sent: { to: string; at: number; status: number }[] = [];
  const pending: Promise<void>[] = [];
  let i = 0;
  const timer = setInterval(() => {
    if (i >= maxCount) return;
    const to = String(base + i++);
    const at = Date.now();
    pending.push(send(to).then((status) => void sent.push({ to, at, status })));
  }, 1000 / ratePerSecond);
  return {
    sent,
    async stop() {
      clearInterval(timer);
      await Promise.all(pending);
    },
  };
}
