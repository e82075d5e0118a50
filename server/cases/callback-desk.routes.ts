/**
 * 回访工作台: the cases waiting for their callback, oldest stage clock first, each with what the
 * coordinator reads out and needs to dial — the result, the lead department, the reporter's full
 * phone — and the earlier unanswered attempts. Every answer that shows full phones appends one
 * audit record naming the cases shown (PIPL art. 51: every unmask logged).
 */
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { z } from 'zod';
import { ZPageLimit } from '../../core/api/schemas.js';
import { ZCallbackDesk } from '../../core/api/responses.js';
import { AppError } from '../errors.js';
import type { AppContext } from '../context.js';
import { route } from '../http.js';
import { appendAudit } from '../audit/audit.repository.js';
import { filteredCases, listCallbackAttemptsOf, rowToCase, type CaseFilters } from './case.repository.js';
import { isStageOverdue } from '../../core/clocks.js';
import { listDepartments } from '../users/user.repository.js';
import { formatShanghai } from '../../core/working-days.js';
import { maskPhone } from '../../core/validation.js';
import type { CallbackAttemptOutcome, Channel, ReplyChannel, ReporterKind } from '../../core/domain.js';

const STORED_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/;

/** Keyset of the desk's order: (stage_due_at, received_at, id), the covering index of migration 010. */
function encodeCursor(stageDueAt: string, receivedAt: string, id: number): string {
  return Buffer.from(JSON.stringify(['callback', stageDueAt, receivedAt, id])).toString('base64url');
}

function decodeCursor(cursor: string): { stageDueAt: string; receivedAt: string; id: number } | null {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 4 && v[0] === 'callback' && typeof v[1] === 'string' && STORED_INSTANT.test(v[1]) && typeof v[2] === 'string' && STORED_INSTANT.test(v[2]) && Number.isSafeInteger(v[3]) && v[3] > 0) {
      return { stageDueAt: v[1], receivedAt: v[2], id: v[3] as number };
    }
  } catch {
    /* not a cursor */
  }
  return null;
}

const ZDeskQuery = z.object({
  limit: ZPageLimit,
  cursor: z.string().max(300, { error: '分页游标无效' }).optional(),
});

export function registerCallbackDeskRoutes(app: FastifyInstance, ctx: AppContext): void {
  route(
    app,
    {
      method: 'GET',
      url: '/callbacks',
      operationId: 'listCallbackDesk',
      summary: '回访工作台：待回访的反映件（回访时钟最早的在前），含办理结果、反映人完整电话与此前未接通记录；每次查看记入审计',
      tag: '工作台',
      auth: 'callbackDesk',
      query: ZDeskQuery,
      response: ZCallbackDesk,
    },
    async (_req, _reply, { query, actor }) => {
      const now = ctx.clock.now();
      const c = query.cursor ? decodeCursor(query.cursor) : null;
      if (query.cursor && !c) throw new AppError('VALIDATION', '分页游标无效', [{ field: 'cursor', message: '分页游标无效' }]);
      const waiting = (): ReturnType<typeof filteredCases> => filteredCases(ctx.db, { status: ['completed'] } as unknown as CaseFilters, actor, now);
      let q = waiting().where('stage_due_at', 'is not', null);
      if (c) {
        q = q.where((eb) =>
          eb.or([
            eb('stage_due_at', '>', c.stageDueAt),
            eb.and([eb('stage_due_at', '=', c.stageDueAt), eb('received_at', '>', c.receivedAt)]),
            eb.and([eb('stage_due_at', '=', c.stageDueAt), eb('received_at', '=', c.receivedAt), eb('id', '>', c.id)]),
          ]),
        );
      }
      const [rows, total, depts] = await Promise.all([
        q.selectAll('cases').orderBy('stage_due_at', 'asc').orderBy('received_at', 'asc').orderBy('id', 'asc').limit(query.limit + 1).execute(),
        waiting().select(sql<number>`count(*)`.as('n')).executeTakeFirst(),
        listDepartments(ctx.db),
      ]);
      const more = rows.length > query.limit;
      const cases = (more ? rows.slice(0, query.limit) : rows).map((r) => rowToCase(r as never));
      const ids = cases.map((x) => x.id);
      const attempts = await listCallbackAttemptsOf(ctx.db, ids);
      const names = new Map(depts.map((d) => [d.code, d.name]));
      const items = cases.map((x) => ({
        id: x.id,
        caseNo: x.caseNo,
        version: x.version,
        channel: x.channel as Channel,
        matter: x.matter,
        description: x.description,
        reporter: { name: x.reporter.name, phone: x.reporter.phone, phoneMasked: maskPhone(x.reporter.phone), kind: x.reporter.kind as ReporterKind, orgName: x.reporter.orgName },
        leadDepartment: x.leadDepartment,
        leadDepartmentName: x.leadDepartment ? (names.get(x.leadDepartment) ?? x.leadDepartment) : null,
        result: x.result,
        repliedVia: x.repliedVia as ReplyChannel | null,
        completedAt: x.completedAt ? formatShanghai(new Date(x.completedAt)) : null,
        stageDueAt: x.stageDueAt ? formatShanghai(new Date(x.stageDueAt)) : null,
        stageOverdue: isStageOverdue(x, now),
        callbackAttempts: attempts
          .filter((a) => a.case_id === x.id)
          .map((a) => ({ outcome: a.outcome as CallbackAttemptOutcome, note: a.note, at: formatShanghai(new Date(a.at)), by: a.by_user })),
      }));
      if (items.length) {
        // One record per answer that unmasked phones: who, which cases, how many.
        await ctx.db.transaction().execute((trx) =>
          appendAudit(trx, {
            at: now.toISOString(),
            actor: actor.username,
            action: 'callbacks.read',
            entityType: 'case',
            entityId: null,
            data: { caseNos: items.map((i) => i.caseNo), count: items.length, fields: ['reporter.phone'] },
          }),
        );
      }
      const last = cases[cases.length - 1];
      return {
        items,
        total: Number(total?.n ?? 0),
        nextCursor: more && last?.stageDueAt ? encodeCursor(last.stageDueAt, last.receivedAt, last.id) : null,
      };
    },
  );
}
