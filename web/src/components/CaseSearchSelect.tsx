/**
 * Picks cases from a server-side search of the ledger (GET /cases with fixed filters, `q` from
 * what is typed — matter, description, enterprise or case number). Values are case ids; the
 * summaries of the chosen cases are kept so their numbers stay visible after a new search.
 */
import { useEffect, useRef, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Space, Spin, Typography } from 'antd';
import { FieldSelect } from './FieldSelect';
import { api, toQuery } from '../api/client';
import type { CasePage, CaseSummary } from '../api/types';
import { leaveOnTab } from './MultiSelect';

export function caseOptionLabel(c: Pick<CaseSummary, 'caseNo' | 'matter' | 'leadDepartmentName'>): string {
  return `${c.caseNo} ${c.matter}${c.leadDepartmentName ? `（${c.leadDepartmentName}）` : ''}`;
}

interface Props {
  /** Fixed list filters, e.g. `{problemType:'complex', status:'completed,closed'}`. */
  filters?: Record<string, string>;
  multiple?: boolean;
  value?: number[] | number | null;
  onChange?: (v: number[] | number | undefined) => void;
  /** Told of the summaries of the chosen cases (for defaults drawn from them). */
  onPicked?: (cases: CaseSummary[]) => void;
  /** Summaries already at hand (so chosen ids show their numbers before any search). */
  knownCases?: CaseSummary[];
  /** Case ids never offered (e.g. the case itself). */
  exclude?: number[];
  id?: string;
  placeholder?: string;
  'aria-label'?: string;
}

export function CaseSearchSelect({ filters = {}, multiple, value, onChange, onPicked, knownCases, exclude, id, placeholder, ...rest }: Props) {
  const [typed, setTyped] = useState('');
  const [term, setTerm] = useState('');
  const known = useRef(new Map<number, CaseSummary>());
  useEffect(() => {
    const t = setTimeout(() => setTerm(typed.trim()), 300);
    return () => clearTimeout(t);
  }, [typed]);
  const filterKey = JSON.stringify(filters);
  const q = useQuery({
    queryKey: ['case-search', filterKey, term],
    queryFn: ({ signal }) => api<CasePage>(`/cases${toQuery({ ...filters, q: term || undefined, limit: 30 })}`, { signal }).then((r) => r.items),
    staleTime: 30_000,
  });
  for (const c of [...(knownCases ?? []), ...(q.data ?? [])]) known.current.set(c.id, c);
  const ids = value === null || value === undefined ? [] : Array.isArray(value) ? value : [value];
  // The chosen cases first (so their numbers show), then the search's answer.
  const shown = new Map<number, CaseSummary>();
  for (const i of ids) {
    const c = known.current.get(i);
    if (c) shown.set(i, c);
  }
  for (const c of q.data ?? []) if (!exclude?.includes(c.id)) shown.set(c.id, c);
  const options = [...shown.values()].map((c) => ({ value: c.id, label: c.caseNo, title: caseOptionLabel(c), summary: c }));

  return (
    <FieldSelect<number[] | number>
      {...rest}
      id={id}
      mode={multiple ? 'multiple' : undefined}
      onInputKeyDown={multiple ? leaveOnTab : undefined}
      showSearch
      allowClear
      filterOption={false}
      placeholder={placeholder ?? '输入编号、事项或企业名称搜索'}
      value={multiple ? ids : (ids[0] ?? undefined)}
      searchValue={typed}
      onSearch={setTyped}
      onChange={(v) => {
        onChange?.(v ?? undefined);
        const chosen = (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]).map((i) => known.current.get(i)).filter((c): c is CaseSummary => !!c);
        onPicked?.(chosen);
        if (multiple) setTyped('');
      }}
      notFoundContent={q.isFetching ? <Spin size="small" /> : '没有符合条件的反映件'}
      options={options}
      optionRender={(o) => {
        const c = (o.data as { summary: CaseSummary }).summary;
        return (
          <Space size={6}>
            <Typography.Text strong>{c.caseNo}</Typography.Text>
            <span>{c.matter}</span>
            {c.leadDepartmentName && <Typography.Text type="secondary">{c.leadDepartmentName}</Typography.Text>}
          </Space>
        );
      }}
      popupMatchSelectWidth={false}
      style={{ width: '100%' }}
    />
  );
}
