import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, DIALECTS, intakeBody, seedBasics, startApi, TEST_DATA_KEY_HEX, type Api, type TestEnv } from '../test/harness.js';
import { main } from '../cli.js';
import { LocalAttachmentStorage } from '../attachments/storage.js';
import { multipartBody, pdfFile, pngFile } from '../attachments/test-files.js';
import type { DialectKind } from '../db/dialect.js';

const API = '/api/v1';
const quiet = () => {
  const lines: string[] = [];
  return { lines, out: { log: (s: string) => lines.push(s), err: (s: string) => lines.push(s), stdin: async () => '' } };
};
const envOf = (e: TestEnv, extra: Record<string, string> = {}) => ({
  DATABASE_URL: e.url,
  BCS_DATA_KEY: TEST_DATA_KEY_HEX,
  ATTACHMENT_DIR: (e.ctx.attachments as LocalAttachmentStorage).root,
  ...extra,
});
const count = async (e: TestEnv, table: 'cases' | 'audit_log' | 'attachments' | 'users') =>
  Number((await e.ctx.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

/** Everything a reader sees of every case: the case, its timeline and its attachments, plus the lists. */
async function readAll(api: Api, ids: number[]): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const id of ids) {
    const c = await api.as('coord').get(`${API}/cases/${id}`);
    expect(c.status).toBe(200);
    out.push(c.body);
    out.push((await api.as('coord').get(`${API}/cases/${id}/attachments`)).body);
  }
  out.push((await api.as('coord').get(`${API}/cases?limit=100`)).body);
  out.push((await api.as('coord').get(`${API}/cases?q=${encodeURIComponent('营业执照')}&limit=100`)).body.items.map((c: { id: number }) => c.id));
  return out;
}

for (const kind of DIALECTS) {
  describe(`bcs backup / restore from ${kind}`, () => {
    let src: TestEnv;
    let api: Api;
    const ids: number[] = [];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcs-backup-'));
    const file = path.join(dir, 'b.bcsbak');
    let before: unknown[];
    let knowledgeId = 0;
    let knowledgeFile: { id: number; sm3: string };

    beforeAll(async () => {
      src = await createTestEnv(kind);
      await seedBasics(src);
      api = await startApi(src);
      for (let i = 0; i < 6; i++) {
        const c = (await api.as('clerk').post(`${API}/cases`, intakeBody({ reporter: { name: `反映人${i}`, phone: `1380000${String(i).padStart(4, '0')}`, kind: 'person' } }))).body;
        ids.push(c.id);
        if (i % 2 === 0) {
          let r = await api.as('coord').post(`${API}/cases/${c.id}/actions/accept`, { version: c.version, problemType: 'materials' });
          r = await api.as('coord').post(`${API}/cases/${c.id}/actions/dispatch`, { version: r.body.version, level: 1, leadDepartment: 'scjgj' });
          expect(r.status).toBe(200);
          const m = multipartBody({ kind: 'evidence' }, [{ name: `证据${i}.pdf`, content: pdfFile(70_000 + i, `case ${i}`), type: 'application/pdf' }, { name: '照片.png', content: pngFile(), type: 'image/png' }].slice(0, 1));
          const u = await api.app.inject({ method: 'POST', url: `${API}/cases/${c.id}/attachments`, headers: { ...m.headers, authorization: `Bearer ${api.tokens.h_scjg}` }, payload: m.payload });
          expect(u.statusCode).toBe(201);
        }
      }
      // A 知识库 entry with its source document: its file travels with the backup too.
      const k = await api.as('coord').post(`${API}/knowledge`, { title: '备份测试条目', category: '测试', kind: 'policy', body: '<p>社保转移</p>', keywords: [], departments: [], matterCodes: [], status: 'published', reviewDueAt: null });
      expect(k.status).toBe(201);
      knowledgeId = k.body.id;
      const km = multipartBody({}, [{ name: '原件.pdf', content: pdfFile(50_000, 'knowledge'), type: 'application/pdf' }]);
      const ku = await api.app.inject({ method: 'POST', url: `${API}/knowledge/${knowledgeId}/files`, headers: { ...km.headers, authorization: `Bearer ${api.tokens.coord}` }, payload: km.payload });
      expect(ku.statusCode).toBe(201);
      knowledgeFile = ku.json();
      before = await readAll(api, ids);
      const { lines, out } = quiet();
      expect(await main(['backup', file], out, envOf(src))).toBe(0);
      expect(lines.join('\n')).toMatch(/已备份到 .*6 件反映件.*4 个附件/);
    });
    afterAll(async () => {
      await api?.app.close();
      await src?.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('writes a gzip of JSON lines with a manifest, the key check value but never the key, and an audit record', async () => {
      const text = zlib.gunzipSync(fs.readFileSync(file)).toString('utf8');
      const lines = text.trimEnd().split('\n');
      const header = JSON.parse(lines[0]!);
      expect(header).toMatchObject({ format: 'bcs-backup', version: 1, source: kind });
      expect(header.migrations).toContain('023-ops');
      expect(header.keyCheck).toMatch(/^[0-9a-f]{64}$/);
      expect(text).not.toContain(TEST_DATA_KEY_HEX);
      const trailer = JSON.parse(lines[lines.length - 1]!);
      expect(trailer).toMatchObject({ trailer: true, blobs: 4 });
      expect(trailer.counts.cases).toBe(6);
      expect(trailer.sm3).toBe(crypto.createHash('sm3').update(lines.slice(0, -1).join('\n') + '\n').digest('hex'));
      // Tables come after the tables they reference.
      const order = lines.filter((l) => l.startsWith('{"table"')).map((l) => JSON.parse(l).table as string);
      expect(order.indexOf('departments')).toBeLessThan(order.indexOf('users'));
      expect(order.indexOf('cases')).toBeLessThan(order.indexOf('case_events'));
      expect(order).not.toContain('sessions');
      expect(order).not.toContain('case_search');
      // Reporters stay sealed in the file.
      expect(text).not.toContain('反映人1');
      const audit = await src.ctx.db.selectFrom('audit_log').select(['action', 'data']).where('action', '=', 'backup.create').execute();
      expect(audit).toHaveLength(1);
    });

    for (const targetKind of DIALECTS) {
      it(`restores into an empty ${targetKind} database: every case reads the same, audit verify passes, numbering continues`, async () => {
        const target = await createTestEnv(targetKind);
        try {
          const { lines, out } = quiet();
          expect(await main(['restore', file], out, envOf(target))).toBe(0);
          expect(lines.join('\n')).toContain('6 件反映件');
          const tApi = await startApi(target);
          try {
            expect(await readAll(tApi, ids)).toEqual(before);
            const v = quiet();
            expect(await main(['audit', 'verify'], v.out, envOf(target))).toBe(0);
            expect(v.lines.join('\n')).toMatch(/^ok \d+ \(4 attachment files intact\)/);
            // The attachment bytes come back.
            const att = (await tApi.as('coord').get(`${API}/cases/${ids[0]}/attachments`)).body.items[0];
            const dl = await tApi.app.inject({ method: 'GET', url: `${API}/cases/${ids[0]}/attachments/${att.id}`, headers: { authorization: `Bearer ${tApi.tokens.coord}` } });
            expect(dl.statusCode).toBe(200);
            expect(crypto.createHash('sm3').update(dl.rawPayload).digest('hex')).toBe(att.sm3);
            const kd = await tApi.app.inject({ method: 'GET', url: `${API}/knowledge/${knowledgeId}/files/${knowledgeFile.id}`, headers: { authorization: `Bearer ${tApi.tokens.coord}` } });
            expect(kd.statusCode).toBe(200);
            expect(crypto.createHash('sm3').update(kd.rawPayload).digest('hex')).toBe(knowledgeFile.sm3);
            // New writes continue the ids and the gap-free case numbers.
            const lastNo = (before[0] as { caseNo: string }).caseNo;
            const n = (await tApi.as('clerk').post(`${API}/cases`, intakeBody())).body;
            expect(n.id).toBe(Math.max(...ids) + 1);
            const seqOf = (no: string) => Number(no.split('-').pop());
            expect(seqOf(n.caseNo)).toBe(seqOf(lastNo) + ids.length);
            const m = multipartBody({ kind: 'evidence' }, [{ name: 'x.png', content: pngFile(), type: 'image/png' }]);
            const u = await tApi.app.inject({ method: 'POST', url: `${API}/cases/${n.id}/attachments`, headers: { ...m.headers, authorization: `Bearer ${tApi.tokens.clerk}` }, payload: m.payload });
            expect(u.statusCode).toBe(201);
            expect(await main(['audit', 'verify'], quiet().out, envOf(target))).toBe(0);

            // Into a database that is not empty: refused, nothing changed.
            const casesBefore = await count(target, 'cases');
            const auditBefore = await count(target, 'audit_log');
            const again = quiet();
            expect(await main(['restore', file], again.out, envOf(target))).toBe(1);
            expect(again.lines.join('\n')).toMatch(/目标数据库不是空的/);
            expect(await count(target, 'cases')).toBe(casesBefore);
            expect(await count(target, 'audit_log')).toBe(auditBefore);
          } finally {
            await tApi.app.close();
          }
        } finally {
          await target.close();
        }
      });
    }

    it('refuses a damaged or truncated file, and another data key, before changing anything', async () => {
      const target = await createTestEnv(kind);
      try {
        const raw = zlib.gunzipSync(fs.readFileSync(file));
        // One byte of one row changed, then compressed again: the gzip is valid, the SM3 is not.
        const i = raw.indexOf(Buffer.from('"个体工商户设立登记"'));
        const tampered = Buffer.from(raw);
        tampered[i + 3] = tampered[i + 3]! ^ 1;
        const bad = path.join(dir, 'bad.bcsbak');
        fs.writeFileSync(bad, zlib.gzipSync(tampered));
        let r = quiet();
        expect(await main(['restore', bad], r.out, envOf(target))).toBe(1);
        expect(r.lines.join('\n')).toMatch(/备份文件已损坏或不完整.*SM3/);
        // Cut short.
        const cut = path.join(dir, 'cut.bcsbak');
        fs.writeFileSync(cut, zlib.gzipSync(raw.subarray(0, Math.floor(raw.length * 0.6))));
        r = quiet();
        expect(await main(['restore', cut], r.out, envOf(target))).toBe(1);
        expect(r.lines.join('\n')).toMatch(/备份文件已损坏或不完整/);
        // Compressed bytes damaged.
        const gz = fs.readFileSync(file);
        gz[Math.floor(gz.length / 2)] ^= 0xff;
        const broken = path.join(dir, 'broken.bcsbak');
        fs.writeFileSync(broken, gz);
        expect(await main(['restore', broken], quiet().out, envOf(target))).toBe(1);
        // Another key.
        r = quiet();
        expect(await main(['restore', file], r.out, envOf(target, { BCS_DATA_KEY: crypto.randomBytes(32).toString('hex') }))).toBe(1);
        expect(r.lines.join('\n')).toMatch(/数据密钥与备份不符/);
        expect(await count(target, 'cases')).toBe(0);
        expect(await count(target, 'users')).toBe(0);
        expect(await count(target, 'audit_log')).toBe(0);
        expect(fs.readdirSync((target.ctx.attachments as LocalAttachmentStorage).root).filter((f) => f !== '.tmp')).toEqual([]);
        // And the good file still restores into it afterwards.
        expect(await main(['restore', file], quiet().out, envOf(target))).toBe(0);
      } finally {
        await target.close();
      }
    });
  });
}

describe.runIf(DIALECTS.includes('postgres'))('SQLite → PostgreSQL → SQLite', () => {
  it('round-trips: every case reads the same at each step and audit verify passes', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcs-rt-'));
    const envs: TestEnv[] = [];
    const apis: Api[] = [];
    try {
      const make = async (k: DialectKind) => {
        const e = await createTestEnv(k);
        envs.push(e);
        return e;
      };
      const a = await make('sqlite');
      await seedBasics(a);
      const apiA = await startApi(a);
      apis.push(apiA);
      const ids: number[] = [];
      for (let i = 0; i < 4; i++) ids.push((await apiA.as('clerk').post(`${API}/cases`, intakeBody())).body.id);
      const want = await readAll(apiA, ids);
      expect(await main(['backup', path.join(dir, '1')], quiet().out, envOf(a))).toBe(0);
      const b = await make('postgres');
      expect(await main(['restore', path.join(dir, '1')], quiet().out, envOf(b))).toBe(0);
      expect(await main(['backup', path.join(dir, '2')], quiet().out, envOf(b))).toBe(0);
      const c = await make('sqlite');
      expect(await main(['restore', path.join(dir, '2')], quiet().out, envOf(c))).toBe(0);
      for (const e of [b, c]) {
        const api = await startApi(e);
        apis.push(api);
        expect(await readAll(api, ids)).toEqual(want);
        expect(await main(['audit', 'verify'], quiet().out, envOf(e))).toBe(0);
      }
      const actions = (await c.ctx.db.selectFrom('audit_log').select('action').where('action', 'like', 'backup.%').orderBy('seq').execute()).map((r) => r.action);
      expect(actions).toEqual(['backup.restore', 'backup.restore']);
    } finally {
      for (const x of apis) await x.app.close();
      for (const e of envs) await e.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.each(DIALECTS)('a backup taken while the server writes (%s)', (kind) => {
  it('is one consistent snapshot: the restored chain, cases and timelines agree', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcs-live-'));
    const src = await createTestEnv(kind);
    const target = await createTestEnv(kind);
    await seedBasics(src);
    const a = await startApi(src);
    try {
      const writes = Array.from({ length: 30 }, (_, i) => a.as('clerk').post(`${API}/cases`, intakeBody({ reporter: { name: `并发${i}`, phone: `1370000${String(i).padStart(4, '0')}`, kind: 'person' } })));
      const file = path.join(dir, 'live.bcsbak');
      const [code] = await Promise.all([main(['backup', file], quiet().out, envOf(src)), ...writes]);
      expect(code).toBe(0);
      expect(await main(['restore', file], quiet().out, envOf(target))).toBe(0);
      expect(await main(['audit', 'verify'], quiet().out, envOf(target))).toBe(0);
      const cases = await target.ctx.db.selectFrom('cases').select('id').execute();
      const created = await target.ctx.db.selectFrom('case_events').select('case_id').where('type', '=', 'intake').execute();
      expect(created.map((r) => r.case_id).sort()).toEqual(cases.map((r) => r.id).sort());
      const intakes = await target.ctx.db.selectFrom('audit_log').select('entity_id').where('action', '=', 'case.intake').execute();
      expect(intakes.map((r) => Number(r.entity_id)).sort()).toEqual(cases.map((r) => r.id).sort());
    } finally {
      await a.app.close();
      await src.close();
      await target.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
