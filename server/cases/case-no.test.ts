import { describe, expect, it } from 'vitest';
import { caseNoOf, formatCaseNo } from './case.repository.js';

describe('case numbers', () => {
  it('are the year and the counter, at least six digits, never cut', () => {
    expect(formatCaseNo(2026, 42)).toBe('2026-000042');
    expect(formatCaseNo(2026, 999_999)).toBe('2026-999999');
    expect(formatCaseNo(2026, 1_000_000)).toBe('2026-1000000');
  });

  it('are recognised in a search as typed, short or past a million', () => {
    expect(caseNoOf('2026-000123')).toBe('2026-000123');
    expect(caseNoOf(' 2026-123 ')).toBe('2026-000123');
    expect(caseNoOf('2026-1000000')).toBe('2026-1000000');
    expect(caseNoOf('2026-0001000000')).toBeNull();
    expect(caseNoOf('社保 2026-1')).toBeNull();
    expect(caseNoOf('26-000123')).toBeNull();
  });
});
