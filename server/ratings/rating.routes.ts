/**
 * 好差评 by link: the coordinator's copy of a case's rating link, and the reporter's two public
 * endpoints. The rating itself is the core's `callback` rule taken by the reporter (runCaseAction
 * with RATING_REPORTER): the same transition, statistics, assessment and 差评 verification as a
 * phone callback. A used, expired or unknown token answers the same 404.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { RATING_REPORTER } from '../../core/case-lifecycle.js';
import { ACTION_BODIES } from '../../core/api/schemas.js';
import { ZErrorResponse, ZPublicRating, ZPublicRatingDone, ZRatingLink, errorResponse } from '../../core/api/responses.js';
import { formatShanghai } from '../../core/working-days.js';
import type { AppContext } from '../context.js';
import { route } from '../http.js';
import { AppError, notFound } from '../errors.js';
import { findCaseById, findVisibleCase, parseCaseId } from '../cases/case.repository.js';
import { runCaseAction } from '../cases/case.service.js';
import { getSettings } from '../settings/settings.repository.js';
import { LOOKUP_MAX_FAILURES, LOOKUP_WINDOW_MS } from '../public/public-limits.js';
import { ensureRatingLink, findValidLink, ratingUrl } from './rating-links.js';

/** Bad tokens are counted with the progress lookup's failures, per client address (shared by every instance). */
async function refuseIfGuessing(ctx: AppContext, ip: string): Promise<void> {
  const since = new Date(ctx.clock.now().getTime() - LOOKUP_WINDOW_MS).toISOString();
  const r = await ctx.db
    .selectFrom('lookup_failures')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('scope', '=', 'ip')
    .where('key', '=', ip)
    .where('at', '>', since)
    .executeTakeFirstOrThrow();
  if (Number(r.n) >= LOOKUP_MAX_FAILURES) throw new AppError('RATE_LIMITED', '尝试次数过多，请 15 分钟后再试');
}

/** The valid link of the request's token and its case (still awaiting the callback), or a counted 404. */
async function linkOf(ctx: AppContext, req: FastifyRequest) {
  await refuseIfGuessing(ctx, req.ip);
  const token = String((req.params as { token: string }).token).slice(0, 200);
  const now = ctx.clock.now();
  const link = await findValidLink(ctx.db, token, now);
  const c = link ? await findCaseById(ctx.db, link.caseId) : undefined;
  if (!link || !c || c.status !== 'completed') {
    if (!link) await ctx.db.insertInto('lookup_failures').values({ scope: 'ip', key: req.ip, at: now.toISOString() }).execute();
    throw notFound();
  }
  return { link, c };
}

const ZRatingBody = ACTION_BODIES.callback;

export function registerRatingRoutes(app: FastifyInstance, ctx: AppContext): void {
  route(
    app,
    {
      method: 'GET',
      url: '/cases/:id/rating-link',
      operationId: 'getRatingLink',
      summary: '反映人评价链接（县行管办）：有效期内每次返回同一链接，供再次发送；反映件须已办结待回访',
      tag: '反映件',
      auth: 'sendRatingLinks',
      response: { 200: ZRatingLink, 409: errorResponse('INVALID_TRANSITION') },
    },
    async (req, _reply, { actor }) => {
      const { id } = req.params as { id: string };
      const c = await findVisibleCase(ctx.db, parseCaseId(id), actor);
      if (c.status !== 'completed') throw new AppError('INVALID_TRANSITION', '反映件须已办结、尚未回访，才有评价链接');
      const settings = await getSettings(ctx.db);
      const link = await ensureRatingLink(ctx.db, c.id, ctx.clock.now(), settings.selfRatingDays, actor.username);
      return { url: ratingUrl(settings.publicBaseUrl, link.token), token: link.token, expiresAt: formatShanghai(new Date(link.expiresAt)) };
    },
  );

  route(
    app,
    {
      method: 'GET',
      url: '/public/ratings/:token',
      operationId: 'getPublicRating',
      summary: '反映人评价页面所需信息（无需登录；不含个人信息）；链接已用、已过期或不存在 → 404',
      tag: '公众',
      auth: 'public',
      response: { 200: ZPublicRating, 429: ZErrorResponse },
      rateLimit: { max: 60, timeWindow: '10 minutes' },
    },
    async (req) => {
      const { c } = await linkOf(ctx, req);
      const dept = c.leadDepartment ? await ctx.db.selectFrom('departments').select('name').where('code', '=', c.leadDepartment).executeTakeFirst() : undefined;
      return { caseNo: c.caseNo, matter: c.matter, result: c.result, departmentName: dept?.name ?? (c.resolvedOnSpot ? '受理窗口（当场办结）' : null) };
    },
  );

  route(
    app,
    {
      method: 'POST',
      url: '/public/ratings/:token',
      operationId: 'ratePublic',
      summary: '反映人通过链接评价（无需登录）：与电话回访效果相同（全部满意或基本满意 → 办结归档，任一不满意 → 转入核查）；链接一次有效',
      tag: '公众',
      auth: 'public',
      bodyDoc: ZRatingBody,
      response: { 200: ZPublicRatingDone, 429: ZErrorResponse },
      rateLimit: { max: 30, timeWindow: '10 minutes' },
    },
    async (req) => {
      const { link, c } = await linkOf(ctx, req);
      try {
        const done = await runCaseAction(ctx, String(c.id), 'callback', req.body, RATING_REPORTER, { ratingLinkId: link.id });
        return { caseNo: done.caseNo, status: done.status === 'verifying' ? ('verifying' as const) : ('closed' as const) };
      } catch (e) {
        // Rated or called back in the meantime: the link is used up, like any other.
        if (e instanceof AppError && (e.code === 'INVALID_TRANSITION' || e.code === 'VERSION_CONFLICT' || e.code === 'FORBIDDEN')) throw notFound();
        throw e;
      }
    },
  );
}

