import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from './test/harness.js';
import { buildApp } from './app.js';

/**
 * A statement cancelled at PostgreSQL's statement timeout (SQLSTATE 57014, the server's last guard)
 * answers a 500 that tells the person what to do, not the generic "服务器内部错误".
 */
describe('a statement cancelled at the timeout', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv('sqlite');
  });
  afterAll(async () => env.close());

  it('answers 500 INTERNAL with a message about narrowing the filters; another failure keeps the generic one', async () => {
    const app = await buildApp(env.ctx);
    app.get('/__probe/timeout', async () => {
      throw Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' });
    });
    app.get('/__probe/bug', async () => {
      throw new Error('boom');
    });
    const t = await app.inject({ method: 'GET', url: '/__probe/timeout' });
    expect(t.statusCode).toBe(500);
    expect(t.json().error.code).toBe('INTERNAL');
    expect(t.json().error.message).toContain('查询耗时过长');
    const b = await app.inject({ method: 'GET', url: '/__probe/bug' });
    expect(b.statusCode).toBe(500);
    expect(b.json().error.message).toBe('服务器内部错误，请稍后重试');
    await app.close();
  });
});
