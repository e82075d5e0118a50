/** Users and departments. */
import type { Executor } from '../db/database.js';
import type { Actor } from '../../core/case-lifecycle.js';
import type { Channel, Role } from '../../core/domain.js';
import { seal, unseal } from '../security/pii.js';
import { cachedRef, type RefVersions } from '../db/ref-cache.js';

export interface UserRecord {
  id: number;
  username: string;
  name: string;
  role: Role;
  department: string | null;
  disabled: boolean;
  failedLogins: number;
  lockedUntil: string | null;
  createdAt: string;
  /** The channel this account takes reports on (its 登记 form starts there), or null: the role's default. */
  intakeChannel: Channel | null;
  /** The user's own mobile number (opened from its sealed form), or null. */
  mobile: string | null;
  /** The staff SMS events the user chose (core/staff-sms.ts), or null: the role's defaults. */
  smsEvents: string[] | null;
  /** An administrator set the password: the next login must change it (022). */
  mustChangePassword: boolean;
  /** When the password was last set (its age for passwordMaxAgeDays). */
  passwordChangedAt: string;
  /** Whether a second factor (TOTP) is enabled. */
  totpEnabled: boolean;
}

/** A user's stored SMS choices (JSON text), or null for the role's defaults. */
export function parseEvents(text: string | null | undefined): string[] | null {
  if (!text) return null;
  try {
    const v = JSON.parse(text) as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : null;
  } catch {
    return null;
  }
}

/** A `users` row (or a row carrying every `users` column) as the account it is. */
export function toUser(r: any): UserRecord {
  // The sealed mobile is opened when first read (SMS to staff, the users page), not on every
  // request's authentication.
  let mobile: string | null | undefined;
  return {
    id: r.id,
    username: r.username,
    name: r.name,
    role: r.role as Role,
    department: r.department_code,
    disabled: r.disabled === 1,
    failedLogins: r.failed_logins,
    lockedUntil: r.locked_until,
    createdAt: r.created_at,
    intakeChannel: (r.intake_channel ?? null) as Channel | null,
    get mobile() {
      if (mobile === undefined) mobile = r.mobile ? unseal(r.mobile) : null;
      return mobile;
    },
    smsEvents: parseEvents(r.sms_events),
    mustChangePassword: r.must_change_password === 1,
    passwordChangedAt: r.password_changed_at ?? r.created_at,
    totpEnabled: !!r.totp_secret,
  };
}

export function toActor(u: UserRecord): Actor {
  return { userId: u.id, username: u.username, name: u.name, role: u.role, department: u.department };
}

export async function findUserByUsername(db: Executor, username: string) {
  const r = await db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  return r ? { user: toUser(r), passwordHash: r.password_hash } : undefined;
}

export async function findUserById(db: Executor, id: number): Promise<UserRecord | undefined> {
  const r = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? toUser(r) : undefined;
}

export async function listUsers(db: Executor): Promise<UserRecord[]> {
  return (await db.selectFrom('users').selectAll().orderBy('id').execute()).map(toUser);
}

export async function insertUser(
  trx: Executor,
  u: { username: string; name: string; role: Role; department: string | null; passwordHash: string; at: string; intakeChannel?: Channel | null; mobile?: string | null; mustChangePassword?: boolean },
): Promise<number> {
  const r = await trx
    .insertInto('users')
    .values({
      username: u.username,
      name: u.name,
      role: u.role,
      department_code: u.department,
      password_hash: u.passwordHash,
      created_at: u.at,
      intake_channel: u.intakeChannel ?? null,
      mobile: u.mobile ? seal(u.mobile) : null,
      must_change_password: u.mustChangePassword ? 1 : 0,
      password_changed_at: u.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

/** Every department (active or not) by code, from memory while the table is unchanged (server/db/ref-cache.ts); shared, frozen. */
export async function listDepartments(db: Executor, read?: RefVersions | null) {
  return cachedRef(
    db,
    'departments',
    'all',
    async (d) => Object.freeze((await d.selectFrom('departments').selectAll().orderBy('code').execute()).map((r) => Object.freeze(r))),
    read,
  );
}

export async function findDepartment(db: Executor, code: string) {
  return db.selectFrom('departments').selectAll().where('code', '=', code).executeTakeFirst();
}

export async function insertDepartment(trx: Executor, d: { code: string; name: string; at: string }) {
  await trx.insertInto('departments').values({ code: d.code, name: d.name, created_at: d.at }).execute();
}

export async function updateDepartment(trx: Executor, code: string, patch: { name?: string; disabled?: boolean }): Promise<void> {
  await trx
    .updateTable('departments')
    .set({ ...(patch.name ? { name: patch.name } : {}), ...(patch.disabled !== undefined ? { disabled: patch.disabled ? 1 : 0 } : {}) })
    .where('code', '=', code)
    .execute();
}

/** Writes the given fields of a user; a new password hash also clears failed logins and the lock. */
export async function updateUser(
  trx: Executor,
  id: number,
  patch: {
    name?: string;
    disabled?: boolean;
    passwordHash?: string;
    role?: Role;
    department?: string | null;
    intakeChannel?: Channel | null;
    mobile?: string | null;
    smsEvents?: readonly string[] | null;
    /** With passwordHash: whether the next login must change it (an administrator set it). */
    mustChangePassword?: boolean;
    /** When passwordHash is set. */
    at?: string;
  },
): Promise<void> {
  await trx
    .updateTable('users')
    .set({
      ...(patch.name ? { name: patch.name } : {}),
      ...(patch.disabled !== undefined ? { disabled: patch.disabled ? 1 : 0 } : {}),
      ...(patch.passwordHash
        ? { password_hash: patch.passwordHash, failed_logins: 0, locked_until: null, must_change_password: patch.mustChangePassword ? 1 : 0, ...(patch.at ? { password_changed_at: patch.at } : {}) }
        : {}),
      ...(patch.role ? { role: patch.role } : {}),
      ...(patch.department !== undefined ? { department_code: patch.department } : {}),
      ...(patch.intakeChannel !== undefined ? { intake_channel: patch.intakeChannel } : {}),
      ...(patch.mobile !== undefined ? { mobile: patch.mobile ? seal(patch.mobile) : null } : {}),
      ...(patch.smsEvents !== undefined ? { sms_events: patch.smsEvents ? JSON.stringify(patch.smsEvents) : null } : {}),
    })
    .where('id', '=', id)
    .execute();
}

/** Ends every session of a user. */
export async function deleteUserSessions(trx: Executor, userId: number): Promise<void> {
  await trx.deleteFrom('sessions').where('user_id', '=', userId).execute();
}

/** Whether an error is a unique-constraint violation (SQLite or PostgreSQL). */
export function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string; message?: string };
  return err?.code === '23505' || (typeof err?.code === 'string' && err.code.startsWith('SQLITE_CONSTRAINT_PRIMARYKEY')) || err?.code === 'SQLITE_CONSTRAINT_UNIQUE';
}
