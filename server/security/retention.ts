/**
 * Retention (issue 16): a reporter's personal data is kept only as long as the county decided. With
 * the setting `personalDataRetentionYears` (null: kept), a background job erases — for cases closed
 * (closed, rejected, merged) more than that many years ago — the sealed name, phone and
 * organisation code, the masked phone and the phone's blind index, and the reporter's name and
 * number wherever the case's timeline quoted them. The case itself, its text and its statistics
 * stay. One audit record per batch names the cases (their numbers, never the data).
 *
 * Audit records are never deleted by any path of the product (they are kept well beyond the 180
 * days of 网络安全法 art. 21): this job writes them, it never removes one.
 */
import type { AppContext } from '../context.js';
import type { Job } from '../jobs/runner.js';
import { appendAudit } from '../audit/audit.repository.js';
import { getSettings } from '../settings/settings.repository.js';
import { TERMINAL_STATUSES } from '../../core/clocks.js';
import { maskPhone } from '../../core/validation.js';
import { unseal } from './pii.js';

/** What an erased reporter reads as. */
export const ERASED = '（已清除）';
const BATCH = 200;

/** The instant before which a case must have closed to be erased: `years` calendar years before `now`. */
export function retentionCutoff(now: Date, years: number): string {
  const d = new Date(now.getTime());
  d.setUTCFullYear(d.getUTCFullYear() - years);
  return d.toISOString();
}

/** Replaces, anywhere in a timeline entry, the given strings and the before/after of reporter fields. */
function scrub(value: unknown, secrets: string[]): unknown {
  if (typeof value === 'string') return secrets.reduce((s, x) => (x ? s.split(x).join(ERASED) : s), value);
  if (Array.isArray(value)) return value.map((v) => scrub(v, secrets));
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.field === 'string' && /^reporter\.(name|phone|orgCode)$/.test(o.field)) {
      return { ...o, ...('before' in o ? { before: o.before === null ? null : ERASED } : {}), ...('after' in o ? { after: o.after === null ? null : ERASED } : {}) };
    }
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, scrub(v, secrets)]));
  }
  return value;
}

/** One bounded run: erases the reporters of up to BATCH cases; answers how many. */
export async function erasePersonalData(ctx: AppContext): Promise<number> {
  const years = (await getSettings(ctx.db)).personalDataRetentionYears;
  if (years === null) return 0;
  const now = ctx.clock.now();
  const cutoff = retentionCutoff(now, years);
  return ctx.db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom('cases')
      .select(['id', 'case_no', 'reporter_name', 'reporter_phone'])
      .where('reporter_erased_at', 'is', null)
      .where('closed_at', 'is not', null)
      .where('closed_at', '<', cutoff)
      .where('status', 'in', [...TERMINAL_STATUSES])
      .orderBy('id')
      .limit(BATCH)
      .execute();
    if (rows.length === 0) return 0;
    const at = now.toISOString();
    for (const r of rows) {
      // Skip-safe with several instances: only a row not erased yet is changed.
      const u = await trx
        .updateTable('cases')
        .set({ reporter_name: ERASED, reporter_phone: '', reporter_org_code: null, reporter_phone_masked: null, reporter_phone_index: null, reporter_erased_at: at })
        .where('id', '=', r.id)
        .where('reporter_erased_at', 'is', null)
        .executeTakeFirst();
      if (Number(u.numUpdatedRows) === 0) continue;
      let name = '';
      let phone = '';
      try {
        name = unseal(r.reporter_name);
        phone = unseal(r.reporter_phone);
      } catch {
        /* unreadable: the columns are erased all the same */
      }
      const secrets = [name.length >= 2 ? name : '', phone, phone ? maskPhone(phone) : ''].filter((s) => s.length >= 2);
      const events = await trx.selectFrom('case_events').select(['id', 'data']).where('case_id', '=', r.id).execute();
      for (const e of events) {
        let data: unknown;
        try {
          data = JSON.parse(e.data);
        } catch {
          continue;
        }
        const next = JSON.stringify(scrub(data, secrets));
        if (next !== e.data) await trx.updateTable('case_events').set({ data: next }).where('id', '=', e.id).execute();
      }
    }
    await appendAudit(trx, {
      at,
      actor: 'system',
      action: 'pii.erase',
      entityType: 'cases',
      entityId: '*',
      data: { retentionYears: years, closedBefore: cutoff, cases: rows.map((r) => r.case_no) },
    });
    return rows.length;
  });
}

export const retentionJob: Job = { name: 'personal-data-retention', everyMs: 60 * 60_000, run: erasePersonalData };
