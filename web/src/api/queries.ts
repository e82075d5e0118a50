/** Shared reads used across pages (departments, settings), cached by React Query. */
import { useQuery } from '@tanstack/react-query';
import { api } from './client';
import type { CalendarYearInfo, Department, Settings } from './types';

export function useDepartments() {
  return useQuery({
    queryKey: ['departments'],
    queryFn: () => api<{ items: Department[] }>('/departments').then((r) => r.items),
    staleTime: 5 * 60_000,
  });
}

/** code → name of every department (empty while loading). */
export function useDepartmentNames(): Map<string, string> {
  const { data } = useDepartments();
  return new Map((data ?? []).map((d) => [d.code, d.name]));
}

export function useSettings() {
  return useQuery({
    queryKey: ['settings'],
    queryFn: () => api<Settings>('/settings'),
    staleTime: 5 * 60_000,
  });
}

const zhCollator = new Intl.Collator('zh-Hans-CN');

/**
 * Departments in the order people look for them: by name as a Chinese reader sorts (pinyin of the
 * characters, `zh-Hans-CN`), not by their pinyin codes (县公安局's code gaj would come before
 * 县规划自然资源局's ghzrzyj, but 县住房公积金管理中心's gjjzx in between).
 */
export function sortDepartments<T extends { name: string; code: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => zhCollator.compare(a.name, b.name) || a.code.localeCompare(b.code));
}

/** Options for a searchable department select (enabled departments, by name): the label is the name. */
export function departmentOptions(items: Department[] | undefined) {
  return sortDepartments((items ?? []).filter((d) => !d.disabled)).map((d) => ({ value: d.code, label: d.name }));
}

/** The years whose holiday schedule the server holds. */
export function useCalendarYears() {
  return useQuery({
    queryKey: ['calendar-years'],
    queryFn: () => api<{ items: CalendarYearInfo[] }>('/calendar/years').then((r) => r.items),
  });
}
