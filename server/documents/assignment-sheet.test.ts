import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { PROBLEM_TYPE_LABELS } from '../../core/domain.js';
import { DIALECTS, type Api, type TestEnv, useApiEnv } from '../test/harness.js';
import { putSettings } from '../settings/settings.repository.js';
import { act, download, newCase, uscc } from './test-support.js';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** The text of word/document.xml, and the same with the XML tags removed (runs joined). */
async function docxText(buf: Buffer): Promise<{ xml: string; text: string }> {
  const zip = await JSZip.loadAsync(buf);
  const xml = await zip.file('word/document.xml')!.async('string');
  const text = xml
    .replace(/<\/w:p>/g, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
  return { xml, text };
}

describe.each(DIALECTS)('交办单 on %s', (kind) => {
  let env: TestEnv;
  let api: Api;
  let caseId: number;
  let caseNo: string;
  let firstSheet: string;
  // Thursday 2026-11-26 10:00 Asia/Shanghai.
  useApiEnv(
    kind,
    async (readyEnv, readyApi) => {
      env = readyEnv;
      api = readyApi;
      const c = await newCase(api, {
        reporter: { name: '王老板', phone: '13912345678', kind: 'enterprise', orgName: '垫江县好味道餐饮有限公司', orgCode: uscc() },
        matter: '食品经营许可证办理',
        description: '申请食品经营许可证时，被要求提供消防验收意见书 & 房屋产权证明。',
        reason: '门面为 2005 年修建的老旧房屋，无法取得消防验收意见书。',
      });
      caseId = c.id;
      caseNo = c.caseNo;
      const a = await act(api, 'coord', c.id, 'accept', { version: c.version, problemType: 'materials' });
      const d = await act(api, 'coord', c.id, 'dispatch', { version: a.version, level: 2, leadDepartment: 'scjgj', coDepartments: ['zjw'] });
      firstSheet = (d as any).assignmentNo;
    },
    '2026-11-26T02:00:00.000Z',
  );

  it('gives an A4 Word file whose XML holds every field of the sheet', async () => {
    const r = await download(api, 'coord', `/api/v1/cases/${caseId}/assignment-sheet.docx`);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe(DOCX);
    expect(String(r.headers['content-disposition'])).toContain(`filename*=UTF-8''${encodeURIComponent(`交办单-${caseNo}-2026第`)}`);
    const { xml, text } = await docxText(r.body);
    expect(firstSheet).toMatch(/^〔2026〕第\d+号$/);
    for (const s of [
      '垫江县“办不成事”事项交办单',
      firstSheet,
      '2026年11月26日', // 交办日期 and 受理日期
      caseNo,
      '王老板',
      '139****5678',
      '垫江县好味道餐饮有限公司',
      '食品经营许可证办理',
      '申请食品经营许可证时，被要求提供消防验收意见书 & 房屋产权证明。',
      '门面为 2005 年修建的老旧房屋，无法取得消防验收意见书。',
      PROBLEM_TYPE_LABELS.materials,
      '调查核实取证、容缺受理、远程/邮寄签字',
      '二级调度',
      '县市场监管局',
      '县住房城乡建委',
      // Thursday + 5 working days → Thursday 3 December.
      '2026年12月3日（星期四）前（5 个工作日）',
      '答复反映人',
      '抄报县纪委监委党风政风监督室、县行管办备案',
      '交办人：李行管',
      '县行管办',
    ])
      expect(text, s).toContain(s);
    expect(text).not.toContain('13912345678');
    // Official-document fonts, a bordered table, an A4 page.
    expect(xml).toContain('w:eastAsia="方正小标宋简体"');
    expect(xml).toContain('w:eastAsia="黑体"');
    expect(xml).toContain('w:eastAsia="仿宋_GB2312"');
    expect(xml).toMatch(/<w:tblBorders>[\s\S]*<w:insideH w:val="single"[\s\S]*<\/w:tblBorders>/);
    expect(xml).toMatch(/<w:pgSz w:w="11906" w:h="16838"/);
  });

  it('re-issues at an approved escalation and keeps the earlier sheet in the history', async () => {
    let detail = (await api.as('coord').get(`/api/v1/cases/${caseId}`)).body;
    const esc = await act(api, 'coord', caseId, 'request-escalation', { version: detail.version, reason: '消防验收涉及政策突破' });
    const approved: any = await act(api, 'leader', caseId, 'approve-escalation', {
      version: esc.version,
      leadDepartment: 'zjw',
      coDepartments: ['scjgj', 'gaj'],
      dueAt: '2026-12-18T18:00:00+08:00',
    });
    const second = approved.assignmentNo as string;
    expect(second).not.toBe(firstSheet);
    detail = (await api.as('coord').get(`/api/v1/cases/${caseId}`)).body;
    expect(detail.assignmentSheets.map((s: any) => s.sheetNo)).toEqual([firstSheet, second]);

    const latest = await docxText((await download(api, 'coord', `/api/v1/cases/${caseId}/assignment-sheet.docx`)).body);
    expect(latest.text).toContain(second);
    expect(latest.text).toContain('三级调度');
    expect(latest.text).toContain('2026年12月18日（星期五）18:00前');
    expect(latest.text).toContain('县市场监管局、县公安局');
    expect(latest.text).toContain(`本交办单替代${firstSheet}交办单`);
    expect(latest.text).toContain('批准人：赵组长');

    const earlier = await download(api, 'coord', `/api/v1/cases/${caseId}/assignment-sheet.docx?sheet=${encodeURIComponent(firstSheet)}`);
    expect(earlier.status).toBe(200);
    const old = await docxText(earlier.body);
    expect(old.text).toContain(firstSheet);
    expect(old.text).toContain('二级调度');
    expect(old.text).toContain(`已由${second}交办单替代`);
    const bySeq = /第(\d+)号/.exec(firstSheet)![1];
    expect((await docxText((await download(api, 'coord', `/api/v1/cases/${caseId}/assignment-sheet.docx?sheet=${bySeq}`)).body)).text).toContain(firstSheet);
  });

  it('offers a print view with the same content', async () => {
    const r = await api.as('h_zj').get(`/api/v1/cases/${caseId}/assignment-sheet`);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.body).toContain('size: A4');
    expect(r.body).toContain('垫江县“办不成事”事项交办单');
    expect(r.body).toContain('消防验收意见书 &amp; 房屋产权证明');
    expect(r.body).toContain('139****5678');
    expect(String(r.headers['content-security-policy'])).toContain("default-src 'none'");
  });

  it('answers 404 like GET /cases/{id} for a case the caller may not see, and 404 for a case never dispatched', async () => {
    const hidden = await download(api, 'h_rs', `/api/v1/cases/${caseId}/assignment-sheet.docx`);
    const detail = await api.as('h_rs').get(`/api/v1/cases/${caseId}`);
    expect(hidden.status).toBe(404);
    expect(detail.status).toBe(404);
    expect(hidden.json()).toEqual(detail.body);
    const unknown = await download(api, 'coord', '/api/v1/cases/99999999/assignment-sheet.docx?sheet=x');
    expect(unknown.status).toBe(404);
    expect(unknown.json()).toEqual(detail.body);

    const fresh = await newCase(api);
    const none = await download(api, 'coord', `/api/v1/cases/${fresh.id}/assignment-sheet.docx`);
    expect(none.status).toBe(404);
    expect(none.json()).toEqual({ error: { code: 'NOT_FOUND', message: '未找到该记录' } });
    expect((await download(api, 'coord', `/api/v1/cases/${caseId}/assignment-sheet.docx?sheet=${encodeURIComponent('〔2020〕第1号')}`)).status).toBe(404);
    expect((await download(api, null, `/api/v1/cases/${caseId}/assignment-sheet.docx`)).status).toBe(401);
    // 404 before 400: a malformed ?sheet= is judged only once the case is found.
    expect((await download(api, 'h_rs', `/api/v1/cases/${caseId}/assignment-sheet.docx?sheet=1&sheet=2`)).status).toBe(404);
    expect((await download(api, 'coord', `/api/v1/cases/${caseId}/assignment-sheet.docx?sheet=1&sheet=2`)).status).toBe(400);
  });

  it('takes the county name from the settings', async () => {
    await putSettings(env.ctx.db, { countyName: '忠县' }, env.clock.now().toISOString());
    const { text } = await docxText((await download(api, 'super', `/api/v1/cases/${caseId}/assignment-sheet.docx`)).body);
    expect(text).toContain('忠县“办不成事”事项交办单');
    await putSettings(env.ctx.db, { countyName: '垫江县' }, env.clock.now().toISOString());
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await api.as(null).get('/api/v1/openapi.json')).body;
    expect(doc.paths['/api/v1/cases/{id}/assignment-sheet.docx'].get.responses['200'].content).toHaveProperty(DOCX);
    expect(doc.paths['/api/v1/cases/{id}/receipt'].get).toBeDefined();
    expect(doc.paths['/api/v1/ledger/import'].post).toBeDefined();
    expect(doc.paths['/api/v1/ledger/template.xlsx'].get).toBeDefined();
  });
});
