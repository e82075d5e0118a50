import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { DIALECTS, intakeBody, type Api, type TestEnv, useApiEnv } from '../test/harness.js';
import { uscc } from '../documents/test-support.js';

/**
 * The intake answers the new case without reading the tables a just-registered case cannot have
 * rows in (issue 17): the answer must equal the case page read right after, for every role that
 * may register and for every kind of intake.
 */
describe.each(DIALECTS)('the intake answer on %s', (kind) => {
  let api: Api;
  let env: TestEnv;
  useApiEnv(kind, async (e, a) => {
    api = a;
    env = e;
  });

  // PostgreSQL's one-statement intake answers, after the first intake of a column set, the values
  // it sent plus the defaults that first stored row had (writeNewCase): right only while every
  // default of a case's column is a constant.
  it.runIf(kind === 'postgres')('every default of a case column is a constant (the id aside)', async () => {
    const { rows } = await sql<{ column_name: string; column_default: string | null }>`
      select column_name, column_default from information_schema.columns where table_name = 'cases' and column_default is not null`.execute(env.ctx.db);
    expect(rows.length).toBeGreaterThan(5);
    for (const r of rows) if (r.column_name !== 'id') expect(r.column_default, r.column_name).toMatch(/^(-?\d+|'[^']*'::text)$/);
  });

  it('is the case exactly as GET /cases/{id} shows it', async () => {
    let n = 0;
    const bodies = [
      intakeBody(),
      intakeBody({ departmentCodes: [], channel: 'online', reason: undefined }),
      intakeBody({ reporter: { name: '李四', phone: '023-74522706', kind: 'enterprise', orgName: '垫江县某某食品有限公司', orgCode: uscc() }, departmentCodes: ['scjgj', 'rsj'] }),
      intakeBody({ externalRef: { system: '12345', id: 'GD-1' }, channel: 'hotline' }),
    ];
    // Each kind twice at least: on PostgreSQL the first intake of a column set answers the stored
    // row, the later ones the values sent plus the defaults learned from it.
    for (const user of ['clerk', 'coord', 'clerk']) {
      for (const body of bodies) {
        const b = body.externalRef ? { ...body, externalRef: { system: '12345', id: `GD-${user}-${n++}` } } : body;
        const created = await api.as(user).post('/api/v1/cases', b);
        expect(created.status, JSON.stringify(created.body)).toBe(201);
        const page = await api.as(user).get(`/api/v1/cases/${created.body.id}`);
        expect(page.status).toBe(200);
        expect(created.body).toEqual(page.body);
        expect(created.body.events.map((e: { type: string }) => e.type)).toEqual(['intake']);
      }
    }
  });
});
