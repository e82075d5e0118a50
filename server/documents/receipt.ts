/**
 * 回执 — the slip the reporter takes home: the case number, when it was registered, what happens
 * next and by when, the hotlines, and a QR code of the public progress page. An A5 print page.
 */
import QRCode from 'qrcode';
import type { Actor } from '../../core/case-lifecycle.js';
import { CHANNEL_LABELS, REJECT_CATEGORY_LABELS, type Channel, type RejectCategory } from '../../core/domain.js';
import { maskPhone } from '../../core/validation.js';
import { formatShanghai, shanghaiDate } from '../../core/working-days.js';
import type { AppContext } from '../context.js';
import { findVisibleCase, parseCaseId, type CaseRecord } from '../cases/case.repository.js';
import { getSettings, type Settings } from '../settings/settings.repository.js';
import { listDepartments } from '../users/user.repository.js';
import { chineseDate } from './assignment-sheet.js';
import { escapeHtml, FONT_STACKS, printPage } from './print-page.js';

/** The public progress page of a case (built at /public/track). */
export function trackUrl(publicBaseUrl: string, caseNo: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/public/track?caseNo=${encodeURIComponent(caseNo)}`;
}

function when(iso: string): string {
  const local = formatShanghai(new Date(iso));
  return `${chineseDate(local.slice(0, 10))} ${local.slice(11, 16)}`;
}

/** What happens next, in plain words for the reporter, by the state the case is in now. */
export function nextSteps(c: CaseRecord, settings: Settings, departmentName: (code: string) => string): string[] {
  const callback = '办结后，县行管办将对您进行电话回访，听取您对服务态度、办理结果、办理效率、廉洁勤政的评价，请留意来电。';
  const due = c.dueAt ? when(c.dueAt).replace(/ 23:59$/, '') : null;
  switch (c.status) {
    case 'received':
      return [
        '县行管办将组织相关部门对您反映的问题进行研判，作出“予以受理”或“不予受理”的决定并告知您。',
        `予以受理的，交承办部门办理：涉及单一部门的原则上 ${settings.levelDays[1]} 个工作日内办结；涉及多个部门的原则上 ${settings.levelDays[2]} 个工作日内办结；特别复杂的由县工作组一事一议确定办结时限。`,
        '承办部门办结后将把办理结果答复您。',
        callback,
      ];
    case 'accepted':
      return [
        '您反映的问题已予以受理，县行管办将尽快交承办部门办理。',
        `涉及单一部门的原则上 ${settings.levelDays[1]} 个工作日内办结；涉及多个部门的原则上 ${settings.levelDays[2]} 个工作日内办结。`,
        callback,
      ];
    case 'assigned':
    case 'in_progress':
      return [
        `您反映的问题已交${c.leadDepartment ? departmentName(c.leadDepartment) : '承办部门'}办理${due ? `，办理时限为${due}前` : ''}。`,
        '承办部门办结后将把办理结果答复您。',
        callback,
      ];
    case 'escalating':
      return ['您反映的问题已提请县“办不成事”问题解决工作组协调，办结时限由工作组研究确定后告知您。', callback];
    case 'completed':
      return ['您反映的问题已办结。', callback];
    case 'verifying':
      return ['您的回访意见正在核查，县行管办将会同县纪委监委党风政风监督室核查督办，并告知您结果。'];
    case 'closed':
      return ['您反映的问题已办结归档。感谢您的监督与支持。'];
    case 'merged':
      return ['您反映的问题与同一问题的其他反映已合并办理，办结后将同样把办理结果答复您。'];
    case 'rejected': {
      const cat = c.rejectCategory ? (REJECT_CATEGORY_LABELS[c.rejectCategory as RejectCategory] ?? '') : '';
      return [`经研判，您反映的问题不予受理${cat ? `（${cat}）` : ''}${c.rejectExplanation ? `：${c.rejectExplanation}` : '。'}`, '如有疑问，请拨打下方咨询电话。'];
    }
  }
}

export interface ReceiptView {
  title: string;
  countyName: string;
  caseNo: string;
  receivedAt: string;
  receivedDate: string;
  channel: string;
  reporterName: string;
  reporterPhone: string;
  orgName: string | null;
  matter: string;
  steps: string[];
  hotlines: string[];
  trackUrl: string;
  /** PNG data URL of the QR code of `trackUrl`. */
  qrDataUrl: string;
  clerkName: string;
}

/**
 * Loads the receipt of a case the actor may see (404 exactly like GET /cases/{id} otherwise).
 * `requestOrigin` stands in for the public base URL when that setting is empty.
 */
export async function loadReceipt(ctx: AppContext, rawId: string, actor: Actor, requestOrigin: string): Promise<ReceiptView> {
  const c = await findVisibleCase(ctx.db, parseCaseId(rawId), actor);
  const [settings, depts, clerk] = await Promise.all([
    getSettings(ctx.db),
    listDepartments(ctx.db),
    ctx.db.selectFrom('users').select('name').where('username', '=', c.createdBy).executeTakeFirst(),
  ]);
  const names = new Map(depts.map((d) => [d.code, d.name]));
  const url = trackUrl(settings.publicBaseUrl || requestOrigin, c.caseNo);
  const qrDataUrl = await QRCode.toDataURL(url, { errorCorrectionLevel: 'M', margin: 2, width: 240 });
  return {
    title: `${settings.countyName}“办不成事”反映回执`,
    countyName: settings.countyName,
    caseNo: c.caseNo,
    receivedAt: when(c.receivedAt),
    receivedDate: chineseDate(shanghaiDate(new Date(c.receivedAt))),
    channel: CHANNEL_LABELS[c.channel as Channel] ?? c.channel,
    reporterName: c.reporter.name,
    reporterPhone: maskPhone(c.reporter.phone),
    orgName: c.reporter.orgName,
    matter: c.matter,
    steps: nextSteps(c, settings, (code) => names.get(code) ?? code),
    hotlines: settings.hotlines,
    trackUrl: url,
    qrDataUrl,
    clerkName: clerk?.name ?? (c.createdBy === 'public' ? '网上平台' : c.createdBy),
  };
}

const RECEIPT_CSS = `
h1 { font-size: 16pt; }
.no { text-align: center; font-family: ${FONT_STACKS.heading}; font-size: 14pt; margin-bottom: 3mm; }
.no b { font-size: 18pt; letter-spacing: 1px; }
table.facts { width: 100%; border-collapse: collapse; margin-bottom: 3mm; }
table.facts th { font-family: ${FONT_STACKS.heading}; font-weight: normal; text-align: left; width: 22%; vertical-align: top; padding: 0.6mm 0; }
table.facts td { padding: 0.6mm 0; }
h2 { font-family: ${FONT_STACKS.heading}; font-weight: normal; font-size: 12pt; margin: 3mm 0 1mm; }
ol { margin: 0; padding-left: 1.3em; }
.track { display: flex; gap: 4mm; align-items: center; margin-top: 3mm; border-top: 1px dashed #666; padding-top: 3mm; }
.track img { width: 30mm; height: 30mm; image-rendering: pixelated; flex: none; }
.track .url { word-break: break-all; font-family: monospace; font-size: 9pt; }
.foot { margin-top: 4mm; text-align: right; }
`;

export function renderReceiptHtml(v: ReceiptView): string {
  const body = `
<h1>${escapeHtml(v.title)}</h1>
<div class="no">编号：<b>${escapeHtml(v.caseNo)}</b></div>
<table class="facts">
<tr><th>反映人</th><td>${escapeHtml(v.reporterName)}${v.orgName ? `（${escapeHtml(v.orgName)}）` : ''}</td></tr>
<tr><th>联系电话</th><td>${escapeHtml(v.reporterPhone)}</td></tr>
<tr><th>反映事项</th><td>${escapeHtml(v.matter)}</td></tr>
<tr><th>登记时间</th><td>${escapeHtml(v.receivedAt)}</td></tr>
<tr><th>反映渠道</th><td>${escapeHtml(v.channel)}</td></tr>
</table>
<h2>接下来</h2>
<ol class="steps">${v.steps.map((s) => `<li>${escapeHtml(s)}</li>`).join('')}</ol>
<div class="track">
<img src="${v.qrDataUrl}" alt="办理进度查询二维码">
<div>
<div>扫码或访问下方网址，输入编号和登记手机号码后四位，即可查询办理进度。</div>
<div class="url">${escapeHtml(v.trackUrl)}</div>
${v.hotlines.length ? `<div>咨询电话：${v.hotlines.map(escapeHtml).join('、')}</div>` : ''}
</div>
</div>
<div class="foot">${escapeHtml(v.countyName)}“办不成事”反映窗口（县行管办）<br>受理人：${escapeHtml(v.clerkName)}　${escapeHtml(v.receivedDate)}</div>
`;
  return printPage({ title: `${v.title} ${v.caseNo}`, pageSize: 'A5', css: RECEIPT_CSS, body });
}
