import { describe, expect, it } from 'vitest';
import { ledgerUrl, monthLedgerUrl, monthsOf, monthWithin, readScope } from './ledgerLinks';

describe('links from a figure to the ledger rows it counts', () => {
  const scope = { from: '2026-03-15', to: '2026-11-26' };

  it('carries the period of intake and the lead department', () => {
    expect(ledgerUrl(scope)).toBe('/cases?receivedFrom=2026-03-15&receivedTo=2026-11-26');
    expect(ledgerUrl({ ...scope, department: 'scjgj' }, { problemType: 'complex' })).toBe(
      '/cases?receivedFrom=2026-03-15&receivedTo=2026-11-26&lead=scjgj&problemType=complex',
    );
    expect(ledgerUrl(scope, { overdue: 'true', channel: undefined })).toBe('/cases?receivedFrom=2026-03-15&receivedTo=2026-11-26&overdue=true');
  });

  it('clips a month to the period', () => {
    expect(monthWithin('2026-03', scope)).toEqual({ from: '2026-03-15', to: '2026-03-31' });
    expect(monthWithin('2026-02', { from: '2024-01-01', to: '2026-12-31' })).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(monthWithin('2024-02', { from: '2024-01-01', to: '2026-12-31' })).toEqual({ from: '2024-02-01', to: '2024-02-29' });
    expect(monthWithin('2026-11', scope)).toEqual({ from: '2026-11-01', to: '2026-11-26' });
    expect(monthWithin('2026-12', scope)).toBeNull();
    expect(monthLedgerUrl('2026-06', { ...scope, department: 'rsj' })).toBe('/cases?receivedFrom=2026-06-01&receivedTo=2026-06-30&lead=rsj');
  });

  it('lists every month of the period, across years', () => {
    expect(monthsOf('2025-11-20', '2026-02-01')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(monthsOf('2026-05-01', '2026-05-31')).toEqual(['2026-05']);
  });

  it('reads the period from the URL, this year to today when missing or wrong', () => {
    expect(readScope(new URLSearchParams('from=2026-02-01&to=2026-03-01&department=gaj'), '2026-11-26')).toEqual({
      from: '2026-02-01',
      to: '2026-03-01',
      department: 'gaj',
    });
    expect(readScope(new URLSearchParams(''), '2026-11-26')).toEqual({ from: '2026-01-01', to: '2026-11-26', department: undefined });
    expect(readScope(new URLSearchParams('from=2026-05-01&to=2026-04-01'), '2026-11-26').from).toBe('2026-01-01');
    expect(readScope(new URLSearchParams('from=yesterday&to=2026-04-01'), '2026-11-26').to).toBe('2026-11-26');
  });
});
