import type { Kysely } from 'kysely';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, intakeBody, TEST_DATA_KEY, type Api, type TestEnv, useApiEnv } from '../test/harness.js';
import { isSealed, keyCheckOf, parseMasterKey, phoneIndex, resolveDataKey, seal, setDataKey, unseal } from './pii.js';
import { openPreparedDatabase, sealUnsealedReporters } from '../boot.js';
import { verifyAuditChain } from '../audit/audit.repository.js';

describe('sealing personal data (SM4-CBC + HMAC-SM3)', () => {
  beforeAll(() => setDataKey(TEST_DATA_KEY));

  it('opens what it sealed, with a fresh IV every time', () => {
    const a = seal('欧阳娜娜');
    const b = seal('欧阳娜娜');
    expect(a).not.toBe(b);
    expect(isSealed(a)).toBe(true);
    expect(a).not.toContain('欧阳');
    expect(unseal(a)).toBe('欧阳娜娜');
    expect(unseal(seal(''))).toBe('');
    expect(unseal(seal('x'.repeat(1000)))).toBe('x'.repeat(1000));
  });

  it('never gives two seals the same IV, across the IV blocks the CSPRNG fills', () => {
    const ivs = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const s = seal('同一个名字');
      ivs.add(Buffer.from(s.slice(5), 'base64url').subarray(0, 16).toString('hex'));
      expect(unseal(s)).toBe('同一个名字');
    }
    expect(ivs.size).toBe(1000);
  });

  it('refuses a changed ciphertext and reads an unsealed value as it is', () => {
    const s = seal('13800001234');
    const raw = Buffer.from(s.slice(5), 'base64url');
    raw[20] ^= 1;
    expect(() => unseal('enc1:' + raw.toString('base64url'))).toThrow(/校验失败/);
    expect(() => unseal('enc1:AAAA')).toThrow(/损坏/);
    expect(unseal('13800001234')).toBe('13800001234');
  });

  it('refuses to open with another key', () => {
    const s = seal('张三');
    setDataKey(crypto.randomBytes(32));
    try {
      expect(() => unseal(s)).toThrow(/校验失败/);
    } finally {
      setDataKey(TEST_DATA_KEY);
    }
    expect(unseal(s)).toBe('张三');
  });

  it('gives one blind index per phone whatever its punctuation, and another for another phone or key', () => {
    expect(phoneIndex('138-0000-1234')).toBe(phoneIndex('13800001234'));
    expect(phoneIndex('13800001234')).toMatch(/^[0-9a-f]{32}$/);
    expect(phoneIndex('13800001235')).not.toBe(phoneIndex('13800001234'));
    const mine = phoneIndex('13800001234');
    setDataKey(crypto.randomBytes(32));
    try {
      expect(phoneIndex('13800001234')).not.toBe(mine);
    } finally {
      setDataKey(TEST_DATA_KEY);
    }
  });

  it('takes the key from BCS_DATA_KEY, else writes a key file once and reads it back', () => {
    const hex = crypto.randomBytes(32).toString('hex');
    expect(resolveDataKey(null, hex).key.toString('hex')).toBe(hex);
    expect(() => resolveDataKey(null, 'short')).toThrow(/64 位十六进制/);
    expect(() => parseMasterKey('zz'.repeat(32), '密钥')).toThrow(/64 位十六进制/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcs-key-'));
    try {
      const first = resolveDataKey(path.join(dir, 'x.db'));
      expect(first.source).toBe('new-file');
      expect(fs.statSync(path.join(dir, 'secret.key')).mode & 0o077).toBe(0);
      const again = resolveDataKey(path.join(dir, 'x.db'));
      expect(again.source).toBe('file');
      expect(again.key.equals(first.key)).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.each(DIALECTS)('reporter data at rest on %s', (kind) => {
  let env: TestEnv;
  let api: Api;
  useApiEnv(kind, (e, a) => ((env = e), (api = a)));

  const ENTERPRISE = { name: '欧阳娜娜', phone: '13912345678', kind: 'enterprise', orgName: '垫江县兴隆食品有限公司', orgCode: '91500231MA5U7XY107' };

  it('stores no name, phone or code in clear, and gives them back to the staff who see the case', async () => {
    const created = await api.as('clerk').post('/api/v1/cases', intakeBody({ reporter: ENTERPRISE }));
    expect(created.status).toBe(201);
    const row = await env.ctx.db.selectFrom('cases').selectAll().where('id', '=', created.body.id).executeTakeFirstOrThrow();
    const raw = JSON.stringify(row);
    for (const secret of ['欧阳', '13912345678', '1391234', 'MA5U7XY107']) expect(raw).not.toContain(secret);
    expect(row.reporter_phone_masked).toBe('139****5678');
    expect(row.reporter_phone_index).toBe(phoneIndex('13912345678'));
    expect(row.reporter_org_name).toBe(ENTERPRISE.orgName);

    const detail = await api.as('coord').get(`/api/v1/cases/${created.body.id}`);
    expect(detail.body.reporter).toMatchObject({ name: '欧阳娜娜', phone: '13912345678', orgCode: '91500231MA5U7XY107' });
    const list = await api.as('coord').get('/api/v1/cases?limit=5');
    const item = list.body.items.find((c: { id: number }) => c.id === created.body.id);
    expect(item.reporter).toMatchObject({ name: '欧阳娜娜', phone: '139****5678' });
  });

  it('seals rows written before sealing on the next start, once, with an audit record', async () => {
    const created = await api.as('clerk').post('/api/v1/cases', intakeBody({ reporter: { name: '王五', phone: '13700007777', kind: 'person' } }));
    // As a row of an earlier version: clear text, no masked phone, no index.
    await env.ctx.db
      .updateTable('cases')
      .set({ reporter_name: '王五', reporter_phone: '13700007777', reporter_org_code: null, reporter_phone_masked: null, reporter_phone_index: null })
      .where('id', '=', created.body.id)
      .execute();
    expect((await api.as('coord').get(`/api/v1/cases/${created.body.id}`)).body.reporter.phone).toBe('13700007777');

    expect(await sealUnsealedReporters(env.ctx.db, env.clock.now().toISOString())).toBe(1);
    expect(await sealUnsealedReporters(env.ctx.db, env.clock.now().toISOString())).toBe(0);
    const row = await env.ctx.db.selectFrom('cases').selectAll().where('id', '=', created.body.id).executeTakeFirstOrThrow();
    expect(isSealed(row.reporter_name) && isSealed(row.reporter_phone)).toBe(true);
    expect(row.reporter_phone_masked).toBe('137****7777');
    expect((await api.as('coord').get(`/api/v1/cases/${created.body.id}`)).body.reporter).toMatchObject({ name: '王五', phone: '13700007777' });
    const audit = await env.ctx.db.selectFrom('audit_log').selectAll().where('action', '=', 'pii.seal').execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.data)).toEqual({ sealed: 1 });
    expect((await verifyAuditChain(env.ctx.db)).ok).toBe(true);
  });

  it('refuses to start with another key, in Chinese, and changes nothing', async () => {
    const before = await env.ctx.db.selectFrom('data_key_check').selectAll().execute();
    expect(before).toEqual([expect.objectContaining({ id: 1, check_value: keyCheckOf(TEST_DATA_KEY) })]);
    await expect(openPreparedDatabase(env.url, { dataKey: crypto.randomBytes(32) })).rejects.toThrow(/数据密钥与数据库不符/);
    expect(await env.ctx.db.selectFrom('data_key_check').selectAll().execute()).toEqual(before);
    // This process still reads with the right key.
    const list = await api.as('coord').get('/api/v1/cases?limit=1');
    expect(list.status).toBe(200);
    expect(list.body.items[0].reporter.name).not.toMatch(/^enc1:/);
    // The same key opens it again.
    const again = await openPreparedDatabase(env.url, { dataKey: TEST_DATA_KEY });
    await again.close();
  });

  it('refuses another key before migrating a database that has migrations pending', async () => {
    const db = env.ctx.db as unknown as Kysely<any>;
    const last = await db.selectFrom('kysely_migration').select(['name', 'timestamp']).orderBy('name', 'desc').executeTakeFirstOrThrow();
    // As a database of the previous version: its newest migration not applied yet.
    await db.deleteFrom('kysely_migration').where('name', '=', last.name).execute();
    try {
      await expect(openPreparedDatabase(env.url, { dataKey: crypto.randomBytes(32) })).rejects.toThrow(/数据密钥与数据库不符/);
      // Nothing was migrated (had it been, the migration would have run again and failed on its own objects).
      expect(await db.selectFrom('kysely_migration').select('name').where('name', '=', last.name).execute()).toEqual([]);
    } finally {
      await db.insertInto('kysely_migration').values(last).execute();
    }
  });
});
