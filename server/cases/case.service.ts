/**
 * Case commands. Each is one transaction: load → decide (core) → write the case (versioned), its
 * timeline event, measures / assignment sheet, outbox messages and, last, the audit record.
 */
import type { z } from 'zod';
import { can } from '../../core/permissions.js';
import {
  canMergeInto,
  checkAgainstCase,
  decide,
  isCaseAction,
  type Actor,
  type CaseActor,
  type CaseAction,
  type CaseChanges,
  type CaseCommand,
  type Corrections,
  type Effect,
  type PublicReporter,
} from '../../core/case-lifecycle.js';
import { indexCaseText } from './case-search.js';
import { eventTalliesWrite } from '../stats/rollup.js';
import { enterStage } from '../../core/clocks.js';
import { actionBodySchema, commandDeadlines, describeIssues, toCommand, ZIntake } from '../../core/api/schemas.js';
import { shanghaiDate } from '../../core/working-days.js';
import { maskPhone } from '../../core/validation.js';
import type { AppContext } from '../context.js';
import type { Executor } from '../db/database.js';
import type { RefVersions } from '../db/ref-cache.js';
import { insertRows } from '../db/plain-insert.js';
import { appendAudit, canonicalJson, sm3Hex, writeThenAudit } from '../audit/audit.repository.js';
import { caseReadEntry } from '../audit/read-audit.js';
import { AppError, forbidden, notFound, readableBody, validation } from '../errors.js';
import { loadCalendar } from '../calendar/calendar.repository.js';
import { getSettings, lifecycleSettings } from '../settings/settings.repository.js';
import { isUniqueViolation, listDepartments } from '../users/user.repository.js';
import { presentDepsOf } from './case.queries.js';
import type { PresentDeps } from './case.presenter.js';
import {
  eventWrite,
  listCoParts,
  changesToRow,
  fulfilMeasure,
  measureFacts,
  withdrawMeasure,
  insertCallbackAttempt,
  listMergedCases,
  listMeasures,
  listSupervisionRecords,
  lastEventOf,
  supervisionStateOf,
  stageToRow,
  upsertCoPart,
  findCaseById,
  knownDepartmentCodes,
  findVisibleCase,
  insertAssignmentSheet,
  writeNewCase,
  insertMeasure,
  unnumberedCaseRow,
  nextCounter,
  parseCaseId,
  setCaseDepartments,
  updateCaseVersioned,
  eventOfRow,
  timelineEventRow,
  type CaseRecord,
  type NewTimelineEvent,
  type TimelineEvent,
  NO_OUTCOME_YET,
} from './case.repository.js';
import { activeWebhooks, webhookDeliveriesWrite } from '../integrations/webhooks.js';
import { findMatter } from '../matters/matter.repository.js';
import { withStaffSms } from '../notifications/staff-sms.js';
import { createRatingLink, useUpRatingLinks } from '../ratings/rating-links.js';


/** Number prefixes of supervision records: 督办, 通报, 线索移送. */
const SUPERVISION_PREFIX = { supervise: '督办', circulate: '通报', referral: '移送' } as const;

function parseOr400<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const r = schema.safeParse(readableBody(body) ?? undefined);
  if (!r.success) throw validation(describeIssues(r.error));
  return r.data;
}

async function assertDepartmentsExist(db: Executor, fields: Array<[string, string[]]>): Promise<void> {
  assertKnownDepartments(await listDepartments(db), fields);
}

/** 400 naming each field's codes that are not enabled departments of `departments` (a list already read). */
function assertKnownDepartments(departments: ReadonlyArray<{ code: string; disabled: number }>, fields: Array<[string, string[]]>): void {
  const known = knownDepartmentCodes(departments, [...new Set(fields.flatMap(([, codes]) => codes))]);
  const details = fields.flatMap(([field, codes]) =>
    codes.filter((c) => !known.has(c)).map((c) => ({ field, message: `部门代码“${c}”不存在或已停用` })),
  );
  if (details.length) throw validation(details);
}

function actorOf(a: CaseActor | PublicReporter) {
  if (a.kind === 'public') return { username: a.username, name: a.name, role: 'public' };
  if (a.kind === 'reporter') return { username: a.username, name: a.name, role: 'reporter' };
  return { username: a.username, name: a.name, role: a.role };
}

export interface IntakeResult {
  record: CaseRecord;
  replayed: boolean;
  /** A new case's timeline as written (its intake event), so the answer need not read it back. */
  events?: TimelineEvent[];
  /** The reference data the intake read (calendar, departments, settings), for presenting its answer. */
  deps?: PresentDeps;
}

/**
 * Registers a case (登记). `idempotencyKey` is scoped to the calling user: a replay answers the
 * first case; the same key with another body → 409 IDEMPOTENCY_MISMATCH.
 */
export async function intakeCase(
  ctx: AppContext,
  rawBody: unknown,
  actor: Actor | PublicReporter,
  opts: { idempotencyKey?: string; answerRead?: boolean; refVersions?: RefVersions | null } = {},
): Promise<IntakeResult> {
  // A reporter's own online report is always of the online channel (网上平台).
  const parsed = parseOr400(ZIntake, actor.kind === 'public' ? { ...(rawBody as object), channel: 'online' } : rawBody);
  // Only staff and integrations bring a ticket of another system; the public report never does.
  const body = actor.kind === 'public' ? { ...parsed, externalRef: undefined } : parsed;
  const ext = body.externalRef;
  // The reference data the intake needs, read together (one look at the change counters, or none
  // when the request read them with its session: ref cache).
  const read = opts.refVersions;
  const [calendar, settings, departments, hooks] = await Promise.all([
    loadCalendar(ctx.db, read),
    getSettings(ctx.db, read),
    listDepartments(ctx.db, read),
    activeWebhooks(ctx.db, read),
  ]);
  assertKnownDepartments(departments, [['departmentCodes', body.departmentCodes]]);
  if (body.matterCode !== undefined && !(await findMatter(ctx.db, body.matterCode))) {
    throw validation([{ field: 'matterCode', message: `事项编码“${body.matterCode}”不在事项目录中` }]);
  }
  if (actor.kind !== 'public' && !can(actor.role, 'intake')) {
    throw forbidden('只有受理员和县行管办可以登记反映件');
  }
  const key = opts.idempotencyKey;
  if (key !== undefined && (key.length < 1 || key.length > 200)) {
    throw validation([{ field: 'Idempotency-Key', message: 'Idempotency-Key 长度应为 1–200' }]);
  }
  const bodyHash = sm3Hex(canonicalJson(body));
  const replay = async (): Promise<IntakeResult | null> => {
    if (key === undefined) return null;
    const prior = await ctx.db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('user_id', '=', actor.kind === 'public' ? 0 : actor.userId)
      .where('key', '=', key)
      .executeTakeFirst();
    if (!prior) return null;
    if (prior.body_hash !== bodyHash) throw new AppError('IDEMPOTENCY_MISMATCH', '同一 Idempotency-Key 已用于内容不同的登记');
    const record = await findCaseById(ctx.db, prior.case_id);
    if (!record) throw notFound();
    return { record, replayed: true };
  };
  /** The same ticket of another system again (any caller): the first case, or 409 with another body. */
  const replayExternal = async (): Promise<IntakeResult | null> => {
    if (!ext) return null;
    const row = await ctx.db.selectFrom('cases').select(['id', 'external_body_hash']).where('external_system', '=', ext.system).where('external_id', '=', ext.id).executeTakeFirst();
    if (!row) return null;
    if (row.external_body_hash !== bodyHash) throw new AppError('IDEMPOTENCY_MISMATCH', `外部工单 ${ext.system}:${ext.id} 已登记，且本次内容与首次不同`);
    const record = await findCaseById(ctx.db, row.id);
    if (!record) throw notFound();
    return { record, replayed: true };
  };
  const prior = (await replay()) ?? (await replayExternal());
  if (prior) return prior;

  const now = ctx.clock.now();
  const at = now.toISOString();
  const receivedDate = shanghaiDate(now);
  const year = Number(receivedDate.slice(0, 4));
  const stage = enterStage(null, 'received', now, calendar, settings);
  try {
    const r = body.reporter;
    const intakeEvent = (caseNo: string): NewTimelineEvent<'intake'> => ({
      type: 'intake',
      at,
      by: actorOf(actor),
      data: {
        caseNo,
        channel: body.channel,
        matter: body.matter,
        ...(body.matterCode ? { matterCode: body.matterCode } : {}),
        departmentCodes: body.departmentCodes,
        reporterKind: r.kind,
      },
    });
    // The year's number, the case row and everything the intake writes: one statement on PostgreSQL
    // (writeNewCase), the number read from the stored row.
    const record = await writeNewCase(
      ctx.db,
      {
        ...unnumberedCaseRow({
          year,
          channel: body.channel,
          status: 'received',
          level: null,
          problemType: null,
          leadDepartment: null,
          coDepartments: [],
          namedDepartments: body.departmentCodes,
          reporter: { name: r.name, phone: r.phone, kind: r.kind, orgName: r.orgName ?? null, orgCode: r.orgCode ?? null },
          matter: body.matter,
          description: body.description,
          reason: body.reason ?? null,
          receivedAt: at,
          receivedDate,
          createdBy: actor.username,
          dueAt: null,
          dueProvisional: false,
          deadlineStartAt: null,
          deadlineDays: null,
          ...NO_OUTCOME_YET,
          updatedAt: at,
          stage,
        }),
        ...(ext ? { external_system: ext.system, external_id: ext.id, external_body_hash: bodyHash } : {}),
        matter_code: body.matterCode ?? null,
      },
      async (trx, { id, caseNo, record }) => {
        const audits = [
          {
            at,
            actor: actor.username,
            action: 'case.intake',
            entityType: 'case',
            entityId: String(id),
            data: { caseNo, channel: body.channel, matter: body.matter, reporterPhone: maskPhone(r.phone), departmentCodes: body.departmentCodes, ...(ext ? { externalRef: ext } : {}) },
          },
          // The answer shows the reporter to the caller: that read is recorded with the case (one commit).
          ...(opts.answerRead && actor.kind !== 'public' ? [caseReadEntry(at, actor, { id, caseNo }, 'case')] : []),
        ];
        // The reporter gets the receipt; an online report also tells the coordinator to triage it.
        const recipients = body.channel === 'online' ? ['reporter', 'coordinator'] : ['reporter'];
        return {
          parts: [
            key !== undefined ? trx.insertInto('idempotency_keys').values({ user_id: actor.kind === 'public' ? 0 : actor.userId, key, body_hash: bodyHash, case_id: id, created_at: at }) : null,
            eventWrite(trx, id, intakeEvent(caseNo)),
            insertRows(
              trx,
              'outbox',
              recipients.map((recipient) => ({ topic: 'received', case_id: id, recipient, payload: JSON.stringify({ caseNo }), created_at: at, available_at: at, attempts: 0 })),
            ),
            record ? await webhookDeliveriesWrite(trx, hooks, record, { at, from: null, action: 'intake' }) : null,
          ],
          audits,
        };
      },
      // A webhook's body is the stored case.
      { needsRecord: hooks.length > 0 },
    );
    const written = { record, events: [eventOfRow(timelineEventRow(record.id, intakeEvent(record.caseNo)))] };
    return { ...written, replayed: false, deps: presentDepsOf(now, calendar, departments, settings) };
  } catch (e) {
    // A concurrent request with the same key won the race: answer its case.
    if ((key !== undefined || ext) && isUniqueViolation(e)) {
      const again = (await replay()) ?? (await replayExternal());
      if (again) return again;
    }
    throw e;
  }
}

/**
 * The outbox rows of a decision's notifications: one per recipient — the lead department (after the
 * change), each co-department, a department the case left, a role, the reporter, and the reporter of
 * every case merged into this one (told the result on completion).
 */
async function outboxMessages(trx: Executor, effects: Effect[], current: CaseRecord, changes: CaseChanges, action: CaseAction, at: string) {
  const lead = changes.leadDepartment ?? current.leadDepartment ?? '';
  const co = changes.coDepartments ?? current.coDepartments;
  const row = (topic: string, recipient: string, payload: Record<string, unknown> = {}, caseId = current.id) => ({
    topic,
    case_id: caseId,
    recipient,
    payload: JSON.stringify({ caseNo: current.caseNo, action, ...payload }),
    created_at: at,
    available_at: at,
    attempts: 0,
  });
  const out: Array<ReturnType<typeof row>> = [];
  for (const e of effects) {
    if (e.kind === 'notify') {
      if (e.to === 'lead_department') out.push(row(e.topic, `department:${lead}`));
      else if (e.to === 'co_departments') for (const dept of co) out.push(row(e.topic, `department:${dept}`, { department: lead }));
      else out.push(row(e.topic, e.to));
    } else if (e.kind === 'notify-department') {
      out.push(row(e.topic, `department:${e.department}`, { department: e.department }));
    } else if (e.kind === 'notify-merged-reporters') {
      for (const m of await listMergedCases(trx, current.id)) {
        out.push({ ...row(e.topic, 'reporter', { result: changes.result ?? current.result }, m.id), payload: JSON.stringify({ caseNo: m.case_no, action, result: changes.result ?? current.result, mainCaseNo: current.caseNo }) });
      }
    }
  }
  return out;
}

/** The before/after of each corrected field, phone numbers masked (for the timeline and the audit chain). */
function correctionFields(current: CaseRecord, fix: Corrections): Array<{ field: string; before: string | null; after: string | null }> {
  const out: Array<{ field: string; before: string | null; after: string | null }> = [];
  const add = (field: string, before: string | null, after: string | null | undefined) => {
    if (after !== undefined && (after ?? null) !== before) out.push({ field, before, after: after ?? null });
  };
  add('matter', current.matter, fix.matter);
  add('description', current.description, fix.description);
  add('reason', current.reason, fix.reason);
  add('channel', current.channel, fix.channel);
  if (fix.reporter) {
    const r = fix.reporter;
    add('reporter.name', current.reporter.name, r.name);
    add('reporter.phone', maskPhone(current.reporter.phone), maskPhone(r.phone));
    if (r.phone !== current.reporter.phone && maskPhone(r.phone) === maskPhone(current.reporter.phone)) {
      out.push({ field: 'reporter.phone', before: maskPhone(current.reporter.phone), after: maskPhone(r.phone) });
    }
    add('reporter.kind', current.reporter.kind, r.kind);
    add('reporter.orgName', current.reporter.orgName, r.orgName ?? null);
    add('reporter.orgCode', current.reporter.orgCode ? '已填写' : null, r.orgCode ? (r.orgCode === current.reporter.orgCode ? '已填写' : '已更正') : null);
  }
  return out;
}

/** The co-departments (of the case as it is) that have not given their part: recorded at completion. */
async function coPartsMissing(trx: Executor, c: CaseRecord): Promise<string[]> {
  const co = c.coDepartments.filter((d) => d !== c.leadDepartment);
  if (!co.length) return [];
  const replied = new Set((await listCoParts(trx, c.id)).map((p) => p.department_code));
  return co.filter((d) => !replied.has(d));
}

export interface RunOptions {
  /** The reporter's rating link the callback comes by (used up in the same transaction). */
  ratingLinkId?: number;
}

/**
 * Takes an action on a case. Errors in the contract's order: 404 (unknown case or action, or not
 * visible) → 400 (body) → 403 (role / department) → 409 VERSION_CONFLICT → 409 INVALID_TRANSITION.
 */
export async function runCaseAction(
  ctx: AppContext,
  rawId: string,
  actionName: string,
  rawBody: unknown,
  actor: CaseActor,
  opts: RunOptions = {},
): Promise<CaseRecord> {
  const id = parseCaseId(rawId);
  if (!isCaseAction(actionName)) throw notFound();
  const action: CaseAction = actionName;
  const visible = actor.kind === 'reporter' ? await findCaseById(ctx.db, id ?? 0) : await findVisibleCase(ctx.db, id, actor);
  if (!visible) throw notFound();

  // The reporter rating by link sends no version: the case as it stands when the rating is written.
  const body = parseOr400(actionBodySchema(action), actor.kind === 'reporter' ? { ...(readableBody(rawBody) as object), version: visible.version } : rawBody) as Record<string, unknown>;
  const cmd: CaseCommand = toCommand(action, body);
  const now = ctx.clock.now();
  const past = commandDeadlines(cmd).filter(([, iso]) => Date.parse(iso) <= now.getTime());
  if (past.length) throw validation(past.map(([field]) => ({ field, message: '时限必须晚于当前时间' })));
  if (cmd.type === 'fulfil-measure' || cmd.type === 'withdraw-measure') visible.measures = (await listMeasures(ctx.db, visible.id)).map(measureFacts);
  Object.assign(visible, supervisionStateOf(await listSupervisionRecords(ctx.db, visible.id)));
  if (cmd.type === 'undo-sign') visible.lastEvent = await lastEventOf(ctx.db, visible.id);
  const againstCase = checkAgainstCase(visible, cmd);
  if (againstCase.length) throw validation(againstCase);
  if (cmd.type === 'circulate' && cmd.department) {
    await assertDepartmentsExist(ctx.db, [['department', [cmd.department]]]);
  }
  if (cmd.type === 'dispatch' || cmd.type === 'approve-escalation' || cmd.type === 'redispatch') {
    await assertDepartmentsExist(ctx.db, [
      ['leadDepartment', [cmd.leadDepartment]],
      ['coDepartments', cmd.coDepartments],
    ]);
  }
  if (cmd.type === 'contest' && cmd.suggestedDepartment) {
    await assertDepartmentsExist(ctx.db, [['suggestedDepartment', [cmd.suggestedDepartment]]]);
  }
  let mainCase: CaseRecord | undefined;
  if (cmd.type === 'merge') {
    mainCase = cmd.into === visible.id ? undefined : await findCaseById(ctx.db, cmd.into);
    if (cmd.into === visible.id) throw validation([{ field: 'into', message: '不能并入本件自身' }]);
    if (!mainCase) throw validation([{ field: 'into', message: '主件不存在' }]);
    if (!canMergeInto(mainCase)) throw validation([{ field: 'into', message: `主件 ${mainCase.caseNo} 已${mainCase.status === 'merged' ? '并入其他件' : '办结归档或不予受理'}，不能并入` }]);
  }
  const [calendar, settings, hooks] = await Promise.all([loadCalendar(ctx.db), getSettings(ctx.db), activeWebhooks(ctx.db)]);
  const at = now.toISOString();

  await ctx.db.transaction().execute(async (trx) => {
    const current = await findCaseById(trx, id!);
    if (!current) throw notFound();
    current.measures = (await listMeasures(trx, current.id)).map(measureFacts);
    Object.assign(current, supervisionStateOf(await listSupervisionRecords(trx, current.id)));
    if (cmd.type === 'undo-sign') current.lastEvent = await lastEventOf(trx, current.id);
    const expected = actor.kind === 'reporter' ? current.version : (body.version as number);
    const d = decide(current, cmd, actor, expected, { now, calendar, settings: lifecycleSettings(settings) });
    if (!d.ok) throw new AppError(d.error.code, d.error.message);
    // A callback uses up the case's rating links (by phone: every one; by link: that one, still valid).
    if (d.changes.callback && !(await useUpRatingLinks(trx, current.id, at, opts.ratingLinkId))) throw notFound();
    // A completion makes the reporter's rating link, which the completion SMS carries.
    if (d.changes.status === 'completed' && current.status !== 'completed') await createRatingLink(trx, current.id, now, settings.selfRatingDays, actor.username);

    const row = { ...changesToRow(d.changes, current), ...stageToRow(d.stage) };
    let sheetNo: string | null = null;
    if (d.effects.some((e) => e.kind === 'issue-assignment-sheet')) {
      const year = Number(shanghaiDate(now).slice(0, 4));
      const seq = await nextCounter(trx, 'assignment', year);
      sheetNo = `〔${year}〕第${seq}号`;
      row.assignment_no = sheetNo;
      await insertAssignmentSheet(trx, {
        caseId: current.id,
        sheetNo,
        year,
        seq,
        level: d.changes.level ?? current.level ?? 1,
        lead: d.changes.leadDepartment ?? current.leadDepartment ?? '',
        co: d.changes.coDepartments ?? current.coDepartments,
        dueAt: d.changes.dueAt ?? current.dueAt ?? at,
        at,
        by: actor.username,
      });
    }
    const updated = await updateCaseVersioned(trx, current, row, at);
    const corrected = d.changes.corrections ? correctionFields(current, d.changes.corrections) : null;
    if (d.changes.corrections && (row.matter !== undefined || row.description !== undefined || row.reporter_org_name !== undefined)) {
      await indexCaseText(trx, current.id, [row.matter ?? current.matter, row.description ?? current.description, row.reporter_org_name !== undefined ? row.reporter_org_name : current.reporter.orgName]);
    }
    if (d.changes.coPart) await upsertCoPart(trx, current.id, d.changes.coPart);
    if (d.changes.callbackAttempt) await insertCallbackAttempt(trx, current.id, d.changes.callbackAttempt);
    if (d.changes.fulfilledMeasure) await fulfilMeasure(trx, d.changes.fulfilledMeasure);
    if (d.changes.withdrawnMeasure) await withdrawMeasure(trx, d.changes.withdrawnMeasure);
    if (d.changes.leadDepartment !== undefined || d.changes.coDepartments !== undefined) {
      await setCaseDepartments(trx, current.id, d.changes.leadDepartment ?? current.leadDepartment, d.changes.coDepartments ?? current.coDepartments);
    }
    let recordNo: string | null = null;
    let answered: string[] | null = null;
    for (const e of d.effects) {
      if (e.kind === 'answer-supervision') {
        // One report answers every 督办 of the case still awaiting it.
        const open = await trx.selectFrom('supervision_records').select(['id', 'record_no']).where('case_id', '=', current.id).where('kind', '=', 'supervise').where('reported_at', 'is', null).orderBy('id').execute();
        answered = open.map((r) => r.record_no);
        if (open.length) {
          await trx.updateTable('supervision_records').set({ report: e.report, reported_at: at, reported_by: actor.username }).where('id', 'in', open.map((r) => r.id)).where('reported_at', 'is', null).execute();
        }
      }
      if (e.kind === 'record-discipline-result') {
        await trx.updateTable('supervision_records').set({ result: e.result, result_at: at, result_by: actor.username }).where('case_id', '=', current.id).where('kind', '=', 'referral').where('record_no', '=', e.referralNo).execute();
      }
      if (e.kind === 'record-meeting') {
        const m = e.meeting;
        await trx.insertInto('case_meetings').values({ case_id: current.id, held_at: m.heldAt, convenor: m.convenor, attendees: JSON.stringify(m.attendees), decision: m.decision, by_user: actor.username, at }).execute();
      }
      if (e.kind === 'add-measure') {
        await insertMeasure(trx, { caseId: current.id, type: e.measureType, note: e.note, dueAt: e.dueAt, staff: e.staff, by: actor.username, at });
      }
      if (e.kind === 'record-supervision') {
        const date = shanghaiDate(now);
        const year = Number(date.slice(0, 4));
        const seq = await nextCounter(trx, e.recordKind, year);
        recordNo = `${SUPERVISION_PREFIX[e.recordKind]}〔${year}〕第${seq}号`;
        await trx
          .insertInto('supervision_records')
          .values({ case_id: current.id, kind: e.recordKind, record_no: recordNo, department_code: e.department, due_at: e.dueAt, text: e.text, by_user: actor.username, at, at_date: date })
          .execute();
      }
    }
    const eventData = {
      ...d.event.data,
      ...(sheetNo ? { assignmentNo: sheetNo } : {}),
      ...(recordNo ? { recordNo } : {}),
      ...(answered ? { recordNos: answered } : {}),
      ...(corrected ? { fields: corrected } : {}),
      ...(mainCase ? { intoCaseNo: mainCase.caseNo } : {}),
      ...(d.event.type === 'complete' ? { coPartsMissing: await coPartsMissing(trx, current) } : {}),
    };
    const messages = await withStaffSms(trx, await outboxMessages(trx, d.effects, current, d.changes, action, at), {
      contestUpheld: action === 'redispatch' && !!current.pendingContest,
    });
    // The event, its tallies, the messages, the webhook deliveries and the audit record: one statement
    // on PostgreSQL (writeThenAudit), so the locks taken above are held a few round trips less.
    const audit = {
      at,
      actor: actor.username,
      action: `case.${action}`,
      entityType: 'case',
      entityId: String(current.id),
      data: { caseNo: current.caseNo, from: current.status, to: d.changes.status ?? current.status, version: current.version + 1, fields: eventData },
    };
    await writeThenAudit(
      trx,
      [
        eventWrite(trx, current.id, { type: d.event.type, at, by: actorOf(actor), data: eventData }),
        eventTalliesWrite(trx, current.receivedDate, d.event.type, eventData),
        messages.length ? trx.insertInto('outbox').values(messages) : null,
        await webhookDeliveriesWrite(trx, hooks, updated, { at, from: current.status, action }),
      ],
      [audit],
    );
  });
  return (await findCaseById(ctx.db, id!))!;
}
