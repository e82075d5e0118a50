import { describe, expect, it } from 'vitest';
import { DIALECTS, intakeBody, type Api, type TestEnv, useApiEnv } from '../test/harness.js';
import { runKnowledgeReviewReminders } from './review-reminders.js';
import { searchPublishedKnowledge } from './knowledge.repository.js';
import { multipartBody, pdfFile, pngFile } from '../attachments/test-files.js';

const entry = (over: Record<string, unknown> = {}) => ({
  title: '社会保险关系转移接续办理指南',
  category: '社会保障',
  kind: 'guide',
  body: '<p>跨省流动就业人员的<strong>社保</strong>关系转移：</p><ul><li>身份证</li><li>参保缴费凭证</li></ul>',
  issuer: '县人力社保局',
  keywords: ['社保转移', '养老保险'],
  departments: ['rsj'],
  matterCodes: ['500231-rs-001'],
  status: 'published',
  reviewDueAt: '2026-12-31',
  ...over,
});

describe.each(DIALECTS)('knowledge base on %s', (kind) => {
  let env: TestEnv;
  let api: Api;
  useApiEnv(kind, (e, a) => {
    env = e;
    api = a;
  });
  const ids: Record<string, number> = {};

  it('is written by coordinators, admins and handlers of the department; 201 with the entry', async () => {
    expect((await api.as(null).get('/api/v1/knowledge')).status).toBe(401);
    expect((await api.as(null).post('/api/v1/knowledge', entry())).status).toBe(401);
    const clerk = await api.as('clerk').post('/api/v1/knowledge', entry());
    expect(clerk.status).toBe(403);
    const other = await api.as('h_scjg').post('/api/v1/knowledge', entry());
    expect(other.status).toBe(403);
    expect(other.body.error.message).toMatch(/本部门/);

    const r = await api.as('h_rs').post('/api/v1/knowledge', entry({ body: '<p onclick="steal()">跨省<strong>社保</strong>转移</p><script>alert(1)</script><ul><li>身份证</li></ul>' }));
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      source: 'knowledge',
      title: '社会保险关系转移接续办理指南',
      kind: 'guide',
      status: 'published',
      issuer: '县人力社保局',
      keywords: ['社保转移', '养老保险'],
      departments: ['rsj'],
      matterCodes: ['500231-rs-001'],
      reviewDueAt: '2026-12-31T23:59:59+08:00',
      reviewOverdue: false,
      openCount: 0,
      linkCount: 0,
      canEdit: true,
      createdBy: 'h_rs',
    });
    expect(r.body.body).toBe('<p>跨省<strong>社保</strong>转移</p><ul><li>身份证</li></ul>');
    ids.social = r.body.id;

    const licence = await api.as('coord').post('/api/v1/knowledge', entry({ title: '营业执照经营范围变更材料清单', category: '市场主体', kind: 'materials', body: '<p>变更登记申请书、股东会决议、修改后的章程</p>', keywords: ['执照', '变更'], departments: ['scjgj'], matterCodes: [], reviewDueAt: null }));
    expect(licence.status).toBe(201);
    ids.licence = licence.body.id;
    const draft = await api.as('coord').post('/api/v1/knowledge', entry({ title: '不动产登记材料清单（草稿）', category: '不动产', kind: 'materials', body: '不动产权证书、身份证明', keywords: [], departments: ['ghzrzyj'], status: 'draft', reviewDueAt: null }));
    expect(draft.status).toBe(201);
    expect(draft.body.status).toBe('draft');
    ids.draft = draft.body.id;
  });

  it('refuses bad input (400), unknown departments (400), a repeated title (409), a new expired entry (409); nothing written', async () => {
    const count = async () => (await env.ctx.db.selectFrom('knowledge').select('id').execute()).length;
    const before = await count();
    const bad = await api.as('coord').post('/api/v1/knowledge', entry({ title: '', kind: 'poem', body: '<p> </p>' }));
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['body', 'kind', 'title']);
    expect((await api.as('coord').post('/api/v1/knowledge', entry({ title: 'x'.repeat(129) }))).status).toBe(400);
    const dept = await api.as('coord').post('/api/v1/knowledge', entry({ title: '新条目', departments: ['nosuch'] }));
    expect(dept.status).toBe(400);
    expect(dept.body.error.details).toEqual([{ field: 'departments', message: '部门代码“nosuch”不存在' }]);
    const dup = await api.as('coord').post('/api/v1/knowledge', entry());
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('CONFLICT');
    const expired = await api.as('coord').post('/api/v1/knowledge', entry({ title: '另一条', status: 'expired' }));
    expect(expired.status).toBe(409);
    expect(expired.body.error.code).toBe('INVALID_TRANSITION');
    expect(await count()).toBe(before);
  });

  it('finds two-character words in title, keywords and body; every word must appear', async () => {
    const titles = async (q: string, as = 'clerk') => (await api.as(as).get(`/api/v1/knowledge?q=${encodeURIComponent(q)}`)).body.items.map((i: { title: string }) => i.title);
    expect(await titles('社保')).toEqual(['社会保险关系转移接续办理指南']);
    expect(await titles('执照')).toEqual(['营业执照经营范围变更材料清单']);
    expect(await titles('章程')).toEqual(['营业执照经营范围变更材料清单']); // body
    expect(await titles('养老保险')).toEqual(['社会保险关系转移接续办理指南']); // keyword
    expect(await titles('执照 章程')).toEqual(['营业执照经营范围变更材料清单']);
    expect(await titles('执照 社保')).toEqual([]);
    expect(await titles('strong')).toEqual([]); // markup is not searched
    expect(await titles('100%')).toEqual([]);
    // The draft is found only by its writers.
    expect(await titles('不动产')).toEqual([]);
    expect(await titles('不动产', 'coord')).toEqual(['不动产登记材料清单（草稿）']);
  });

  it('hides drafts from everyone but their writers (404), and filters and pages the list', async () => {
    expect((await api.as('clerk').get(`/api/v1/knowledge/${ids.draft}`)).status).toBe(404);
    expect((await api.as('h_rs').get(`/api/v1/knowledge/${ids.draft}`)).status).toBe(404);
    expect((await api.as('coord').get(`/api/v1/knowledge/${ids.draft}`)).status).toBe(200);
    expect((await api.as('clerk').get('/api/v1/knowledge/999999')).status).toBe(404);
    expect((await api.as('clerk').get('/api/v1/knowledge/abc')).status).toBe(404);
    const clerkList = (await api.as('clerk').get('/api/v1/knowledge')).body;
    expect(clerkList.items.map((i: { id: number }) => i.id)).toEqual([ids.licence, ids.social]);
    expect(clerkList.items.every((i: { canEdit: boolean }) => !i.canEdit)).toBe(true);
    expect((await api.as('coord').get('/api/v1/knowledge?status=draft')).body.items.map((i: { id: number }) => i.id)).toEqual([ids.draft]);
    expect((await api.as('clerk').get('/api/v1/knowledge?kind=materials')).body.items.map((i: { id: number }) => i.id)).toEqual([ids.licence]);
    expect((await api.as('clerk').get(`/api/v1/knowledge?category=${encodeURIComponent('社会保障')}`)).body.items.map((i: { id: number }) => i.id)).toEqual([ids.social]);
    expect((await api.as('clerk').get('/api/v1/knowledge?department=scjgj')).body.items.map((i: { id: number }) => i.id)).toEqual([ids.licence]);
    expect((await api.as('clerk').get('/api/v1/knowledge?status=bogus')).status).toBe(400);
    expect((await api.as('clerk').get('/api/v1/knowledge?limit=0')).status).toBe(400);
    const p1 = (await api.as('coord').get('/api/v1/knowledge?limit=2')).body;
    expect(p1.items).toHaveLength(2);
    expect(p1.nextCursor).toEqual(expect.any(String));
    const p2 = (await api.as('coord').get(`/api/v1/knowledge?limit=2&cursor=${p1.nextCursor}`)).body;
    expect(p2.items.map((i: { id: number }) => i.id)).toEqual([ids.social]);
    expect(p2.nextCursor).toBeNull();
  });

  it('counts each opening', async () => {
    await api.as('clerk').get(`/api/v1/knowledge/${ids.social}`);
    const r = await api.as('h_scjg').get(`/api/v1/knowledge/${ids.social}`);
    expect(r.status).toBe(200);
    expect(r.body.openCount).toBe(2);
    expect(r.body.canEdit).toBe(false);
  });

  it('is changed by PUT: writers only, transitions from the one table, titles stay unique', async () => {
    const cur = (await api.as('coord').get(`/api/v1/knowledge/${ids.social}`)).body;
    const put = (as: string, over: Record<string, unknown>, id = ids.social) => api.as(as).put(`/api/v1/knowledge/${id}`, { ...entry(), ...over });
    expect((await api.as(null).put(`/api/v1/knowledge/${ids.social}`, entry())).status).toBe(401);
    expect((await put('clerk', {})).status).toBe(403);
    expect((await put('h_scjg', {})).status).toBe(403);
    expect((await put('h_scjg', {}, ids.draft)).status).toBe(404);
    expect((await put('coord', {}, 999999)).status).toBe(404);
    expect((await put('h_rs', { departments: ['scjgj'] })).status).toBe(403); // cannot give it away
    expect((await put('h_rs', { kind: 'x' })).status).toBe(400);
    const dup = await put('h_rs', { title: '营业执照经营范围变更材料清单' });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('CONFLICT');
    const back = await put('h_rs', { status: 'draft' });
    expect(back.status).toBe(409);
    expect(back.body.error.code).toBe('INVALID_TRANSITION');
    expect((await put('coord', { status: 'expired' }, ids.draft)).status).toBe(409);

    const ok = await put('h_rs', { body: '<p>新内容：社保转移</p>', status: 'expired' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ status: 'expired', body: '<p>新内容：社保转移</p>', updatedBy: 'h_rs', openCount: cur.openCount + 0 });
    // Expired: gone for readers, back when published again.
    expect((await api.as('clerk').get(`/api/v1/knowledge/${ids.social}`)).status).toBe(404);
    expect((await put('h_rs', { body: '<p>新内容：社保转移</p>', status: 'published' })).status).toBe(200);
    expect((await api.as('clerk').get(`/api/v1/knowledge/${ids.social}`)).status).toBe(200);
    const audit = await env.ctx.db.selectFrom('audit_log').select(['action', 'data']).where('entity_type', '=', 'knowledge').where('entity_id', '=', String(ids.social)).execute();
    expect(audit.map((a) => a.action)).toEqual(['knowledge.create', 'knowledge.update', 'knowledge.update']);
  });

  it('is linked to a case by staff who see it: 201, timeline, audit, linkCount, the case answers it', async () => {
    const c = (await api.as('clerk').post('/api/v1/cases', intakeBody({ departmentCodes: ['rsj'] }))).body;
    const link = (as: string | null, body: unknown, caseId = c.id) => api.as(as).post(`/api/v1/cases/${caseId}/knowledge`, body);
    expect((await link(null, { knowledgeId: ids.social })).status).toBe(401);
    expect((await link('h_scjg', { knowledgeId: ids.social })).status).toBe(404); // cannot see the case
    expect((await link('clerk', { knowledgeId: ids.social }, 999999)).status).toBe(404);
    expect((await link('clerk', {})).status).toBe(400);
    expect((await link('clerk', { knowledgeId: ids.draft })).status).toBe(400); // a draft the clerk does not see
    expect((await link('coord', { knowledgeId: ids.draft })).status).toBe(409); // not published
    const ok = await link('clerk', { knowledgeId: ids.social });
    expect(ok.status).toBe(201);
    expect(ok.body.items).toEqual([{ id: ids.social, title: '社会保险关系转移接续办理指南' }]);
    const again = await link('clerk', { knowledgeId: ids.social });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('CONFLICT');

    const detail = (await api.as('clerk').get(`/api/v1/cases/${c.id}`)).body;
    expect(detail.knowledge).toEqual([{ id: ids.social, title: '社会保险关系转移接续办理指南' }]);
    expect(detail.events.at(-1)).toMatchObject({ type: 'knowledge_linked', by: 'clerk', data: { knowledgeId: ids.social } });
    expect((await api.as('coord').get(`/api/v1/knowledge/${ids.social}`)).body.linkCount).toBe(1);
    const audits = await env.ctx.db.selectFrom('audit_log').select('action').where('action', '=', 'case.knowledge_linked').execute();
    expect(audits).toHaveLength(1);

    const un = await api.app.inject({ method: 'DELETE', url: `/api/v1/cases/${c.id}/knowledge/${ids.social}`, headers: { authorization: `Bearer ${api.tokens.clerk}` } });
    expect(un.statusCode).toBe(200);
    expect(un.json().items).toEqual([]);
    const un2 = await api.app.inject({ method: 'DELETE', url: `/api/v1/cases/${c.id}/knowledge/${ids.social}`, headers: { authorization: `Bearer ${api.tokens.clerk}` } });
    expect(un2.statusCode).toBe(404);
    expect((await api.as('coord').get(`/api/v1/knowledge/${ids.social}`)).body.linkCount).toBe(0);
  });

  it('searches entries, published packages and typical cases together; a free text by its words', async () => {
    const c = (await api.as('clerk').post('/api/v1/cases', intakeBody({ matter: '营业执照变更' }))).body;
    await api.as('coord').post(`/api/v1/cases/${c.id}/actions/accept`, { version: c.version, problemType: 'complex' });
    const t = await api.as('super').post('/api/v1/typical-cases', { caseId: c.id, kind: 'good', title: '营业执照变更一次办好', summary: '窗口帮办，当天领取新执照' });
    expect(t.status).toBe(201);
    const hits = async (qs: string) => (await api.as('clerk').get(`/api/v1/knowledge/search?${qs}`)).body.items.map((i: { source: string; title: string }) => `${i.source}:${i.title}`);
    // A draft typical case is not searched.
    expect(await hits(`q=${encodeURIComponent('执照')}`)).toEqual(['knowledge:营业执照经营范围变更材料清单']);
    await api.as('super').post(`/api/v1/typical-cases/${t.body.id}/publish`);
    expect(await hits(`q=${encodeURIComponent('执照')}`)).toEqual(['knowledge:营业执照经营范围变更材料清单', 'typicalCase:营业执照变更一次办好']);
    expect(await hits(`text=${encodeURIComponent('我想办理营业执照经营范围变更，窗口说缺章程')}`)).toContain('knowledge:营业执照经营范围变更材料清单');
    expect(await hits(`text=${encodeURIComponent('社保关系从外省转回来')}`)).toEqual(['knowledge:社会保险关系转移接续办理指南']);
    expect((await api.as('clerk').get('/api/v1/knowledge/search')).status).toBe(400);
    expect((await api.as(null).get('/api/v1/knowledge/search?q=x')).status).toBe(401);

    const found = await searchPublishedKnowledge(env.ctx.db, '营业执照变更 社保', 5);
    expect(found.map((f) => f.id).sort()).toEqual([ids.licence, ids.social].sort());
    expect(await searchPublishedKnowledge(env.ctx.db, '不动产', 5)).toEqual([]); // the draft
  });

  it('keeps source documents: writers upload PDF/DOCX (other types 400), readers download, writers remove', async () => {
    const send = async (user: string | null, id: number, name: string, content: Buffer) => {
      const m = multipartBody({}, [{ name, content }]);
      const r = await api.app.inject({ method: 'POST', url: `/api/v1/knowledge/${id}/files`, headers: { ...m.headers, ...(user ? { authorization: `Bearer ${api.tokens[user]}` } : {}) }, payload: m.payload });
      return { status: r.statusCode, body: r.json() };
    };
    expect((await send(null, ids.licence, '原件.pdf', pdfFile())).status).toBe(401);
    expect((await send('clerk', ids.licence, '原件.pdf', pdfFile())).status).toBe(403);
    expect((await send('h_rs', ids.licence, '原件.pdf', pdfFile())).status).toBe(403); // another department's entry
    expect((await send('coord', 999999, '原件.pdf', pdfFile())).status).toBe(404);
    const png = await send('coord', ids.licence, '照片.pdf', pngFile());
    expect(png.status).toBe(400);
    expect(png.body.error.message + JSON.stringify(png.body.error.details ?? [])).toMatch(/PDF、OFD 或 Word/);
    const ok = await send('h_scjg', ids.licence, '市场监管总局关于经营范围登记的通知.pdf', pdfFile(0, 'notice'));
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ knowledgeId: ids.licence, name: '市场监管总局关于经营范围登记的通知.pdf', fileType: 'pdf', uploadedBy: 'h_scjg' });
    const entry = (await api.as('clerk').get(`/api/v1/knowledge/${ids.licence}`)).body;
    expect(entry.files.map((f: { id: number }) => f.id)).toEqual([ok.body.id]);
    const dl = await api.app.inject({ method: 'GET', url: `/api/v1/knowledge/${ids.licence}/files/${ok.body.id}`, headers: { authorization: `Bearer ${api.tokens.clerk}` } });
    expect(dl.statusCode).toBe(200);
    expect(dl.rawPayload.equals(pdfFile(0, 'notice'))).toBe(true);
    expect(dl.headers['content-type']).toBe('application/pdf');
    expect((await api.as('clerk').get(`/api/v1/knowledge/${ids.licence}/files/999`)).status).toBe(404);
    const del = (user: string, fid: number) => api.app.inject({ method: 'DELETE', url: `/api/v1/knowledge/${ids.licence}/files/${fid}`, headers: { authorization: `Bearer ${api.tokens[user]}` } });
    expect((await del('clerk', ok.body.id)).statusCode).toBe(403);
    expect((await del('h_rs', ok.body.id)).statusCode).toBe(403);
    const removed = await del('coord', ok.body.id);
    expect(removed.statusCode).toBe(200);
    expect(removed.json().items).toEqual([]);
    expect((await del('coord', ok.body.id)).statusCode).toBe(404);
    expect((await api.as('clerk').get(`/api/v1/knowledge/${ids.licence}/files/${ok.body.id}`)).status).toBe(404);
    const audits = await env.ctx.db.selectFrom('audit_log').select('action').where('action', 'like', 'knowledge.file_%').execute();
    expect(audits.map((a) => a.action)).toEqual(['knowledge.file_added', 'knowledge.file_removed']);
  });

  it('reminds the owning department of a review due within 5 working days, once; past it the entry is 待复核', async () => {
    // Review due 2026-12-31 (Thu); five working days before: 24 Dec (Thu) 09:00.
    const notes = async () => env.ctx.db.selectFrom('notifications').select(['user_id', 'topic', 'title', 'body']).where('topic', '=', 'knowledge_review_due').execute();
    env.clock.set('2026-12-24T00:59:00Z');
    expect(await runKnowledgeReviewReminders(env.ctx)).toBe(0);
    env.clock.set('2026-12-24T01:00:00Z');
    expect(await runKnowledgeReviewReminders(env.ctx)).toBe(1);
    expect(await runKnowledgeReviewReminders(env.ctx)).toBe(0);
    const sent = await notes();
    const hRs = await env.ctx.db.selectFrom('users').select('id').where('username', '=', 'h_rs').executeTakeFirstOrThrow();
    expect(sent.map((n) => n.user_id)).toEqual([hRs.id]);
    expect(sent[0]!.title).toBe('知识复核提醒：社会保险关系转移接续办理指南');
    expect(sent[0]!.body).toContain('2026年12月31日');
    await api.relogin();
    const bell = await api.as('h_rs').get('/api/v1/notifications');
    expect(bell.body.items[0]).toMatchObject({ topic: 'knowledge_review_due', topicLabel: '知识复核提醒', caseId: null });

    env.clock.set('2027-01-01T00:00:00Z');
    await api.relogin();
    const list = (await api.as('clerk').get('/api/v1/knowledge')).body.items;
    expect(list.find((i: { id: number }) => i.id === ids.social).reviewOverdue).toBe(true);
    expect(list.find((i: { id: number }) => i.id === ids.licence).reviewOverdue).toBe(false);
    // A new review date is reminded again.
    const cur = (await api.as('coord').get(`/api/v1/knowledge/${ids.social}`)).body;
    await api.as('coord').put(`/api/v1/knowledge/${ids.social}`, { ...entry(), body: cur.body, reviewDueAt: '2027-01-05' });
    expect(await runKnowledgeReviewReminders(env.ctx)).toBe(1);
    expect(await notes()).toHaveLength(2);
  });
});
