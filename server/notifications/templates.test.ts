import { describe, expect, it } from 'vitest';
import { REJECT_CATEGORIES } from '../../core/domain.js';
import { checkTemplateText, DEFAULT_TEMPLATES, humanShanghai, REJECT_ROUTES, renderTemplate, TOPICS } from './templates.js';
import { backoffMs, parseRecipient } from './outbox-worker.js';

describe('notification templates', () => {
  it('renders every placeholder and reads a missing value as 无', () => {
    const text = renderTemplate('{caseNo}·{matter}·{result}·{dueAt}·{department}', { caseNo: '2026-000001', matter: '医保报销', dueAt: '2026年12月1日 23:59', department: '县医保局' }, 'inapp');
    expect(text).toBe('2026-000001·医保报销·无·2026年12月1日 23:59·县医保局');
  });

  it('cuts a long value in an SMS but not in-app', () => {
    const long = '很'.repeat(300);
    expect(renderTemplate('结果：{result}', { result: long }, 'sms')).toBe(`结果：${'很'.repeat(120)}…`);
    expect(renderTemplate('结果：{result}', { result: long }, 'inapp')).toBe(`结果：${long}`);
  });

  it('refuses unknown placeholders and stray braces, accepts the listed ones', () => {
    expect(checkTemplateText('编号 {caseNo}，{trackUrl}')).toEqual([]);
    expect(checkTemplateText('电话 {phone}')).toEqual(['未知的占位符 {phone}']);
    expect(checkTemplateText('编号 {caseNo')).toEqual(['花括号只能用于占位符，如 {caseNo}']);
    expect(checkTemplateText('{}')).toEqual(['未知的占位符 {}']);
  });

  it('ships a valid Chinese template for every topic, and an objection route for every rejection category', () => {
    for (const [key, t] of Object.entries(DEFAULT_TEMPLATES)) {
      expect(checkTemplateText(t.title), key).toEqual([]);
      expect(checkTemplateText(t.body), key).toEqual([]);
      expect(Object.keys(TOPICS)).toContain(key.split('.')[0]);
      expect(t.body).toMatch(/[\u4e00-\u9fff]/);
    }
    for (const topic of Object.keys(TOPICS)) expect(Object.keys(DEFAULT_TEMPLATES).some((k) => k.startsWith(`${topic}.`)), topic).toBe(true);
    for (const c of REJECT_CATEGORIES) expect(REJECT_ROUTES[c]).toMatch(/^如对不予受理有异议，可依法通过.+途径/);
  });

  it('writes deadlines the way people read them, in Asia/Shanghai', () => {
    expect(humanShanghai('2026-11-30T15:59:59.000Z')).toBe('2026年11月30日 23:59');
    expect(humanShanghai(null)).toBeNull();
  });

  it('backs off exponentially up to an hour, and knows its recipients', () => {
    expect([1, 2, 3, 4].map((n) => backoffMs(n))).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(backoffMs(20)).toBe(3_600_000);
    expect(parseRecipient('department:scjgj')).toEqual({ audience: 'department', department: 'scjgj' });
    expect(parseRecipient('department:')).toEqual({ audience: 'department', department: '' });
    expect(parseRecipient('supervisor')).toEqual({ audience: 'supervisor', department: null });
    expect(parseRecipient('department')).toBeNull();
    expect(parseRecipient('mayor')).toBeNull();
  });
});
