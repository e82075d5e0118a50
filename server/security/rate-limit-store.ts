/**
 * The store of @fastify/rate-limit kept in the database (`rate_limit_hits`, migration 023), so that
 * every instance on one database shares each route's limit: one atomic upsert per request counts it
 * in a fixed window (`window` = whole windows since the epoch) and answers the new count — on
 * SQLite and PostgreSQL alike (`insert … on conflict do update … returning`). Rows of windows that
 * have passed are purged by {@link rateLimitHousekeepingJob}.
 */
import { sql } from 'kysely';
import type { AppContext } from '../context.js';
import type { Job } from '../jobs/runner.js';

type IncrCallback = (err: Error | null, res?: { current: number; ttl: number }) => void;

/** Counts one request of `key` on `route`; answers the count in the current window and the ms left in it. */
export async function countHit(ctx: Pick<AppContext, 'db' | 'clock'>, route: string, key: string, windowMs: number): Promise<{ current: number; ttl: number }> {
  const now = ctx.clock.now().getTime();
  const ms = Math.max(1000, Math.trunc(windowMs));
  const window = Math.floor(now / ms);
  const ends = (window + 1) * ms;
  const r = await ctx.db
    .insertInto('rate_limit_hits')
    .values({ route: route.slice(0, 300), key: key.slice(0, 300), window, hits: 1, expires_at: new Date(ends).toISOString() })
    .onConflict((oc) => oc.columns(['route', 'key', 'window']).doUpdateSet({ hits: sql<number>`rate_limit_hits.hits + 1` }))
    .returning('hits')
    .executeTakeFirstOrThrow();
  return { current: Number(r.hits), ttl: ends - now };
}

/** A store class for `@fastify/rate-limit`'s `store` option, bound to the app's database and clock. */
export function databaseRateLimitStore(ctx: Pick<AppContext, 'db' | 'clock'>) {
  return class DatabaseRateLimitStore {
    private readonly windowMs: number;
    constructor(
      options?: { timeWindow?: unknown },
      private readonly route = '*',
    ) {
      this.windowMs = typeof options?.timeWindow === 'number' ? options.timeWindow : 60_000;
    }
    /** The plugin passes the route's window (ms) as a third argument; its typings do not declare it. */
    incr(key: string, cb: IncrCallback, timeWindow?: number): void {
      countHit(ctx, this.route, key, typeof timeWindow === 'number' ? timeWindow : this.windowMs).then(
        (r) => cb(null, r),
        (e: Error) => cb(e),
      );
    }
    child(options: object): DatabaseRateLimitStore {
      const routeOptions = options as { timeWindow?: unknown; routeInfo?: { method?: string | string[]; url?: string } };
      const info = routeOptions.routeInfo ?? {};
      return new DatabaseRateLimitStore(routeOptions, `${[info.method ?? ''].flat().join(',')} ${info.url ?? ''}`);
    }
  };
}

/** Deletes counts of windows that have ended (bounded per run; harmless in several instances). */
export async function purgeRateLimitHits(ctx: AppContext): Promise<number> {
  const r = await ctx.db.deleteFrom('rate_limit_hits').where('expires_at', '<', ctx.clock.now().toISOString()).executeTakeFirst();
  return Number(r.numDeletedRows);
}

export const rateLimitHousekeepingJob: Job = { name: 'rate-limit-housekeeping', everyMs: 10 * 60_000, run: purgeRateLimitHits };
