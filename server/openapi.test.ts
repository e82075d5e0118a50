import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from './test/harness.js';
import { buildApp } from './app.js';

describe('health and OpenAPI', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv('sqlite');
  });
  afterAll(async () => env.close());

  it('answers health and documents every route of the contract', async () => {
    const app = await buildApp(env.ctx);
    const h = await app.inject({ method: 'GET', url: '/api/v1/health' });
    expect(h.json()).toEqual({ status: 'ok', database: 'sqlite' });
    const r = await app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(r.statusCode).toBe(200);
    const doc = r.json();
    expect(doc.openapi).toMatch(/^3\./);
    for (const p of ['/api/v1/auth/login', '/api/v1/cases', '/api/v1/cases/{id}', '/api/v1/cases/{id}/actions/{action}', '/api/v1/stats/overview', '/api/v1/stats/departments', '/api/v1/calendar/deadline', '/api/v1/audit/verify', '/api/v1/public/cases', '/api/v1/public/cases/{caseNo}']) {
      expect(Object.keys(doc.paths)).toContain(p);
    }
    expect(doc.paths['/api/v1/cases'].post.requestBody.content['application/json'].schema.properties.reporter).toBeTruthy();
    // The statistics' definitions are part of the API documentation.
    expect(doc.paths['/api/v1/stats/overview'].get.description).toContain('completedOnTime');
    expect(doc.paths['/api/v1/stats/overview'].get.description).toContain('按时办结');
    await app.close();
  });
});
