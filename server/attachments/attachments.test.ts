import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DIALECTS, TEST_DATA_KEY_HEX, intakeBody, useApiEnv, type Api, type TestEnv } from '../test/harness.js';
import { main } from '../cli.js';
import { putSettings } from '../settings/settings.repository.js';
import { LocalAttachmentStorage } from './storage.js';
import { docxFile, elfFile, exeFile, multipartBody, ofdFile, pdfFile, pngFile, zipBombDocx } from './test-files.js';

const API = '/api/v1';
const sm3 = (b: Buffer) => createHash('sm3').update(b).digest('hex');

describe.each(DIALECTS)('attachments (%s)', (kind) => {
  let env: TestEnv;
  let api: Api;
  let caseId: number;
  useApiEnv(kind, async (e, a) => {
    env = e;
    api = a;
    const c = await a.as('clerk').post(`${API}/cases`, intakeBody());
    caseId = c.body.id;
    let r = await a.as('coord').post(`${API}/cases/${caseId}/actions/accept`, { version: c.body.version, problemType: 'materials' });
    r = await a.as('coord').post(`${API}/cases/${caseId}/actions/dispatch`, { version: r.body.version, level: 1, leadDepartment: 'scjgj' });
    expect(r.status).toBe(200);
  });

  const upload = async (user: string | null, id: number, fields: Record<string, string>, files: Parameters<typeof multipartBody>[1]) => {
    const m = multipartBody(fields, files);
    const r = await api.app.inject({
      method: 'POST',
      url: `${API}/cases/${id}/attachments`,
      headers: { ...m.headers, ...(user ? { authorization: `Bearer ${api.tokens[user]}` } : {}) },
      payload: m.payload,
    });
    return { status: r.statusCode, body: r.json() as any };
  };
  const storedFiles = () => {
    const root = (env.ctx.attachments as LocalAttachmentStorage).root;
    const out: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) walk(path.join(d, e.name));
        else out.push(path.join(d, e.name));
      }
    };
    walk(root);
    return out;
  };
  const rowCount = async () => Number((await env.ctx.db.selectFrom('attachments').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

  it('stores a PDF under a generated name, answers its SM3, and lists and serves it with its Chinese name', async () => {
    const before = (await api.as('coord').get(`${API}/cases/${caseId}`)).body;
    const pdf = pdfFile(5000);
    const r = await upload('h_scjg', caseId, { kind: 'result', note: '办理结果告知书' }, [{ name: '办理结果告知书（盖章）.pdf', content: pdf, type: 'application/pdf' }]);
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ name: '办理结果告知书（盖章）.pdf', size: pdf.length, kind: 'result', type: 'pdf', mime: 'application/pdf', sm3: sm3(pdf), source: 'staff', uploadedBy: 'h_scjg', withdrawn: false, note: '办理结果告知书' });
    expect(r.body.sm3).toMatch(/^[0-9a-f]{64}$/);
    const row = await env.ctx.db.selectFrom('attachments').selectAll().where('id', '=', r.body.id).executeTakeFirstOrThrow();
    expect(row.storage_key).not.toContain('办理');
    expect(storedFiles().filter((f) => !f.includes('.tmp'))).toHaveLength(1);

    const list = await api.as('coord').get(`${API}/cases/${caseId}/attachments`);
    expect(list.status).toBe(200);
    expect(list.body.items.map((a: any) => a.id)).toEqual([r.body.id]);

    const file = await api.app.inject({ method: 'GET', url: `${API}/cases/${caseId}/attachments/${r.body.id}`, headers: { authorization: `Bearer ${api.tokens.h_scjg}` } });
    expect(file.statusCode).toBe(200);
    expect(file.rawPayload.equals(pdf)).toBe(true);
    expect(file.headers['content-type']).toBe('application/pdf');
    expect(file.headers['content-disposition']).toBe(`attachment; filename="attachment-${r.body.id}.pdf"; filename*=UTF-8''${encodeURIComponent('办理结果告知书（盖章）.pdf')}`);
    const inline = await api.app.inject({ method: 'GET', url: `${API}/cases/${caseId}/attachments/${r.body.id}?inline=1`, headers: { authorization: `Bearer ${api.tokens.h_scjg}` } });
    expect(inline.headers['content-disposition']).toMatch(/^inline; /);
    // The preview frame of the case page may show it (this site only); a download is sandboxed.
    expect(inline.headers['content-security-policy']).toContain("frame-ancestors 'self'");
    expect(inline.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(file.headers['content-security-policy']).toContain('sandbox');

    // The case: same version, the file in `attachments`, an event on the timeline, the SM3 in the audit.
    const after = (await api.as('coord').get(`${API}/cases/${caseId}`)).body;
    expect(after.version).toBe(before.version);
    expect(after.attachments.map((a: any) => a.id)).toEqual([r.body.id]);
    expect(after.events.at(-1)).toMatchObject({ type: 'attachment_added', by: 'h_scjg', data: { attachmentId: r.body.id, sm3: sm3(pdf), kind: 'result' } });
    const audit = await env.ctx.db.selectFrom('audit_log').selectAll().where('action', '=', 'case.attachment_added').orderBy('seq', 'desc').executeTakeFirstOrThrow();
    expect(JSON.parse(audit.data)).toMatchObject({ attachmentId: r.body.id, sm3: sm3(pdf), size: pdf.length });
  });

  it('accepts every allowed type by content: PNG, DOCX, OFD', async () => {
    for (const [name, content, type] of [
      ['现场照片.png', pngFile(), 'png'],
      ['书面承诺.docx', await docxFile(), 'docx'],
      ['电子证照.ofd', await ofdFile(), 'ofd'],
      ['扫描件', pngFile(4, 4), 'png'],
    ] as const) {
      const r = await upload('clerk', caseId, { kind: 'evidence' }, [{ name, content }]);
      expect(r.status, name).toBe(201);
      expect(r.body.type).toBe(type);
    }
  });

  it('refuses bad files with a Chinese 400 and stores nothing', async () => {
    const rows = await rowCount();
    const files = storedFiles().length;
    const bad: Array<[string, Buffer, RegExp]> = [
      ['说明.pdf', exeFile(), /类型/],
      ['程序.pdf', elfFile(), /类型/],
      ['空白.pdf', Buffer.alloc(0), /空文件/],
      ['../../etc/passwd.pdf', pdfFile(), /路径/],
      ['a\\b.pdf', pdfFile(), /路径/],
      [`${'长'.repeat(496)}.pdf`, pdfFile(), /255/],
      ['炸弹.docx', await zipBombDocx(), /压缩炸弹/],
      ['随便.txt', Buffer.from('纯文本内容'), /类型/],
    ];
    for (const [name, content, message] of bad) {
      const r = await upload('clerk', caseId, { kind: 'evidence' }, [{ name, content }]);
      expect(r.status, name).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION');
      expect(r.body.error.message, name).toMatch(message);
    }
    const noKind = await upload('clerk', caseId, {}, [{ name: 'a.pdf', content: pdfFile() }]);
    expect(noKind.status).toBe(400);
    expect(noKind.body.error.details[0].field).toBe('kind');
    const noFile = await upload('clerk', caseId, { kind: 'evidence' }, []);
    expect(noFile.status).toBe(400);
    expect(await rowCount()).toBe(rows);
    expect(storedFiles()).toHaveLength(files);
  });

  it('answers 413 over attachmentMaxBytes, leaving nothing behind', async () => {
    await putSettings(env.ctx.db, { attachmentMaxBytes: 64 * 1024 }, env.clock.now().toISOString());
    try {
      const rows = await rowCount();
      const files = storedFiles().length;
      const r = await upload('clerk', caseId, { kind: 'evidence' }, [{ name: '大文件.pdf', content: pdfFile(200 * 1024) }]);
      expect(r.status).toBe(413);
      expect(r.body.error.code).toBe('PAYLOAD_TOO_LARGE');
      expect(r.body.error.message).toMatch(/64 KB/);
      expect(await rowCount()).toBe(rows);
      expect(storedFiles()).toHaveLength(files);
      const ok = await upload('clerk', caseId, { kind: 'evidence' }, [{ name: '小文件.pdf', content: pdfFile(60 * 1024) }]);
      expect(ok.status).toBe(201);
    } finally {
      await putSettings(env.ctx.db, { attachmentMaxBytes: 20 * 1024 * 1024 }, env.clock.now().toISOString());
    }
  });

  it('keeps files in the case scope: 401 without login, 404 for another department (same body as an unknown case)', async () => {
    const r = await upload('clerk', caseId, { kind: 'evidence' }, [{ name: 'a.png', content: pngFile() }]);
    expect((await upload(null, caseId, { kind: 'evidence' }, [{ name: 'a.png', content: pngFile() }])).status).toBe(401);
    expect((await api.as(null).get(`${API}/cases/${caseId}/attachments`)).status).toBe(401);
    const unknown = await api.as('h_rs').get(`${API}/cases/999999/attachments`);
    const other = await api.as('h_rs').get(`${API}/cases/${caseId}/attachments`);
    expect(other.status).toBe(404);
    expect(other.body).toEqual(unknown.body);
    expect((await api.as('h_rs').get(`${API}/cases/${caseId}/attachments/${r.body.id}`)).status).toBe(404);
    expect((await upload('h_rs', caseId, { kind: 'evidence' }, [{ name: 'a.png', content: pngFile() }])).status).toBe(404);
    expect((await api.as('h_rs').post(`${API}/cases/${caseId}/attachments/${r.body.id}/withdraw`, { reason: '误传' })).status).toBe(404);
    expect((await api.as('coord').get(`${API}/cases/${caseId}/attachments/999999`)).status).toBe(404);
  });

  it('withdraws a file with a reason: audited, hidden from the list, still downloadable; only the uploader or the coordinator', async () => {
    const png = pngFile();
    const r = await upload('clerk', caseId, { kind: 'other' }, [{ name: '传错了.png', content: png }]);
    expect((await api.as('h_scjg').post(`${API}/cases/${caseId}/attachments/${r.body.id}/withdraw`, { reason: '误传' })).status).toBe(403);
    const noReason = await api.as('clerk').post(`${API}/cases/${caseId}/attachments/${r.body.id}/withdraw`, { reason: ' ' });
    expect(noReason.status).toBe(400);
    const w = await api.as('clerk').post(`${API}/cases/${caseId}/attachments/${r.body.id}/withdraw`, { reason: '上传错了文件' });
    expect(w.status).toBe(200);
    expect(w.body).toMatchObject({ withdrawn: true, withdrawnBy: 'clerk', withdrawnReason: '上传错了文件' });
    expect((await api.as('coord').post(`${API}/cases/${caseId}/attachments/${r.body.id}/withdraw`, { reason: '再撤' })).status).toBe(409);
    const list = await api.as('coord').get(`${API}/cases/${caseId}/attachments`);
    expect(list.body.items.map((a: any) => a.id)).not.toContain(r.body.id);
    const all = await api.as('coord').get(`${API}/cases/${caseId}/attachments?includeWithdrawn=true`);
    expect(all.body.items.find((a: any) => a.id === r.body.id)).toMatchObject({ withdrawn: true });
    const file = await api.app.inject({ method: 'GET', url: `${API}/cases/${caseId}/attachments/${r.body.id}`, headers: { authorization: `Bearer ${api.tokens.h_scjg}` } });
    expect(file.statusCode).toBe(200);
    expect(file.rawPayload.equals(png)).toBe(true);
    const c = (await api.as('coord').get(`${API}/cases/${caseId}`)).body;
    expect(c.events.at(-1)).toMatchObject({ type: 'attachment_withdrawn', data: { attachmentId: r.body.id, reason: '上传错了文件' } });
    const audit = await env.ctx.db.selectFrom('audit_log').selectAll().where('action', '=', 'case.attachment_withdrawn').executeTakeFirstOrThrow();
    expect(JSON.parse(audit.data)).toMatchObject({ attachmentId: r.body.id, reason: '上传错了文件' });
  });

  it('refuses an upload to a closed case with 409 INVALID_TRANSITION', async () => {
    const c = await api.as('clerk').post(`${API}/cases`, intakeBody());
    await env.ctx.db.updateTable('cases').set({ status: 'closed' }).where('id', '=', c.body.id).execute();
    const rows = await rowCount();
    const r = await upload('coord', c.body.id, { kind: 'evidence' }, [{ name: 'a.png', content: pngFile() }]);
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('INVALID_TRANSITION');
    expect(await rowCount()).toBe(rows);
  });

  it('takes files with the intake (multipart: case + file) and with the online report (images and PDF, at most 3, staff only)', async () => {
    const png = pngFile();
    const m = multipartBody({ case: JSON.stringify(intakeBody()) }, [
      { name: '营业执照.png', content: png, type: 'image/png' },
      { name: '情况说明.pdf', content: pdfFile() },
    ]);
    const r = await api.app.inject({ method: 'POST', url: `${API}/cases`, headers: { ...m.headers, authorization: `Bearer ${api.tokens.clerk}` }, payload: m.payload });
    expect(r.statusCode).toBe(201);
    const c = r.json();
    expect(c.attachments.map((a: any) => [a.name, a.kind, a.sm3])).toEqual([
      ['营业执照.png', 'evidence', sm3(png)],
      ['情况说明.pdf', 'evidence', sm3(pdfFile())],
    ]);

    // A bad file refuses the whole intake: no case, no file.
    const cases = Number((await env.ctx.db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const bad = multipartBody({ case: JSON.stringify(intakeBody()) }, [{ name: 'x.pdf', content: exeFile() }]);
    const rb = await api.app.inject({ method: 'POST', url: `${API}/cases`, headers: { ...bad.headers, authorization: `Bearer ${api.tokens.clerk}` }, payload: bad.payload });
    expect(rb.statusCode).toBe(400);
    const badCase = multipartBody({ case: JSON.stringify({ ...intakeBody(), reporter: { name: '' } }) }, [{ name: 'a.png', content: png }]);
    const rc = await api.app.inject({ method: 'POST', url: `${API}/cases`, headers: { ...badCase.headers, authorization: `Bearer ${api.tokens.clerk}` }, payload: badCase.payload });
    expect(rc.statusCode).toBe(400);
    expect(Number((await env.ctx.db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)).toBe(cases);
    const forbidden = multipartBody({ case: JSON.stringify(intakeBody()) }, [{ name: 'a.png', content: png }]);
    expect((await api.app.inject({ method: 'POST', url: `${API}/cases`, headers: { ...forbidden.headers, authorization: `Bearer ${api.tokens.h_scjg}` }, payload: forbidden.payload })).statusCode).toBe(403);

    const report = { ...intakeBody(), consent: true };
    delete (report as Record<string, unknown>).channel;
    const pub = multipartBody({ case: JSON.stringify(report) }, [{ name: '照片.png', content: png }]);
    const rp = await api.app.inject({ method: 'POST', url: `${API}/public/cases`, headers: pub.headers, payload: pub.payload });
    expect(rp.statusCode).toBe(201);
    const pubCase = await env.ctx.db.selectFrom('cases').select('id').where('case_no', '=', rp.json().caseNo).executeTakeFirstOrThrow();
    const seen = await api.as('coord').get(`${API}/cases/${pubCase.id}/attachments`);
    expect(seen.body.items).toEqual([expect.objectContaining({ name: '照片.png', source: 'public', uploadedBy: 'public' })]);

    const four = multipartBody({ case: JSON.stringify(report) }, [1, 2, 3, 4].map((i) => ({ name: `${i}.png`, content: png })));
    const r4 = await api.app.inject({ method: 'POST', url: `${API}/public/cases`, headers: four.headers, payload: four.payload });
    expect(r4.statusCode).toBe(400);
    expect(r4.json().error.message).toMatch(/3/);
    const word = multipartBody({ case: JSON.stringify(report) }, [{ name: '承诺.docx', content: await docxFile() }]);
    const rw = await api.app.inject({ method: 'POST', url: `${API}/public/cases`, headers: word.headers, payload: word.payload });
    expect(rw.statusCode).toBe(400);
    expect(rw.json().error.message).toMatch(/图片/);
  });
});

describe.each(DIALECTS)('bcs audit verify re-reads the stored files (%s)', (kind) => {
  let env: TestEnv;
  let api: Api;
  useApiEnv(kind, (e, a) => {
    env = e;
    api = a;
  });

  it('passes while every file matches its audit record, and names the file whose byte changed on disk', async () => {
    const c = await api.as('clerk').post(`${API}/cases`, intakeBody());
    const pdf = pdfFile(2000);
    const m = multipartBody({ kind: 'evidence' }, [{ name: '原件.pdf', content: pdf }]);
    const r = await api.app.inject({ method: 'POST', url: `${API}/cases/${c.body.id}/attachments`, headers: { ...m.headers, authorization: `Bearer ${api.tokens.clerk}` }, payload: m.payload });
    expect(r.statusCode).toBe(201);
    const storage = env.ctx.attachments as LocalAttachmentStorage;
    const cliEnv = { DATABASE_URL: env.url, BCS_DATA_KEY: TEST_DATA_KEY_HEX, ATTACHMENT_DIR: storage.root };
    const logs: string[] = [];
    const errs: string[] = [];
    const out = { log: (s: string) => logs.push(s), err: (s: string) => errs.push(s), stdin: async () => '' };
    expect(await main(['audit', 'verify'], out, cliEnv)).toBe(0);
    expect(logs.join('\n')).toMatch(/1 attachment files intact/);

    const row = await env.ctx.db.selectFrom('attachments').select('storage_key').where('id', '=', r.json().id).executeTakeFirstOrThrow();
    const file = storage.filePath(row.storage_key);
    const bytes = fs.readFileSync(file);
    bytes[1000] = bytes[1000]! ^ 0x01;
    fs.writeFileSync(file, bytes);
    expect(await main(['audit', 'verify'], out, cliEnv)).toBe(1);
    expect(errs.join('\n')).toMatch(new RegExp(`attachment ${r.json().id} .*原件\\.pdf.*已被改动`));
  });

  it('re-reads the 知识库\'s source documents too, and names one whose byte changed', async () => {
    const k = await api.as('coord').post(`${API}/knowledge`, { title: '核验测试条目', category: '测试', kind: 'policy', body: '<p>执照</p>', keywords: [], departments: [], matterCodes: [], status: 'published', reviewDueAt: null });
    expect(k.status).toBe(201);
    const m = multipartBody({}, [{ name: '政策原文.pdf', content: pdfFile(3000) }]);
    const r = await api.app.inject({ method: 'POST', url: `${API}/knowledge/${k.body.id}/files`, headers: { ...m.headers, authorization: `Bearer ${api.tokens.coord}` }, payload: m.payload });
    expect(r.statusCode).toBe(201);
    const storage = env.ctx.attachments as LocalAttachmentStorage;
    const cliEnv = { DATABASE_URL: env.url, BCS_DATA_KEY: TEST_DATA_KEY_HEX, ATTACHMENT_DIR: storage.root };
    const errs: string[] = [];
    const out = { log: () => undefined, err: (s: string) => errs.push(s), stdin: async () => '' };
    const row = await env.ctx.db.selectFrom('knowledge_files').select('storage_key').where('id', '=', r.json().id).executeTakeFirstOrThrow();
    const file = storage.filePath(row.storage_key);
    const bytes = fs.readFileSync(file);
    bytes[1500] = bytes[1500]! ^ 0x01;
    fs.writeFileSync(file, bytes);
    expect(await main(['audit', 'verify'], out, cliEnv)).toBe(1);
    expect(errs.join('\n')).toMatch(new RegExp(`knowledge file ${r.json().id} .*政策原文\\.pdf.*已被改动`));
  });
});
