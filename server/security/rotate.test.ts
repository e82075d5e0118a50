import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestEnv, DIALECTS, intakeBody, seedBasics, startApi, TEST_DATA_KEY, TEST_DATA_KEY_HEX } from '../test/harness.js';
import { main } from '../cli.js';
import { openPreparedDatabase } from '../boot.js';
import { findCaseById } from '../cases/case.repository.js';
import { verifyAuditChain } from '../audit/audit.repository.js';
import { phoneIndex, setDataKey, unseal } from './pii.js';
import { findUserByUsername } from '../users/user.repository.js';

const quiet = () => {
  const lines: string[] = [];
  return { lines, out: { log: (s: string) => lines.push(s), err: (s: string) => lines.push(s), stdin: async () => '' } };
};

describe.each(DIALECTS)('bcs data-key rotate on %s', (kind) => {
  afterAll(() => setDataKey(TEST_DATA_KEY));

  it('re-seals every reporter under the new key in one go; the old key no longer opens the database', async () => {
    const env = await createTestEnv(kind);
    try {
      await seedBasics(env);
      const api = await startApi(env);
      const a = (await api.as('clerk').post('/api/v1/cases', intakeBody({ reporter: { name: '赵六', phone: '13600006666', kind: 'person' } }))).body;
      const b = (await api.as('clerk').post('/api/v1/cases', intakeBody())).body;
      // A staff member's own mobile number (staff SMS) is sealed with the same key.
      expect((await api.as('h_scjg').put('/api/v1/me/settings', { mobile: '13900000001' })).status).toBe(200);
      const mobileBefore = (await env.ctx.db.selectFrom('users').select('mobile').where('username', '=', 'h_scjg').executeTakeFirstOrThrow()).mobile!;
      await api.app.close();
      const before = await env.ctx.db.selectFrom('cases').select(['id', 'reporter_name', 'reporter_phone_index']).orderBy('id').execute();

      const newHex = crypto.randomBytes(32).toString('hex');
      const { lines, out } = quiet();
      expect(await main(['data-key', 'rotate'], out, { DATABASE_URL: env.url, BCS_DATA_KEY: TEST_DATA_KEY_HEX, BCS_NEW_DATA_KEY: newHex })).toBe(0);
      expect(lines.join('\n')).toContain('已用新密钥重新加密 2 件');

      const after = await env.ctx.db.selectFrom('cases').select(['id', 'reporter_name', 'reporter_phone_index']).orderBy('id').execute();
      expect(after[0]!.reporter_name).not.toBe(before[0]!.reporter_name);
      expect(after[0]!.reporter_phone_index).not.toBe(before[0]!.reporter_phone_index);
      const newKey = Buffer.from(newHex, 'hex');
      setDataKey(newKey);
      expect((await findCaseById(env.ctx.db, a.id))!.reporter).toMatchObject({ name: '赵六', phone: '13600006666' });
      expect((await findCaseById(env.ctx.db, b.id))!.reporter.name).toBe('张三');
      expect(after[0]!.reporter_phone_index).toBe(phoneIndex('13600006666'));
      expect(() => unseal(before[0]!.reporter_name)).toThrow(/校验失败/);
      expect((await findUserByUsername(env.ctx.db, 'h_scjg'))!.user.mobile).toBe('13900000001');
      expect(() => unseal(mobileBefore)).toThrow(/校验失败/);

      await expect(openPreparedDatabase(env.url, { dataKey: TEST_DATA_KEY })).rejects.toThrow(/数据密钥与数据库不符/);
      await (await openPreparedDatabase(env.url, { dataKey: newKey })).close();
      const audit = await env.ctx.db.selectFrom('audit_log').select(['action', 'data']).where('action', '=', 'pii.rotate').execute();
      expect(audit.map((r) => JSON.parse(r.data))).toEqual([{ resealed: 2 }]);
      expect((await verifyAuditChain(env.ctx.db)).ok).toBe(true);

      // Refused, nothing changed: the same key again, a malformed key, a key the database was not sealed with.
      const snapshot = JSON.stringify(after);
      expect(await main(['data-key', 'rotate'], quiet().out, { DATABASE_URL: env.url, BCS_DATA_KEY: newHex, BCS_NEW_DATA_KEY: newHex })).toBe(1);
      expect(await main(['data-key', 'rotate'], quiet().out, { DATABASE_URL: env.url, BCS_DATA_KEY: newHex, BCS_NEW_DATA_KEY: 'abc' })).toBe(1);
      expect(await main(['data-key', 'rotate'], quiet().out, { DATABASE_URL: env.url, BCS_DATA_KEY: newHex })).toBe(2);
      expect(await main(['data-key', 'rotate'], quiet().out, { DATABASE_URL: env.url, BCS_DATA_KEY: TEST_DATA_KEY_HEX, BCS_NEW_DATA_KEY: crypto.randomBytes(32).toString('hex') })).toBe(1);
      expect(JSON.stringify(await env.ctx.db.selectFrom('cases').select(['id', 'reporter_name', 'reporter_phone_index']).orderBy('id').execute())).toBe(snapshot);
    } finally {
      setDataKey(TEST_DATA_KEY);
      await env.close();
    }
  });
});

describe('bcs data-key rotate with a key file', () => {
  afterAll(() => setDataKey(TEST_DATA_KEY));

  it('writes the new key into the key file only after the database committed, and keeps the old one aside', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcs-rotate-'));
    const url = `sqlite:${path.join(dir, 'x.db')}`;
    try {
      const h = await openPreparedDatabase(url);
      await h.close();
      const oldHex = fs.readFileSync(path.join(dir, 'secret.key'), 'utf8').trim();
      const { lines, out } = quiet();
      expect(await main(['data-key', 'rotate'], out, { DATABASE_URL: url })).toBe(0);
      const newHex = fs.readFileSync(path.join(dir, 'secret.key'), 'utf8').trim();
      expect(newHex).toMatch(/^[0-9a-f]{64}$/);
      expect(newHex).not.toBe(oldHex);
      expect(fs.readFileSync(path.join(dir, 'secret.key.old'), 'utf8').trim()).toBe(oldHex);
      expect(fs.existsSync(path.join(dir, 'secret.key.new'))).toBe(false);
      expect(fs.statSync(path.join(dir, 'secret.key')).mode & 0o077).toBe(0);
      expect(lines.join('\n')).toContain('secret.key.old');
      // The server starts with the file as it now is.
      await (await openPreparedDatabase(url)).close();
    } finally {
      setDataKey(TEST_DATA_KEY);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
