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

const byName = new Intl.Collator('zh-Hans-CN');

/** Departments by name as people look them up (pinyin order of the Chinese name), never by code. */
export function sortByName<T extends { name: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => byName.compare(a.name, b.name));
}

/** Options for a searchable department select (enabled departments, by name in pinyin order). */
export function departmentOptions(items: Department[] | undefined) {
  return sortByName((items ?? []).filter((d) => !d.disabled)).map((d) => ({ value: d.code, label: d.name }));
}

/** The years whose holiday schedule the server holds. */
export function useCalendarYears() {
  return useQuery({
    queryKey: ['calendar-years'],
    queryFn: () => api<{ items: CalendarYearInfo[] }>('/calendar/years').then((r) => r.items),
  });
}
