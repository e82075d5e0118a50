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

export type RefKind = 'settings' | 'calendar' | 'departments' | 'webhooks';

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
 */
export async function cachedRef<T>(db: Executor, kind: RefKind, key: string, load: (db: Executor) => Promise<T>): Promise<T> {
  if (db.isTransaction) return load(db);
  const c = cacheOf(db);
  const versions = await readVersions(db, c);
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
