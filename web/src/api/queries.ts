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

/** Options for a searchable department select (enabled departments). */
export function departmentOptions(items: Department[] | undefined) {
  return (items ?? []).filter((d) => !d.disabled).map((d) => ({ value: d.code, label: d.name }));
}

/** The years whose holiday schedule the server holds. */
export function useCalendarYears() {
  return useQuery({
    queryKey: ['calendar-years'],
    queryFn: () => api<{ items: CalendarYearInfo[] }>('/calendar/years').then((r) => r.items),
  });
}
