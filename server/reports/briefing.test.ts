/** 工作简报 (issue 12 part 4): GET /reports/briefing.docx on every dialect. */
import JSZip from 'jszip';
import { beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, intakeBody, type Api, type TestEnv, useApiEnv } from '../test/harness.js';
import { download } from '../documents/test-support.js';
import { putSettings } from '../settings/settings.repository.js';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const URL = '/api/v1/reports/briefing.docx';
const CJK = /[\u4e00-\u9fa5]/;

/** word/document.xml as text (runs joined, a line per paragraph), and the PNGs under word/media. */
async function readDocx(buf: Buffer): Promise<{ xml: string; text: string; media: Array<{ name: string; bytes: Buffer }> }> {
  const zip = await JSZip.loadAsync(buf);
  const xml = await zip.file('word/document.xml')!.async('string');
  const text = xml
    .replace(/<\/w:p>/g, '\n')
    .replace(/<w:tab\/>/g, '\t')
    .replace(/<[^>]+>/g, '')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
  const media = await Promise.all(
    Object.keys(zip.files)
      .filter((n) => n.startsWith('word/media/'))
      .map(async (name) => ({ name, bytes: await zip.file(name)!.async('nodebuffer') })),
  );
  return { xml, text, media };
}

/** Width and height of a valid PNG (signature, IHDR first, IEND last); throws otherwise. */
function pngSize(b: Buffer): { width: number; height: number } {
  expect(b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
  expect(b.subarray(12, 16).toString('latin1')).toBe('IHDR');
  expect(b.subarray(b.length - 8, b.length - 4).toString('latin1')).toBe('IEND');
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

describe.each(DIALECTS)('工作简报 on %s', (kind) => {
  let env: TestEnv;
  let api: Api;
  useApiEnv(kind, (e, a) => ((env = e), (api = a)), '2026-11-23T02:00:00.000Z');

  async function act(user: string, id: number, action: string, body: Record<string, unknown>) {
    const r = await api.as(user).post(`/api/v1/cases/${id}/actions/${action}`, body);
    if (r.status !== 200) throw new Error(`${action}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }
  async function dispatched(matter: string, lead: string, handler: string, problemType = 'materials') {
    const c = (await api.as('clerk').post('/api/v1/cases', intakeBody({ matter, departmentCodes: [lead] }))).body;
    let r = await act('coord', c.id, 'accept', { version: 1, problemType });
    r = await act('coord', c.id, 'dispatch', { version: r.version, level: 1, leadDepartment: lead });
    return act(handler, c.id, 'sign', { version: r.version });
  }

  beforeAll(async () => {
    await putSettings(env.ctx.db, { countyName: '丰都县' }, env.clock.now().toISOString());
    // Three cases of one matter (a recurring problem), two departments; one closed satisfied; a 督办; a published typical case.
    const a = await dispatched('个体工商户设立登记', 'scjgj', 'h_scjg');
    let done = await act('h_scjg', a.id, 'complete', { version: a.version, result: '已办结', repliedVia: 'phone' });
    done = await act('coord', a.id, 'callback', { version: done.version, attitude: 'satisfied', result: 'satisfied', efficiency: 'satisfied', integrity: 'satisfied' });
    const b = await dispatched('个体工商户设立登记', 'rsj', 'h_rs', 'misconduct');
    await act('super', b.id, 'supervise', { version: b.version, note: '限期报告', dueAt: '2026-11-24T18:00:00+08:00' });
    await dispatched('个体工商户设立登记', 'scjgj', 'h_scjg');
    await api.as('clerk').post('/api/v1/cases', intakeBody({ matter: '社保卡补办', channel: 'hotline' }));
    const good = await api.as('super').post('/api/v1/typical-cases', { caseId: a.id, kind: 'good', title: '容缺受理助个体户当天拿照', summary: '窗口以书面承诺容缺受理，当日办结。' });
    expect((await api.as('super').post(`/api/v1/typical-cases/${good.body.id}/publish`)).status).toBe(200);
    await api.as('super').post('/api/v1/typical-cases', { caseId: b.id, kind: 'negative', title: '尚未发布的草稿案例', summary: '草稿不应出现在简报中。' });
  });

  it('answers 401 without a session, 403 to a handler, a clerk and the admin', async () => {
    expect((await download(api, null, `${URL}?from=2026-11-01&to=2026-11-30`)).status).toBe(401);
    for (const user of ['h_scjg', 'clerk', 'admin']) {
      const r = await download(api, user, `${URL}?from=2026-11-01&to=2026-11-30`);
      expect(r.status).toBe(403);
      expect(r.json().error.message).toMatch(CJK);
    }
  });

  it.each([
    ['', '日期'],
    ['from=2026-11-01', '日期'],
    ['from=2026-11-30&to=2026-11-01', '结束日期不能早于开始日期'],
    ['from=2026-01-01&to=2027-01-01', '简报期间不能超过一年'],
    ['from=2026-02-30&to=2026-03-01', '日期不存在'],
    ['from=11/01/2026&to=2026-11-30', '日期格式应为 YYYY-MM-DD'],
  ])('answers 400 in Chinese to a bad period: %s', async (query, words) => {
    const r = await download(api, 'coord', `${URL}?${query}`);
    expect(r.status).toBe(400);
    const body = r.json();
    expect(body.error.code).toBe('VALIDATION');
    expect(body.error.message).toMatch(CJK);
    expect(JSON.stringify(body.error)).toContain(words);
  });

  it('is a Word file with the overview, every department, recurring problems, typical cases and four chart pictures', async () => {
    const r = await download(api, 'leader', `${URL}?from=2026-11-01&to=2026-11-30`);
    expect(r.status).toBe(200);
    expect(String(r.headers['content-type'])).toBe(DOCX);
    expect(String(r.headers['content-disposition'])).toContain(`filename*=UTF-8''${encodeURIComponent('工作简报-20261101-20261130.docx')}`);
    const { xml, text, media } = await readDocx(r.body);
    // A4 portrait.
    expect(xml).toMatch(/<w:pgSz w:w="11906" w:h="16838"/);
    expect(text).toContain('丰都县政务服务领域“办不成事”问题解决工作简报');
    expect(text).toContain('（2026年11月1日—2026年11月30日）');

    // The figures are the statistics service's, for the same period.
    const o = (await api.as('leader').get('/api/v1/stats/overview?from=2026-11-01&to=2026-11-30')).body;
    expect(o.received).toBe(4);
    expect(text).toContain(`全县共受理政务服务领域“办不成事”反映${o.received}件，其中当场办结${o.resolvedOnSpot}件、不予受理${o.rejected}件。`);
    expect(text).toContain(`按反映渠道：窗口${o.byChannel.window}件，热线${o.byChannel.hotline}件。`);
    expect(text).toContain(`已办结${o.completed}件，其中按时办结${o.completedOnTime}件，按时办结率100.0%；回访${o.callbacks}件，满意${o.satisfied}件，满意率100.0%`);
    expect(text).toContain('本期发出督办单1件');

    // One row per lead department, with its figures, and the county total.
    const depts = (await api.as('leader').get('/api/v1/stats/departments?from=2026-11-01&to=2026-11-30')).body.items;
    expect(depts.map((d: any) => d.name).sort()).toEqual(['县人力社保局', '县市场监管局']);
    const lines = text.split('\n');
    for (const d of depts) {
      const at = lines.indexOf(d.name);
      expect(at, d.name).toBeGreaterThan(0);
      expect(lines.slice(at + 1, at + 3)).toEqual([String(d.received), String(d.completed)]);
    }
    expect(lines[lines.indexOf('全县合计（含未交办）') + 1]).toBe(String(o.received));

    // Recurring problems and typical cases of the period (no draft).
    expect(text).toContain('同一事项多次反映：“个体工商户设立登记”3件（涉及2个部门）');
    expect(text).toContain('（1）容缺受理助个体户当天拿照');
    expect(text).toContain('【好的做法】');
    expect(text).not.toContain('尚未发布的草稿案例');

    // Four charts, each a valid PNG drawn at twice its size, placed in the document.
    const pngs = media.filter((m) => m.name.endsWith('.png'));
    expect(pngs).toHaveLength(4);
    const sizes = pngs.map((p) => pngSize(p.bytes)).sort((x, y) => x.width - y.width || x.height - y.height);
    expect(sizes).toEqual([
      { width: 800, height: 600 },
      { width: 800, height: 600 },
      { width: 1280, height: 520 },
      { width: 1280, height: 680 },
    ]);
    expect(xml.match(/<pic:pic\b/g)).toHaveLength(4);
  });

  it('says so when a period has nothing: no department table, no chart of departments', async () => {
    const r = await download(api, 'coord', `${URL}?from=2025-01-01&to=2025-12-31`);
    expect(r.status).toBe(200);
    const { text, media } = await readDocx(r.body);
    expect(text).toContain('全县共受理政务服务领域“办不成事”反映0件');
    expect(text).toContain('按时办结率—');
    expect(text).toContain('本期没有已交办的反映件。');
    expect(text).toContain('本期未发现反复出现的问题。');
    expect(text).toContain('本期未发布典型案例。');
    expect(media.filter((m) => m.name.endsWith('.png'))).toHaveLength(3);
  });
});
