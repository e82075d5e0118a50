/**
 * The case documents a county office files besides the 交办单 (GET /cases/{id}/documents/{kind}.docx):
 * 不予受理告知书, 督办单, 通报, 问题线索移送函, 会商纪要 and the one-page 结案归档表. Each is written from
 * the case as GET /cases/{id} answers it (the same visibility and the same data), on the A4 page of
 * official-docx.ts. Which documents a case has is decided in core/case-documents.ts.
 */
import { AlignmentType, Paragraph, type Table } from 'docx';
import type { Actor } from '../../core/case-lifecycle.js';
import {
  CASE_DOCUMENT_ABSENT,
  CASE_DOCUMENT_LABELS,
  isCaseDocumentKind,
  pickCaseDocumentRecord,
  type CaseDocumentKind,
} from '../../core/case-documents.js';
import {
  CHANNEL_LABELS,
  MEASURE_LABELS,
  PROBLEM_TYPE_LABELS,
  RATING_ASPECT_LABELS,
  RATING_ASPECTS,
  RATING_LABELS,
  REJECT_CATEGORY_LABELS,
  REPLY_CHANNEL_LABELS,
  VERIFY_OUTCOME_LABELS,
  type RejectCategory,
} from '../../core/domain.js';
import { maskPhone } from '../../core/validation.js';
import { measureOutcomeText } from '../../core/measures.js';
import { presentFull } from '../cases/case.queries.js';
import { findVisibleCase, parseCaseId } from '../cases/case.repository.js';
import type { CaseAnswer } from '../cases/case.presenter.js';
import type { AppContext } from '../context.js';
import { AppError, validation } from '../errors.js';
import { getSettings } from '../settings/settings.repository.js';
import { listDepartments } from '../users/user.repository.js';
import { COPY_TO } from './assignment-sheet.js';
import {
  CELL,
  CELL_SMALL,
  chineseDateOf,
  chineseDateTimeOf,
  formTable,
  numberParagraph,
  officialDocx,
  pairRow,
  paragraphs,
  prose,
  run,
  SIZE,
  titleParagraph,
  wideRow,
  type CellStyle,
} from './official-docx.js';

const LEVEL_WORDS: Record<number, string> = { 1: '一级调度', 2: '二级调度', 3: '三级调度（提级）' };

/** Everything a document is written from: the case as answered, names, the picked record. */
export interface CaseDocumentInput {
  kind: CaseDocumentKind;
  /** Index of the picked record among the case's records of this kind (0 for a document of the whole case). */
  index: number;
  c: CaseAnswer;
  countyName: string;
  departmentName: (code: string | null | undefined) => string;
  userName: (username: string | null | undefined) => string;
}

/** What the route sends: the file and its names. */
export interface CaseDocumentFile {
  buffer: Buffer;
  /** Chinese file name, e.g. 督办单-2026-000123-督办〔2026〕第1号.docx. */
  fileName: string;
  /** ASCII fallback. */
  asciiName: string;
}

/** The office that issues the paper, in the plan's words. */
export function officeName(countyName: string): string {
  return `${countyName}推进政务服务领域“办不成事”问题解决工作组办公室`;
}

/**
 * Loads a case document for an actor who may see the case: 404 exactly like GET /cases/{id} when
 * the case is not visible, 404 with a Chinese message when the document does not apply to the case
 * or `no` names no record of it, 400 when `no` is malformed.
 */
export async function loadCaseDocument(ctx: AppContext, rawId: string, rawKind: string, noParam: unknown, actor: Actor): Promise<CaseDocumentInput> {
  const record = await findVisibleCase(ctx.db, parseCaseId(rawId), actor);
  if (!isCaseDocumentKind(rawKind)) throw new AppError('NOT_FOUND', '没有这种文书（可用：不予受理告知书、督办单、通报、问题线索移送函、会商纪要、结案归档表）');
  const kind = rawKind;
  if (noParam !== undefined && (typeof noParam !== 'string' || noParam.length > 50)) {
    throw validation([{ field: 'no', message: '文书编号无效' }]);
  }
  const c = await presentFull(ctx, record, actor);
  const index = pickCaseDocumentRecord(c, kind, noParam as string | undefined);
  if (index === null) {
    const absent = pickCaseDocumentRecord(c, kind) === null;
    throw new AppError('NOT_FOUND', absent ? CASE_DOCUMENT_ABSENT[kind] : `该反映件没有编号为 ${String(noParam).trim()} 的${CASE_DOCUMENT_LABELS[kind]}`);
  }
  const [settings, depts] = await Promise.all([getSettings(ctx.db), listDepartments(ctx.db)]);
  const usernames = new Set<string>();
  for (const e of c.events) usernames.add(e.by);
  for (const r of c.supervisionRecords) {
    usernames.add(r.by);
    if (r.reportedBy) usernames.add(r.reportedBy);
  }
  for (const m of c.meetings) usernames.add(m.by);
  if (c.callback) usernames.add(c.callback.by);
  if (c.verification) usernames.add(c.verification.by);
  const users = usernames.size ? await ctx.db.selectFrom('users').select(['username', 'name']).where('username', 'in', [...usernames]).execute() : [];
  const userNames = new Map(users.map((u) => [u.username, u.name]));
  for (const e of c.events) if (e.byName) userNames.set(e.by, e.byName);
  const deptNames = new Map(depts.map((d) => [d.code, d.name]));
  return {
    kind,
    index,
    c,
    countyName: settings.countyName,
    departmentName: (code) => (code ? (deptNames.get(code) ?? code) : ''),
    userName: (u) => (u ? (userNames.get(u) ?? u) : ''),
  };
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

const RECORD_KIND: Record<string, string> = { supervision: 'supervise', circulation: 'circulate', referral: 'referral' };

function recordOf(d: CaseDocumentInput) {
  return d.c.supervisionRecords.filter((r) => r.kind === RECORD_KIND[d.kind])[d.index]!;
}

/** The latest event of a type, or undefined. */
function lastEvent(c: CaseAnswer, type: string) {
  return [...c.events].reverse().find((e) => e.type === type);
}

function firstEvent(c: CaseAnswer, type: string) {
  return c.events.find((e) => e.type === type);
}

const dateOf = (iso: string | null | undefined) => (iso ? chineseDateOf(iso) : '');
const dateTimeOf = (iso: string | null | undefined) => {
  if (!iso) return '';
  const t = chineseDateTimeOf(iso);
  return t.endsWith(' 23:59') ? t.slice(0, -6) : t;
};

function leadName(d: CaseDocumentInput): string {
  return d.departmentName(d.c.leadDepartment) || '（未交办）';
}

function coNames(d: CaseDocumentInput): string {
  return d.c.coDepartments.map(d.departmentName).join('、');
}

/** The reporter as a salutation or in running text: 某某有限公司（张三） or 张三. */
function reporterText(c: CaseAnswer): string {
  return c.reporter.orgName ? `${c.reporter.orgName}（${c.reporter.name}）` : c.reporter.name;
}

/** The reporter in a form: name and masked phone, the enterprise on its own row. */
function reporterRows(c: CaseAnswer, s: CellStyle = CELL) {
  return [
    pairRow('反映人', c.reporter.name, '联系电话', maskPhone(c.reporter.phone), s),
    ...(c.reporter.orgName ? [wideRow('企业名称', c.reporter.orgName, undefined, s)] : []),
  ];
}

function caseFacts(d: CaseDocumentInput, s: CellStyle = CELL, withMatter = true) {
  const { c } = d;
  return [
    pairRow('反映件编号', c.caseNo, '受理日期', dateOf(c.receivedAt), s),
    ...reporterRows(c, s),
    ...(withMatter ? [wideRow('事项名称', c.matter, undefined, s)] : []),
  ];
}

function signature(unit: string, date: string, extra: string[] = []): Paragraph[] {
  return [
    ...extra.map((t, i) => new Paragraph({ alignment: AlignmentType.RIGHT, spacing: { before: i === 0 ? 360 : 0, line: 560, lineRule: 'exact' }, children: [run(t, 'body', SIZE.body)] })),
    new Paragraph({ alignment: AlignmentType.RIGHT, spacing: { before: extra.length ? 0 : 360, line: 560, lineRule: 'exact' }, children: [run(unit, 'body', SIZE.body)] }),
    new Paragraph({ alignment: AlignmentType.RIGHT, spacing: { line: 560, lineRule: 'exact' }, children: [run(`（盖章）　${date}`, 'body', SIZE.body)] }),
  ];
}

function heading(text: string): Paragraph {
  return new Paragraph({ spacing: { line: 560, lineRule: 'exact', before: 0 }, indent: { firstLine: 640 }, children: [run(text, 'label', SIZE.body)] });
}

function note(text: string): Paragraph {
  return new Paragraph({ spacing: { before: 160 }, children: [run(text, 'body', SIZE.small)] });
}

// ---------------------------------------------------------------------------
// The documents
// ---------------------------------------------------------------------------

/** 救济途径 by the reason of the rejection. */
const REMEDIES: Record<RejectCategory, string> = {
  legal: '该事项属于涉法事项，请依法通过行政复议、行政诉讼、仲裁等法定途径主张权利。',
  litigation: '该事项已进入或应当通过诉讼程序解决，请依法向人民法院主张权利，或通过法律援助机构咨询。',
  petition: '该事项属于信访事项，请依照《信访工作条例》向有权处理的机关提出。',
  policy_conflict: '该事项与现行政策规定不符；对相关政策有意见建议的，可向政策制定部门提出，或通过12345政务服务便民热线反映。',
  other: '你可依法通过其他合法途径反映或主张权利，也可拨打12345政务服务便民热线咨询。',
};

function rejectionNotice(d: CaseDocumentInput) {
  const { c } = d;
  const rejection = c.rejection!;
  const decided = lastEvent(c, 'reject');
  const decidedAt = decided?.at ?? c.updatedAt;
  const named = c.departmentCodes.map(d.departmentName).join('、');
  const title = `${d.countyName}“办不成事”问题不予受理告知书`;
  const category = rejection.reasonCategory as RejectCategory;
  return {
    title,
    number: `编号：${c.caseNo}`,
    children: [
      titleParagraph(title, 40),
      numberParagraph(`编号：${c.caseNo}`),
      prose(`${reporterText(c)}：`, { indent: false }),
      prose(
        `你于${dateOf(c.receivedAt)}通过${CHANNEL_LABELS[c.channel]}反映的“${c.matter}”问题（反映件编号：${c.caseNo}，联系电话：${maskPhone(c.reporter.phone)}${named ? `，涉及部门：${named}` : ''}），我办已收悉。`,
      ),
      prose(
        `经审查，该事项属于“${REJECT_CATEGORY_LABELS[category] ?? category}”情形，不属于政务服务领域“办不成事”问题的受理范围。根据${d.countyName}推进政务服务领域“办不成事”问题解决工作方案，决定不予受理。`,
      ),
      heading('一、理由说明'),
      prose(rejection.explanation || '（无）'),
      heading('二、救济途径'),
      prose(REMEDIES[category] ?? REMEDIES.other),
      prose('如对本决定有异议，或补充了新的事实和材料，可向我办申请重新审查；符合受理条件的，我办将予以重新受理。'),
      prose('特此告知。'),
      ...signature(officeName(d.countyName), dateOf(decidedAt)),
      note('（本告知书一式两份，一份送达反映人，一份存档。）'),
    ],
  };
}

function supervisionSheet(d: CaseDocumentInput) {
  const { c } = d;
  const r = recordOf(d);
  const dept = d.departmentName(r.department) || leadName(d);
  const title = `${d.countyName}“办不成事”问题督办单`;
  const report = r.report ? [`${r.report}`, `（${d.userName(r.reportedBy)}报告于${dateTimeOf(r.reportedAt)}${r.overdue ? '，逾期报告' : ''}）`].join('\n') : r.overdue ? '逾期未报告' : '（尚未报告）';
  return {
    title,
    number: r.recordNo,
    children: [
      titleParagraph(title),
      numberParagraph(r.recordNo),
      formTable([
        pairRow('反映件编号', c.caseNo, '督办日期', dateOf(r.at)),
        ...reporterRows(c),
        wideRow('事项名称', c.matter),
        pairRow('调度级别', c.level ? LEVEL_WORDS[c.level]! : '—', '当前状态', c.statusLabel),
        wideRow('被督办部门', dept),
        wideRow('协办部门', coNames(d) || '无'),
        wideRow('原办理时限', c.dueAt ? `${dateTimeOf(c.dueAt)}前${c.extended ? '（已延期）' : ''}` : '—'),
        wideRow('督办事项', r.text, 1800),
        wideRow('督办时限', r.dueAt ? `${dateTimeOf(r.dueAt)}前` : '—'),
        wideRow('督办要求', `请${dept}高度重视，于督办时限前办结并在系统中报告督办落实情况；逾期未报告的，将予以通报。`),
        wideRow('落实情况', report, 1200),
        wideRow('督办单位', [
          ...paragraphs(officeName(d.countyName)),
          ...paragraphs(`督办人：${d.userName(r.by)}`),
          new Paragraph({ alignment: AlignmentType.RIGHT, spacing: { before: 200, line: 360 }, children: [run(`（盖章）　${dateOf(r.at)}`, 'body', SIZE.cell)] }),
        ]),
      ]),
      note(`抄送：${COPY_TO}`),
    ],
  };
}

function circulation(d: CaseDocumentInput) {
  const { c } = d;
  const r = recordOf(d);
  const dept = d.departmentName(r.department) || leadName(d);
  const title = `${d.countyName}“办不成事”问题通报`;
  const co = coNames(d);
  const v = c.verification;
  return {
    title,
    number: r.recordNo,
    children: [
      titleParagraph(title),
      numberParagraph(r.recordNo, AlignmentType.CENTER),
      new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: 240, line: 560, lineRule: 'exact' }, children: [run(`关于${dept}“${c.matter}”问题的通报`, 'label', SIZE.body)] }),
      prose('各乡镇（街道）、县级各部门：', { indent: false }),
      prose(
        `${dateOf(c.receivedAt)}，群众通过${CHANNEL_LABELS[c.channel]}反映“${c.matter}”事项办不成（反映件编号：${c.caseNo}）。该件经县行管办受理${c.problemType ? `，认定为“${PROBLEM_TYPE_LABELS[c.problemType]}”问题` : ''}，交由${leadName(d)}牵头办理${co ? `，${co}协办` : ''}。`,
      ),
      prose(r.text),
      ...(v ? [prose(`经核查，反映问题${v.substantiated ? '属实' : '不属实'}，处理结果：${VERIFY_OUTCOME_LABELS[v.outcome]}${v.note ? `（${v.note}）` : ''}。`)] : []),
      prose(`现对${dept}予以通报。各地各部门要引以为戒、举一反三，切实转变工作作风，坚决杜绝“不给办”“不愿办”“不会办”等问题发生。`),
      ...signature(officeName(d.countyName), dateOf(r.at)),
      new Paragraph({ spacing: { before: 120, after: 100 }, children: [run('附：反映件基本情况', 'label', SIZE.small)] }),
      formTable([...caseFacts(d, CELL_SMALL, false), pairRow('牵头部门', leadName(d), '协办部门', co || '无', CELL_SMALL)], 1500),
      note(`抄送：${COPY_TO}`),
    ],
  };
}

function referral(d: CaseDocumentInput) {
  const { c } = d;
  const r = recordOf(d);
  const dept = d.departmentName(r.department) || leadName(d);
  const title = `${d.countyName}“办不成事”问题线索移送函`;
  const ev = c.events.filter((e) => e.type === 'refer-discipline')[d.index];
  const evNote = (ev?.data as { note?: string } | undefined)?.note;
  return {
    title,
    number: r.recordNo,
    children: [
      titleParagraph(title),
      numberParagraph(r.recordNo),
      prose('县纪委监委：', { indent: false }),
      prose(
        `我办在推进政务服务领域“办不成事”问题解决工作中，发现反映件${c.caseNo}（“${c.matter}”）的办理涉及${dept}，存在需由纪检监察机关核查的问题线索。根据工作方案“问题线索移交县纪委监委”的规定，现将有关问题线索移送你委，请依规依纪依法处理，并将处理结果反馈我办。`,
        { after: 160 },
      ),
      formTable([
        ...caseFacts(d),
        pairRow('涉及部门', dept, '移送日期', dateOf(r.at)),
        wideRow('移交材料', r.text, 1000),
        ...(evNote ? [wideRow('情况说明', evNote, 800)] : []),
        wideRow('处理结果', r.result ? `${r.result}（${dateOf(r.resultAt)}反馈）` : '（待反馈）', 800),
      ]),
      ...signature(officeName(d.countyName), dateOf(r.at), [`联系人：${d.userName(r.by)}`]),
      note(`抄送：${COPY_TO}`),
    ],
  };
}

function meetingMinutes(d: CaseDocumentInput) {
  const { c } = d;
  const m = c.meetings[d.index]!;
  const title = `${d.countyName}“办不成事”问题会商纪要`;
  const number = `${c.caseNo}　第${d.index + 1}次会商`;
  // The meeting was recorded with the approved escalation that carried it.
  const approvals = c.events.filter((e) => e.type === 'approve-escalation' && (e.data as { meeting?: unknown }).meeting);
  const approval = approvals[d.index]?.data as { leadDepartment?: string; coDepartments?: string[]; dueAt?: string } | undefined;
  const request = [...c.events].filter((e) => e.type === 'request-escalation' && (!approvals[d.index] || Date.parse(e.at) <= Date.parse(approvals[d.index]!.at))).pop();
  const requestReason = (request?.data as { reason?: string } | undefined)?.reason;
  const lead = d.departmentName(approval?.leadDepartment ?? c.leadDepartment) || '—';
  const co = (approval?.coDepartments ?? c.coDepartments).map(d.departmentName).join('、');
  const S = CELL_SMALL;
  return {
    title,
    number,
    children: [
      titleParagraph(title),
      numberParagraph(number),
      prose(
        `${dateTimeOf(m.heldAt)}，${m.convenor}召集${d.countyName}推进政务服务领域“办不成事”问题解决工作组有关成员单位，就反映件${c.caseNo}“${c.matter}”提级调度事项进行会商。现将会商意见纪要如下：`,
        { after: 160 },
      ),
      formTable(
        [
          pairRow('会商时间', dateTimeOf(m.heldAt), '召集人', m.convenor, S),
          ...caseFacts(d, S, false),
          wideRow('议题', `${c.matter}${requestReason ? `（提级理由：${requestReason}）` : ''}`, undefined, S),
          wideRow('参会人员', m.attendees.map((a) => `${d.departmentName(a.department)}：${a.people}`).join('\n') || '—', undefined, S),
          wideRow('会商意见', m.decision, 1600, S),
          pairRow('牵头部门', lead, '协办部门', co || '无', S),
          wideRow('办结时限', approval?.dueAt ? `${dateTimeOf(approval.dueAt)}前` : c.dueAt ? `${dateTimeOf(c.dueAt)}前` : '—', undefined, S),
        ],
        1500,
      ),
      ...signature(officeName(d.countyName), dateOf(m.heldAt), [`记录人：${d.userName(m.by)}`]),
      note(`分送：${m.attendees.map((a) => d.departmentName(a.department)).join('、') || lead}；抄送：${COPY_TO}`),
    ],
  };
}

/** The 归档表's cells: 五号 text, tight spacing, so that the whole life fits one page. */
const TIGHT: CellStyle = { size: SIZE.tiny, line: 252, padV: 30, padH: 80 };

/** Long free text on the one-page sheet: kept whole up to `max` characters. */
function clip(text: string | null | undefined, max: number): string {
  const t = (text ?? '').replace(/\s*\n\s*/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

function archiveSheet(d: CaseDocumentInput) {
  const { c } = d;
  const title = `${d.countyName}“办不成事”问题结案归档表`;
  const s = TIGHT;
  const pair = (a: string, b: string, x: string, y: string) => pairRow(a, b, x, y, s);
  const wide = (a: string, b: string) => wideRow(a, b, undefined, s);
  const accepted = firstEvent(c, 'accept');
  const signed = firstEvent(c, 'sign');
  const escalation = lastEvent(c, 'approve-escalation');
  const steps = [
    `${dateOf(c.receivedAt)} 登记（${d.userName(c.createdBy)}）`,
    accepted ? `${dateOf(accepted.at)} 受理（${accepted.byName}）` : c.resolvedOnSpot ? '当场办结' : '',
    ...c.assignmentSheets.map((sh) => `${dateOf(sh.issuedAt)} 交办${sh.sheetNo}（${LEVEL_WORDS[sh.level]}，${d.departmentName(sh.leadDepartment)}）`),
    signed ? `${dateOf(signed.at)} 签收` : '',
    escalation ? `${dateOf(escalation.at)} 批准提级` : '',
    c.firstCompletedAt ? `${dateOf(c.firstCompletedAt)} 办结` : '',
    c.callback ? `${dateOf(c.callback.at)} 回访` : '',
    c.verification ? `${dateOf(c.verification.at)} 核查` : '',
    c.reopenCount ? `重办 ${c.reopenCount} 次` : '',
    c.closedAt ? `${dateOf(c.closedAt)} 归档` : '',
  ].filter(Boolean);
  const extensions = c.events.filter((e) => e.type === 'approve-extension').map((e) => dateOf(e.at));
  const measures = c.measures.map((m) => {
    const outcome = measureOutcomeText({ ...m, withdrawnReason: m.withdrawnReason ? clip(m.withdrawnReason, 40) : null }, m.state, dateOf);
    return `${MEASURE_LABELS[m.type]}${m.note ? `：${clip(m.note, 40)}` : ''}（${dateOf(m.at)}${outcome ? `，${outcome}` : ''}）`;
  });
  const coParts = c.coParts.map((p) => `${p.departmentName}：${p.opinion ? clip(p.opinion, 60) : '未反馈'}`);
  const cb = c.callback;
  const callbackText = cb
    ? `${RATING_ASPECTS.map((a) => `${RATING_ASPECT_LABELS[a]}${RATING_LABELS[cb[a]]}`).join('，')}；${cb.bad ? '差评' : '好评'}${cb.comment ? `（${clip(cb.comment, 40)}）` : ''}；${dateOf(cb.at)}`
    : c.closedUnreachable
      ? `${c.callbackAttempts.length} 次回访未接通，按无法回访办结`
      : '—';
  const v = c.verification;
  const records = c.supervisionRecords.map((r) => {
    const head = `${r.recordNo}（${dateOf(r.at)}${r.department ? `，${d.departmentName(r.department)}` : ''}）`;
    if (r.kind === 'supervise') return `${head}：${clip(r.text, 30)}；${r.report ? `已报告${r.overdue ? '（逾期）' : ''}` : r.overdue ? '逾期未报告' : '未报告'}`;
    if (r.kind === 'referral') return `${head}：${r.result ? `处理结果：${clip(r.result, 30)}` : '待反馈'}`;
    return `${head}：${clip(r.text, 40)}`;
  });
  const meetings = c.meetings.map((m) => `${dateOf(m.heldAt)} ${m.convenor}召集：${clip(m.decision, 50)}`);
  const onTime = c.firstCompletedOnTime === null ? '' : c.firstCompletedOnTime ? '按期办结' : '超期办结';
  return {
    title,
    number: c.caseNo,
    children: [
      titleParagraph(title, 36),
      formTable(
        [
          pair('反映件编号', c.caseNo, '受理日期', dateOf(c.receivedAt)),
          ...reporterRows(c, s),
          pair('事项名称', c.matter, '反映渠道', CHANNEL_LABELS[c.channel]),
          wide('诉求', clip(c.description, 160)),
          wide('办不成原因', clip(c.reason, 100) || '—'),
          pair('问题类型', c.problemType ? PROBLEM_TYPE_LABELS[c.problemType] : '—', '调度级别', c.level ? LEVEL_WORDS[c.level]! : c.resolvedOnSpot ? '当场办结' : '—'),
          pair('牵头部门', leadName(d), '协办部门', coNames(d) || '无'),
          pair('办理时限', c.dueAt ? dateTimeOf(c.dueAt) : '—', '延期', extensions.length ? `${extensions.length} 次（${extensions.join('、')}批准）` : '无'),
          wide('办理经过', steps.join('；')),
          wide('解决措施', measures.join('；') || '无'),
          wide('协办意见', coParts.join('；') || '无'),
          wide('办理结果', `${clip(c.result, 120) || '—'}${c.firstCompletedAt ? `（${dateOf(c.firstCompletedAt)}${onTime ? `${onTime}` : ''}${c.repliedVia ? `，${REPLY_CHANNEL_LABELS[c.repliedVia]}答复` : ''}）` : ''}`),
          wide('回访评价', callbackText),
          wide('核查情况', v ? `${v.substantiated ? '属实' : '不属实'}，${VERIFY_OUTCOME_LABELS[v.outcome]}${v.note ? `（${clip(v.note, 40)}）` : ''}；${dateOf(v.at)}` : '无（未收到差评）'),
          wide('督办通报移送', records.join('\n') || '无'),
          wide('会商', meetings.join('\n') || '无'),
          pair('归档日期', c.closedAt ? dateOf(c.closedAt) : '—', '归档人', ''),
          wide('归档单位', officeName(d.countyName)),
        ],
        1500,
      ),
    ],
    margins: { top: 1134, bottom: 1134 },
  };
}

const WRITERS: Record<CaseDocumentKind, (d: CaseDocumentInput) => { title: string; number: string; children: Array<Paragraph | Table>; margins?: { top: number; bottom: number } }> = {
  'rejection-notice': rejectionNotice,
  supervision: supervisionSheet,
  circulation,
  referral,
  'meeting-minutes': meetingMinutes,
  'archive-sheet': archiveSheet,
};

const ASCII_KIND: Record<CaseDocumentKind, string> = {
  'rejection-notice': 'rejection-notice',
  supervision: 'supervision',
  circulation: 'circulation',
  referral: 'referral',
  'meeting-minutes': 'meeting-minutes',
  'archive-sheet': 'archive-sheet',
};

/** The document as an A4 Word file with its file names. */
export async function renderCaseDocument(d: CaseDocumentInput): Promise<CaseDocumentFile> {
  const w = WRITERS[d.kind](d);
  const buffer = await officialDocx({ title: w.title, description: `${w.number} ${d.c.caseNo}`, children: w.children, ...(w.margins ? { margins: w.margins } : {}) });
  const label = CASE_DOCUMENT_LABELS[d.kind];
  const seq = /第(\d+)号/.exec(w.number)?.[1];
  const suffix = d.kind === 'meeting-minutes' ? `-第${d.index + 1}次` : seq ? `-${w.number}` : '';
  const asciiSuffix = d.kind === 'meeting-minutes' ? `-${d.index + 1}` : seq ? `-${/〔(\d+)〕/.exec(w.number)?.[1] ?? ''}-${seq}` : '';
  return {
    buffer,
    fileName: `${label}-${d.c.caseNo}${suffix}.docx`,
    asciiName: `${ASCII_KIND[d.kind]}-${d.c.caseNo}${asciiSuffix}.docx`,
  };
}
