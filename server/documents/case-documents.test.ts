import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { CASE_DOCUMENT_KINDS } from '../../core/case-documents.js';
import { DIALECTS, type Api, useApiEnv } from '../test/harness.js';
import { act, download, newCase, uscc } from './test-support.js';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const PHONE = '13912345678';
const MASKED = '139****5678';

/** The text of word/document.xml with the XML tags removed (runs joined, a line per paragraph). */
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

describe.each(DIALECTS)('case documents on %s', (kind) => {
  let api: Api;
  /** Closed after a 差评 with 问责: two 督办, a 会商, a 通报, a 线索移送. */
  let full: { id: number; caseNo: string };
  /** 不予受理. */
  let rejected: { id: number; caseNo: string };
  /** In progress at 县人力社保局 (h_scjg may not see it), nothing to print but... nothing. */
  let plain: { id: number; caseNo: string };
  const docUrl = (id: number, k: string, q = '') => `/api/v1/cases/${id}/documents/${k}.docx${q}`;

  // Thursday 2026-11-26 10:00 Asia/Shanghai.
  useApiEnv(
    kind,
    async (_env, readyApi) => {
      api = readyApi;
      const c = await newCase(api, {
        reporter: { name: '王老板', phone: PHONE, kind: 'enterprise', orgName: '垫江县好味道餐饮有限公司', orgCode: uscc() },
        matter: '餐饮店装修备案',
        departmentCodes: ['scjgj', 'zjw'],
        description: '装修备案被要求提供原房屋竣工图。',
        reason: '老旧房屋没有竣工图。',
      });
      full = c;
      let r = await act(api, 'coord', c.id, 'accept', { version: c.version, problemType: 'rigid_policy' });
      r = await act(api, 'coord', c.id, 'dispatch', { version: r.version, level: 1, leadDepartment: 'scjgj' });
      r = await act(api, 'coord', c.id, 'request-escalation', { version: r.version, reason: '涉及历史遗留房屋' });
      r = await act(api, 'leader', c.id, 'approve-escalation', {
        version: r.version,
        leadDepartment: 'zjw',
        coDepartments: ['scjgj'],
        dueAt: '2026-12-18',
        meeting: { heldAt: '2026-11-26T09:00:00+08:00', convenor: '赵组长', attendees: [{ department: '县住房城乡建委', people: '吴住建' }, { department: '县市场监管局', people: '孙市监' }], decision: '由县住房城乡建委牵头，以现场勘验代替竣工图。' },
      });
      r = await act(api, 'h_zj', c.id, 'sign', { version: r.version });
      r = await act(api, 'h_zj', c.id, 'add-measure', { version: r.version, type: 'special_study', note: '专题研究勘验方案', dueAt: '2026-11-30T18:00:00+08:00' });
      r = await act(api, 'h_zj', c.id, 'add-measure', { version: r.version, type: 'fault_tolerance', note: '容错纠错', dueAt: '2026-11-30T18:00:00+08:00' });
      const [study, mistake] = (r as unknown as { measures: Array<{ id: number }> }).measures;
      r = await act(api, 'h_zj', c.id, 'fulfil-measure', { version: r.version, measureId: study!.id, note: '已专题研究' });
      r = await act(api, 'h_zj', c.id, 'withdraw-measure', { version: r.version, measureId: mistake!.id, reason: '误录的措施' });
      r = await act(api, 'super', c.id, 'supervise', { version: r.version, note: '请加快现场勘验', dueAt: '2026-12-01T18:00:00+08:00' });
      r = await act(api, 'h_zj', c.id, 'report-supervision', { version: r.version, report: '已完成现场勘验' });
      r = await act(api, 'coord', c.id, 'supervise', { version: r.version, note: '请于本周办结', dueAt: '2026-12-04T18:00:00+08:00' });
      r = await act(api, 'h_zj', c.id, 'complete', { version: r.version, result: '以勘验报告代替竣工图，已备案', repliedVia: 'phone' });
      r = await act(api, 'coord', c.id, 'callback', { version: r.version, attitude: 'dissatisfied', result: 'satisfied', efficiency: 'dissatisfied', integrity: 'satisfied', comment: '跑了三趟' });
      r = await act(api, 'super', c.id, 'verify', { version: r.version, substantiated: true, outcome: 'accountability', note: '窗口推诿属实' });
      expect(r.status).toBe('closed');
      r = await act(api, 'coord', c.id, 'circulate', { version: r.version, summary: '县市场监管局窗口以材料不全为由推诿，群众往返三次。', department: 'scjgj' });
      r = await act(api, 'super', c.id, 'refer-discipline', { version: r.version, handedOver: '回访录音、窗口登记记录', note: '窗口人员推诿' });

      const j = await newCase(api, { reporter: { name: '张三', phone: PHONE, kind: 'person' }, matter: '宅基地纠纷', departmentCodes: ['ghzrzyj'] });
      await act(api, 'coord', j.id, 'reject', { version: j.version, reasonCategory: 'litigation', explanation: '该纠纷已由人民法院立案受理。' });
      rejected = j;

      const p = await newCase(api, { matter: '失业保险金申领', departmentCodes: ['rsj'] });
      r = await act(api, 'coord', p.id, 'accept', { version: p.version, problemType: 'unable' });
      await act(api, 'coord', p.id, 'dispatch', { version: r.version, level: 1, leadDepartment: 'rsj' });
      plain = p;
    },
    '2026-11-26T02:00:00.000Z',
  );

  it('answers 401 without a session, and the standard 404 for a case the caller may not see', async () => {
    expect((await download(api, null, docUrl(full.id, 'supervision'))).status).toBe(401);
    const hidden = await download(api, 'h_rs', docUrl(full.id, 'supervision'));
    const unknown = await download(api, 'coord', docUrl(999999, 'supervision'));
    expect(hidden.status).toBe(404);
    expect(hidden.json()).toEqual(unknown.json());
    expect(hidden.json().error.message).toBe('未找到该记录');
    // A handler of the case's lead department sees it.
    expect((await download(api, 'h_zj', docUrl(full.id, 'supervision'))).status).toBe(200);
  });

  it('answers 404 with a Chinese message for an unknown kind, a document the case has not, or an unknown record', async () => {
    const unknownKind = await download(api, 'coord', docUrl(full.id, 'letter'));
    expect(unknownKind.status).toBe(404);
    expect(unknownKind.json().error.message).toContain('没有这种文书');
    const notRejected = await download(api, 'coord', docUrl(full.id, 'rejection-notice'));
    expect(notRejected.status).toBe(404);
    expect(notRejected.json().error.message).toBe('该反映件未作不予受理决定，没有不予受理告知书');
    for (const k of ['supervision', 'circulation', 'referral', 'meeting-minutes', 'archive-sheet']) {
      const r = await download(api, 'coord', docUrl(plain.id, k));
      expect(r.status, k).toBe(404);
      expect(r.json().error.code).toBe('NOT_FOUND');
      expect(r.json().error.message, k).toMatch(/^该反映件/);
    }
    expect((await download(api, 'coord', docUrl(rejected.id, 'archive-sheet'))).status).toBe(404);
    const noRecord = await download(api, 'coord', docUrl(full.id, 'supervision', `?no=${encodeURIComponent('督办〔2026〕第9号')}`));
    expect(noRecord.status).toBe(404);
    expect(noRecord.json().error.message).toBe('该反映件没有编号为 督办〔2026〕第9号 的督办单');
    expect((await download(api, 'coord', docUrl(full.id, 'meeting-minutes', '?no=2'))).status).toBe(404);
    expect((await download(api, 'coord', docUrl(full.id, 'supervision', '?no=1&no=2'))).status).toBe(400);
  });

  async function get(id: number, k: string, q = '') {
    const r = await download(api, 'coord', docUrl(id, k, q));
    expect(r.status, `${k}: ${r.status === 200 ? '' : JSON.stringify(r.json())}`).toBe(200);
    expect(r.headers['content-type']).toBe(DOCX);
    expect(r.body.subarray(0, 4).toString('latin1')).toBe('PK\u0003\u0004');
    const parsed = await docxText(r.body);
    expect(parsed.xml).toMatch(/<w:pgSz w:w="11906" w:h="16838"/);
    expect(parsed.xml).toContain('w:eastAsia="仿宋_GB2312"');
    expect(parsed.text).toContain('垫江县');
    expect(parsed.text).not.toContain(PHONE);
    return { ...parsed, disposition: String(r.headers['content-disposition']) };
  }

  it('writes the 不予受理告知书: reason, explanation, 救济途径, masked phone', async () => {
    const d = await get(rejected.id, 'rejection-notice');
    expect(d.disposition).toContain(`filename*=UTF-8''${encodeURIComponent(`不予受理告知书-${rejected.caseNo}.docx`)}`);
    expect(d.disposition).toContain(`filename="rejection-notice-${rejected.caseNo}.docx"`);
    for (const s of ['垫江县“办不成事”问题不予受理告知书', rejected.caseNo, '张三：', MASKED, '县规划自然资源局', '“涉诉”情形', '决定不予受理', '该纠纷已由人民法院立案受理。', '救济途径', '向人民法院主张权利', '2026年11月26日'])
      expect(d.text, s).toContain(s);
    expect(d.xml).toContain('w:eastAsia="黑体"');
  });

  it('writes each 督办单 by its number, the newest by default, with the report once answered', async () => {
    const newest = await get(full.id, 'supervision');
    expect(newest.disposition).toContain(encodeURIComponent(`督办单-${full.caseNo}-督办〔2026〕第2号.docx`));
    expect(newest.disposition).toContain(`filename="supervision-${full.caseNo}-2026-2.docx"`);
    for (const s of ['垫江县“办不成事”问题督办单', '督办〔2026〕第2号', full.caseNo, MASKED, '垫江县好味道餐饮有限公司', '县住房城乡建委', '县市场监管局', '请于本周办结', '2026年12月4日 18:00前', '（尚未报告）', '督办人：李行管'])
      expect(newest.text, s).toContain(s);
    const first = await get(full.id, 'supervision', `?no=${encodeURIComponent('督办〔2026〕第1号')}`);
    for (const s of ['督办〔2026〕第1号', '请加快现场勘验', '已完成现场勘验', '吴住建报告于', '督办人：钱监督']) expect(first.text, s).toContain(s);
    expect((await get(full.id, 'supervision', '?no=1')).text).toContain('请加快现场勘验');
  });

  it('writes the 通报, the 移送函 and the 会商纪要 naming the departments', async () => {
    const circ = await get(full.id, 'circulation');
    for (const s of ['垫江县“办不成事”问题通报', '通报〔2026〕第1号', '关于县市场监管局“餐饮店装修备案”问题的通报', full.caseNo, MASKED, '县市场监管局窗口以材料不全为由推诿', '县住房城乡建委牵头办理', '反映问题属实', '追责问责'])
      expect(circ.text, s).toContain(s);
    const ref = await get(full.id, 'referral');
    expect(ref.disposition).toContain(encodeURIComponent(`问题线索移送函-${full.caseNo}-移送〔2026〕第1号.docx`));
    for (const s of ['垫江县“办不成事”问题线索移送函', '移送〔2026〕第1号', '县纪委监委：', full.caseNo, MASKED, '县住房城乡建委', '回访录音、窗口登记记录', '窗口人员推诿', '（待反馈）', '联系人：钱监督'])
      expect(ref.text, s).toContain(s);
    const meet = await get(full.id, 'meeting-minutes');
    expect(meet.disposition).toContain(encodeURIComponent(`会商纪要-${full.caseNo}-第1次.docx`));
    for (const s of ['垫江县“办不成事”问题会商纪要', `${full.caseNo}　第1次会商`, '赵组长', '2026年11月26日 09:00', '县住房城乡建委：吴住建', '县市场监管局：孙市监', '以现场勘验代替竣工图', '涉及历史遗留房屋', '2026年12月18日前', MASKED])
      expect(meet.text, s).toContain(s);
  });

  it('writes the 结案归档表 with the whole life of the case', async () => {
    const d = await get(full.id, 'archive-sheet');
    expect(d.disposition).toContain(encodeURIComponent(`结案归档表-${full.caseNo}.docx`));
    for (const s of [
      '垫江县“办不成事”问题结案归档表',
      full.caseNo,
      MASKED,
      '餐饮店装修备案',
      '装修备案被要求提供原房屋竣工图。',
      '老旧房屋没有竣工图。',
      '三级调度',
      '县住房城乡建委',
      '县市场监管局',
      '受理（李行管）',
      '批准提级',
      '以勘验报告代替竣工图，已备案',
      '服务态度不满意',
      '差评',
      '属实，追责问责',
      '督办〔2026〕第1号',
      '督办〔2026〕第2号',
      '通报〔2026〕第1号',
      '移送〔2026〕第1号',
      '赵组长召集',
      '专题研究：专题研究勘验方案（2026年11月26日，2026年11月26日已完成）',
      '容错纠错：容错纠错（2026年11月26日，2026年11月26日已撤回：误录的措施）',
    ])
      expect(d.text, s).toContain(s);
  });

  it('answers every kind of the contract for the closed case but the notice', async () => {
    const detail = (await api.as('coord').get(`/api/v1/cases/${full.id}`)).body;
    expect(detail.status).toBe('closed');
    for (const k of CASE_DOCUMENT_KINDS) expect((await download(api, 'clerk', docUrl(full.id, k))).status, k).toBe(k === 'rejection-notice' ? 404 : 200);
  });
});
