/**
 * Reference data kept in memory per instance: settings, the holiday calendar, departments, webhook
 * subscriptions (027). Each read asks the database only for the kinds' change counters (`ref_versions`, one small indexed
 * table; raised by triggers on every write of the reference tables, migration 024) and loads a
 * kind again when its counter moved — so a change made by a route, `npx bcs`, another instance on
 * the same PostgreSQL or a plain SQL statement is seen by the next request everywhere.
 *
 * The counter is read before the data: data loaded after reading counter v is at least as new as v,
 * so a cached value is never older than its counter says (at worst newer, and then loaded again).
 * Inside a transaction the cache is bypassed: the transaction may see its own uncommitted change
 * (and a counter no other session will ever see if it rolls back).
 */
import type { Executor } from './database.js';

export const REF_KINDS = ['settings', 'calendar', 'departments', 'webhooks'] as const;
export type RefKind = (typeof REF_KINDS)[number];

/**
 * The kinds' counters as a request read them (with its session: {@link REF_VERSION_COLUMNS}), so
 * that its reference reads need no round trip of their own. Read at the request's start, they are
 * as fresh as the counters a read would take itself: a change committed before the request began is
 * in them. Only for reads that start before the request writes anything (a request that changes
 * reference data and reads it back must not pass them).
 */
export type RefVersions = ReadonlyMap<string, number>;

/** Columns a statement selects to read the counters with its own row (`ref_<kind>`; null: no counter). */
export const REF_VERSION_COLUMNS = REF_KINDS.map((k) => `(select "version" from "ref_versions" where "name" = '${k}') as "ref_${k}"`).join(', ');

/** The counters of a row that selected {@link REF_VERSION_COLUMNS}. */
export function refVersionsOf(row: Record<string, unknown>): RefVersions {
  const m = new Map<string, number>();
  for (const k of REF_KINDS) {
    const v = row[`ref_${k}`];
    if (v !== null && v !== undefined) m.set(k, Number(v));
  }
  return m;
}

interface Entry {
  version: number;
  value: Promise<unknown>;
}

interface InstanceCache {
  entries: Map<string, Entry>;
  /** One read of the counters shared by the reads that start while it is under way. */
  versions: Promise<Map<string, number> | null> | null;
}

const caches = new WeakMap<object, InstanceCache>();

function cacheOf(db: Executor): InstanceCache {
  let c = caches.get(db);
  if (!c) {
    c = { entries: new Map(), versions: null };
    caches.set(db, c);
  }
  return c;
}

function readVersions(db: Executor, c: InstanceCache): Promise<Map<string, number> | null> {
  if (!c.versions) {
    c.versions = db
      .selectFrom('ref_versions')
      .select(['name', 'version'])
      .execute()
      .then(
        (rows) => new Map(rows.map((r) => [r.name, Number(r.version)])),
        // Not migrated yet (a command run before `migrate`): no caching.
        () => null,
      )
      .finally(() => {
        c.versions = null;
      });
  }
  return c.versions;
}

/**
 * `load(db)` for `kind` under `key` (one kind may have several derived values), from memory
 * while the kind's counter has not moved. The value is shared: callers must not change it.
 * `read`: the counters the request already read ({@link RefVersions}); otherwise they are read now.
 */
export async function cachedRef<T>(db: Executor, kind: RefKind, key: string, load: (db: Executor) => Promise<T>, read?: RefVersions | null): Promise<T> {
  if (db.isTransaction) return load(db);
  const c = cacheOf(db);
  const versions = read ?? (await readVersions(db, c));
  const version = versions?.get(kind);
  if (version === undefined) return load(db);
  const name = `${kind}:${key}`;
  const hit = c.entries.get(name);
  if (hit && hit.version === version) return hit.value as Promise<T>;
  const value = load(db);
  c.entries.set(name, { version, value });
  // A failed load is not kept.
  value.catch(() => {
    if (c.entries.get(name)?.value === value) c.entries.delete(name);
  });
  return value;
}
