import { describe, expect, it } from 'vitest';
import { DIALECTS, intakeBody, type Api, useApiEnv } from '../test/harness.js';
import { uscc } from '../documents/test-support.js';

/**
 * The intake answers the new case without reading the tables a just-registered case cannot have
 * rows in (issue 17): the answer must equal the case page read right after, for every role that
 * may register and for every kind of intake.
 */
describe.each(DIALECTS)('the intake answer on %s', (kind) => {
  let api: Api;
  useApiEnv(kind, async (_e, a) => {
    api = a;
  });

  it('is the case exactly as GET /cases/{id} shows it', async () => {
    const bodies = [
      intakeBody(),
      intakeBody({ departmentCodes: [], channel: 'online', reason: undefined }),
      intakeBody({ reporter: { name: '李四', phone: '023-74522706', kind: 'enterprise', orgName: '垫江县某某食品有限公司', orgCode: uscc() }, departmentCodes: ['scjgj', 'rsj'] }),
      intakeBody({ externalRef: { system: '12345', id: 'GD-1' }, channel: 'hotline' }),
    ];
    for (const user of ['clerk', 'coord']) {
      for (const body of bodies) {
        const b = body.externalRef ? { ...body, externalRef: { system: '12345', id: `GD-${user}` } } : body;
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
