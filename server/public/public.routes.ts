/**
 * The reporter's side without login: online report and progress lookup. The lookup never shows
 * a name, phone, ID or enterprise code; a wrong case number and wrong digits answer the same 404.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ZPublicIntake } from '../../core/api/schemas.js';
import { REJECT_CATEGORY_LABELS, STATUS_LABELS, type CaseStatus, type RejectCategory } from '../../core/domain.js';
import { PUBLIC_REPORTER } from '../../core/case-lifecycle.js';
import { PUBLIC_PROGRESS_TEXT, isTimelineEventType } from '../../core/timeline-events.js';
import { isCompletedStatus, isOverdue } from '../../core/clocks.js';
import type { AppContext } from '../context.js';
import { route } from '../http.js';
import { ZErrorResponse, ZPublicInfo, ZPublicProgress, ZPublicReceipt } from '../../core/api/responses.js';
import { AppError, notFound } from '../errors.js';
import { intakeCase } from '../cases/case.service.js';
import { receiveIntakeForm } from '../attachments/attachment.routes.js';
import { storeAttachments } from '../attachments/attachment.service.js';
import { discardFiles, type ReceivedFile } from '../attachments/receive.js';
import { findCaseByNo, listEvents } from '../cases/case.repository.js';
import { formatShanghai } from '../../core/working-days.js';
import { listDepartments } from '../users/user.repository.js';
import { getSettings } from '../settings/settings.repository.js';
import { rejectRouteText } from '../notifications/templates.js';
import { ensureRatingLink } from '../ratings/rating-links.js';
import { LOOKUP_MAX_FAILURES, LOOKUP_WINDOW_MS, REPORT_MAX_PER_IP, REPORT_WINDOW_MS } from './public-limits.js';



/** What a reporter reads for each state: plain words, no jargon. */
const PUBLIC_STATUS: Record<CaseStatus, string> = {
  received: '已收到您的反映，正在研判',
  accepted: '已受理，正在安排承办部门',
  rejected: '不予受理（原因见答复）',
  assigned: '已交承办部门办理',
  in_progress: '承办部门正在办理',
  escalating: '已提请县工作组协调',
  completed: '已办结，等待回访',
  verifying: '回访意见正在核查',
  closed: '已办结归档',
  merged: '已与您或他人反映的同一问题合并办理',
};

const ZLookupQuery = z.object({ phoneLast4: z.string().optional() });

export function registerPublicRoutes(app: FastifyInstance, ctx: AppContext): void {
  route(
    app,
    {
      method: 'GET',
      url: '/public/info',
      summary: '公众页面所需信息：县名、服务热线、可选的涉及部门',
      tag: '公众',
      auth: 'public',
      response: ZPublicInfo,
    },
    async () => {
      const [settings, depts] = await Promise.all([getSettings(ctx.db), listDepartments(ctx.db)]);
      return {
        countyName: settings.countyName,
        hotlines: settings.hotlines,
        departments: depts.filter((d) => d.disabled === 0).map((d) => ({ code: d.code, name: d.name })),
      };
    },
  );

  route(
    app,
    {
      method: 'POST',
      url: '/public/cases',
      summary: `网上反映（无需登录；须同意个人信息使用说明；每个 IP 每小时至多 ${REPORT_MAX_PER_IP} 件 → 429）`,
      tag: '公众',
      auth: 'public',
      bodyDoc: ZPublicIntake,
      description: '也可以 multipart/form-data 提交：字段 case 为反映内容（JSON），文件字段 file 至多 3 个（仅限 JPEG、PNG 图片或 PDF，仅工作人员可见）。',
      responses: { 201: '已登记', 413: '附件超过大小上限', 429: '提交过于频繁' },
      response: ZPublicReceipt,
      // A per-instance flood guard against junk requests; the real limit is counted in the database below.
      rateLimit: { max: 60, timeWindow: '10 minutes' },
    },
    async (req, reply) => {
      const now = ctx.clock.now();
      // With files (multipart: the report as JSON in `case`, photos or PDF in `file`, at most 3):
      // received and checked first, stored right after the case is registered.
      // The address's reports of the last hour are counted before any file is read: a flood is
      // refused without receiving its uploads.
      const since = new Date(now.getTime() - REPORT_WINDOW_MS).toISOString();
      const filed = await ctx.db
        .selectFrom('public_rate_events')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('scope', '=', 'report')
        .where('key', '=', req.ip)
        .where('at', '>', since)
        .executeTakeFirstOrThrow();
      if (Number(filed.n) >= REPORT_MAX_PER_IP) {
        throw new AppError('RATE_LIMITED', '提交过于频繁，请稍后再试；如有急事请拨打服务热线');
      }
      const form = req.isMultipart() ? await receiveIntakeForm(ctx, req, { public: true }) : { body: req.body, files: [] };
      try {
        return await report(form.body, form.files);
      } catch (e) {
        await discardFiles(form.files);
        throw e;
      }
      async function report(raw: unknown, files: ReceivedFile[]) {
      const body = raw as Record<string, unknown> | null;
      if (!body || typeof body !== 'object' || body.consent !== true) {
        throw new AppError('VALIDATION', '请阅读并同意个人信息使用说明', [{ field: 'consent', message: '请阅读并同意个人信息使用说明' }]);
      }
      const { consent: _c, channel: _ch, ...rest } = body;
      const r = await intakeCase(ctx, rest, PUBLIC_REPORTER);
      await ctx.db.insertInto('public_rate_events').values({ scope: 'report', key: req.ip, at: now.toISOString() }).execute();
      if (files.length) await storeAttachments(ctx, r.record.id, files, { kind: 'evidence', note: null, source: 'public' }, PUBLIC_REPORTER);
      void reply.status(201);
      return { caseNo: r.record.caseNo, receivedAt: formatShanghai(new Date(r.record.receivedAt)), status: r.record.status, statusText: PUBLIC_STATUS[r.record.status] };
      }
    },
  );

  route(
    app,
    { method: 'GET', url: '/public/cases/:caseNo', summary: '办理进度查询（编号 + 电话后四位；不含个人信息；失败过多 → 429）', tag: '公众', auth: 'public', query: ZLookupQuery, response: { 200: ZPublicProgress, 429: ZErrorResponse } },
    async (req, _reply, { query }) => {
      const caseNo = String((req.params as { caseNo: string }).caseNo).slice(0, 40);
      const ip = req.ip;
      const now = ctx.clock.now();
      const since = new Date(now.getTime() - LOOKUP_WINDOW_MS).toISOString();
      const counts = await ctx.db
        .selectFrom('lookup_failures')
        .select(['scope', (eb) => eb.fn.countAll<number>().as('n')])
        .where('at', '>', since)
        .where((eb) => eb.or([eb.and([eb('scope', '=', 'case'), eb('key', '=', caseNo)]), eb.and([eb('scope', '=', 'ip'), eb('key', '=', ip)])]))
        .groupBy('scope')
        .execute();
      if (counts.some((c) => Number(c.n) >= LOOKUP_MAX_FAILURES)) {
        throw new AppError('RATE_LIMITED', '查询失败次数过多，请 15 分钟后再试');
      }
      const c = await findCaseByNo(ctx.db, caseNo);
      // Only four ASCII digits can match; anything else (full-width digits, letters) compares as
      // a value no phone has, so it costs the same time and answers the same 404.
      const digits = /^\d{4}$/.test(query.phoneLast4 ?? '') ? query.phoneLast4! : '????';
      const given = Buffer.from(digits, 'latin1');
      const actual = Buffer.from((c?.reporter.phone.replace(/\D/g, '').slice(-4) ?? '----').padEnd(4, ' '), 'latin1');
      const match = timingSafeEqual(given, actual) && /^\d{4}$/.test(query.phoneLast4 ?? '') && !!c;
      if (!match || !c) {
        const at = now.toISOString();
        await ctx.db.insertInto('lookup_failures').values([
          { scope: 'case', key: caseNo, at },
          { scope: 'ip', key: ip, at },
        ]).execute();
        throw notFound();
      }
      const [events, depts] = await Promise.all([listEvents(ctx.db, c.id), listDepartments(ctx.db)]);
      // Completed and awaiting the callback: the reporter (who just proved the phone's digits) may rate here.
      let ratingPath: string | null = null;
      if (c.status === 'completed') {
        const link = await ensureRatingLink(ctx.db, c.id, now, (await getSettings(ctx.db)).selfRatingDays, 'public');
        ratingPath = `/public/rate?t=${link.token}`;
      }
      const names = new Map(depts.map((d) => [d.code, d.name]));
      const done = isCompletedStatus(c.status);
      return {
        caseNo: c.caseNo,
        matter: c.matter,
        status: c.status,
        statusLabel: STATUS_LABELS[c.status],
        statusText: PUBLIC_STATUS[c.status],
        receivedAt: formatShanghai(new Date(c.receivedAt)),
        department: c.leadDepartment ? (names.get(c.leadDepartment) ?? null) : null,
        dueAt: c.dueAt ? formatShanghai(new Date(c.dueAt)) : null,
        // Past the deadline and still being handled: said plainly (the county supervises it).
        overdue: isOverdue(c, ctx.clock.now()),
        reply: done ? c.result : c.status === 'rejected' ? c.rejectExplanation : null,
        rejectReason: c.status === 'rejected' && c.rejectCategory ? (REJECT_CATEGORY_LABELS[c.rejectCategory as RejectCategory] ?? null) : null,
        appealRoute: c.status === 'rejected' ? rejectRouteText(c.rejectCategory) : null,
        completedAt: c.completedAt ? formatShanghai(new Date(c.completedAt)) : null,
        progress: events.flatMap((e) => {
          const text = isTimelineEventType(e.type) ? PUBLIC_PROGRESS_TEXT[e.type] : undefined;
          return text ? [{ at: formatShanghai(new Date(e.at)), text }] : [];
        }),
        ratingPath,
      };
    },
  );
}
