import pg from 'pg';
import { sql } from 'kysely';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DIALECTS, intakeBody, useApiEnv, type Api, type TestEnv } from '../test/harness.js';
import { readTogether } from './read-together.js';
import { eventsQuery } from '../cases/case.repository.js';

describe.each(DIALECTS)('reads together on %s', (kind) => {
  let env: TestEnv;
  let api: Api;
  let caseId: number;
  let emptyId: number;
  useApiEnv(kind, async (e, a) => {
    env = e;
    api = a;
    caseId = (await api.as('clerk').post('/api/v1/cases', intakeBody())).body.id;
    emptyId = (await api.as('clerk').post('/api/v1/cases', intakeBody({ matter: '另一件' }))).body.id;
    // Events whose time order is not their id order, with texts that look like placeholders,
    // quotes, empty texts and characters outside the BMP (a null: the cases' level).
    const rows = [
      { at: '2026-11-26T05:00:00.000Z', by_name: "O'Neil $1 \"引号\"", data: '{"note":"$2 𠮷"}' },
      { at: '2026-11-26T03:00:00.000Z', by_name: '', data: '{}' },
      { at: '2026-11-26T04:00:00.000Z', by_name: '王五', data: '{"n":12345678901}' },
    ];
    for (const r of rows) {
      await env.ctx.db
        .insertInto('case_events')
        .values({ case_id: caseId, type: 'due_soon', at: r.at, by_user: 'coord', by_name: r.by_name, by_role: 'coordinator', data: r.data })
        .execute();
    }
  });

  afterEach(() => vi.restoreAllMocks());

  const reads = () => {
    const db = env.ctx.db;
    return [
      eventsQuery(db, caseId),
      db.selectFrom('case_events').selectAll().where('case_id', '=', caseId).orderBy('at', 'desc'),
      db.selectFrom('case_events').select(['id', 'by_name']).where('case_id', '=', caseId).where('by_name', '=', "O'Neil $1 \"引号\""),
      eventsQuery(db, emptyId).where('type', '=', 'due_soon'),
      db.selectFrom('cases').select(['id', 'case_no', 'level', 'version']).where('id', 'in', [caseId, emptyId]).orderBy('id', 'desc'),
    ] as const;
  };

  it('answers each read exactly the rows it answers alone, in its own order', async () => {
    const together = await readTogether(env.ctx.db, reads());
    const alone = await Promise.all(reads().map((q) => q.execute()));
    expect(together).toEqual(alone);
    expect(together[0].length).toBeGreaterThanOrEqual(4);
    expect(together[1].map((r) => r.at)).toEqual([...together[1].map((r) => r.at)].sort().reverse());
    expect(together[2]).toHaveLength(1);
    expect(together[3]).toEqual([]);
    expect(together[4][1]).toMatchObject({ id: caseId, level: null, version: 1 });
  });

  it.runIf(kind === 'postgres')('can, because the tables hold only text and integer columns (JSON carries both unchanged)', async () => {
    // A bigint, numeric, boolean or timestamp column would come back from JSON as another type than
    // node-postgres gives it alone: a migration adding one to a table read together must change this.
    const { rows } = await sql<{ t: string; c: string; type: string }>`
      select table_name as t, column_name as c, data_type as type from information_schema.columns
      where table_schema = current_schema() and data_type not in ('text', 'integer')
        and table_name not like 'kysely_migration%' order by 1, 2`.execute(env.ctx.db);
    expect(rows).toEqual([
      { t: 'case_search', c: 'tsv', type: 'tsvector' },
      { t: 'ref_versions', c: 'version', type: 'bigint' },
    ]);
  });

  it.runIf(kind === 'postgres')('sends them to PostgreSQL as one statement', async () => {
    const sent = vi.spyOn(pg.Client.prototype, 'query');
    await readTogether(env.ctx.db, reads());
    expect(sent).toHaveBeenCalledTimes(1);
  });

  it.runIf(kind === 'postgres')('reads the case page in four statements: the session, the case, its parts, the read\'s record', async () => {
    const sent = vi.spyOn(pg.Client.prototype, 'query');
    const r = await api.as('coord').get(`/api/v1/cases/${caseId}`);
    expect(r.status).toBe(200);
    expect(r.body.events.length).toBeGreaterThanOrEqual(4);
    const texts = sent.mock.calls.map((c) => String(typeof c[0] === 'string' ? c[0] : (c[0] as { text: string }).text));
    expect(texts.filter((t) => t.includes('row_to_json'))).toHaveLength(1);
    expect(texts.length).toBeLessThanOrEqual(4);
  });
});
