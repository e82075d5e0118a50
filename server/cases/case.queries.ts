/**
 * Read helpers shared by the case routes and other resources: the due-soon cutoff of the list
 * filters, the presenter's dependencies, and the full case (timeline, measures, sheets, records).
 */
import { caseKnowledgeQuery } from '../knowledge/knowledge.repository.js';
import { auditCaseRead } from '../audit/read-audit.js';
import type { AppContext } from '../context.js';
import {
  assignmentSheetsQuery,
  callbackAttemptsQuery,
  caseNumberQuery,
  coPartsQuery,
  eventOfRow,
  eventsQuery,
  listEvents,
  measuresQuery,
  mergedCasesQuery,
  meetingsQuery,
  supervisionRecordsQuery,
  type CaseRecord,
  type TimelineEvent,
} from './case.repository.js';
import { readTogether } from '../db/read-together.js';
import type { RefVersions } from '../db/ref-cache.js';
import { presentCase, type PresentDeps } from './case.presenter.js';
import { loadCalendar } from '../calendar/calendar.repository.js';
import { getSettings, lifecycleSettings } from '../settings/settings.repository.js';
import { dueSoonCutoff } from '../../core/clocks.js';
import { measureFlagsOf, measureTrackingQuery } from '../notifications/measure-reminders.js';
import { listDepartments } from '../users/user.repository.js';
import { attachmentsQuery } from '../attachments/attachment.repository.js';
import type { Actor } from '../../core/case-lifecycle.js';

/** The latest deadline that counts as due soon now (core/clocks.ts `dueSoonCutoff`), UTC ISO. */
export async function dueSoonUntil(ctx: AppContext, now: Date, read?: RefVersions | null): Promise<string> {
  const [calendar, settings] = await Promise.all([loadCalendar(ctx.db, read), getSettings(ctx.db, read)]);
  return dueSoonCutoff(now, calendar, settings.dueSoonWorkingDays).toISOString();
}

/** `read`: the reference counters the request read with its session (ref-cache.ts), when it has written nothing. */
export async function presentDeps(ctx: AppContext, read?: RefVersions | null): Promise<PresentDeps> {
  const [calendar, depts, settings] = await Promise.all([loadCalendar(ctx.db, read), listDepartments(ctx.db, read), getSettings(ctx.db, read)]);
  return presentDepsOf(ctx.clock.now(), calendar, depts, settings);
}

/** The presenter's dependencies from reference data the caller has loaded already. */
export function presentDepsOf(
  now: Date,
  calendar: PresentDeps['calendar'],
  depts: ReadonlyArray<{ code: string; name: string }>,
  settings: Awaited<ReturnType<typeof getSettings>>,
): PresentDeps {
  return {
    now,
    calendar,
    departmentNames: new Map(depts.map((d) => [d.code, d.name])),
    dueSoonWorkingDays: settings.dueSoonWorkingDays,
    decide: { now, calendar, settings: lifecycleSettings(settings) },
  };
}

/**
 * The full case. `readAudited`: the caller's transaction already recorded this read (the intake
 * records the read of its answer with the case, one commit instead of two). `justRegistered`: the case was registered by this request a moment ago, without
 * files — it has its intake event and nothing else yet (no measures, sheets, records, co-parts,
 * callbacks, merges, meetings, attachments or linked knowledge: each is written by a later action), so only its
 * timeline is read (an intake answered 10 reads fewer; issue 17) — or taken from `events`, the
 * timeline the intake has just written, and `deps` the reference data the intake read.
 * `refVersions`: the reference counters the request read with its session, for a request that has
 * written nothing before (ref-cache.ts).
 */
export async function presentFull(
  ctx: AppContext,
  c: CaseRecord,
  actor: Actor,
  opts: { justRegistered?: boolean; readAudited?: boolean; events?: TimelineEvent[]; deps?: PresentDeps; refVersions?: RefVersions | null } = {},
) {
  // The full case shows the reporter's name and phone: the read is audited (server/audit/read-audit.ts)
  // — by the intake's own transaction when this answers the intake (`readAudited`). The record is
  // written while the case's parts are read (its commit is off the page's critical path); the answer
  // waits for both, so nothing is shown whose read was not recorded.
  const audited = opts.readAudited ? undefined : auditCaseRead(ctx, actor, c, 'case');
  if (opts.justRegistered) {
    const [events, deps] = await Promise.all([opts.events ?? listEvents(ctx.db, c.id), opts.deps ?? presentDeps(ctx, opts.refVersions), audited]);
    return presentCase(
      c,
      { events, measures: [], sheets: [], records: [], meetings: [], coParts: [], callbackAttempts: [], mergedInto: null, mergedCases: [], attachments: [], knowledge: [] },
      actor,
      deps,
    );
  }
  // The case's parts in one read (one statement on PostgreSQL: read-together.ts), beside the
  // reference data (cached) and the read's record.
  const db = ctx.db;
  const [[eventRows, measures, tracking, sheets, records, coParts, callbackAttempts, merged, main, meetings, attachments, knowledge], deps] = await Promise.all([
    readTogether(db, [
      eventsQuery(db, c.id),
      measuresQuery(db, c.id),
      measureTrackingQuery(db, c.id),
      assignmentSheetsQuery(db, c.id),
      supervisionRecordsQuery(db, c.id),
      coPartsQuery(db, c.id),
      callbackAttemptsQuery(db, c.id),
      mergedCasesQuery(db, c.id),
      caseNumberQuery(db, c.mergedInto),
      meetingsQuery(db, c.id),
      attachmentsQuery(db, c.id),
      caseKnowledgeQuery(db, c.id),
    ]),
    opts.deps ?? presentDeps(ctx, opts.refVersions),
    audited,
  ]);
  const events = eventRows.map(eventOfRow);
  const flags = measureFlagsOf(tracking);
  const tracked = measures.map((m) => ({ ...m, ...(flags.get(m.id) ?? { remindedAt: null, missedAt: null }) }));
  return presentCase(
    c,
    {
      events,
      measures: tracked,
      sheets,
      records,
      meetings,
      coParts,
      callbackAttempts,
      mergedInto: main[0] ? { id: main[0].id, caseNo: main[0].case_no } : null,
      mergedCases: merged.map((m) => ({ id: m.id, caseNo: m.case_no })),
      attachments,
      knowledge,
    },
    actor,
    deps,
  );
}
