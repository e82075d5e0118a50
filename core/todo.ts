/**
 * The 工作台's "waiting for whom": each to-do kind is a set of `advance`/`refuse` actions of the
 * transition table; which roles have it, which states it lists and whether a handler sees only the
 * cases it leads all follow from `ACTION_RULES`. Nothing here restates a role or a state.
 *
 * Pure: no I/O.
 */
import type { CaseStatus, Role } from './domain.js';
import { ACTION_RULES, type CaseAction } from './case-lifecycle.js';
import { CLOCK_RUNNING_STATUSES } from './clocks.js';

interface TodoDefinition {
  kind: string;
  label: string;
  /** The actions a case of this kind waits for. */
  actions: readonly CaseAction[];
  /** Listed by a pending request rather than by state (a 延期申请 or 派单异议 awaiting a decision). */
  pending?: 'extension' | 'contest' | 'supervision';
  /** A role's own wording where it differs (the clerk watches what it registered). */
  labelFor?: Partial<Record<Role, string>>;
}

/** In the order the 工作台 shows them. */
export const TODO_DEFINITIONS: readonly TodoDefinition[] = [
  { kind: 'to_triage', label: '待受理', actions: ['accept', 'reject', 'resolve-on-spot'], labelFor: { clerk: '已登记待受理' } },
  { kind: 'to_dispatch', label: '待交办', actions: ['dispatch'] },
  { kind: 'to_sign', label: '待签收', actions: ['sign'] },
  { kind: 'to_complete', label: '办理中待办结', actions: ['complete'] },
  { kind: 'escalations', label: '提级待审批', actions: ['approve-escalation', 'deny-escalation'] },
  { kind: 'to_callback', label: '待回访', actions: ['callback'] },
  { kind: 'to_verify', label: '差评待核查', actions: ['verify'] },
  { kind: 'extension_requests', label: '延期待审批', actions: ['approve-extension', 'deny-extension'], pending: 'extension' },
  { kind: 'contests', label: '派单异议待处理', actions: ['uphold-dispatch'], pending: 'contest' },
  { kind: 'supervision_reports', label: '督办待报告', actions: ['report-supervision'], pending: 'supervision' },
];

/** The list filters of a to-do (the names of the case list's query parameters). */
export interface TodoFilters {
  status?: CaseStatus[];
  lead?: string;
  department?: string;
  pendingExtension?: true;
  pendingContest?: true;
  /** Open cases with a 督办 awaiting its report. */
  pendingSupervision?: true;
  /** Only cases of these levels (a 延期 of a level-3 case is the leader's, of levels 1–2 the coordinator's). */
  level?: number[];
}

export interface TodoKind {
  kind: string;
  label: string;
  filters: TodoFilters;
  /** Cases the department helps with but does not lead (协办): counted without those it leads. */
  excludeLed?: boolean;
}

function statesOf(actions: readonly CaseAction[]): CaseStatus[] {
  const out: CaseStatus[] = [];
  for (const a of actions) {
    const from = ACTION_RULES[a].from;
    if (typeof from === 'string') continue;
    for (const s of from) if (!out.includes(s)) out.push(s);
  }
  return out;
}

/**
 * The to-do kinds of a role (for a handler, of its department): every kind one of whose actions
 * the role may take, filtered as the table says; a handler also watches the cases its department
 * helps with (协办中).
 */
export function todoKindsFor(role: Role, department: string | null): TodoKind[] {
  const out: TodoKind[] = [];
  for (const d of TODO_DEFINITIONS) {
    const mine = d.actions.filter((a) => ACTION_RULES[a].roles.includes(role));
    if (!mine.length) continue;
    const filters: TodoFilters =
      d.pending === 'extension'
        ? { pendingExtension: true }
        : d.pending === 'contest'
          ? { pendingContest: true }
          : d.pending === 'supervision'
            ? { pendingSupervision: true }
            : { status: statesOf(mine) };
    if (role === 'handler' && mine.every((a) => ACTION_RULES[a].handler === 'lead')) filters.lead = department ?? '';
    // Actions decided by level: only the levels this role decides.
    if (mine.every((a) => ACTION_RULES[a].deciders)) {
      const levels = ([1, 2, 3] as const).filter((level) => mine.some((a) => ACTION_RULES[a].deciders!({ level }).includes(role)));
      if (levels.length < 3) filters.level = levels;
    }
    out.push({ kind: d.kind, label: d.labelFor?.[role] ?? d.label, filters });
  }
  if (role === 'handler') {
    out.push({ kind: 'co_handling', label: '协办中', filters: { status: [...CLOCK_RUNNING_STATUSES], department: department ?? '' }, excludeLed: true });
  }
  return out;
}

/**
 * The case list's query string of a set of filters (a to-do kind's, or the 工作台's overdue list):
 * arrays comma-joined, empty and false values left out. The server names each to-do's list with it
 * (GET /cases/todo), and the web app asks for those lists before the counts arrive.
 */
export function filterQueryString(f: object): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) {
    if (v === undefined || v === '' || v === false) continue;
    p.set(k, Array.isArray(v) ? v.join(',') : String(v));
  }
  return p.toString();
}
