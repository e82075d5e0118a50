import { describe, expect, it } from 'vitest';
import { departmentOptions, sortDepartments } from './queries';

const dept = (code: string, name: string, disabled = false) => ({ code, name, disabled, createdAt: '2026-01-01T00:00:00Z' });

describe('department order', () => {
  // The demo county's departments, in code (pinyin abbreviation) order as the server lists them.
  const byCode = [
    dept('gaj', '县公安局'),
    dept('ghzrzyj', '县规划自然资源局'),
    dept('gjjzx', '县住房公积金管理中心'),
    dept('jtj', '县交通运输局'),
    dept('mzj', '县民政局'),
    dept('rsj', '县人力社保局'),
    dept('scjgj', '县市场监管局'),
    dept('swj', '县税务局'),
    dept('wjw', '县卫生健康委'),
    dept('xgb', '县行管办', true),
    dept('ybj', '县医保局'),
    dept('zjw', '县住房城乡建委'),
  ];

  it('sorts by the name as Chinese readers do (pinyin), not by code', () => {
    expect(sortDepartments(byCode).map((d) => d.name)).toEqual([
      '县公安局',
      '县规划自然资源局',
      '县交通运输局',
      '县民政局',
      '县人力社保局',
      '县市场监管局',
      '县税务局',
      '县卫生健康委',
      '县行管办',
      '县医保局',
      '县住房城乡建委',
      '县住房公积金管理中心',
    ]);
  });

  it('leaves the input alone and breaks ties by code', () => {
    const same = [dept('b', '县某局'), dept('a', '县某局')];
    expect(sortDepartments(same).map((d) => d.code)).toEqual(['a', 'b']);
    expect(same.map((d) => d.code)).toEqual(['b', 'a']);
  });

  it('options: enabled departments by name, labelled with the name only', () => {
    const options = departmentOptions(byCode as never);
    expect(options.map((o) => o.label)).not.toContain('县行管办');
    expect(options[2]).toEqual({ value: 'jtj', label: '县交通运输局' });
    expect(options.every((o) => !/[a-z]/.test(o.label))).toBe(true);
    expect(departmentOptions(undefined)).toEqual([]);
  });
});
