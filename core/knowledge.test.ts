import { describe, expect, it } from 'vitest';
import {
  canSeeKnowledge,
  canWriteKnowledge,
  isReviewOverdue,
  knowledgePlainText,
  knowledgeTransitionRefusal,
  matchesAllWords,
  reviewReminderDue,
  reviewReminderInstant,
  sanitizeKnowledgeBody,
  searchWords,
} from './knowledge.js';
import { buildCalendar } from './working-days.js';

const cal = buildCalendar([
  {
    year: 2026,
    holidays: [
      { date: '2026-10-01', name: '国庆节' },
      { date: '2026-10-02', name: '国庆节' },
      { date: '2026-10-05', name: '国庆节' },
      { date: '2026-10-06', name: '国庆节' },
      { date: '2026-10-07', name: '国庆节' },
    ],
    workdays: [{ date: '2026-10-10', name: '国庆节调休' }],
  },
]);

describe('knowledge status transitions', () => {
  it('go draft → published → expired → published, nothing else', () => {
    expect(knowledgeTransitionRefusal(null, 'draft')).toBeNull();
    expect(knowledgeTransitionRefusal(null, 'published')).toBeNull();
    expect(knowledgeTransitionRefusal(null, 'expired')).toMatch(/草稿或直接发布/);
    expect(knowledgeTransitionRefusal('draft', 'published')).toBeNull();
    expect(knowledgeTransitionRefusal('published', 'expired')).toBeNull();
    expect(knowledgeTransitionRefusal('expired', 'published')).toBeNull();
    for (const s of ['draft', 'published', 'expired'] as const) expect(knowledgeTransitionRefusal(s, s)).toBeNull();
    expect(knowledgeTransitionRefusal('draft', 'expired')).toBe('知识条目不能从“草稿”改为“已失效”');
    expect(knowledgeTransitionRefusal('published', 'draft')).toMatch(/已发布.*草稿/);
    expect(knowledgeTransitionRefusal('expired', 'draft')).not.toBeNull();
  });
});

describe('who writes and sees an entry', () => {
  const coord = { role: 'coordinator' as const, department: null };
  const admin = { role: 'admin' as const, department: null };
  const handler = { role: 'handler' as const, department: 'rsj' };
  const clerk = { role: 'clerk' as const, department: null };
  it('coordinators and admins write every entry; a handler only one of their department; others none', () => {
    expect(canWriteKnowledge(coord, [])).toBe(true);
    expect(canWriteKnowledge(admin, ['scjgj'])).toBe(true);
    expect(canWriteKnowledge(handler, ['rsj', 'ybj'])).toBe(true);
    expect(canWriteKnowledge(handler, ['scjgj'])).toBe(false);
    expect(canWriteKnowledge(handler, [])).toBe(false);
    expect(canWriteKnowledge(clerk, ['rsj'])).toBe(false);
    expect(canWriteKnowledge({ role: 'supervisor', department: null }, [])).toBe(false);
  });
  it('every role sees published entries; drafts and expired ones only their writers', () => {
    expect(canSeeKnowledge(clerk, { status: 'published', departments: [] })).toBe(true);
    expect(canSeeKnowledge(clerk, { status: 'draft', departments: [] })).toBe(false);
    expect(canSeeKnowledge(clerk, { status: 'expired', departments: [] })).toBe(false);
    expect(canSeeKnowledge(handler, { status: 'draft', departments: ['rsj'] })).toBe(true);
    expect(canSeeKnowledge(handler, { status: 'draft', departments: ['scjgj'] })).toBe(false);
    expect(canSeeKnowledge(coord, { status: 'draft', departments: ['scjgj'] })).toBe(true);
  });
});

describe('the body’s safe subset', () => {
  it('keeps the allowed tags without attributes and drops scripts, handlers and other tags', () => {
    expect(sanitizeKnowledgeBody('<p>一、<strong>材料</strong></p><ul><li>身份证</li></ul>')).toBe('<p>一、<strong>材料</strong></p><ul><li>身份证</li></ul>');
    expect(sanitizeKnowledgeBody('<script>alert(1)</script><p onclick="x()">好</p>')).toBe('<p>好</p>');
    expect(sanitizeKnowledgeBody('<p style="color:red" class=x>字</p><pre>代码</pre><b\nonmouseover=y>粗</b>')).toBe('<p>字</p>代码<b>粗</b>');
    expect(sanitizeKnowledgeBody('<img src=x onerror=alert(1)>图<a href="javascript:x">链</a>')).toBe('图链');
    expect(sanitizeKnowledgeBody('<P>大写</P><br/><BR>')).toBe('<p>大写</p><br><br>');
    expect(sanitizeKnowledgeBody('a < b & "c" > d')).toBe('a &lt; b &amp; &quot;c&quot; &gt; d');
    expect(sanitizeKnowledgeBody('&lt;script&gt; &amp; &#20013;')).toBe('&lt;script&gt; &amp; &#20013;');
    expect(sanitizeKnowledgeBody('<style>p{}</style><!-- x -->正文<iframe src="x"></iframe>')).toBe('正文');
    expect(sanitizeKnowledgeBody('<scr<script>ipt>alert(1)</script>')).not.toMatch(/<script/i);
  });
  it('is idempotent and leaves no markup but the allowed tags', () => {
    const inputs = ['<p>x</p><svg onload=alert(1)>', '<<p>>', '"><script>alert(1)</script>', '<p title="x">t</p>', '<li>a</li>&foo;'];
    for (const s of inputs) {
      const once = sanitizeKnowledgeBody(s);
      expect(sanitizeKnowledgeBody(once)).toBe(once);
      expect(once.replace(/<\/?(p|br|strong|b|em|i|u|ul|ol|li|h3|h4)>/g, '')).not.toMatch(/[<>"]/);
    }
  });
  it('gives the plain text the search reads', () => {
    expect(knowledgePlainText('<p>社保&amp;医保</p><ul><li>身份证</li><li>户口簿</li></ul>')).toBe('社保&医保\n身份证\n户口簿');
  });
});

describe('the search words', () => {
  it('split at blanks and commas, each a substring that must appear', () => {
    expect(searchWords(' 社保  转移，执照 社保 ')).toEqual(['社保', '转移', '执照']);
    expect(searchWords('')).toEqual([]);
    expect(matchesAllWords('社会保险关系转移 社保', ['社保', '转移'])).toBe(true);
    expect(matchesAllWords('社会保险关系转移', ['社保'])).toBe(false);
  });
});

describe('the review reminder', () => {
  it('is due from 09:00 of the 5th working day before the review date, by the official calendar', () => {
    // Review on Mon 2026-11-30: five working days before are 23–27 Nov → Mon 23 Nov 09:00.
    expect(reviewReminderInstant(new Date('2026-11-30T15:59:59Z'), cal).toISOString()).toBe('2026-11-23T01:00:00.000Z');
    // Review on Mon 2026-10-12: working days before are Sat 10 (调休), Fri 9, Thu 8, Sun... 30 Sep, 29 Sep → 29 Sep.
    expect(reviewReminderInstant(new Date('2026-10-12T02:00:00Z'), cal).toISOString()).toBe('2026-09-29T01:00:00.000Z');
  });
  it('is owed once, only for a published entry, and an entry past its date is 待复核', () => {
    const e = { status: 'published', reviewDueAt: '2026-11-30T15:59:59.000Z', reviewRemindedAt: null };
    expect(reviewReminderDue(e, new Date('2026-11-23T00:59:59Z'), cal)).toBe(false);
    expect(reviewReminderDue(e, new Date('2026-11-23T01:00:00Z'), cal)).toBe(true);
    expect(reviewReminderDue({ ...e, reviewRemindedAt: '2026-11-23T01:00:00Z' }, new Date('2026-11-24T01:00:00Z'), cal)).toBe(false);
    expect(reviewReminderDue({ ...e, status: 'draft' }, new Date('2026-11-24T01:00:00Z'), cal)).toBe(false);
    expect(reviewReminderDue({ ...e, reviewDueAt: null }, new Date('2026-11-24T01:00:00Z'), cal)).toBe(false);
    expect(isReviewOverdue(e, new Date('2026-11-30T15:59:58Z'))).toBe(false);
    expect(isReviewOverdue(e, new Date('2026-11-30T15:59:59Z'))).toBe(true);
    expect(isReviewOverdue({ ...e, status: 'expired' }, new Date('2026-12-30T00:00:00Z'))).toBe(false);
  });
});
