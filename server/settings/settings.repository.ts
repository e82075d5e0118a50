/** Admin-editable settings, stored as data so every server instance sees the same values. */
import { z } from 'zod';
import type { Executor } from '../db/database.js';
import type { LifecycleSettings } from '../../core/case-lifecycle.js';
import { cachedRef, type RefVersions } from '../db/ref-cache.js';
import { ADMINISTRATOR_ROLES, ROLES } from '../../core/domain.js';

export const ZSettings = z.object({
  /** Working days allowed at level 1 and level 2 dispatch. */
  levelDays: z.object({
    1: z.number().int().min(1).max(60),
    2: z.number().int().min(1).max(60),
  }),
  /** Minutes of inactivity after which a session ends. */
  sessionIdleMinutes: z.number().int().min(5).max(24 * 60),
  /** County name used on documents (交办单, 回执). */
  countyName: z.string().trim().min(1).max(50),
  /** Hotline numbers printed on receipts. */
  hotlines: z.array(z.string().trim().min(1).max(50)).max(5),
  /** Public base URL used for QR codes on receipts. */
  publicBaseUrl: z.string().trim().max(200),
  /** Working days before the deadline at which a case counts as due soon. */
  dueSoonWorkingDays: z.number().int().min(0).max(10),
  /** Stage clocks (core/clocks.ts): working days for triage, callback and the verification of a 差评. */
  triageWorkingDays: z.number().int().min(1).max(30),
  callbackWorkingDays: z.number().int().min(1).max(30),
  verificationWorkingDays: z.number().int().min(1).max(60),
  /** Working days after being made lead within which a department may contest the dispatch. */
  contestWorkingDays: z.number().int().min(1).max(10),
  /** Unanswered callbacks after which a case may close as unreachable. */
  callbackAttemptsBeforeUnreachable: z.number().int().min(1).max(10),
  /** Department assessment (考核): weights of the rates (summing to 100), penalties, minimum sample. */
  assessment: z.object({
    weights: z.object({
      onTime: z.number().min(0).max(100),
      satisfaction: z.number().min(0).max(100),
      noBadReview: z.number().min(0).max(100),
    }).refine((w) => w.onTime + w.satisfaction + w.noBadReview === 100, { error: '三项权重之和应为 100' }),
    penaltyPerCirculation: z.number().min(0).max(100),
    penaltyPerSubstantiated: z.number().min(0).max(100),
    minSample: z.number().int().min(0).max(10000),
  }),
  /** Calendar days a reporter's rating link stays valid (好差评 by link). */
  selfRatingDays: z.number().int().min(1).max(90),
  /** Webhooks may be sent to loopback, link-local and private addresses (an installation inside the 政务外网). */
  webhookAllowPrivateNetworks: z.boolean(),
  /** The largest attachment accepted, in bytes (1 KB – 500 MB; default 20 MB); larger → 413. */
  attachmentMaxBytes: z.number().int().min(1024).max(500 * 1024 * 1024),
  /** Scheduled backup (server/backup/backup-job.ts): the Asia/Shanghai hour it runs each day, or null (off). */
  backupHour: z.number().int().min(0).max(23).nullable(),
  /** The folder (on the instance that takes the day's backup) the scheduled backups are written to. */
  backupDir: z.string().trim().min(1).max(300),
  /** How many scheduled backup files are kept; older ones are deleted after a new one is written. */
  backupKeep: z.number().int().min(1).max(365),
  /** Years after closing after which a reporter's personal data is erased (null: kept). */
  personalDataRetentionYears: z.number().int().min(1).max(30).nullable(),
  /** Days after which a password must be changed at the next login (0 = never; 安全管理员). */
  passwordMaxAgeDays: z.number({ error: '密码有效期应为天数' }).int({ error: '密码有效期应为整数天' }).min(0, { error: '密码有效期不能为负数' }).max(3650, { error: '密码有效期不能超过 3650 天' }),
  /** The roles that must log in with a second factor (TOTP) and set it up at their next login (安全管理员). */
  totpRequiredRoles: z
    .array(z.enum(ROLES, { error: `角色应为 ${ROLES.join('、')} 之一` }), { error: 'totpRequiredRoles 应为角色列表' })
    .max(ROLES.length)
    .refine((r) => new Set(r).size === r.length, { error: '角色不能重复' }),
});
export type Settings = z.infer<typeof ZSettings>;

export const DEFAULT_SETTINGS: Settings = {
  levelDays: { 1: 2, 2: 5 },
  sessionIdleMinutes: 30,
  countyName: '垫江县',
  hotlines: ['12345'],
  publicBaseUrl: 'http://127.0.0.1:3000',
  dueSoonWorkingDays: 1,
  triageWorkingDays: 1,
  callbackWorkingDays: 3,
  verificationWorkingDays: 5,
  contestWorkingDays: 1,
  callbackAttemptsBeforeUnreachable: 3,
  assessment: {
    weights: { onTime: 40, satisfaction: 40, noBadReview: 20 },
    penaltyPerCirculation: 5,
    penaltyPerSubstantiated: 2,
    minSample: 5,
  },
  selfRatingDays: 7,
  webhookAllowPrivateNetworks: false,
  attachmentMaxBytes: 20 * 1024 * 1024,
  backupHour: null,
  backupDir: './data/backups',
  backupKeep: 7,
  personalDataRetentionYears: null,
  passwordMaxAgeDays: 0,
  totpRequiredRoles: [...ADMINISTRATOR_ROLES],
};

/** The settings, from memory while the settings table is unchanged (server/db/ref-cache.ts); frozen, shared. */
export async function getSettings(db: Executor, read?: RefVersions | null): Promise<Settings> {
  return cachedRef(db, 'settings', 'settings', loadSettings, read);
}

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

async function loadSettings(db: Executor): Promise<Settings> {
  const rows = await db.selectFrom('settings').select(['key', 'value']).execute();
  const merged: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  for (const r of rows) {
    try {
      merged[r.key] = JSON.parse(r.value);
    } catch {
      /* keep default on a damaged value */
    }
  }
  // Validate key by key, so one damaged value falls back to its default without hiding the rest.
  const out: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(ZSettings.shape)) {
    const r = (schema as z.ZodType).safeParse(merged[key]);
    out[key] = r.success ? r.data : (DEFAULT_SETTINGS as Record<string, unknown>)[key];
  }
  return deepFreeze(out as Settings);
}

export async function putSettings(trx: Executor, patch: Partial<Settings>, now: string): Promise<void> {
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    await trx
      .insertInto('settings')
      .values({ key, value: JSON.stringify(value), updated_at: now })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(value), updated_at: now }))
      .execute();
  }
}

/** The settings the lifecycle rules depend on (core/case-lifecycle.ts `LifecycleSettings`). */
export function lifecycleSettings(s: Settings): LifecycleSettings {
  return {
    levelDays: s.levelDays,
    contestWorkingDays: s.contestWorkingDays,
    callbackAttemptsBeforeUnreachable: s.callbackAttemptsBeforeUnreachable,
    triageWorkingDays: s.triageWorkingDays,
    callbackWorkingDays: s.callbackWorkingDays,
    verificationWorkingDays: s.verificationWorkingDays,
  };
}
