import { describe, expect, it } from 'vitest';
import { CHANNEL_WORDS, HEADER_ALIASES, STATUS_WORDS, normaliseHeader, normaliseWord, parseCallback, parseRejection, parseVerification } from './ledger-import.words.js';

describe('the ledger words', () => {
  it('map headers and values of other ledgers to our codes', () => {
    expect(HEADER_ALIASES[normaliseHeader('承办单位（必填）')]).toBe('leadDepartment');
    expect(CHANNEL_WORDS.get(normaliseWord('12345 热线'))).toBe('hotline');
    expect(STATUS_WORDS.get(normaliseWord('已结案'))).toBe('closed');
  });
  it('read 回访评价 as one rating or per aspect', () => {
    expect(parseCallback('满意')).toEqual({ ok: true, value: { attitude: 'satisfied', result: 'satisfied', efficiency: 'satisfied', integrity: 'satisfied' } });
    const partial = parseCallback('服务态度：满意');
    expect(partial.ok).toBe(false);
  });
  it('read 核查结果 and 不予受理 text', () => {
    expect(parseVerification('差评不实')).toEqual({ ok: true, value: { substantiated: false, outcome: 'none' } });
    expect(parseVerification('差评属实').ok).toBe(false);
    expect(parseRejection(null)).toEqual({ category: 'other', explanation: '历史台账导入，未载明不予受理原因' });
  });
});
