/**
 * The rules of the 知识库 (knowledge base): its kinds and states, the status transitions, who may
 * write or see an entry, the safe subset of rich text a body may hold, the words of a search, and
 * when an entry's review (复核) is reminded or overdue. Pure: no I/O; asked by the server (which
 * enforces them) and the web app (which offers only what they allow).
 *
 * States: `draft` (草稿) → `published` (已发布) → `expired` (已失效) → `published` again (复核后
 * 重新发布). Nothing goes back to draft, and a draft never expires without having been published:
 * an entry once shown to the windows keeps its history. Every other change of status → 409.
 */
import type { Actor } from './case-lifecycle.js';
import type { Role } from './domain.js';
import { addCalendarDays, isWorkingDay, shanghaiDate, type WorkCalendar } from './working-days.js';

export const KNOWLEDGE_KINDS = ['policy', 'materials', 'guide', 'faq'] as const;
export type KnowledgeKind = (typeof KNOWLEDGE_KINDS)[number];
export const KNOWLEDGE_KIND_LABELS: Readonly<Record<KnowledgeKind, string>> = { policy: '政策文件', materials: '材料清单', guide: '办事指南', faq: '常见问答' };

export const KNOWLEDGE_STATUSES = ['draft', 'published', 'expired'] as const;
export type KnowledgeStatus = (typeof KNOWLEDGE_STATUSES)[number];
export const KNOWLEDGE_STATUS_LABELS: Readonly<Record<KnowledgeStatus, string>> = { draft: '草稿', published: '已发布', expired: '已失效' };

/** The statuses a new entry may be created in. */
export const KNOWLEDGE_INITIAL: readonly KnowledgeStatus[] = ['draft', 'published'];

/** The one transition table: from a status, the statuses it may change to (the same status is no change). */
export const KNOWLEDGE_TRANSITIONS: Readonly<Record<KnowledgeStatus, readonly KnowledgeStatus[]>> = {
  draft: ['published'],
  published: ['expired'],
  expired: ['published'],
};

/** Why a change of status from `from` (null: a new entry) to `to` is refused (409), or null when allowed. */
export function knowledgeTransitionRefusal(from: KnowledgeStatus | null, to: KnowledgeStatus): string | null {
  if (from === null) return KNOWLEDGE_INITIAL.includes(to) ? null : `新条目只能保存为草稿或直接发布，不能为“${KNOWLEDGE_STATUS_LABELS[to]}”`;
  if (from === to || KNOWLEDGE_TRANSITIONS[from].includes(to)) return null;
  return `知识条目不能从“${KNOWLEDGE_STATUS_LABELS[from]}”改为“${KNOWLEDGE_STATUS_LABELS[to]}”`;
}

/** Roles that write every entry (county level). */
const COUNTY_WRITERS: readonly Role[] = ['coordinator', 'admin'];

/**
 * Whether the actor may write an entry of these departments: coordinators and admins any entry;
 * a handler one whose departments include the handler's own. Nobody else.
 */
export function canWriteKnowledge(actor: Pick<Actor, 'role' | 'department'>, departments: readonly string[]): boolean {
  if (COUNTY_WRITERS.includes(actor.role)) return true;
  return actor.role === 'handler' && !!actor.department && departments.includes(actor.department);
}

/** Whether the actor sees the entry: a published one every staff role; a draft or expired one only its writers. */
export function canSeeKnowledge(actor: Pick<Actor, 'role' | 'department'>, entry: { status: string; departments: readonly string[] }): boolean {
  return entry.status === 'published' || canWriteKnowledge(actor, entry.departments);
}

/** The source documents an entry may carry (checked by content, server/attachments/file-check.ts). */
export const KNOWLEDGE_FILE_TYPES = ['pdf', 'ofd', 'docx', 'doc'] as const;
/** At most this many source documents per entry. */
export const KNOWLEDGE_MAX_FILES = 10;

// ---------------------------------------------------------------------------
// Rich text: a safe subset of HTML
// ---------------------------------------------------------------------------

/** The only tags a body may keep; their attributes are always dropped. */
export const KNOWLEDGE_TAGS = ['p', 'br', 'strong', 'b', 'em', 'i', 'u', 'ul', 'ol', 'li', 'h3', 'h4'] as const;
const TAG = new RegExp(`^<(/?)(${KNOWLEDGE_TAGS.join('|')})(?:\\s[^<>]*)?/?>$`, 'i');
const ENTITY = /^&(?:amp|lt|gt|quot|#39|nbsp|#\d{1,6}|#x[0-9a-f]{1,5});/i;

function escapeText(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === '&') {
      const m = ENTITY.exec(s.slice(i));
      if (m) {
        out += m[0].toLowerCase();
        i += m[0].length - 1;
      } else out += '&amp;';
    } else if (ch === '<') out += '&lt;';
    else if (ch === '>') out += '&gt;';
    else if (ch === '"') out += '&quot;';
    else out += ch;
  }
  return out;
}

/**
 * The body as kept and shown: only the tags of {@link KNOWLEDGE_TAGS}, stripped of every attribute;
 * `<script>` and `<style>` are dropped with their content, every other tag is dropped (its text
 * kept), tags are balanced (a stray closing tag dropped, an unclosed one closed), and every `<`,
 * `>` or `"` left in the text is escaped. The result holds no markup that can
 * run or load anything, so it may be put into a page as HTML. Idempotent.
 */
export function sanitizeKnowledgeBody(html: string): string {
  const withoutCode = html.replace(/<(script|style|iframe|object|template|noscript)\b[\s\S]*?(?:<\/\1\s*>|$)/gi, '').replace(/<!--[\s\S]*?(?:-->|$)/g, '');
  let out = '';
  const open: string[] = [];
  const re = /<\/?[a-zA-Z!][^<>]*>/g;
  let last = 0;
  for (let m = re.exec(withoutCode); m; m = re.exec(withoutCode)) {
    out += escapeText(withoutCode.slice(last, m.index));
    last = m.index + m[0].length;
    const t = TAG.exec(m[0]);
    // Any other tag is dropped; its text (outside the tag) stays.
    if (!t) continue;
    const name = t[2]!.toLowerCase();
    if (name === 'br') out += '<br>';
    else if (!t[1]) {
      open.push(name);
      out += `<${name}>`;
    } else if (open.includes(name)) {
      // A closing tag closes what was left open inside it; a stray one is dropped.
      while (open.length) {
        const top = open.pop()!;
        out += `</${top}>`;
        if (top === name) break;
      }
    }
  }
  out += escapeText(withoutCode.slice(last));
  while (open.length) out += `</${open.pop()}>`;
  return out;
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", nbsp: ' ' };

/** The body's plain text (what the search reads): tags become line breaks, entities are decoded. */
export function knowledgePlainText(safeHtml: string): string {
  return safeHtml
    .replace(/<\/?(?:p|br|li|ul|ol|h3|h4)>/g, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+\d*);/gi, (all, e: string) => {
      const k = e.toLowerCase();
      if (k in NAMED) return NAMED[k]!;
      if (k.startsWith('#x')) return String.fromCodePoint(parseInt(k.slice(2), 16));
      if (k.startsWith('#')) return String.fromCodePoint(Number(k.slice(1)));
      return all;
    })
    .replace(/\n{2,}/g, '\n')
    .trim();
}

/** What the `?q=` search reads of an entry: title, keywords and body text, lower-cased. */
export function knowledgeSearchText(e: { title: string; keywords: readonly string[]; bodyText: string }): string {
  return [e.title, e.keywords.join(' '), e.bodyText].join('\n').toLowerCase();
}

/** The words of a `?q=` search: split at blanks and commas, lower-cased, each once, at most 10. */
export function searchWords(q: string): string[] {
  return [...new Set(q.toLowerCase().split(/[\s,，、;；]+/u).filter((w) => w.length > 0))].slice(0, 10);
}

/** Whether every word is a substring of the search text (the `?q=` rule). */
export function matchesAllWords(searchText: string, words: readonly string[]): boolean {
  return words.every((w) => searchText.includes(w));
}

// ---------------------------------------------------------------------------
// Review (复核)
// ---------------------------------------------------------------------------

/** Working days before the review date at which the owning departments are reminded. */
export const REVIEW_REMINDER_WORKING_DAYS = 5;
/** Local hour (Asia/Shanghai) of the reminder. */
export const REVIEW_REMINDER_HOUR = 9;

/** 09:00 Asia/Shanghai of the 5th working day before the review date's day (by the official calendar). */
export function reviewReminderInstant(reviewDueAt: Date, cal: WorkCalendar): Date {
  let d = shanghaiDate(reviewDueAt);
  for (let found = 0, i = 0; found < REVIEW_REMINDER_WORKING_DAYS && i < 400; i++) {
    d = addCalendarDays(d, -1);
    if (isWorkingDay(d, cal).working) found++;
  }
  return new Date(Date.parse(`${d}T${String(REVIEW_REMINDER_HOUR).padStart(2, '0')}:00:00+08:00`));
}

/** A published entry whose review date has passed: flagged 待复核 in lists. */
export function isReviewOverdue(e: { status: string; reviewDueAt: string | null }, now: Date): boolean {
  return e.status === 'published' && !!e.reviewDueAt && Date.parse(e.reviewDueAt) <= now.getTime();
}

/** Whether the review reminder is owed now: a published entry, not reminded yet, from its reminder instant on. */
export function reviewReminderDue(e: { status: string; reviewDueAt: string | null; reviewRemindedAt: string | null }, now: Date, cal: WorkCalendar): boolean {
  if (e.status !== 'published' || !e.reviewDueAt || e.reviewRemindedAt) return false;
  return reviewReminderInstant(new Date(e.reviewDueAt), cal).getTime() <= now.getTime();
}
