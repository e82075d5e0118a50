import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestEnv, DIALECTS, type TestEnv } from '../test/harness.js';

/**
 * Migration 025 made nine `cases` indexes partial (`where <column> is not null`) so that an intake
 * writes none of them. A partial index serves a query only when the query's condition implies the
 * index's: these are the shapes the product's queries take (server/cases/case.repository.ts list
 * filters, the deadline order, merges, 优化提升 by matter code, retention, another system's
 * ticket), and each must still be answered from its index on both databases.
 */
const QUERIES: Array<[string, string]> = [
  ['cases_lead_department_received', `select id from cases where lead_department = 'gaj' order by received_at desc, id desc limit 50`],
  ['cases_problem_type_received', `select id from cases where problem_type = 'materials' order by received_at desc, id desc limit 50`],
  ['cases_level_received', `select id from cases where level in (1, 2) order by level, received_at desc, id desc limit 50`],
  ['cases_level_received', `select id from cases where level = 3 order by received_at desc, id desc limit 50`],
  ['cases_due_order', `select id from cases where due_at is not null and due_at > '2026-01-01' order by due_at, id limit 50`],
  ['cases_merged_into', `select id from cases where merged_into = 7 order by id`],
  ['cases_matter_code', `select id from cases where matter_code = 'M001' and received_date >= '2026-01-01'`],
  ['cases_retention', `select id from cases where reporter_erased_at is null and closed_at is not null and closed_at < '2020-01-01'`],
  ['cases_external_ref', `select id from cases where external_system = '12345' and external_id = 'A-1'`],
];

describe.each(DIALECTS)('partial case indexes on %s', (kind) => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv(kind);
  });
  afterAll(() => env?.close());

  async function plan(query: string): Promise<string> {
    if (kind === 'sqlite') {
      const r = await sql.raw<{ detail: string }>(`explain query plan ${query}`).execute(env.ctx.db);
      return r.rows.map((x) => x.detail).join('\n');
    }
    // An empty table is cheapest to scan: forbid the scan so the planner shows whether the index can serve.
    return env.ctx.db.connection().execute(async (c) => {
      await sql`set enable_seqscan = off`.execute(c);
      try {
        const r = await sql.raw<{ 'QUERY PLAN': string }>(`explain ${query}`).execute(c);
        return r.rows.map((x) => x['QUERY PLAN']).join('\n');
      } finally {
        await sql`reset enable_seqscan`.execute(c);
      }
    });
  }

  it.each(QUERIES)('%s serves: %s', async (index, query) => {
    expect(await plan(query)).toContain(index);
  });

  it('an intake-shaped row leaves the partial indexes untouched and keeps the dropped ones gone', async () => {
    const names = kind === 'sqlite'
      ? (await sql<{ name: string; sql: string }>`select name, sql from sqlite_master where type = 'index' and tbl_name = 'cases'`.execute(env.ctx.db)).rows
      : (await sql<{ name: string; sql: string }>`select indexname as name, indexdef as sql from pg_indexes where tablename = 'cases'`.execute(env.ctx.db)).rows;
    const byName = new Map(names.map((n) => [n.name, n.sql ?? '']));
    expect(byName.has('cases_due')).toBe(false);
    expect(byName.has('cases_status_due')).toBe(false);
    for (const [index] of QUERIES) expect(byName.get(index)?.toLowerCase()).toMatch(/where .*is not null/);
  });
});
