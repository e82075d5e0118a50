/**
 * Background jobs run in every server instance on an interval. Each job must be safe to run in
 * several instances at once against one PostgreSQL (claim rows with FOR UPDATE SKIP LOCKED, or
 * make the write conditional) and take a bounded batch per run.
 */
import type { AppContext } from '../context.js';

export interface Job {
  name: string;
  /** Milliseconds between the end of one run and the start of the next. */
  everyMs: number;
  /** One bounded run. Returns how many items it handled (for logs and tests). */
  run(ctx: AppContext): Promise<number>;
}

export interface JobRunner {
  stop(): Promise<void>;
}

/** Starts the jobs; a failing run is logged and retried at the next interval, never crashes the process. */
export function startJobs(ctx: AppContext, jobs: Job[], log: (msg: string) => void = (m) => console.error(m)): JobRunner {
  let stopped = false;
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<unknown>>();
  for (const job of jobs) {
    const tick = () => {
      if (stopped) return;
      const p = job
        .run(ctx)
        .catch((e: unknown) => log(`后台任务 ${job.name} 失败：${(e as Error).message}`))
        .finally(() => {
          running.delete(p);
          if (!stopped) {
            const t = setTimeout(tick, job.everyMs);
            t.unref();
            timers.add(t);
          }
        });
      running.add(p);
    };
    const t = setTimeout(tick, Math.min(job.everyMs, 2000));
    t.unref();
    timers.add(t);
  }
  return {
    async stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      await Promise.all([...running]);
    },
  };
}
