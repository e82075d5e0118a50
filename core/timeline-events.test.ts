import { describe, expect, expectTypeOf, it } from 'vitest';
import { ACTION_RULES, CASE_ACTIONS, type CaseAction } from './case-lifecycle.js';
import {
  PUBLIC_PROGRESS_TEXT,
  SYSTEM_EVENT_TYPES,
  TIMELINE_EVENT_LABELS,
  TIMELINE_EVENT_TYPES,
  isTimelineEventType,
  timelineEventLabel,
  type CaseActionEventData,
  type TimelineEventData,
  type TimelineEventType,
} from './timeline-events.js';

const CHINESE = /[\u4e00-\u9fff]/;

describe('the timeline event types', () => {
  it('are the case actions in table order, then the system events, each once', () => {
    expect(TIMELINE_EVENT_TYPES).toEqual([...CASE_ACTIONS, ...SYSTEM_EVENT_TYPES]);
    expect(new Set(TIMELINE_EVENT_TYPES).size).toBe(TIMELINE_EVENT_TYPES.length);
    for (const a of CASE_ACTIONS) expect(SYSTEM_EVENT_TYPES as readonly string[]).not.toContain(a);
  });

  it('are told from other names', () => {
    for (const t of TIMELINE_EVENT_TYPES) expect(isTimelineEventType(t)).toBe(true);
    for (const t of ['received', 'something_new', 'toString', '', 'case.intake']) expect(isTimelineEventType(t)).toBe(false);
  });

  it('have a data shape each (checked when compiled)', () => {
    expectTypeOf<keyof TimelineEventData>().toEqualTypeOf<TimelineEventType>();
    expectTypeOf<keyof CaseActionEventData>().toEqualTypeOf<CaseAction>();
    expectTypeOf<TimelineEventData['due_soon']>().toEqualTypeOf<{ dueAt: string }>();
    expectTypeOf<TimelineEventData['dispatch']>().toHaveProperty('assignmentNo');
    expectTypeOf<TimelineEventData['supervise']>().toHaveProperty('recordNo');
    expectTypeOf<TimelineEventData['comment']>().toEqualTypeOf<{ note: string }>();
  });
});

describe('the timeline event labels', () => {
  it('name every type, in Chinese, and no other', () => {
    expect(Object.keys(TIMELINE_EVENT_LABELS).sort()).toEqual([...TIMELINE_EVENT_TYPES].sort());
    for (const t of TIMELINE_EVENT_TYPES) {
      expect(TIMELINE_EVENT_LABELS[t].trim()).not.toBe('');
      expect(TIMELINE_EVENT_LABELS[t]).toMatch(CHINESE);
    }
  });

  it('call a case action what its button is called', () => {
    for (const a of CASE_ACTIONS) expect(TIMELINE_EVENT_LABELS[a]).toBe(ACTION_RULES[a].label);
  });

  it('keep the system events’ names as the timeline showed them', () => {
    expect(Object.fromEntries(SYSTEM_EVENT_TYPES.map((t) => [t, TIMELINE_EVENT_LABELS[t]]))).toEqual({
      intake: '登记',
      import: '台账导入',
      due_soon: '即将到期',
      overdue: '已超期',
      measure_due_soon: '措施即将到期',
      measure_overdue: '措施逾期',
      deadline_recomputed: '时限重新计算',
      stage_overdue: '环节超时',
      supervision_overdue: '督办逾期未报告',
      reporter_phoned: '已电话告知',
      attachment_added: '上传附件',
      attachment_withdrawn: '撤回附件',
      knowledge_linked: '引用知识',
      knowledge_unlinked: '取消引用知识',
    });
  });

  it('leave an unknown type as it is', () => {
    expect(timelineEventLabel('dispatch')).toBe('交办');
    expect(timelineEventLabel('overdue')).toBe('已超期');
    expect(timelineEventLabel('something_new')).toBe('something_new');
    expect(timelineEventLabel('toString')).toBe('toString');
  });

  it('are frozen', () => {
    expect(Object.isFrozen(TIMELINE_EVENT_LABELS)).toBe(true);
    expect(Object.isFrozen(PUBLIC_PROGRESS_TEXT)).toBe(true);
  });
});

describe('the public progress text', () => {
  it('tells the reporter of known events only, in Chinese', () => {
    for (const [t, text] of Object.entries(PUBLIC_PROGRESS_TEXT)) {
      expect(isTimelineEventType(t)).toBe(true);
      expect(text).toMatch(CHINESE);
    }
    // Internal marks and remarks are not shown to the public.
    for (const t of ['due_soon', 'overdue', 'measure_due_soon', 'measure_overdue', 'deadline_recomputed', 'stage_overdue', 'comment', 'import'] as const) {
      expect(PUBLIC_PROGRESS_TEXT[t]).toBeUndefined();
    }
  });
});
