/**
 * Pictures of the case documents for the README (node bin/render-documents.js): a demo case database
 * in a temporary folder, one case that went through everything (intake, 提级 with a 会商, two 督办,
 * 差评 verified with 问责, 通报, 线索移送 with its result) and one rejected case; each of the six
 * documents is written exactly as the API serves it, turned into PDF by LibreOffice
 * (`soffice --headless --convert-to pdf`) and its first page into docs/documents/<kind>.png by
 * pdftoppm. Prints the page count of each PDF (the 结案归档表 should be one page).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CASE_DOCUMENT_KINDS, type CaseDocumentKind } from '../../core/case-documents.js';
import type { Actor } from '../../core/case-lifecycle.js';
import type { Role } from '../../core/domain.js';
import { usccCheckChar } from '../../core/validation.js';
import { openPreparedDatabase } from '../boot.js';
import { intakeCase, runCaseAction } from '../cases/case.service.js';
import type { AppContext, Clock } from '../context.js';
import { DEMO_DEPARTMENTS } from '../demo/demo-data.js';
import { insertDepartment, insertUser } from '../users/user.repository.js';
import { loadCaseDocument, renderCaseDocument } from './case-documents.js';

class StepClock implements Clock {
  constructor(public t: Date) {}
  now(): Date {
    return new Date(this.t.getTime());
  }
  /** Moves on by hours (demo steps a little apart). */
  advance(hours: number) {
    this.t = new Date(this.t.getTime() + hours * 3_600_000);
  }
}

const PEOPLE: Array<{ username: string; role: Role; name: string; department?: string }> = [
  { username: 'clerk', role: 'clerk', name: '王晓燕' },
  { username: 'coordinator', role: 'coordinator', name: '李建华' },
  { username: 'leader', role: 'leader', name: '赵国强' },
  { username: 'supervisor', role: 'supervisor', name: '钱文静' },
  { username: 'scjgj', role: 'handler', name: '孙立新', department: 'scjgj' },
  { username: 'zjw', role: 'handler', name: '吴建平', department: 'zjw' },
];

/** Writes the six documents of a demo case into `dir` as .docx; answers their paths by kind. */
export async function writeDemoDocuments(dir: string): Promise<Record<CaseDocumentKind, string>> {
  const handle = await openPreparedDatabase(`sqlite:${path.join(dir, 'demo.db')}`, { dataKey: randomBytes(32) });
  try {
    // Monday 2026-11-23 09:30 Asia/Shanghai.
    const clock = new StepClock(new Date('2026-11-23T01:30:00.000Z'));
    const ctx: AppContext = { db: handle.db, kind: handle.kind, clock };
    const at = clock.now().toISOString();
    const actors = new Map<string, Actor>();
    await handle.db.transaction().execute(async (trx) => {
      for (const [code, name] of DEMO_DEPARTMENTS) await insertDepartment(trx, { code, name, at });
      for (const p of PEOPLE) {
        const userId = await insertUser(trx, { username: p.username, name: p.name, role: p.role, department: p.department ?? null, passwordHash: 'x', at });
        actors.set(p.username, { userId, username: p.username, name: p.name, role: p.role, department: p.department ?? null });
      }
    });
    const as = (u: string) => actors.get(u)!;
    let version = 0;
    let id = 0;
    const act = async (user: string, action: string, body: Record<string, unknown> = {}, hours = 2) => {
      clock.advance(hours);
      const c = await runCaseAction(ctx, String(id), action, { version, ...body }, as(user));
      version = c.version;
    };

    const intake = await intakeCase(
      ctx,
      {
        channel: 'window',
        reporter: { name: '何晓东', phone: '13983461275', kind: 'enterprise', orgName: '垫江县味美佳餐饮管理有限公司', orgCode: '91500231MA5U8XYW1' + usccCheckChar('91500231MA5U8XYW1') },
        matter: '餐饮店装修改造备案',
        departmentCodes: ['scjgj', 'zjw'],
        description: '门面装修改造备案时，窗口要求提供原房屋竣工验收图纸，房屋为2003年修建，无法提供，已往返三次。',
        reason: '老旧房屋没有竣工图纸，窗口不接受其他证明材料。',
      },
      as('clerk'),
    );
    id = intake.record.id;
    version = intake.record.version;
    await act('coordinator', 'accept', { problemType: 'rigid_policy' });
    await act('coordinator', 'dispatch', { level: 1, leadDepartment: 'scjgj' });
    await act('coordinator', 'request-escalation', { reason: '涉及历史遗留房屋，需住建、市场监管共同研究' }, 20);
    await act('leader', 'approve-escalation', {
      leadDepartment: 'zjw',
      coDepartments: ['scjgj'],
      dueAt: '2026-12-11',
      meeting: {
        heldAt: '2026-11-24T15:00:00+08:00',
        convenor: '赵国强（工作组组长）',
        attendees: [
          { department: '县住房城乡建委', people: '吴建平、刘海' },
          { department: '县市场监管局', people: '孙立新' },
          { department: '县行管办', people: '李建华' },
        ],
        decision: '一、由县住房城乡建委牵头，组织对门面进行现场安全勘验，以勘验报告代替原竣工验收图纸；\n二、县市场监管局凭勘验报告办理备案，不得再要求提供竣工图纸；\n三、12月11日前办结，并答复反映人。',
      },
    });
    await act('zjw', 'sign');
    await act('zjw', 'add-measure', { type: 'investigation', note: '组织现场安全勘验，以勘验报告代替竣工图纸', staff: '吴建平' });
    await act('supervisor', 'supervise', { note: '请加快组织现场勘验，并报告进展', dueAt: '2026-11-30T18:00:00+08:00' }, 48);
    await act('zjw', 'report-supervision', { report: '已于11月27日完成现场勘验，勘验报告已送县市场监管局。' }, 20);
    await act('coordinator', 'supervise', { note: '请于本周内办结并答复反映人', dueAt: '2026-12-04T18:00:00+08:00' }, 48);
    await act('scjgj', 'co-reply', { opinion: '已凭勘验报告受理备案，当日办结。' }, 2);
    await act('zjw', 'report-supervision', { report: '备案已办结，已电话答复反映人。' }, 4);
    await act('zjw', 'complete', { result: '以现场勘验报告代替原竣工验收图纸，县市场监管局已办理装修改造备案，已电话答复反映人。', repliedVia: 'phone' }, 1);
    await act('coordinator', 'callback', { attitude: 'dissatisfied', result: 'satisfied', efficiency: 'dissatisfied', integrity: 'satisfied', comment: '窗口前三次推诿，跑了三趟' }, 24);
    await act('supervisor', 'verify', { substantiated: true, outcome: 'accountability', note: '窗口工作人员推诿属实' }, 24);
    await act('coordinator', 'circulate', {
      summary: '县市场监管局政务服务窗口工作人员在群众已说明房屋无竣工图纸的情况下，未主动协调、一次性告知替代办法，致使群众往返三次，属“不愿办”问题。',
      department: 'scjgj',
    });
    await act('supervisor', 'refer-discipline', { handedOver: '回访录音、窗口登记记录、核查笔录', note: '窗口工作人员推诿、群众往返三次' }, 2);
    await act('supervisor', 'record-discipline-result', { referralNo: `移送〔2026〕第1号`, result: '已对窗口工作人员进行诫勉谈话，责令所在科室作出书面检查。' }, 72);
    const fullId = id;

    clock.advance(2);
    const rejected = await intakeCase(
      ctx,
      {
        channel: 'hotline',
        reporter: { name: '张桂兰', phone: '13308291746', kind: 'person' },
        matter: '宅基地使用权确权登记',
        departmentCodes: ['ghzrzyj'],
        description: '与邻居就宅基地边界有争议，申请确权登记一直未办理。',
        reason: '双方边界有争议。',
      },
      as('clerk'),
    );
    id = rejected.record.id;
    version = rejected.record.version;
    await act('coordinator', 'reject', { reasonCategory: 'litigation', explanation: '该宅基地边界纠纷已由县人民法院立案受理，尚在审理中，不属于“办不成事”问题受理范围；待判决生效后，可持生效法律文书申请办理确权登记。' });

    const out = {} as Record<CaseDocumentKind, string>;
    for (const kind of CASE_DOCUMENT_KINDS) {
      const caseId = kind === 'rejection-notice' ? rejected.record.id : fullId;
      const doc = await renderCaseDocument(await loadCaseDocument(ctx, String(caseId), kind, undefined, as('coordinator')));
      out[kind] = path.join(dir, `${kind}.docx`);
      fs.writeFileSync(out[kind], doc.buffer);
    }
    return out;
  } finally {
    await handle.close();
  }
}

/** Renders each document to docs/documents/<kind>.png (first page, 60 dpi); answers the page counts. */
export async function renderDocumentPictures(root: string): Promise<Record<string, number>> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bcs-documents-'));
  const outDir = path.join(root, 'docs', 'documents');
  fs.mkdirSync(outDir, { recursive: true });
  try {
    const files = await writeDemoDocuments(tmp);
    const pages: Record<string, number> = {};
    for (const [kind, file] of Object.entries(files)) {
      // A profile of its own: LibreOffice refuses to start beside another instance's profile.
      execFileSync('soffice', [`-env:UserInstallation=file://${tmp}/lo-profile`, '--headless', '--convert-to', 'pdf', '--outdir', tmp, file], { stdio: 'pipe', timeout: 180_000 });
      const pdf = file.replace(/\.docx$/, '.pdf');
      const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
      pages[kind] = Number(/Pages:\s+(\d+)/.exec(info)?.[1] ?? 0);
      execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', '-singlefile', pdf, path.join(outDir, kind)]);
      if (process.env.KEEP_PDF) fs.copyFileSync(pdf, path.join(process.env.KEEP_PDF, `${kind}.pdf`));
    }
    return pages;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
