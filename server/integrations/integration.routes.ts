/** Integrations: API keys and webhooks (系统管理 → 接口密钥, Webhook). */
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { ZApiKeyCreate, ZRatingsExportQuery, ZWebhookCreate, ZWebhookDeliveryQuery } from '../../core/api/schemas.js';
import { contentDisposition } from '../documents/ledger-format.js';
import { ratingRecords, toJsonLines, toWorkbook } from './ratings-export.js';
import { ZApiKey, ZApiKeyCreated, ZApiKeyList, ZWebhook, ZWebhookDelivery, ZWebhookDeliveryPage, ZWebhookList, errorResponse } from '../../core/api/responses.js';
import type { AppContext } from '../context.js';
import type { Executor } from '../db/database.js';
import { route } from '../http.js';
import { notFound, validation } from '../errors.js';
import { appendAudit } from '../audit/audit.repository.js';
import { getSettings } from '../settings/settings.repository.js';
import { createApiKey, listApiKeys, revokeApiKey } from './api-keys.js';
import { parseEvents, refusalOf } from './webhooks.js';

const idOf = (raw: unknown): number => {
  const s = String(raw);
  if (!/^\d{1,9}$/.test(s)) throw notFound();
  return Number(s);
};

type WebhookAnswer = z.input<typeof ZWebhook>;
type DeliveryAnswer = z.input<typeof ZWebhookDelivery>;

async function presentWebhooks(db: Executor, ids?: number[]): Promise<WebhookAnswer[]> {
  let q = db.selectFrom('webhooks').select(['id', 'url', 'events', 'created_at', 'created_by']).where('deleted_at', 'is', null);
  if (ids) q = q.where('id', 'in', ids.length ? ids : [-1]);
  const hooks = await q.orderBy('id').execute();
  if (!hooks.length) return [];
  const counts = await db
    .selectFrom('webhook_deliveries')
    .select((eb) => [
      'webhook_id',
      eb.fn.countAll<number>().as('n'),
      eb.fn.sum<number>(eb.case().when('outcome', 'is', null).then(1).else(0).end()).as('pending'),
      eb.fn.sum<number>(eb.case().when(eb.and([eb('outcome', 'is', null), eb('last_error', 'is not', null)])).then(1).else(0).end()).as('failing'),
      eb.fn.sum<number>(eb.case().when('outcome', '=', 'dead').then(1).else(0).end()).as('dead'),
    ])
    .where('webhook_id', 'in', hooks.map((h) => h.id))
    .where((eb) => eb.or([eb('outcome', 'is', null), eb('outcome', '=', 'dead')]))
    .groupBy('webhook_id')
    .execute();
  const by = new Map(counts.map((c) => [c.webhook_id, c]));
  return hooks.map((h) => ({
    id: h.id,
    url: h.url,
    events: parseEvents(h.events),
    createdAt: h.created_at,
    createdBy: h.created_by,
    pending: Number(by.get(h.id)?.pending ?? 0),
    failing: Number(by.get(h.id)?.failing ?? 0),
    dead: Number(by.get(h.id)?.dead ?? 0),
  }));
}

function stateOf(d: { outcome: string | null; last_error: string | null }): DeliveryAnswer['state'] {
  if (d.outcome === 'sent' || d.outcome === 'dead' || d.outcome === 'cancelled') return d.outcome;
  return d.last_error ? 'retrying' : 'pending';
}

async function liveWebhook(db: Executor, raw: unknown) {
  const id = idOf(raw);
  const h = await db.selectFrom('webhooks').selectAll().where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
  if (!h) throw notFound();
  return h;
}

async function presentDeliveries(db: Executor, rows: Array<{ id: number; event_id: string; type: string; case_id: number; created_at: string; available_at: string; attempts: number; delivered_at: string | null; outcome: string | null; last_status: number | null; last_error: string | null }>): Promise<DeliveryAnswer[]> {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const attempts = await db.selectFrom('webhook_attempts').selectAll().where('delivery_id', 'in', ids).orderBy('id').execute();
  const caseNos = new Map(
    (await db.selectFrom('cases').select(['id', 'case_no']).where('id', 'in', [...new Set(rows.map((r) => r.case_id))]).execute()).map((c) => [c.id, c.case_no]),
  );
  return rows.map((d) => {
    const state = stateOf(d);
    return {
      id: d.id,
      eventId: d.event_id,
      type: d.type,
      caseId: d.case_id,
      caseNo: caseNos.get(d.case_id) ?? null,
      createdAt: d.created_at,
      state,
      attempts: d.attempts,
      nextAttemptAt: state === 'pending' || state === 'retrying' ? d.available_at : null,
      deliveredAt: d.delivered_at,
      lastStatus: d.last_status,
      lastError: d.last_error,
      history: attempts.filter((a) => a.delivery_id === d.id).map((a) => ({ at: a.at, status: a.status, error: a.error, durationMs: a.duration_ms })),
    };
  });
}

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const RATINGS_DOC =
  '好差评上报：评价时间在 from–to（北京时间日期，含两端）的每一条评价一条记录（电话回访与反映人自评都在内，同一件评价两次则两条）。字段：evaluationId 评价编号、caseNo 办件编号、externalRef 外部工单、matterName 事项名称、departmentCode/departmentName 实施部门、channel/channelName 申办渠道、evaluationChannel（phone 电话回访，reporter 反映人自评）、level 评价等级 1–5 与 levelName（5 非常满意：四项均满意；4 满意：无不满意且办理结果满意；3 基本满意：无不满意且办理结果基本满意；2 不满意：有一项不满意但办理结果不是；1 非常不满意：办理结果不满意）、aspects 四项原始评价、ratedAt 评价时间、comment 文字评价。\n\n示例行：`{"evaluationId":"bcs-rating-812","caseNo":"2026-000042","externalRef":{"system":"12345","id":"GD20261126000123"},"matterName":"个体工商户设立登记","departmentCode":"scjgj","departmentName":"县市场监管局","channel":"hotline","channelName":"12345热线","evaluationChannel":"phone","evaluationChannelName":"电话回访","level":4,"levelName":"满意","aspects":{"attitude":"satisfied","result":"satisfied","efficiency":"basically_satisfied","integrity":"satisfied"},"ratedAt":"2026-12-01T10:00:00+08:00","comment":null}`';

async function sendRatings(ctx: AppContext, reply: import('fastify').FastifyReply, q: { from: string; to: string }, xlsx: boolean) {
  const records = await ratingRecords(ctx.db, q.from, q.to);
  const name = `ratings-${q.from.replace(/-/g, '')}-${q.to.replace(/-/g, '')}`;
  if (xlsx) {
    return reply
      .header('Content-Type', XLSX)
      .header('Content-Disposition', contentDisposition(`好差评-${q.from}至${q.to}.xlsx`, `${name}.xlsx`))
      .header('X-Total-Count', String(records.length))
      .send(await toWorkbook(records, q.from, q.to));
  }
  return reply
    .header('Content-Type', 'application/x-ndjson; charset=utf-8')
    .header('Content-Disposition', contentDisposition(`好差评-${q.from}至${q.to}.jsonl`, `${name}.jsonl`))
    .header('X-Total-Count', String(records.length))
    .send(toJsonLines(records));
}

const KEY_DOC = `集成系统（12345 热线平台、群工系统、省级平台）用的密钥：调用时带 \`Authorization: Bearer <key>\`，以密钥的角色调用（受理员、县行管办，或指定部门的承办部门），不因闲置过期，无需 CSRF 令牌；每次调用都以密钥名称记入审计日志。每个密钥每分钟请求数有上限（默认 6000，超出答 429）。`;

export function registerIntegrationRoutes(app: FastifyInstance, ctx: AppContext): void {
  route(
    app,
    {
      method: 'GET',
      url: '/exports/ratings',
      operationId: 'exportRatings',
      summary: '好差评上报数据（JSON Lines，每行一条评价；format=xlsx 为 Excel）',
      description: RATINGS_DOC,
      tag: '集成',
      auth: 'exportRatings',
      query: ZRatingsExportQuery,
      produces: 'application/x-ndjson',
    },
    async (_req, reply, { query }) => sendRatings(ctx, reply, query, query.format === 'xlsx'),
  );

  route(
    app,
    { method: 'GET', url: '/exports/ratings.xlsx', operationId: 'exportRatingsXlsx', summary: '好差评上报数据（Excel）', description: RATINGS_DOC, tag: '集成', auth: 'exportRatings', query: ZRatingsExportQuery, produces: XLSX },
    async (_req, reply, { query }) => sendRatings(ctx, reply, query, true),
  );

  route(
    app,
    { method: 'GET', url: '/api-keys', operationId: 'listApiKeys', summary: '接口密钥列表（不含密钥本身）', description: KEY_DOC, tag: '集成', auth: 'manageApiKeys', response: ZApiKeyList },
    async () => ({ items: await listApiKeys(ctx.db) }),
  );

  route(
    app,
    {
      method: 'POST',
      url: '/api-keys',
      operationId: 'createApiKey',
      summary: '新建接口密钥（完整密钥只在此答复中出现一次）',
      description: `${KEY_DOC}\n\n密钥含 256 位随机数，服务器只保存其 SM3 摘要。`,
      tag: '集成',
      auth: 'manageApiKeys',
      body: ZApiKeyCreate,
      responses: { 201: '已新建：key 只显示这一次' },
      response: { 201: ZApiKeyCreated, 409: errorResponse('CONFLICT') },
    },
    async (_req, reply, { body, actor }) => {
      const created = await createApiKey(ctx, body, actor);
      void reply.status(201);
      return created;
    },
  );

  route(
    app,
    { method: 'DELETE', url: '/api-keys/:id', operationId: 'revokeApiKey', summary: '吊销接口密钥（立即失效，之后用它调用答 401）', tag: '集成', auth: 'manageApiKeys', response: ZApiKey },
    async (req, _reply, { actor }) => revokeApiKey(ctx, String((req.params as { id: string }).id), actor),
  );

  const HOOK_DOC =
    '事件：case.created（登记）、case.status_changed（状态变化）、case.completed（办结）、case.callback（回访评价），["*"] 为全部。每个事件以 JSON `{"id","type","at","webhookId","from","action","case":{…}}` POST 到接收地址，带 `X-Bcs-Signature: sha256=<以 secret 对原始请求体做 HMAC-SHA256 的十六进制>`；提交后约 0.25 秒内首次投递（至迟 10 秒），非 2xx 或 5 秒未答复即重试（30 秒后，之后加倍，最长间隔 1 小时），重试请求体与 id 不变；同一反映件的事件按顺序投递。接收地址解析为内网、回环或链路本地地址时拒绝（400），除非系统设置 webhookAllowPrivateNetworks 为 true。';

  route(app, { method: 'GET', url: '/webhooks', operationId: 'listWebhooks', summary: 'Webhook 列表', description: HOOK_DOC, tag: '集成', auth: 'manageApiKeys', response: ZWebhookList }, async () => ({
    items: await presentWebhooks(ctx.db),
  }));

  route(
    app,
    { method: 'POST', url: '/webhooks', operationId: 'createWebhook', summary: '新增 Webhook', description: HOOK_DOC, tag: '集成', auth: 'manageApiKeys', body: ZWebhookCreate, responses: { 201: '已新增' }, response: { 201: ZWebhook } },
    async (_req, reply, { body, actor }) => {
      const settings = await getSettings(ctx.db);
      const refused = await refusalOf(body.url, settings.webhookAllowPrivateNetworks);
      if (refused) throw validation([{ field: 'url', message: refused }]);
      const at = ctx.clock.now().toISOString();
      const id = await ctx.db.transaction().execute(async (trx) => {
        const r = await trx
          .insertInto('webhooks')
          .values({ url: body.url, events: JSON.stringify(body.events), secret: body.secret, created_at: at, created_by: actor.username, deleted_at: null })
          .returning('id')
          .executeTakeFirstOrThrow();
        await appendAudit(trx, { at, actor: actor.username, action: 'webhook.create', entityType: 'webhook', entityId: String(r.id), data: { url: body.url, events: body.events } });
        return r.id;
      });
      void reply.status(201);
      return (await presentWebhooks(ctx.db, [id]))[0]!;
    },
  );

  route(
    app,
    { method: 'DELETE', url: '/webhooks/:id', operationId: 'deleteWebhook', summary: '删除 Webhook（未投递的事件不再投递）', tag: '集成', auth: 'manageApiKeys', response: ZWebhook },
    async (req, _reply, { actor }) => {
      const h = await liveWebhook(ctx.db, (req.params as { id: string }).id);
      const [answer] = await presentWebhooks(ctx.db, [h.id]);
      const at = ctx.clock.now().toISOString();
      await ctx.db.transaction().execute(async (trx) => {
        await trx.updateTable('webhooks').set({ deleted_at: at }).where('id', '=', h.id).execute();
        await trx.updateTable('webhook_deliveries').set({ outcome: 'cancelled', last_error: '接收方已删除' }).where('webhook_id', '=', h.id).where('outcome', 'is', null).execute();
        await appendAudit(trx, { at, actor: actor.username, action: 'webhook.delete', entityType: 'webhook', entityId: String(h.id), data: { url: h.url } });
      });
      return answer!;
    },
  );

  route(
    app,
    { method: 'GET', url: '/webhooks/:id/deliveries', operationId: 'listWebhookDeliveries', summary: 'Webhook 投递记录（每个事件及其每次尝试），最新的在前', tag: '集成', auth: 'manageApiKeys', query: ZWebhookDeliveryQuery, response: ZWebhookDeliveryPage },
    async (req, _reply, { query }) => {
      const h = await liveWebhook(ctx.db, (req.params as { id: string }).id);
      let q = ctx.db.selectFrom('webhook_deliveries').selectAll().where('webhook_id', '=', h.id);
      if (query.cursor !== undefined) q = q.where('id', '<', query.cursor);
      if (query.state === 'sent' || query.state === 'dead' || query.state === 'cancelled') q = q.where('outcome', '=', query.state);
      if (query.state === 'pending') q = q.where('outcome', 'is', null).where('last_error', 'is', null);
      if (query.state === 'retrying') q = q.where('outcome', 'is', null).where('last_error', 'is not', null);
      const rows = await q.orderBy('id', 'desc').limit(query.limit + 1).execute();
      const page = rows.slice(0, query.limit);
      return { items: await presentDeliveries(ctx.db, page), nextCursor: rows.length > query.limit ? String(page[page.length - 1]!.id) : null };
    },
  );

  route(
    app,
    {
      method: 'POST',
      url: '/webhooks/:id/deliveries/:deliveryId/redeliver',
      operationId: 'redeliverWebhookDelivery',
      summary: '重新投递一个事件（同一请求体、同一 id，立即排队）',
      tag: '集成',
      auth: 'manageApiKeys',
      response: ZWebhookDelivery,
    },
    async (req, _reply, { actor }) => {
      const params = req.params as { id: string; deliveryId: string };
      const h = await liveWebhook(ctx.db, params.id);
      const deliveryId = idOf(params.deliveryId);
      const at = ctx.clock.now().toISOString();
      await ctx.db.transaction().execute(async (trx) => {
        const d = await trx.selectFrom('webhook_deliveries').select(['id', 'outcome', 'event_id']).where('id', '=', deliveryId).where('webhook_id', '=', h.id).executeTakeFirst();
        if (!d) throw notFound();
        // A delivery being sent right now keeps its claim; any other is due again at once.
        await trx
          .updateTable('webhook_deliveries')
          .set({ outcome: null, delivered_at: null, available_at: at, last_error: null })
          .where('id', '=', d.id)
          .where((eb) => eb.or([eb('outcome', 'is not', null), eb('available_at', '<=', at), eb('last_error', 'is not', null)]))
          .execute();
        await appendAudit(trx, { at, actor: actor.username, action: 'webhook.redeliver', entityType: 'webhook', entityId: String(h.id), data: { delivery: d.id, eventId: d.event_id } });
      });
      const row = await ctx.db.selectFrom('webhook_deliveries').selectAll().where('id', '=', deliveryId).executeTakeFirstOrThrow();
      return (await presentDeliveries(ctx.db, [row]))[0]!;
    },
  );
}
