/**
 * API keys of integrations (12345, 群工系统, the provincial platform): a named key acting as one
 * role (clerk, coordinator, or handler of a department). The key is shown once; only its SM3 hash
 * is stored. A key never expires by idleness; revoking it takes effect on the next request.
 *
 * Keys look like `bcs_` + 43 base64url characters (256 random bits), so the auth hook tells them
 * from session tokens without a second lookup.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { z } from 'zod';
import type { Actor } from '../../core/case-lifecycle.js';
import type { Role } from '../../core/domain.js';
import type { ZApiKeyCreate } from '../../core/api/schemas.js';
import type { ZApiKey } from '../../core/api/responses.js';
import type { AppContext } from '../context.js';
import type { Executor } from '../db/database.js';
import { appendAudit, sm3Hex } from '../audit/audit.repository.js';
import { AppError, notFound, validation } from '../errors.js';
import { findDepartment, isUniqueViolation } from '../users/user.repository.js';

export const API_KEY_PREFIX = 'bcs_';
/** last_used_at is written at most this often, so reads do not each turn into a write. */
const TOUCH_INTERVAL_MS = 60_000;
/**
 * Requests one key may make per clock minute, all server instances together (a fixed window counted
 * in the database). Generous enough
 * for a 12345 platform pushing 50 tickets a second; `buildApp({ apiKeyPerMinute })` overrides it.
 */
export const API_KEY_REQUESTS_PER_MINUTE = 6000;

export interface ApiKeyIdentity {
  id: number;
  name: string;
  role: Role;
  department: string | null;
}

type ApiKeyAnswer = z.input<typeof ZApiKey>;

function present(r: {
  id: number;
  name: string;
  role: string;
  department_code: string | null;
  key_prefix: string;
  created_at: string;
  created_by: string;
  last_used_at: string | null;
  revoked_at: string | null;
}): ApiKeyAnswer {
  return {
    id: r.id,
    name: r.name,
    role: r.role as ApiKeyAnswer['role'],
    department: r.department_code,
    keyPrefix: r.key_prefix,
    createdAt: r.created_at,
    createdBy: r.created_by,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
  };
}

export function isApiKeyToken(token: string): boolean {
  return token.startsWith(API_KEY_PREFIX);
}

/** The actor a key acts as. `userId` is the key's id negated, so it never meets a person's rows. */
export function apiKeyActor(k: ApiKeyIdentity): Actor {
  return { userId: -k.id, username: k.name, name: k.name, role: k.role, department: k.department };
}

/** Resolves a presented key to its live identity, or null (unknown or revoked). */
export async function authenticateApiKey(db: Executor, token: string, now: Date): Promise<ApiKeyIdentity | null> {
  if (token.length > 200) return null;
  const row = await db
    .selectFrom('api_keys')
    .select(['id', 'name', 'role', 'department_code', 'last_used_at', 'revoked_at'])
    .where('key_hash', '=', sm3Hex(token))
    .executeTakeFirst();
  if (!row || row.revoked_at) return null;
  if (!row.last_used_at || now.getTime() - Date.parse(row.last_used_at) > TOUCH_INTERVAL_MS) {
    await db.updateTable('api_keys').set({ last_used_at: now.toISOString() }).where('id', '=', row.id).execute();
  }
  return { id: row.id, name: row.name, role: row.role as Role, department: row.department_code };
}

export async function listApiKeys(db: Executor): Promise<ApiKeyAnswer[]> {
  const rows = await db.selectFrom('api_keys').selectAll().orderBy('id').execute();
  return rows.map(present);
}

export async function createApiKey(ctx: AppContext, body: z.output<typeof ZApiKeyCreate>, actor: Actor): Promise<ApiKeyAnswer & { key: string }> {
  if (body.department && !(await findDepartment(ctx.db, body.department))) {
    throw validation([{ field: 'department', message: `部门代码“${body.department}”不存在` }]);
  }
  const key = API_KEY_PREFIX + randomBytes(32).toString('base64url');
  const at = ctx.clock.now().toISOString();
  try {
    const id = await ctx.db.transaction().execute(async (trx) => {
      const r = await trx
        .insertInto('api_keys')
        .values({
          name: body.name,
          role: body.role,
          department_code: body.department ?? null,
          key_hash: sm3Hex(key),
          key_prefix: key.slice(0, API_KEY_PREFIX.length + 4),
          created_at: at,
          created_by: actor.username,
          last_used_at: null,
          revoked_at: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await appendAudit(trx, { at, actor: actor.username, action: 'api_key.create', entityType: 'api_key', entityId: String(r.id), data: { name: body.name, role: body.role, department: body.department ?? null } });
      return r.id;
    });
    const row = await ctx.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    return { ...present(row), key };
  } catch (e) {
    if (isUniqueViolation(e)) throw new AppError('CONFLICT', `已有名为“${body.name}”的密钥`);
    throw e;
  }
}

/** Revokes a key at once (a second revoke answers the key as it is). */
export async function revokeApiKey(ctx: AppContext, rawId: string, actor: Actor): Promise<ApiKeyAnswer> {
  const id = /^\d{1,9}$/.test(rawId) ? Number(rawId) : null;
  if (id === null) throw notFound();
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('api_keys').select(['id', 'name', 'revoked_at']).where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound();
    if (row.revoked_at) return;
    await trx.updateTable('api_keys').set({ revoked_at: at }).where('id', '=', id).execute();
    await appendAudit(trx, { at, actor: actor.username, action: 'api_key.revoke', entityType: 'api_key', entityId: String(id), data: { name: row.name } });
  });
  return present(await ctx.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
}

/**
 * The rate limit of keys, counted in the database so that every instance together allows the limit:
 * a fixed window per clock minute, one upsert per call (plus, once per key and minute, dropping the
 * key's past minutes).
 */
export class ApiKeyRateLimiter {
  constructor(private readonly perMinute: number) {}
  /** Counts one request of the key; seconds to wait when over the limit, else 0. */
  async take(db: Executor, keyId: number, nowMs: number): Promise<number> {
    const minute = Math.floor(nowMs / 60_000);
    const row = await db
      .insertInto('api_key_rate')
      .values({ key_id: keyId, minute, requests: 1 })
      .onConflict((oc) => oc.columns(['key_id', 'minute']).doUpdateSet({ requests: sql<number>`api_key_rate.requests + 1` }))
      .returning('requests')
      .executeTakeFirstOrThrow();
    const requests = Number(row.requests);
    if (requests === 1) await db.deleteFrom('api_key_rate').where('key_id', '=', keyId).where('minute', '<', minute).execute();
    return requests > this.perMinute ? Math.max(1, Math.ceil(((minute + 1) * 60_000 - nowMs) / 1000)) : 0;
  }
}
