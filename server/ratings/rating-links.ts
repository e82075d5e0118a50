/**
 * The reporter's rating links (好差评 by link). A link is made when a case is completed (in the
 * completion's transaction) and again when the coordinator asks for one after the last expired.
 *
 * - The token is HMAC-SM3 of a 128-bit random nonce under the deployment's data key
 *   (server/security/pii.ts `ratingLinkToken`), 43 base64url characters. The table keeps the nonce
 *   and SM3 of the token (the lookup); the token itself is never stored.
 * - Valid `selfRatingDays` calendar days (setting, default 7), single use: the reporter's rating
 *   uses it, and so does a phone callback (every link of the case).
 */
import { randomBytes } from 'node:crypto';
import type { Executor } from '../db/database.js';
import { sm3Hex } from '../audit/audit.repository.js';
import { ratingLinkToken } from '../security/pii.js';

const DAY_MS = 24 * 60 * 60_000;
/** What a token looks like (base64url of 32 bytes); anything else is unknown without a database lookup. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export interface RatingLink {
  id: number;
  caseId: number;
  token: string;
  createdAt: string;
  expiresAt: string;
}

/** The reporter's rating page of a token, absolute from the setting `publicBaseUrl`. */
export function ratingUrl(publicBaseUrl: string, token: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/public/rate?t=${token}`;
}

type Row = { id: number; case_id: number; nonce: string; created_at: string; expires_at: string };
const toLink = (r: Row): RatingLink => ({ id: r.id, caseId: r.case_id, token: ratingLinkToken(r.nonce), createdAt: r.created_at, expiresAt: r.expires_at });

/** The case's link still valid at `now` (unused, not expired), the newest; undefined when none. */
export async function currentRatingLink(db: Executor, caseId: number, now: Date): Promise<RatingLink | undefined> {
  const r = await db
    .selectFrom('rating_links')
    .select(['id', 'case_id', 'nonce', 'created_at', 'expires_at'])
    .where('case_id', '=', caseId)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now.toISOString())
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return r ? toLink(r) : undefined;
}

/** A new link for the case, valid `days` calendar days from `now`. */
export async function createRatingLink(db: Executor, caseId: number, now: Date, days: number, by: string): Promise<RatingLink> {
  const nonce = randomBytes(16).toString('base64url');
  const token = ratingLinkToken(nonce);
  const row = {
    case_id: caseId,
    nonce,
    token_hash: sm3Hex(token),
    created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + days * DAY_MS).toISOString(),
    created_by: by,
  };
  const { id } = await db.insertInto('rating_links').values(row).returning('id').executeTakeFirstOrThrow();
  return { id, caseId, token, createdAt: row.created_at, expiresAt: row.expires_at };
}

/** The valid link of the case, or a new one: the same link each time while it is valid. */
export async function ensureRatingLink(db: Executor, caseId: number, now: Date, days: number, by: string): Promise<RatingLink> {
  return (await currentRatingLink(db, caseId, now)) ?? createRatingLink(db, caseId, now, days, by);
}

/** The link of a token if it is valid at `now` (unused, not expired); undefined for anything else. */
export async function findValidLink(db: Executor, token: string, now: Date): Promise<{ id: number; caseId: number; expiresAt: string } | undefined> {
  // Same database work for a malformed token as for an unknown one.
  const hash = sm3Hex(TOKEN_PATTERN.test(token) ? token : `invalid:${token.slice(0, 100)}`);
  const r = await db
    .selectFrom('rating_links')
    .select(['id', 'case_id', 'expires_at', 'used_at'])
    .where('token_hash', '=', hash)
    .executeTakeFirst();
  if (!r || r.used_at !== null || Date.parse(r.expires_at) <= now.getTime()) return undefined;
  return { id: r.id, caseId: r.case_id, expiresAt: r.expires_at };
}

/**
 * Uses up the case's links (a callback was recorded, by phone or by link). With `linkId`, that link
 * must be among them (still unused and unexpired): returns false when it is not (a concurrent use).
 */
export async function useUpRatingLinks(trx: Executor, caseId: number, at: string, linkId?: number): Promise<boolean> {
  if (linkId !== undefined) {
    const r = await trx
      .updateTable('rating_links')
      .set({ used_at: at })
      .where('id', '=', linkId)
      .where('case_id', '=', caseId)
      .where('used_at', 'is', null)
      .where('expires_at', '>', at)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) return false;
  }
  await trx.updateTable('rating_links').set({ used_at: at }).where('case_id', '=', caseId).where('used_at', 'is', null).execute();
  return true;
}
