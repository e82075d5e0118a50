import { describe, expect, it } from 'vitest';
import { CASE_STATUSES } from './domain.js';
import { canBePackageSource, canBeTypicalCaseSource } from './catalogue.js';

describe('the catalogue sources', () => {
  it('takes packages only from completed complex cases', () => {
    expect(canBePackageSource({ problemType: 'complex', firstCompletedAt: '2026-11-20T02:00:00.000Z' })).toBe(true);
    expect(canBePackageSource({ problemType: 'complex', firstCompletedAt: null })).toBe(false);
    expect(canBePackageSource({ problemType: 'unable', firstCompletedAt: '2026-11-20T02:00:00.000Z' })).toBe(false);
    expect(canBePackageSource({ problemType: null, firstCompletedAt: null })).toBe(false);
  });
  it('takes typical cases from every case past 已登记', () => {
    for (const status of CASE_STATUSES) expect(canBeTypicalCaseSource({ status })).toBe(status !== 'received');
  });
});
