/**
 * The case lifecycle (docs/DOMAIN.md §Lifecycle, docs/CONTRACT.md §Actions): who may do what in which state, and what
 * each action changes. Pure and table-driven: the expectations below are written from the
 * contract, not read back from the transition table in case-lifecycle.ts.
 */
import { isOverdue } from './clocks.js';
import { describe, expect, it } from 'vitest';
import {
  ACTION_RULES,
  CASE_ACTIONS,
  DEFAULT_LIFECYCLE_SETTINGS,
  allowedActions,
  checkAgainstCase,
  canMergeInto,
  canSeeCase,
  decide,
  isCaseAction,
  isCirculationPending,
  isCirculationRequired,
  signUndoable,
  UNDO_SIGN_MINUTES,
  RATING_REPORTER,
  type Actor,
  type CaseAction,
  type CaseCommand,
  type CaseState,
  type DecideContext,
  type Decision,
  type Ratings,
} from './case-lifecycle.js';
import { CASE_STATUSES, RATING_ASPECTS, type CaseStatus, type Role } from './domain.js';
import { officialCalendar } from './holidays/index.js';

// ---------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------

/** Wednesday 30 September 2026, 10:00 in Shanghai: the eve of the 国庆节 holiday (1–7 October). */
const NOW = new Date('2026-09-30T02:00:00Z');
const NOW_ISO = NOW.toISOString();
const ctx: DecideContext = { now: NOW, calendar: officialCalendar(), settings: DEFAULT_LIFECYCLE_SETTINGS };

/** End of Tuesday 13 October 2026 in Shanghai: a deadline still in the future at NOW. */
const FUTURE_DUE = '2026-10-13T15:59:59.000Z';
/** End of Tuesday 29 September 2026 in Shanghai: a deadline already passed at NOW. */
const PAST_DUE = '2026-09-29T15:59:59.000Z';

const LEAD = 'scjgj'; // 市场监管局, the lead department (牵头部门)
const CO = 'rsj'; // 人社局, a co-department (协办部门)
const OTHER = 'gaj'; // 公安局, a department with nothing to do with the case

function actor(role: Role, department: string | null, username: string): Actor {
  return { userId: username.length, username, name: `测试${username}`, role, department };
}

const ACTORS = {
  clerk: actor('clerk', null, 'clerk1'),
  coordinator: actor('coordinator', null, 'coord1'),
  leader: actor('leader', null, 'leader1'),
  supervisor: actor('supervisor', null, 'super1'),
  admin: actor('admin', null, 'admin1'),
  leadHandler: actor('handler', LEAD, 'lead1'),
  coHandler: actor('handler', CO, 'co1'),
  otherHandler: actor('handler', OTHER, 'other1'),
  unboundHandler: actor('handler', null, 'nodept1'),
} satisfies Record<string, Actor>;
type Who = keyof typeof ACTORS;
const EVERYONE = Object.keys(ACTORS) as Who[];

/** How each actor reads in a test name. */
const WHO: Record<Who, string> = {
  clerk: 'a clerk',
  coordinator: 'the coordinator',
  leader: 'a leader',
  supervisor: 'the supervisor',
  admin: 'an admin',
  leadHandler: 'a handler of the lead department',
  coHandler: 'a handler of a co-department',
  otherHandler: 'a handler of an uninvolved department',
  unboundHandler: 'a handler bound to no department',
};

const NOT_DISPATCHED: readonly CaseStatus[] = ['received', 'accepted', 'rejected'];
const COMPLETED_ONCE: readonly CaseStatus[] = ['completed', 'verifying', 'closed'];

/**
 * A realistic case in `status`: before dispatch it has no departments and no deadline; from
 * dispatch on it is a level-2 case led by LEAD with CO as co-department and a future deadline;
 * an escalating case came from `assigned`.
 */
function caseIn(status: CaseStatus, over: Partial<CaseState> = {}): CaseState {
  const dispatched = !NOT_DISPATCHED.includes(status);
  return {
    status,
    version: 7,
    level: dispatched ? 2 : null,
    problemType: status === 'received' || status === 'rejected' ? null : 'materials',
    leadDepartment: dispatched ? LEAD : null,
    coDepartments: dispatched ? [CO] : [],
    dueAt: dispatched ? FUTURE_DUE : null,
    escalatedFrom: status === 'escalating' ? 'assigned' : null,
    firstCompletedAt: COMPLETED_ONCE.includes(status) ? '2026-09-29T08:00:00.000Z' : null,
    // made lead the day before NOW: a 派单异议 is still within its one working day
    leadSince: dispatched ? '2026-09-29T02:00:00.000Z' : null,
    ...over,
  };
}

type CommandOf<A extends CaseAction> = Extract<CaseCommand, { type: A }>;

const ALL_SATISFIED: Ratings = {
  attitude: 'satisfied',
  result: 'basically_satisfied',
  efficiency: 'satisfied',
  integrity: 'basically_satisfied',
};

/** One valid command per action (field validation is the caller's; these pass it). */
const SAMPLE: { [A in CaseAction]: CommandOf<A> } = {
  'resolve-on-spot': { type: 'resolve-on-spot', result: '当场协调窗口补办完成' },
  reject: { type: 'reject', reasonCategory: 'litigation', explanation: '该事项已进入诉讼程序' },
  accept: { type: 'accept', problemType: 'rigid_policy' },
  'change-problem-type': { type: 'change-problem-type', problemType: 'complex' },
  dispatch: { type: 'dispatch', level: 2, leadDepartment: LEAD, coDepartments: [CO] },
  'request-escalation': { type: 'request-escalation', reason: '涉及多个部门，需要工作组协调' },
  'approve-escalation': {
    type: 'approve-escalation',
    leadDepartment: OTHER,
    coDepartments: [LEAD, CO],
    dueAt: '2026-10-20T18:00:00+08:00',
  },
  'deny-escalation': { type: 'deny-escalation', reason: '由牵头部门继续办理即可' },
  sign: { type: 'sign' },
  'undo-sign': { type: 'undo-sign' },
  complete: { type: 'complete', result: '已办结，证照已发放', repliedVia: 'phone' },
  callback: { type: 'callback', ...ALL_SATISFIED },
  verify: { type: 'verify', substantiated: false, outcome: 'none', note: '经核查差评不实' },
  urge: { type: 'urge', note: '请加快办理' },
  'add-measure': { type: 'add-measure', measureType: 'tolerance_acceptance', note: '申请人承诺补交材料' },
  comment: { type: 'comment', note: '已与反映人电话沟通' },
  'request-extension': { type: 'request-extension', dueAt: '2026-10-20T18:00:00+08:00', reason: '需补充现场勘验' },
  'approve-extension': { type: 'approve-extension' },
  'deny-extension': { type: 'deny-extension', reason: '时限足够' },
  supervise: { type: 'supervise', note: '请于期限内办结并报告', dueAt: '2026-10-16T18:00:00+08:00' },
  circulate: { type: 'circulate', summary: '窗口工作人员态度生硬，全县通报' },
  'refer-discipline': { type: 'refer-discipline', handedOver: '反映材料及核查记录' },
  'report-supervision': { type: 'report-supervision', report: '已于督办时限内办结并答复反映人' },
  'record-discipline-result': { type: 'record-discipline-result', referralNo: '移送〔2026〕第1号', result: '已立案审查，给予诫勉谈话' },
  contest: { type: 'contest', reason: '该事项属于人社局职责', suggestedDepartment: CO },
  'uphold-dispatch': { type: 'uphold-dispatch', reason: '经核实属于本部门职责' },
  redispatch: { type: 'redispatch', level: 1, leadDepartment: OTHER, coDepartments: [], reason: '异议成立，改派' },
  'co-reply': { type: 'co-reply', opinion: '本部门已出具社保缴费证明' },
  correct: { type: 'correct', changes: { matter: '个体工商户变更登记' }, note: '受理员录入错误' },
  reopen: { type: 'reopen', reason: '反映人再次来电反映同一问题', dueAt: '2026-10-20T18:00:00+08:00' },
  merge: { type: 'merge', into: 99, note: '同一反映人同一事项' },
  'callback-attempt': { type: 'callback-attempt', outcome: 'no_answer' },
  'close-unreachable': { type: 'close-unreachable', note: '三次回访均未接通' },
  'fulfil-measure': { type: 'fulfil-measure', measureId: 5, note: '已补交房屋产权证明' },
  'withdraw-measure': { type: 'withdraw-measure', measureId: 5, reason: '误录，申请人材料已齐全' },
};

/** States in which supervision records (通报, 线索移送) may be made: after acceptance, closed cases included. */
const RECORDABLE: readonly CaseStatus[] = ['accepted', 'assigned', 'in_progress', 'escalating', 'completed', 'verifying', 'closed'];
/** States in which a 督办 may be issued: the clock is running or about to. */
const SUPERVISABLE: readonly CaseStatus[] = ['accepted', 'assigned', 'in_progress', 'escalating'];

/** decide() with the case's own version unless told otherwise. */
function run(c: CaseState, cmd: CaseCommand, who: Who, version = c.version, context = ctx): Decision {
  return decide(c, cmd, ACTORS[who], version, context);
}

function expectOk(d: Decision): Extract<Decision, { ok: true }> {
  if (!d.ok) throw new Error(`expected the action to be allowed, got ${d.error.code}: ${d.error.message}`);
  return d;
}

function errorCode(d: Decision): string {
  return d.ok ? 'ok' : d.error.code;
}

// ---------------------------------------------------------------------------
// The contract's moves: (state, action, who) → next state
// ---------------------------------------------------------------------------

interface Move {
  status: CaseStatus;
  action: CaseAction;
  who: Who;
  next: CaseStatus;
}
const move = (status: CaseStatus, action: CaseAction, who: Who, next: CaseStatus): Move => ({ status, action, who, next });

/** Every state but rejected and closed (docs/CONTRACT.md §Actions: "open"). */
const OPEN_STATUSES: readonly CaseStatus[] = ['received', 'accepted', 'assigned', 'in_progress', 'escalating', 'completed', 'verifying'];
/** Open states in which the case has departments (a handler can see it). */
const OPEN_DISPATCHED = OPEN_STATUSES.filter((s) => !NOT_DISPATCHED.includes(s));

const MOVES: Move[] = [
  move('received', 'resolve-on-spot', 'clerk', 'completed'),
  move('received', 'resolve-on-spot', 'coordinator', 'completed'),
  move('received', 'reject', 'coordinator', 'rejected'),
  move('received', 'accept', 'coordinator', 'accepted'),
  move('accepted', 'dispatch', 'coordinator', 'assigned'),
  move('accepted', 'request-escalation', 'coordinator', 'escalating'),
  move('assigned', 'request-escalation', 'coordinator', 'escalating'),
  move('in_progress', 'request-escalation', 'coordinator', 'escalating'),
  move('escalating', 'approve-escalation', 'leader', 'assigned'),
  move('escalating', 'deny-escalation', 'leader', 'assigned'), // the fixture came from assigned
  move('assigned', 'sign', 'leadHandler', 'in_progress'),
  move('in_progress', 'complete', 'leadHandler', 'completed'),
  move('completed', 'callback', 'coordinator', 'closed'), // no 不满意 in the sample
  move('verifying', 'verify', 'coordinator', 'closed'), // 差评不实 in the sample
  move('verifying', 'verify', 'supervisor', 'closed'),
  // urge: coordinator, leader, supervisor, while open
  ...OPEN_STATUSES.flatMap((s) => (['coordinator', 'leader', 'supervisor'] as const).map((w) => move(s, 'urge', w, s))),
  // add-measure: coordinator and handlers of the lead department, while open
  ...OPEN_STATUSES.map((s) => move(s, 'add-measure', 'coordinator', s)),
  ...OPEN_DISPATCHED.map((s) => move(s, 'add-measure', 'leadHandler', s)),
  // comment (an extension of the contract): every staff role but admin, on cases they can see, while open
  ...OPEN_STATUSES.flatMap((s) => (['clerk', 'coordinator', 'leader', 'supervisor'] as const).map((w) => move(s, 'comment', w, s))),
  ...OPEN_DISPATCHED.flatMap((s) => (['leadHandler', 'coHandler'] as const).map((w) => move(s, 'comment', w, s))),
  // change-problem-type (an extension: "set at acceptance, changeable"): coordinator, after acceptance, while open
  ...OPEN_STATUSES.filter((s) => s !== 'received').map((s) => move(s, 'change-problem-type', 'coordinator', s)),
  // 延期 (issue 5): the lead department asks while the clock runs
  move('assigned', 'request-extension', 'leadHandler', 'assigned'),
  move('in_progress', 'request-extension', 'leadHandler', 'in_progress'),
  // 督办: coordinator, leader, supervisor
  ...SUPERVISABLE.flatMap((s) => (['coordinator', 'leader', 'supervisor'] as const).map((w) => move(s, 'supervise', w, s))),
  // 通报 and 线索移送: coordinator and supervisor, closed cases included
  ...RECORDABLE.flatMap((s) => (['coordinator', 'supervisor'] as const).flatMap((w) => [move(s, 'circulate', w, s), move(s, 'refer-discipline', w, s)])),
  // The second part of the contract: the loop as it really runs.
  // 派单异议 by the lead department, 改派 by the coordinator, 协办意见 by a co-department, while handled
  ...(['assigned', 'in_progress'] as const).flatMap((s) => [
    move(s, 'contest', 'leadHandler', s),
    move(s, 'redispatch', 'coordinator', 'assigned'),
    move(s, 'co-reply', 'coHandler', s),
  ]),
  // 更正: clerk and coordinator, in any state but closed and merged
  ...(['received', 'accepted', 'rejected', 'assigned', 'in_progress', 'escalating', 'completed', 'verifying'] as const).flatMap((s) =>
    (['clerk', 'coordinator'] as const).map((w) => move(s, 'correct', w, s)),
  ),
  // 重新受理 (rejected → received) and 重办 (closed → in_progress)
  move('rejected', 'reopen', 'coordinator', 'received'),
  move('closed', 'reopen', 'coordinator', 'in_progress'),
  // 并件 of a case not yet dispatched
  move('received', 'merge', 'coordinator', 'merged'),
  move('accepted', 'merge', 'coordinator', 'merged'),
  // 回访未接通
  move('completed', 'callback-attempt', 'coordinator', 'completed'),
];

// ---------------------------------------------------------------------------

describe('every legal move', () => {
  for (const { status, action, who, next } of MOVES) {
    const outcome = next === status ? 'leaving it as it is' : `moving it to ${next}`;
    it(`lets ${WHO[who]} ${action} a case that is ${status}, ${outcome}`, () => {
      const d = expectOk(run(caseIn(status), SAMPLE[action], who));
      expect(d.action).toBe(action);
      expect(d.event.type).toBe(action);
      // an action that keeps the state says nothing about the status
      if (next === status && ACTION_RULES[action].to === 'same') expect(d.changes.status).toBeUndefined();
      else expect(d.changes.status).toBe(next);
    });
  }

  it('knows every action of the API table by name, and no other', () => {
    const apiActions = [
      'resolve-on-spot', 'reject', 'accept', 'dispatch', 'request-escalation', 'approve-escalation',
      'deny-escalation', 'sign', 'complete', 'callback', 'verify', 'urge', 'add-measure',
    ];
    for (const a of apiActions) expect(isCaseAction(a)).toBe(true);
    for (const a of ['escalate', 'close', 'toString', '__proto__', '']) expect(isCaseAction(a)).toBe(false);
  });
});

describe('what each action changes', () => {
  describe('intake', () => {
    it('resolves a case on the spot as completed, on time, with the result', () => {
      const d = expectOk(run(caseIn('received'), SAMPLE['resolve-on-spot'], 'clerk'));
      expect(d.changes).toEqual({
        status: 'completed',
        resolvedOnSpot: true,
        result: '当场协调窗口补办完成',
        firstCompletedAt: NOW_ISO,
        firstCompletedOnTime: true,
        completedAt: NOW_ISO,
      });
      expect(d.event.data).toEqual({ result: '当场协调窗口补办完成' });
      expect(d.effects).not.toContainEqual({ kind: 'issue-assignment-sheet' });
    });

    it('rejects a case with the reason category and the explanation for the reporter', () => {
      const d = expectOk(run(caseIn('received'), SAMPLE.reject, 'coordinator'));
      expect(d.changes).toEqual({
        status: 'rejected',
        rejectCategory: 'litigation',
        rejectExplanation: '该事项已进入诉讼程序',
        closedAt: NOW_ISO,
      });
      expect(d.event.data).toEqual({ reasonCategory: 'litigation', explanation: '该事项已进入诉讼程序' });
    });

    it('accepts a case with its problem type', () => {
      const d = expectOk(run(caseIn('received'), SAMPLE.accept, 'coordinator'));
      expect(d.changes).toEqual({ status: 'accepted', problemType: 'rigid_policy' });
      expect(d.event.data).toEqual({ problemType: 'rigid_policy' });
    });

    it('changes the problem type later without moving the case, remembering the old one', () => {
      const d = expectOk(run(caseIn('in_progress'), SAMPLE['change-problem-type'], 'coordinator'));
      expect(d.changes).toEqual({ problemType: 'complex' });
      expect(d.event.data).toEqual({ problemType: 'complex', from: 'materials' });
    });
  });

  describe('dispatch', () => {
    it('dispatches at level 1 to one department, due at the end of the 2nd working day after National Day', () => {
      const d = expectOk(
        run(caseIn('accepted'), { type: 'dispatch', level: 1, leadDepartment: LEAD, coDepartments: [] }, 'coordinator'),
      );
      // 1–7 October are off: the working days counted are Thu 8 and Fri 9 October
      expect(d.changes).toEqual({
        status: 'assigned',
        level: 1,
        leadDepartment: LEAD,
        coDepartments: [],
        dueAt: '2026-10-09T15:59:59.000Z',
        dueProvisional: false,
        deadlineStartAt: NOW_ISO,
        deadlineDays: 2,
        onTimeDueAt: null,
        leadSince: NOW_ISO, // the contest window starts here
      });
      expect(d.event).toEqual({
        type: 'dispatch',
        data: {
          level: 1,
          leadDepartment: LEAD,
          coDepartments: [],
          workingDays: 2,
          dueAt: '2026-10-09T23:59:59+08:00',
          provisional: false,
        },
      });
    });

    it('names no co-departments at level 1, even if some slip past validation', () => {
      const d = expectOk(
        run(caseIn('accepted'), { type: 'dispatch', level: 1, leadDepartment: LEAD, coDepartments: [CO] }, 'coordinator'),
      );
      expect(d.changes.coDepartments).toEqual([]);
      expect(d.event.data).toMatchObject({ coDepartments: [] });
    });

    it('dispatches at level 2 to a lead and co-departments, due after 5 working days counting the make-up Saturday', () => {
      const d = expectOk(run(caseIn('accepted'), SAMPLE.dispatch, 'coordinator'));
      // Thu 8, Fri 9, Sat 10 (调休上班), Mon 12, Tue 13 October
      expect(d.changes).toMatchObject({
        status: 'assigned',
        level: 2,
        leadDepartment: LEAD,
        coDepartments: [CO],
        dueAt: '2026-10-13T15:59:59.000Z',
        dueProvisional: false,
        deadlineDays: 5,
      });
      expect(d.event.data).toMatchObject({ workingDays: 5, dueAt: '2026-10-13T23:59:59+08:00' });
    });

    it('lets the lead department be one not named at intake', () => {
      const d = expectOk(
        run(caseIn('accepted'), { type: 'dispatch', level: 1, leadDepartment: OTHER, coDepartments: [] }, 'coordinator'),
      );
      expect(d.changes.leadDepartment).toBe(OTHER);
    });

    it('takes the day counts from the settings, not from constants', () => {
      const custom: DecideContext = { ...ctx, settings: { ...DEFAULT_LIFECYCLE_SETTINGS, levelDays: { 1: 3, 2: 7 } } };
      const l1 = expectOk(
        run(caseIn('accepted'), { type: 'dispatch', level: 1, leadDepartment: LEAD, coDepartments: [] }, 'coordinator', 7, custom),
      );
      const l2 = expectOk(run(caseIn('accepted'), SAMPLE.dispatch, 'coordinator', 7, custom));
      expect(l1.changes).toMatchObject({ deadlineDays: 3, dueAt: '2026-10-10T15:59:59.000Z' }); // the make-up Saturday
      expect(l2.changes).toMatchObject({ deadlineDays: 7, dueAt: '2026-10-15T15:59:59.000Z' });
    });

    it('marks a deadline that reaches into a year without a published schedule as provisional', () => {
      const lateDecember: DecideContext = { ...ctx, now: new Date('2026-12-30T02:00:00Z') };
      const d = expectOk(run(caseIn('accepted'), SAMPLE.dispatch, 'coordinator', 7, lateDecember));
      // Thu 31 Dec, then 2027 on weekdays only: Fri 1, Mon 4, Tue 5, Wed 6 January
      expect(d.changes).toMatchObject({ dueAt: '2027-01-06T15:59:59.000Z', dueProvisional: true });
      expect(d.event.data).toMatchObject({ provisional: true });
    });
  });

  describe('escalation', () => {
    it.each(['accepted', 'assigned', 'in_progress'] as const)(
      'asks for escalation of a case that is %s, remembering where it came from',
      (from) => {
        const d = expectOk(run(caseIn(from), SAMPLE['request-escalation'], 'coordinator'));
        expect(d.changes).toEqual({ status: 'escalating', escalatedFrom: from });
        expect(d.event.data).toEqual({ reason: '涉及多个部门，需要工作组协调', from });
      },
    );

    it('approves escalation at level 3 with the departments and the deadline the leader set', () => {
      const d = expectOk(run(caseIn('escalating'), SAMPLE['approve-escalation'], 'leader'));
      expect(d.changes).toEqual({
        status: 'assigned',
        level: 3,
        leadDepartment: OTHER,
        coDepartments: [LEAD, CO],
        dueAt: '2026-10-20T10:00:00.000Z',
        dueProvisional: false,
        deadlineStartAt: null,
        deadlineDays: null,
        escalatedFrom: null,
        onTimeDueAt: null,
        pendingExtension: null,
        pendingContest: null,
        leadSince: NOW_ISO,
      });
      expect(d.event.data).toEqual({
        leadDepartment: OTHER,
        coDepartments: [LEAD, CO],
        dueAt: '2026-10-20T18:00:00+08:00',
      });
    });

    it.each(['accepted', 'assigned', 'in_progress'] as const)(
      'denies escalation of a case that came from %s and returns it there',
      (from) => {
        const c = caseIn('escalating', { escalatedFrom: from, ...(from === 'accepted' ? { leadDepartment: null, coDepartments: [], level: null, dueAt: null } : {}) });
        const d = expectOk(run(c, SAMPLE['deny-escalation'], 'leader'));
        expect(d.changes).toEqual({ status: from, escalatedFrom: null });
        expect(d.event.data).toEqual({ reason: '由牵头部门继续办理即可', backTo: from });
      },
    );

    it('keeps the deadline of a case whose escalation was denied', () => {
      const d = expectOk(run(caseIn('escalating', { escalatedFrom: 'in_progress' }), SAMPLE['deny-escalation'], 'leader'));
      expect(d.changes.dueAt).toBeUndefined();
      expect(d.changes.level).toBeUndefined();
    });
  });

  describe('handling', () => {
    it('signs for an assigned case, putting it in progress', () => {
      const d = expectOk(run(caseIn('assigned'), SAMPLE.sign, 'leadHandler'));
      expect(d.changes).toEqual({ status: 'in_progress' });
    });

    it('completes a case before its deadline as on time', () => {
      const d = expectOk(run(caseIn('in_progress'), SAMPLE.complete, 'leadHandler'));
      expect(d.changes).toEqual({
        status: 'completed',
        result: '已办结，证照已发放',
        repliedVia: 'phone',
        completedAt: NOW_ISO,
        firstCompletedAt: NOW_ISO,
        firstCompletedOnTime: true,
      });
      expect(d.event.data).toMatchObject({ result: '已办结，证照已发放', repliedVia: 'phone', onTime: true });
    });

    it('completes a case at the very second of its deadline as on time', () => {
      const d = expectOk(run(caseIn('in_progress', { dueAt: NOW_ISO }), SAMPLE.complete, 'leadHandler'));
      expect(d.changes.firstCompletedOnTime).toBe(true);
    });

    it('completes a case after its deadline as late', () => {
      const d = expectOk(run(caseIn('in_progress', { dueAt: PAST_DUE }), SAMPLE.complete, 'leadHandler'));
      expect(d.changes).toMatchObject({ status: 'completed', firstCompletedAt: NOW_ISO, firstCompletedOnTime: false });
      expect(d.event.data).toMatchObject({ onTime: false });
    });

    it('keeps the first completion when a rectified case is completed again', () => {
      const rectified = caseIn('in_progress', { firstCompletedAt: '2026-09-20T08:00:00.000Z', dueAt: PAST_DUE });
      const d = expectOk(run(rectified, SAMPLE.complete, 'leadHandler'));
      expect(d.changes.status).toBe('completed');
      expect(d.changes.completedAt).toBe(NOW_ISO);
      expect(d.changes).not.toHaveProperty('firstCompletedAt');
      expect(d.changes).not.toHaveProperty('firstCompletedOnTime');
    });
  });

  describe('callback', () => {
    it('closes a case whose callback has no 不满意', () => {
      const d = expectOk(run(caseIn('completed'), { type: 'callback', ...ALL_SATISFIED, comment: '很满意' }, 'coordinator'));
      expect(d.changes).toEqual({
        status: 'closed',
        closedAt: NOW_ISO,
        callback: { ...ALL_SATISFIED, comment: '很满意', bad: false, at: NOW_ISO, by: 'coord1', source: 'phone' },
      });
      expect(d.event.data).toMatchObject({ badReview: false, source: 'phone' });
    });

    describe('taken by the reporter by link (好差评)', () => {
      const byLink = (c: CaseState, cmd: CaseCommand, version = c.version) => decide(c, cmd, RATING_REPORTER, version, ctx);

      it('has exactly the effect of a phone callback, recorded as the reporter\'s', () => {
        const phone = expectOk(run(caseIn('completed'), { type: 'callback', ...ALL_SATISFIED, comment: '很满意' }, 'coordinator'));
        const link = expectOk(byLink(caseIn('completed'), { type: 'callback', ...ALL_SATISFIED, comment: '很满意' }));
        expect(link.changes).toEqual({ ...phone.changes, callback: { ...phone.changes.callback, by: 'reporter', source: 'reporter' } });
        expect(link.event.data).toEqual({ ...phone.event.data, source: 'reporter' });
        expect(link.effects).toEqual(phone.effects);
      });

      it.each(RATING_ASPECTS)('sends the case to verification when %s is 不满意, telling the supervisor and the coordinator', (aspect) => {
        const d = expectOk(byLink(caseIn('completed'), { type: 'callback', ...ALL_SATISFIED, [aspect]: 'dissatisfied' }));
        expect(d.changes).toMatchObject({ status: 'verifying', closedAt: null, callback: { bad: true, source: 'reporter' } });
        expect(d.effects).toEqual([
          { kind: 'notify', to: 'supervisor', topic: 'bad_review' },
          { kind: 'notify', to: 'coordinator', topic: 'bad_review' },
        ]);
        expect(d.stage).toBeDefined(); // the verification clock starts as after a phone callback
      });

      it('may take nothing but the callback, and only while the case awaits it', () => {
        for (const a of CASE_ACTIONS.filter((x) => x !== 'callback')) {
          const d = byLink(caseIn('completed'), SAMPLE[a]);
          expect(d.ok ? 'ok' : d.error.code, a).toBe('FORBIDDEN');
        }
        for (const s of CASE_STATUSES.filter((x) => x !== 'completed')) {
          expect(errorCode(byLink(caseIn(s), { type: 'callback', ...ALL_SATISFIED })), s).toBe('INVALID_TRANSITION');
        }
        expect(errorCode(byLink(caseIn('completed'), { type: 'callback', ...ALL_SATISFIED }, 6))).toBe('VERSION_CONFLICT');
        expect(ACTION_RULES.callback.reporter).toBe(true);
        expect(CASE_ACTIONS.filter((a) => ACTION_RULES[a].reporter)).toEqual(['callback']);
      });
    });

    it.each(RATING_ASPECTS)('sends a case to verification when %s is rated 不满意 (差评)', (aspect) => {
      const d = expectOk(run(caseIn('completed'), { type: 'callback', ...ALL_SATISFIED, [aspect]: 'dissatisfied' }, 'coordinator'));
      expect(d.changes.status).toBe('verifying');
      expect(d.changes.closedAt).toBeNull();
      expect(d.changes.callback).toMatchObject({ [aspect]: 'dissatisfied', bad: true, comment: null });
      expect(d.event.data).toMatchObject({ badReview: true });
    });
  });

  describe('verification of a 差评', () => {
    it('sends a substantiated 差评 back to the lead department with the rectification deadline', () => {
      const d = expectOk(
        run(
          caseIn('verifying'),
          { type: 'verify', substantiated: true, outcome: 'rectify', note: '限期整改', rectifyDueAt: '2026-10-16T17:30:00+08:00' },
          'supervisor',
        ),
      );
      expect(d.changes).toEqual({
        status: 'in_progress',
        verification: { substantiated: true, outcome: 'rectify', note: '限期整改', at: NOW_ISO, by: 'super1' },
        dueAt: '2026-10-16T09:30:00.000Z',
        dueProvisional: false,
        deadlineStartAt: null,
        deadlineDays: null,
        onTimeDueAt: null,
      });
    });

    for (const { substantiated, outcome } of [
      { substantiated: true, outcome: 'accountability' as const },
      { substantiated: false, outcome: 'none' as const },
    ]) {
      it(`closes a case whose 差评 was found ${substantiated ? 'true, with accountability' : 'untrue'}`, () => {
        const d = expectOk(run(caseIn('verifying'), { type: 'verify', substantiated, outcome }, 'coordinator'));
        expect(d.changes).toEqual({
          status: 'closed',
          closedAt: NOW_ISO,
          verification: { substantiated, outcome, note: null, at: NOW_ISO, by: 'coord1' },
        });
      });
    }
  });

  describe('actions that leave the state alone', () => {
    it.each(['urge', 'add-measure', 'comment'] as const)('%s changes nothing on the case itself', (action) => {
      for (const status of OPEN_DISPATCHED) {
        const d = expectOk(run(caseIn(status), SAMPLE[action], 'coordinator'));
        expect(d.changes).toEqual({});
        expect(d.event.type).toBe(action);
      }
    });

    it('records the note of an urge and of a comment on the timeline', () => {
      expect(expectOk(run(caseIn('assigned'), SAMPLE.urge, 'leader')).event.data).toEqual({ note: '请加快办理' });
      expect(expectOk(run(caseIn('assigned'), SAMPLE.comment, 'coHandler')).event.data).toEqual({ note: '已与反映人电话沟通' });
    });

    it('adds a measure as an effect carrying its type, note, due date and staff', () => {
      const d = expectOk(
        run(
          caseIn('in_progress'),
          { type: 'add-measure', measureType: 'proxy', note: '安排专人代办', dueAt: '2026-10-12T12:00:00+08:00', staff: '李四' },
          'leadHandler',
        ),
      );
      expect(d.event).toEqual({
        type: 'add-measure',
        data: { type: 'proxy', note: '安排专人代办', dueAt: '2026-10-12T12:00:00+08:00', staff: '李四' },
      });
      expect(d.effects).toContainEqual({
        kind: 'add-measure',
        measureType: 'proxy',
        note: '安排专人代办',
        dueAt: '2026-10-12T04:00:00.000Z',
        staff: '李四',
      });
    });

    it('adds a measure with only a type, leaving the rest null', () => {
      const d = expectOk(run(caseIn('received'), { type: 'add-measure', measureType: 'investigation' }, 'coordinator'));
      expect(d.event.data).toEqual({ type: 'investigation' });
      expect(d.effects).toContainEqual({ kind: 'add-measure', measureType: 'investigation', note: null, dueAt: null, staff: null });
    });
  });

  describe('effects', () => {
    const SHEET = { kind: 'issue-assignment-sheet' } as const;

    it('issues an assignment sheet (交办单) on dispatch and on an approved escalation', () => {
      expect(expectOk(run(caseIn('accepted'), SAMPLE.dispatch, 'coordinator')).effects).toContainEqual(SHEET);
      expect(expectOk(run(caseIn('escalating'), SAMPLE['approve-escalation'], 'leader')).effects).toContainEqual(SHEET);
    });

    it('issues no assignment sheet on any other move', () => {
      for (const { status, action, who } of MOVES.filter((m) => m.action !== 'dispatch' && m.action !== 'approve-escalation' && m.action !== 'redispatch')) {
        expect(expectOk(run(caseIn(status), SAMPLE[action], who)).effects, `${who} ${action} on ${status}`).not.toContainEqual(SHEET);
      }
    });

    it('copies every completion to the supervisor and the coordinator', () => {
      const d = expectOk(run(caseIn('in_progress'), SAMPLE.complete, 'leadHandler'));
      expect(d.effects).toEqual(
        expect.arrayContaining([
          { kind: 'notify', to: 'supervisor', topic: 'completed' },
          { kind: 'notify', to: 'coordinator', topic: 'completed' },
        ]),
      );
    });

    it('emits an add-measure effect only for add-measure', () => {
      for (const m of MOVES) {
        const d = expectOk(run(caseIn(m.status), SAMPLE[m.action], m.who));
        expect(d.effects.some((e) => e.kind === 'add-measure')).toBe(m.action === 'add-measure');
      }
    });
  });
});

// ---------------------------------------------------------------------------
// Refusals
// ---------------------------------------------------------------------------

interface Refusal {
  sentence: string;
  status: CaseStatus;
  action: CaseAction;
  who: Who;
  over?: Partial<CaseState>;
}

describe('refusals', () => {
  const FORBIDDEN: Refusal[] = [
    { sentence: 'refuses a clerk who tries to dispatch', status: 'accepted', action: 'dispatch', who: 'clerk' },
    { sentence: 'refuses a clerk who tries to reject', status: 'received', action: 'reject', who: 'clerk' },
    { sentence: 'refuses a clerk who tries to urge', status: 'assigned', action: 'urge', who: 'clerk' },
    { sentence: 'refuses the coordinator who tries to sign for a case', status: 'assigned', action: 'sign', who: 'coordinator' },
    { sentence: 'refuses the coordinator who tries to complete a case', status: 'in_progress', action: 'complete', who: 'coordinator' },
    { sentence: 'refuses the coordinator who tries to approve an escalation', status: 'escalating', action: 'approve-escalation', who: 'coordinator' },
    { sentence: 'refuses the coordinator who tries to deny an escalation', status: 'escalating', action: 'deny-escalation', who: 'coordinator' },
    { sentence: 'refuses a leader who tries to make the callback', status: 'completed', action: 'callback', who: 'leader' },
    { sentence: 'refuses a leader who tries to ask for escalation', status: 'assigned', action: 'request-escalation', who: 'leader' },
    { sentence: 'refuses a leader who tries to add a measure', status: 'in_progress', action: 'add-measure', who: 'leader' },
    { sentence: 'refuses a leader who tries to verify a 差评', status: 'verifying', action: 'verify', who: 'leader' },
    { sentence: 'refuses the supervisor who tries to accept a case', status: 'received', action: 'accept', who: 'supervisor' },
    { sentence: 'refuses the supervisor who tries to make the callback', status: 'completed', action: 'callback', who: 'supervisor' },
    { sentence: 'refuses an admin who tries to urge', status: 'assigned', action: 'urge', who: 'admin' },
    { sentence: 'refuses an admin who tries to comment', status: 'assigned', action: 'comment', who: 'admin' },
    { sentence: 'refuses a lead handler who tries to resolve on the spot', status: 'received', action: 'resolve-on-spot', who: 'leadHandler', over: { leadDepartment: LEAD } },
    { sentence: 'refuses a lead handler who tries to urge', status: 'in_progress', action: 'urge', who: 'leadHandler' },
    { sentence: 'refuses a lead handler who tries to verify a 差评 on their own case', status: 'verifying', action: 'verify', who: 'leadHandler' },
    { sentence: 'refuses a lead handler who tries to ask for escalation', status: 'in_progress', action: 'request-escalation', who: 'leadHandler' },
    { sentence: 'refuses a co-department handler who tries to sign for the case', status: 'assigned', action: 'sign', who: 'coHandler' },
    { sentence: 'refuses a co-department handler who tries to complete the case', status: 'in_progress', action: 'complete', who: 'coHandler' },
    { sentence: 'refuses a co-department handler who tries to add a measure', status: 'in_progress', action: 'add-measure', who: 'coHandler' },
    { sentence: 'refuses a handler of an uninvolved department who tries to sign', status: 'assigned', action: 'sign', who: 'otherHandler' },
    { sentence: 'refuses a handler of an uninvolved department who tries to comment', status: 'in_progress', action: 'comment', who: 'otherHandler' },
    { sentence: 'refuses a handler bound to no department who tries to comment', status: 'in_progress', action: 'comment', who: 'unboundHandler' },
    { sentence: 'refuses a handler who tries to sign for a case no department has been given yet', status: 'accepted', action: 'sign', who: 'leadHandler' },
  ];

  for (const { sentence, status, action, who, over } of FORBIDDEN) {
    it(`${sentence} (FORBIDDEN)`, () => {
      expect(errorCode(run(caseIn(status, over), SAMPLE[action], who))).toBe('FORBIDDEN');
    });
  }

  it('tells a co-department handler that only the lead department may act, in Chinese', () => {
    const d = run(caseIn('assigned'), SAMPLE.sign, 'coHandler');
    expect(d.ok ? '' : d.error.message).toBe('只有牵头承办部门可以执行“签收”');
  });

  const INVALID: Refusal[] = [
    { sentence: 'refuses to complete a case that was never signed for', status: 'assigned', action: 'complete', who: 'leadHandler' },
    { sentence: 'refuses to complete a case twice without a rectification', status: 'completed', action: 'complete', who: 'leadHandler' },
    { sentence: 'refuses to sign for a case twice', status: 'in_progress', action: 'sign', who: 'leadHandler' },
    { sentence: 'refuses to sign for a case while its escalation is pending', status: 'escalating', action: 'sign', who: 'leadHandler' },
    { sentence: 'refuses to sign for a case that is only accepted, even were a department named on it', status: 'accepted', action: 'sign', who: 'leadHandler', over: { leadDepartment: LEAD } },
    { sentence: 'refuses to accept a case twice', status: 'accepted', action: 'accept', who: 'coordinator' },
    { sentence: 'refuses to resolve on the spot a case already accepted', status: 'accepted', action: 'resolve-on-spot', who: 'clerk' },
    { sentence: 'refuses to dispatch a case not yet accepted', status: 'received', action: 'dispatch', who: 'coordinator' },
    { sentence: 'refuses to dispatch a case twice', status: 'assigned', action: 'dispatch', who: 'coordinator' },
    { sentence: 'refuses to ask for escalation of a case already escalating', status: 'escalating', action: 'request-escalation', who: 'coordinator' },
    { sentence: 'refuses to ask for escalation of a completed case', status: 'completed', action: 'request-escalation', who: 'coordinator' },
    { sentence: 'refuses to ask for escalation of a case not yet accepted', status: 'received', action: 'request-escalation', who: 'coordinator' },
    { sentence: 'refuses to approve an escalation nobody asked for', status: 'assigned', action: 'approve-escalation', who: 'leader' },
    { sentence: 'refuses to deny an escalation nobody asked for', status: 'in_progress', action: 'deny-escalation', who: 'leader' },
    { sentence: 'refuses a callback before the case is completed', status: 'in_progress', action: 'callback', who: 'coordinator' },
    { sentence: 'refuses a second callback on a closed case', status: 'closed', action: 'callback', who: 'coordinator' },
    { sentence: 'refuses a second callback on a case under verification', status: 'verifying', action: 'callback', who: 'coordinator' },
    { sentence: 'refuses to verify a case that has no 差评', status: 'completed', action: 'verify', who: 'supervisor' },
    { sentence: 'refuses to change the problem type before acceptance', status: 'received', action: 'change-problem-type', who: 'coordinator' },
    { sentence: 'refuses to urge a closed case', status: 'closed', action: 'urge', who: 'coordinator' },
    { sentence: 'refuses to urge a rejected case', status: 'rejected', action: 'urge', who: 'leader' },
    { sentence: 'refuses to add a measure to a closed case', status: 'closed', action: 'add-measure', who: 'leadHandler' },
  ];

  for (const { sentence, status, action, who, over } of INVALID) {
    it(`${sentence} (INVALID_TRANSITION)`, () => {
      expect(errorCode(run(caseIn(status, over), SAMPLE[action], who))).toBe('INVALID_TRANSITION');
    });
  }

  /** What a terminal case still allows: taking a rejection back or reopening (重办), and correcting a rejected one's intake. */
  const STILL_ALLOWED: Record<'rejected' | 'closed' | 'merged', readonly CaseAction[]> = {
    rejected: ['correct', 'reopen'],
    closed: ['reopen', 'circulate', 'refer-discipline'],
    merged: [],
  };

  describe.each(['rejected', 'closed', 'merged'] as const)('a %s case', (status) => {
    const attempts = CASE_ACTIONS.filter((action) => !STILL_ALLOWED[status].includes(action)).flatMap((action) =>
      EVERYONE.filter((who) => ACTION_RULES[action].roles.includes(ACTORS[who].role) && who !== 'otherHandler' && who !== 'unboundHandler' && who !== 'coHandler')
        .filter((who) => !(who === 'leadHandler' && status !== 'closed')) // a rejected or merged case has no department
        .filter((who) => !(who === 'leadHandler' && ACTION_RULES[action].handler === 'co'))
        .filter((who) => !ACTION_RULES[action].deciders || ACTION_RULES[action].deciders!(caseIn(status)).includes(ACTORS[who].role))
        .map((who) => ({ action, who })),
    );

    for (const { action, who } of attempts) {
      it(`refuses ${action} by ${WHO[who]} as an invalid transition`, () => {
        expect(errorCode(run(caseIn(status), SAMPLE[action], who))).toBe('INVALID_TRANSITION');
      });
    }

    it(`offers nobody any action but ${STILL_ALLOWED[status].join(', ') || 'none'}`, () => {
      for (const who of EVERYONE) for (const a of allowedActions(caseIn(status), ACTORS[who])) expect(STILL_ALLOWED[status]).toContain(a);
    });
  });

  describe('versions', () => {
    for (const { status, action, who } of MOVES) {
      it(`refuses ${action} by ${WHO[who]} on a ${status} case with a stale version (VERSION_CONFLICT)`, () => {
        const c = caseIn(status);
        expect(errorCode(run(c, SAMPLE[action], who, c.version - 1))).toBe('VERSION_CONFLICT');
      });
    }

    it('refuses a version from the future as a conflict too', () => {
      const c = caseIn('assigned');
      expect(errorCode(run(c, SAMPLE.sign, 'leadHandler', c.version + 1))).toBe('VERSION_CONFLICT');
    });

    it('tells the caller to refresh, in Chinese', () => {
      const d = run(caseIn('assigned'), SAMPLE.urge, 'leader', 1);
      expect(d.ok ? '' : d.error.message).toBe('该反映件已被他人更新，请刷新后重试');
    });
  });

  describe('which refusal wins (403 → 409 VERSION_CONFLICT → 409 INVALID_TRANSITION)', () => {
    it('answers FORBIDDEN to a forbidden role with a stale version', () => {
      expect(errorCode(run(caseIn('accepted'), SAMPLE.dispatch, 'clerk', 1))).toBe('FORBIDDEN');
    });

    it('answers FORBIDDEN to a co-department handler with a stale version', () => {
      expect(errorCode(run(caseIn('in_progress'), SAMPLE.complete, 'coHandler', 1))).toBe('FORBIDDEN');
    });

    it('answers FORBIDDEN to a forbidden role in a wrong state with a stale version', () => {
      expect(errorCode(run(caseIn('closed'), SAMPLE.callback, 'leader', 1))).toBe('FORBIDDEN');
    });

    it('answers FORBIDDEN to a forbidden role in a wrong state with the right version', () => {
      expect(errorCode(run(caseIn('assigned'), SAMPLE.complete, 'coordinator'))).toBe('FORBIDDEN');
    });

    it('answers VERSION_CONFLICT to an allowed role with a stale version in a wrong state', () => {
      expect(errorCode(run(caseIn('assigned'), SAMPLE.complete, 'leadHandler', 1))).toBe('VERSION_CONFLICT');
      expect(errorCode(run(caseIn('closed'), SAMPLE.callback, 'coordinator', 1))).toBe('VERSION_CONFLICT');
    });

    it('answers INVALID_TRANSITION to an allowed role with the right version in a wrong state', () => {
      expect(errorCode(run(caseIn('assigned'), SAMPLE.complete, 'leadHandler'))).toBe('INVALID_TRANSITION');
    });
  });
});

// ---------------------------------------------------------------------------
// allowedActions(): the buttons each actor gets
// ---------------------------------------------------------------------------

/**
 * Per state, the actions each actor may take, from docs/DOMAIN.md §Lifecycle and docs/CONTRACT.md §Actions. An actor not
 * listed gets nothing. received/accepted cases have no department yet, so no handler sees them.
 */
const ALLOWED: Record<CaseStatus, Partial<Record<Who, CaseAction[]>>> = {
  received: {
    clerk: ['resolve-on-spot', 'comment', 'correct'],
    coordinator: ['resolve-on-spot', 'reject', 'accept', 'urge', 'add-measure', 'comment', 'correct', 'merge'],
    leader: ['urge', 'comment'],
    supervisor: ['urge', 'comment'],
  },
  accepted: {
    clerk: ['comment', 'correct'],
    coordinator: ['change-problem-type', 'dispatch', 'request-escalation', 'urge', 'add-measure', 'comment', 'supervise', 'circulate', 'refer-discipline', 'correct', 'merge'],
    leader: ['urge', 'comment', 'supervise'],
    supervisor: ['urge', 'comment', 'supervise', 'circulate', 'refer-discipline'],
  },
  assigned: {
    clerk: ['comment', 'correct'],
    coordinator: ['change-problem-type', 'request-escalation', 'urge', 'add-measure', 'comment', 'supervise', 'circulate', 'refer-discipline', 'redispatch', 'correct'],
    leader: ['urge', 'comment', 'supervise'],
    supervisor: ['urge', 'comment', 'supervise', 'circulate', 'refer-discipline'],
    leadHandler: ['sign', 'add-measure', 'comment', 'request-extension', 'contest'],
    coHandler: ['comment', 'co-reply'],
  },
  in_progress: {
    clerk: ['comment', 'correct'],
    coordinator: ['change-problem-type', 'request-escalation', 'urge', 'add-measure', 'comment', 'supervise', 'circulate', 'refer-discipline', 'redispatch', 'correct'],
    leader: ['urge', 'comment', 'supervise'],
    supervisor: ['urge', 'comment', 'supervise', 'circulate', 'refer-discipline'],
    leadHandler: ['complete', 'add-measure', 'comment', 'request-extension', 'contest'],
    coHandler: ['comment', 'co-reply'],
  },
  escalating: {
    clerk: ['comment', 'correct'],
    coordinator: ['change-problem-type', 'urge', 'add-measure', 'comment', 'supervise', 'circulate', 'refer-discipline', 'correct'],
    leader: ['approve-escalation', 'deny-escalation', 'urge', 'comment', 'supervise'],
    supervisor: ['urge', 'comment', 'supervise', 'circulate', 'refer-discipline'],
    leadHandler: ['add-measure', 'comment'],
    coHandler: ['comment'],
  },
  completed: {
    clerk: ['comment', 'correct'],
    coordinator: ['change-problem-type', 'callback', 'urge', 'add-measure', 'comment', 'circulate', 'refer-discipline', 'correct', 'callback-attempt'],
    leader: ['urge', 'comment'],
    supervisor: ['urge', 'comment', 'circulate', 'refer-discipline'],
    leadHandler: ['add-measure', 'comment'],
    coHandler: ['comment'],
  },
  verifying: {
    clerk: ['comment', 'correct'],
    coordinator: ['change-problem-type', 'verify', 'urge', 'add-measure', 'comment', 'circulate', 'refer-discipline', 'correct'],
    leader: ['urge', 'comment'],
    supervisor: ['verify', 'urge', 'comment', 'circulate', 'refer-discipline'],
    leadHandler: ['add-measure', 'comment'],
    coHandler: ['comment'],
  },
  rejected: { clerk: ['correct'], coordinator: ['correct', 'reopen'] },
  closed: { coordinator: ['circulate', 'refer-discipline', 'reopen'], supervisor: ['circulate', 'refer-discipline'] },
  merged: {},
};

const sorted = (xs: readonly string[]): string[] => [...xs].sort();

describe('allowedActions()', () => {
  const rows = CASE_STATUSES.flatMap((status) =>
    EVERYONE.map((who) => ({ status, who, expected: ALLOWED[status][who] ?? [] })),
  );

  for (const { status, who, expected } of rows) {
    it(`offers ${WHO[who]} on a ${status} case ${expected.length ? `exactly ${expected.join(', ')}` : 'nothing'}`, () => {
      expect(sorted(allowedActions(caseIn(status), ACTORS[who]))).toEqual(sorted(expected));
    });
  }

  it('agrees with the table of legal moves', () => {
    for (const { status, who, expected } of rows) {
      const fromMoves = MOVES.filter((m) => m.status === status && m.who === who).map((m) => m.action);
      expect(sorted(fromMoves), `${who} on ${status}`).toEqual(sorted(expected));
    }
  });

  it('lists the actions in table order', () => {
    const got = allowedActions(caseIn('received'), ACTORS.coordinator);
    expect(got).toEqual(CASE_ACTIONS.filter((a) => got.includes(a)));
  });

  it('never offers a handler request-escalation, which is the coordinator’s', () => {
    for (const status of CASE_STATUSES) {
      for (const who of ['leadHandler', 'coHandler'] as const) {
        expect(allowedActions(caseIn(status), ACTORS[who])).not.toContain('request-escalation');
      }
    }
  });

  it('matches decide(): every offered action is allowed and every other one is refused', () => {
    for (const status of CASE_STATUSES) {
      for (const who of EVERYONE) {
        const c = caseIn(status);
        const offered = allowedActions(c, ACTORS[who]);
        for (const action of CASE_ACTIONS) {
          const d = run(c, SAMPLE[action], who);
          expect(d.ok, `${who} ${action} on ${status}`).toBe(offered.includes(action));
        }
      }
    }
  });

  it('offers a case’s actions to the handler of its new lead department after an approved escalation', () => {
    const escalated = caseIn('assigned', { level: 3, leadDepartment: OTHER, coDepartments: [LEAD, CO] });
    expect(allowedActions(escalated, ACTORS.otherHandler)).toEqual(['sign', 'add-measure', 'comment', 'request-extension', 'contest']);
    expect(allowedActions(escalated, ACTORS.leadHandler)).toEqual(['comment', 'co-reply']); // now a co-department
  });
});

// ---------------------------------------------------------------------------
// Visibility and overdue
// ---------------------------------------------------------------------------

describe('canSeeCase()', () => {
  const dispatched = { leadDepartment: LEAD, coDepartments: [CO] };
  const undispatched = { leadDepartment: null, coDepartments: [] };

  const SEES: Record<Who, boolean> = {
    clerk: true,
    coordinator: true,
    leader: true,
    supervisor: true,
    admin: true,
    leadHandler: true,
    coHandler: true,
    otherHandler: false,
    unboundHandler: false,
  };
  for (const who of EVERYONE) {
    it(`${SEES[who] ? 'shows' : 'hides'} a dispatched case ${SEES[who] ? 'to' : 'from'} ${WHO[who]}`, () => {
      expect(canSeeCase(dispatched, ACTORS[who])).toBe(SEES[who]);
    });
  }

  it('lets county-level roles see a case no department has yet', () => {
    for (const who of ['clerk', 'coordinator', 'leader', 'supervisor', 'admin'] as const) {
      expect(canSeeCase(undispatched, ACTORS[who])).toBe(true);
    }
  });

  it('hides a case no department has yet from every handler', () => {
    for (const who of ['leadHandler', 'coHandler', 'otherHandler', 'unboundHandler'] as const) {
      expect(canSeeCase(undispatched, ACTORS[who])).toBe(false);
    }
  });
});

describe('isOverdue()', () => {
  const OVERDUE_STATUSES: readonly CaseStatus[] = ['assigned', 'in_progress', 'escalating'];

  for (const status of CASE_STATUSES) {
    const overdue = OVERDUE_STATUSES.includes(status);
    it(`${overdue ? 'calls' : 'does not call'} a ${status} case past its deadline overdue`, () => {
      expect(isOverdue({ status, dueAt: PAST_DUE }, NOW)).toBe(overdue);
    });
  }

  it.each(CASE_STATUSES)('never calls a %s case overdue before its deadline', (status) => {
    expect(isOverdue({ status, dueAt: FUTURE_DUE }, NOW)).toBe(false);
  });

  it.each(CASE_STATUSES)('never calls a %s case without a deadline overdue', (status) => {
    expect(isOverdue({ status, dueAt: null }, NOW)).toBe(false);
  });

  it('never calls a completed case overdue, however late it was', () => {
    expect(isOverdue({ status: 'completed', dueAt: '2024-01-01T15:59:59.000Z' }, NOW)).toBe(false);
  });

  it('calls a case overdue only once its deadline second has passed', () => {
    const due = '2026-10-09T15:59:59.000Z'; // 23:59:59 Shanghai
    expect(isOverdue({ status: 'in_progress', dueAt: due }, new Date('2026-10-09T15:59:59.000Z'))).toBe(false);
    expect(isOverdue({ status: 'in_progress', dueAt: due }, new Date('2026-10-09T15:59:59.001Z'))).toBe(true);
    expect(isOverdue({ status: 'in_progress', dueAt: due }, new Date('2026-10-09T16:00:00.000Z'))).toBe(true);
  });

  it('calls a rectified case overdue again once its rectification deadline passes', () => {
    const rectified = caseIn('in_progress', { dueAt: '2026-10-16T09:30:00.000Z', firstCompletedAt: PAST_DUE });
    expect(isOverdue(rectified, new Date('2026-10-16T09:30:01.000Z'))).toBe(true);
  });
});

// ---------------------------------------------------------------------------
// 延期 (extension), 督办, 通报, 线索移送 (issue 5)
// ---------------------------------------------------------------------------

describe('extension (延期)', () => {
  const pending = { dueAt: '2026-10-20T10:00:00.000Z', reason: '需补充现场勘验', by: 'h_lead', at: '2026-09-30T02:00:00.000Z' };

  it('records a request without moving the deadline, and asks the coordinator', () => {
    const d = expectOk(run(caseIn('in_progress'), SAMPLE['request-extension'], 'leadHandler'));
    expect(d.changes.pendingExtension).toMatchObject({ dueAt: '2026-10-20T10:00:00.000Z', reason: '需补充现场勘验' });
    expect(d.changes.dueAt).toBeUndefined();
    expect(d.effects).toContainEqual({ kind: 'notify', to: 'coordinator', topic: 'extension_requested' });
  });

  it('refuses a second request while one is pending, and a request after the deadline passed', () => {
    expect(errorCode(run(caseIn('in_progress', { pendingExtension: pending }), SAMPLE['request-extension'], 'leadHandler'))).toBe('INVALID_TRANSITION');
    const late = caseIn('in_progress', { dueAt: '2026-09-29T15:59:59.000Z' });
    const d = run(late, SAMPLE['request-extension'], 'leadHandler');
    expect(errorCode(d)).toBe('INVALID_TRANSITION');
    expect(!d.ok && d.error.message).toMatch(/延期/);
    expect(allowedActions(late, ACTORS.leadHandler, ctx)).not.toContain('request-extension');
  });

  it('refuses a request from a co-department or the coordinator (FORBIDDEN)', () => {
    expect(errorCode(run(caseIn('in_progress'), SAMPLE['request-extension'], 'coHandler'))).toBe('FORBIDDEN');
    expect(errorCode(run(caseIn('in_progress'), SAMPLE['request-extension'], 'coordinator'))).toBe('FORBIDDEN');
  });

  it('moves the deadline when approved in time, judging the first completion by the new one', () => {
    const c = caseIn('in_progress', { pendingExtension: pending });
    expect(allowedActions(c, ACTORS.coordinator)).toEqual(expect.arrayContaining(['approve-extension', 'deny-extension']));
    const d = expectOk(run(c, SAMPLE['approve-extension'], 'coordinator'));
    expect(d.changes).toMatchObject({ dueAt: pending.dueAt, pendingExtension: null, extended: true, onTimeDueAt: null });
    const after = { ...c, dueAt: pending.dueAt, pendingExtension: null, onTimeDueAt: null };
    const late = { ...ctx, now: new Date('2026-10-15T02:00:00Z') }; // past the old deadline, before the new
    const done = expectOk(run(after, SAMPLE.complete, 'leadHandler', after.version, late));
    expect(done.changes.firstCompletedOnTime).toBe(true);
  });

  it('keeps judging by the old deadline when approved after it passed', () => {
    const c = caseIn('in_progress', { pendingExtension: pending, dueAt: '2026-09-29T15:59:59.000Z' });
    const d = expectOk(run(c, SAMPLE['approve-extension'], 'coordinator'));
    expect(d.changes.onTimeDueAt).toBe('2026-09-29T15:59:59.000Z');
    const after = { ...c, dueAt: pending.dueAt, pendingExtension: null, onTimeDueAt: '2026-09-29T15:59:59.000Z' };
    const done = expectOk(run(after, SAMPLE.complete, 'leadHandler'));
    expect(done.changes.firstCompletedOnTime).toBe(false);
  });

  it('denies without moving the deadline', () => {
    const d = expectOk(run(caseIn('assigned', { pendingExtension: pending }), SAMPLE['deny-extension'], 'coordinator'));
    expect(d.changes).toEqual({ pendingExtension: null });
    expect(errorCode(run(caseIn('assigned'), SAMPLE['deny-extension'], 'coordinator'))).toBe('INVALID_TRANSITION');
  });

  it('asks for a later date than the deadline in force (a 400 field check)', () => {
    const c = caseIn('in_progress');
    expect(checkAgainstCase(c, { type: 'request-extension', dueAt: '2026-10-01T00:00:00.000Z', reason: 'x' })).toEqual([
      { field: 'dueAt', message: '延期后的时限必须晚于当前办理时限' },
    ]);
    expect(checkAgainstCase(c, SAMPLE['request-extension'])).toEqual([]);
  });
});

describe('督办, 通报, 线索移送', () => {
  it('issues a numbered supervision order with its own deadline against the lead department', () => {
    const d = expectOk(run(caseIn('in_progress'), SAMPLE.supervise, 'leader'));
    expect(d.effects).toContainEqual({ kind: 'record-supervision', recordKind: 'supervise', department: LEAD, dueAt: '2026-10-16T10:00:00.000Z', text: '请于期限内办结并报告' });
  });
  it('circulates against the lead department unless another is named', () => {
    const d = expectOk(run(caseIn('verifying'), SAMPLE.circulate, 'supervisor'));
    expect(d.effects).toContainEqual(expect.objectContaining({ recordKind: 'circulate', department: LEAD }));
    const other = expectOk(run(caseIn('verifying'), { type: 'circulate', department: OTHER, summary: 's' }, 'coordinator'));
    expect(other.effects).toContainEqual(expect.objectContaining({ recordKind: 'circulate', department: OTHER }));
  });
  it('hands clues to the supervisor', () => {
    const d = expectOk(run(caseIn('verifying'), SAMPLE['refer-discipline'], 'coordinator'));
    expect(d.effects).toContainEqual({ kind: 'notify', to: 'supervisor', topic: 'discipline_referral' });
  });
  it('refuses 督办 on a closed case and 通报 by a leader', () => {
    expect(errorCode(run(caseIn('closed'), SAMPLE.supervise, 'coordinator'))).toBe('INVALID_TRANSITION');
    expect(errorCode(run(caseIn('verifying'), SAMPLE.circulate, 'leader'))).toBe('FORBIDDEN');
    expect(errorCode(run(caseIn('merged'), SAMPLE.circulate, 'supervisor'))).toBe('INVALID_TRANSITION');
  });
  it('still circulates and refers a closed case (a substantiated 差评 closed with 问责), telling the circulated department', () => {
    const d = expectOk(run(caseIn('closed'), SAMPLE.circulate, 'supervisor'));
    expect(d.effects).toContainEqual({ kind: 'notify-department', department: LEAD, topic: 'circulated' });
    const other = expectOk(run(caseIn('closed'), { type: 'circulate', department: OTHER, summary: 's' }, 'coordinator'));
    expect(other.effects).toContainEqual({ kind: 'notify-department', department: OTHER, topic: 'circulated' });
    expect(expectOk(run(caseIn('closed'), SAMPLE['refer-discipline'], 'coordinator')).effects).toContainEqual(expect.objectContaining({ recordKind: 'referral' }));
  });
  it('tells the supervisor of every escalation request', () => {
    const d = expectOk(run(caseIn('assigned'), SAMPLE['request-escalation'], 'coordinator'));
    expect(d.effects).toContainEqual({ kind: 'notify', to: 'supervisor', topic: 'escalation_requested' });
    expect(d.effects).toContainEqual({ kind: 'notify', to: 'leader', topic: 'escalation_requested' });
  });
});

describe('督办情况报告', () => {
  const open = (status: CaseStatus) => caseIn(status, { unansweredSupervision: true });
  it('lets the lead department answer an unanswered 督办 in any open state, state unchanged', () => {
    for (const status of OPEN_DISPATCHED) {
      const d = expectOk(run(open(status), SAMPLE['report-supervision'], 'leadHandler'));
      expect(d.changes).toEqual({});
      expect(d.event).toEqual({ type: 'report-supervision', data: { report: '已于督办时限内办结并答复反映人' } });
      expect(d.effects).toContainEqual({ kind: 'answer-supervision', report: '已于督办时限内办结并答复反映人' });
      expect(d.effects).toContainEqual({ kind: 'notify', to: 'supervisor', topic: 'supervision_reported' });
      expect(allowedActions(open(status), ACTORS.leadHandler, ctx)).toContain('report-supervision');
    }
  });
  it('refuses without an unanswered 督办, on a closed case, and says why', () => {
    const d = run(caseIn('in_progress'), SAMPLE['report-supervision'], 'leadHandler');
    expect(errorCode(d)).toBe('INVALID_TRANSITION');
    expect(!d.ok && d.error.message).toBe('没有待报告的督办');
    expect(allowedActions(caseIn('in_progress'), ACTORS.leadHandler, ctx)).not.toContain('report-supervision');
    expect(errorCode(run(caseIn('closed', { unansweredSupervision: true }), SAMPLE['report-supervision'], 'leadHandler'))).toBe('INVALID_TRANSITION');
  });
  it.each(['coHandler', 'otherHandler', 'coordinator', 'supervisor', 'leader'] as const)('refuses %s (FORBIDDEN)', (who) => {
    expect(errorCode(run(open('in_progress'), SAMPLE['report-supervision'], who))).toBe('FORBIDDEN');
  });
});

describe('线索处理结果', () => {
  const referred = (status: CaseStatus) => caseIn(status, { referralNos: ['移送〔2026〕第1号'] });
  it('records 纪委\'s result in any state with a 线索移送, by the supervisor only', () => {
    for (const status of CASE_STATUSES.filter((s) => s !== 'received')) {
      const d = expectOk(run(referred(status), SAMPLE['record-discipline-result'], 'supervisor'));
      expect(d.changes).toEqual({});
      expect(d.effects).toEqual([{ kind: 'record-discipline-result', referralNo: '移送〔2026〕第1号', result: '已立案审查，给予诫勉谈话' }]);
    }
    expect(allowedActions(referred('closed'), ACTORS.supervisor, ctx)).toContain('record-discipline-result');
    expect(errorCode(run(referred('closed'), SAMPLE['record-discipline-result'], 'coordinator'))).toBe('FORBIDDEN');
  });
  it('refuses a case without a 线索移送 (409) and an unknown number (400)', () => {
    expect(errorCode(run(caseIn('closed'), SAMPLE['record-discipline-result'], 'supervisor'))).toBe('INVALID_TRANSITION');
    expect(checkAgainstCase(referred('closed'), { ...SAMPLE['record-discipline-result'], referralNo: '移送〔2026〕第9号' })).toEqual([
      { field: 'referralNo', message: '该反映件没有这一编号的问题线索移送' },
    ]);
    expect(checkAgainstCase(referred('closed'), SAMPLE['record-discipline-result'])).toEqual([]);
  });
});

describe('延期 decided by level', () => {
  const pending = { dueAt: '2026-10-20T10:00:00.000Z', reason: '需补充现场勘验', by: 'h_lead', at: '2026-09-30T02:00:00.000Z' };
  for (const action of ['approve-extension', 'deny-extension'] as const) {
    it(`${action}: the coordinator at levels 1–2, the leader at level 3, anyone else 403`, () => {
      for (const level of [1, 2] as const) {
        const c = caseIn('in_progress', { level, pendingExtension: pending });
        expectOk(run(c, SAMPLE[action], 'coordinator'));
        expect(errorCode(run(c, SAMPLE[action], 'leader'))).toBe('FORBIDDEN');
        expect(allowedActions(c, ACTORS.leader, ctx)).not.toContain(action);
      }
      const l3 = caseIn('in_progress', { level: 3, pendingExtension: pending });
      expectOk(run(l3, SAMPLE[action], 'leader'));
      expect(allowedActions(l3, ACTORS.leader, ctx)).toContain(action);
      expect(allowedActions(l3, ACTORS.coordinator, ctx)).not.toContain(action);
      const refused = run(l3, SAMPLE[action], 'coordinator');
      expect(errorCode(refused)).toBe('FORBIDDEN');
      expect(!refused.ok && refused.error.message).toMatch(/县领导/);
      for (const who of ['supervisor', 'leadHandler', 'clerk'] as const) expect(errorCode(run(l3, SAMPLE[action], who))).toBe('FORBIDDEN');
    });
    it(`${action}: a wrong decider is refused before a stale version or a missing request (403 first)`, () => {
      const l3 = caseIn('in_progress', { level: 3 });
      expect(errorCode(run(l3, SAMPLE[action], 'coordinator', 1))).toBe('FORBIDDEN');
      expect(errorCode(run(l3, SAMPLE[action], 'leader', 1))).toBe('VERSION_CONFLICT');
      expect(errorCode(run(l3, SAMPLE[action], 'leader'))).toBe('INVALID_TRANSITION');
    });
  }
});

describe('批准提级 with the 会商 of the 工作组', () => {
  it('records the meeting, its time in UTC, on the event and as an effect', () => {
    const meeting = { heldAt: '2026-09-30T09:00:00+08:00', convenor: '王组长', attendees: [{ department: '市场监管局', people: '张三、李四' }], decision: '由公安局牵头，十个工作日内办结' };
    const d = expectOk(run(caseIn('escalating'), { ...SAMPLE['approve-escalation'], meeting }, 'leader'));
    const stored = { ...meeting, heldAt: '2026-09-30T01:00:00.000Z' };
    expect(d.effects).toContainEqual({ kind: 'record-meeting', meeting: stored });
    expect(d.event.data).toMatchObject({ meeting: stored });
    expect(expectOk(run(caseIn('escalating'), SAMPLE['approve-escalation'], 'leader')).effects.some((e) => e.kind === 'record-meeting')).toBe(false);
  });
  it('tells the supervisor of a discipline_referral measure', () => {
    const d = expectOk(run(caseIn('in_progress'), { type: 'add-measure', measureType: 'discipline_referral', note: '移交线索' }, 'coordinator'));
    expect(d.effects).toContainEqual({ kind: 'notify', to: 'supervisor', topic: 'discipline_referral' });
  });
});

// ---------------------------------------------------------------------------
// The table's targets and kinds: what everything else derives from
// ---------------------------------------------------------------------------

describe('the transition table says where each action leads', () => {
  const variants: Array<Partial<CaseState>> = [
    {},
    { escalatedFrom: 'in_progress' },
    { escalatedFrom: 'accepted' },
    { pendingExtension: { dueAt: '2026-10-20T10:00:00.000Z', reason: '勘验', by: 'lead1', at: NOW_ISO } },
    { pendingContest: { department: LEAD, reason: '非本部门职责', suggestedDepartment: CO, by: 'lead1', at: NOW_ISO } },
    { callbackAttempts: 3, measures: [{ id: 5, fulfilledAt: null }] },
    { unansweredSupervision: true, referralNos: ['移送〔2026〕第1号'] },
    { lastEvent: { type: 'sign', by: 'lead1', at: NOW_ISO } },
  ];
  const commands: CaseCommand[] = [
    ...Object.values(SAMPLE),
    { type: 'callback', ...ALL_SATISFIED, integrity: 'dissatisfied' },
    { type: 'verify', substantiated: true, outcome: 'rectify', rectifyDueAt: '2026-10-20T18:00:00+08:00' },
    { type: 'verify', substantiated: true, outcome: 'accountability' },
  ];
  for (const cmd of commands) {
    const rule = ACTION_RULES[cmd.type];
    it(`leads “${rule.label}” (${cmd.type}) only to ${rule.to === 'same' ? 'the state it was in' : rule.to.join(' / ')}`, () => {
      let tried = 0;
      for (const status of CASE_STATUSES) {
        for (const over of variants) {
          for (const who of EVERYONE) {
            const d = run(caseIn(status, over), cmd, who);
            if (!d.ok) continue;
            tried++;
            if (rule.to === 'same') expect(d.changes.status).toBeUndefined();
            else expect(rule.to).toContain(d.changes.status);
          }
        }
      }
      expect(tried).toBeGreaterThan(0);
    });
  }

  it('marks as main (advance) exactly the actions that move a case on or grant a request', () => {
    const advance = CASE_ACTIONS.filter((a) => ACTION_RULES[a].kind === 'advance');
    expect(sorted(advance)).toEqual(sorted(['resolve-on-spot', 'accept', 'dispatch', 'approve-escalation', 'sign', 'complete', 'callback', 'verify', 'approve-extension']));
    const refuse = CASE_ACTIONS.filter((a) => ACTION_RULES[a].kind === 'refuse');
    expect(sorted(refuse)).toEqual(sorted(['reject', 'deny-escalation', 'deny-extension', 'uphold-dispatch']));
  });
});

describe('通报 required and still to be made', () => {
  it('is required for 不给办 and for a substantiated 差评 only', () => {
    expect(isCirculationRequired({ problemType: 'misconduct', everSubstantiated: false })).toBe(true);
    expect(isCirculationRequired({ problemType: 'materials', everSubstantiated: true })).toBe(true);
    expect(isCirculationRequired({ problemType: 'materials', everSubstantiated: false })).toBe(false);
    expect(isCirculationRequired({ problemType: null, everSubstantiated: false })).toBe(false);
  });
  it.each(CASE_STATUSES)('in state %s is pending exactly when 通报 is still possible there and not yet made', (status) => {
    const c = { status, problemType: 'misconduct' as const, everSubstantiated: false };
    const possible = allowedActions(caseIn(status, { problemType: 'misconduct' }), ACTORS.coordinator, ctx).includes('circulate');
    expect(isCirculationPending(c, false)).toBe(possible);
    expect(isCirculationPending(c, true)).toBe(false);
  });
});

// ---------------------------------------------------------------------------
// The loop as it really runs (second part of the contract)
// ---------------------------------------------------------------------------

describe('派单异议 and 改派', () => {
  const contest = (over: Partial<CaseState> = {}, context = ctx) => run(caseIn('assigned', over), SAMPLE.contest, 'leadHandler', 7, context);

  it('records a contest from the lead department, keeps the state and the deadline running, and tells the coordinator', () => {
    const d = expectOk(contest());
    expect(d.changes).toEqual({
      pendingContest: { department: LEAD, reason: '该事项属于人社局职责', suggestedDepartment: CO, by: 'lead1', at: NOW_ISO },
      contestedBy: LEAD,
    });
    expect(d.effects).toEqual([{ kind: 'notify', to: 'coordinator', topic: 'contested' }]);
  });

  it('allows a contest until the end of the working day after being made lead, across a holiday', () => {
    // Made lead on Wednesday 30 September; 1–7 October are off: the window ends at the end of Thursday 8 October.
    const lead = { leadSince: '2026-09-30T02:00:00.000Z' };
    const at = (iso: string): DecideContext => ({ ...ctx, now: new Date(iso) });
    expect(contest(lead, at('2026-10-08T15:59:59.000Z')).ok).toBe(true);
    expect(errorCode(contest(lead, at('2026-10-08T16:00:00.000Z')))).toBe('INVALID_TRANSITION');
    const longer: DecideContext = { ...at('2026-10-09T10:00:00.000Z'), settings: { ...DEFAULT_LIFECYCLE_SETTINGS, contestWorkingDays: 2 } };
    expect(contest(lead, longer).ok).toBe(true);
  });

  it('refuses a second contest by the same department, and one while another is pending', () => {
    expect(errorCode(contest({ contestedBy: [LEAD] }))).toBe('INVALID_TRANSITION');
    const pending = { department: LEAD, reason: 'x', suggestedDepartment: null, by: 'lead1', at: NOW_ISO };
    expect(errorCode(contest({ pendingContest: pending }))).toBe('INVALID_TRANSITION');
    expect(!contest({ contestedBy: [LEAD] }).ok && (contest({ contestedBy: [LEAD] }) as { error: { message: string } }).error.message).toMatch(/异议/);
  });

  it('lets only the lead department contest (a co-department → FORBIDDEN)', () => {
    expect(errorCode(run(caseIn('assigned'), SAMPLE.contest, 'coHandler'))).toBe('FORBIDDEN');
    expect(errorCode(run(caseIn('assigned'), SAMPLE.contest, 'coordinator'))).toBe('FORBIDDEN');
  });

  it('refuses a contest that suggests the department itself (400)', () => {
    expect(checkAgainstCase(caseIn('assigned'), { type: 'contest', reason: 'x', suggestedDepartment: LEAD })).toEqual([
      { field: 'suggestedDepartment', message: '建议的承办部门不能是本部门' },
    ]);
  });

  it('upholds the dispatch only while a contest is pending, counting the contest as rejected', () => {
    expect(errorCode(run(caseIn('assigned'), SAMPLE['uphold-dispatch'], 'coordinator'))).toBe('INVALID_TRANSITION');
    const pending = { department: LEAD, reason: '非本部门职责', suggestedDepartment: null, by: 'lead1', at: NOW_ISO };
    const d = expectOk(run(caseIn('in_progress', { pendingContest: pending }), SAMPLE['uphold-dispatch'], 'coordinator'));
    expect(d.changes).toEqual({ pendingContest: null });
    expect(d.event.data).toMatchObject({ department: LEAD, contest: 'rejected' });
  });

  it('re-dispatches to another department with a new 交办单 and a deadline from now, upholding a pending contest', () => {
    const pending = { department: LEAD, reason: '非本部门职责', suggestedDepartment: OTHER, by: 'lead1', at: NOW_ISO };
    const d = expectOk(run(caseIn('in_progress', { pendingContest: pending }), SAMPLE.redispatch, 'coordinator'));
    expect(d.changes).toMatchObject({
      status: 'assigned',
      level: 1,
      leadDepartment: OTHER,
      coDepartments: [],
      dueAt: '2026-10-09T15:59:59.000Z', // two working days after 30 September: 8 and 9 October
      pendingContest: null,
      leadSince: NOW_ISO,
    });
    expect(d.event.data).toMatchObject({ contest: 'upheld', contestDepartment: LEAD, from: { leadDepartment: LEAD, coDepartments: [CO], level: 2 } });
    expect(d.effects).toEqual([
      { kind: 'issue-assignment-sheet' },
      { kind: 'notify', to: 'lead_department', topic: 'dispatched' },
      { kind: 'notify-department', department: LEAD, topic: 'redispatched_away' },
    ]);
  });

  it('does not tell the former lead it lost the case when it stays a co-department', () => {
    const d = expectOk(run(caseIn('assigned'), { type: 'redispatch', level: 2, leadDepartment: OTHER, coDepartments: [LEAD], reason: '调整牵头部门' }, 'coordinator'));
    expect(d.effects).toEqual([
      { kind: 'issue-assignment-sheet' },
      { kind: 'notify', to: 'lead_department', topic: 'dispatched' },
      { kind: 'notify', to: 'co_departments', topic: 'co_dispatched' },
    ]);
  });

  it('refuses a re-dispatch that changes nothing (400)', () => {
    expect(checkAgainstCase(caseIn('assigned'), { type: 'redispatch', level: 2, leadDepartment: LEAD, coDepartments: [CO], reason: 'x' })).toHaveLength(1);
  });
});

describe('协办意见', () => {
  it('records the part of the co-department that writes it', () => {
    const d = expectOk(run(caseIn('in_progress'), SAMPLE['co-reply'], 'coHandler'));
    expect(d.changes).toEqual({ coPart: { department: CO, opinion: '本部门已出具社保缴费证明', at: NOW_ISO, by: 'co1' } });
  });
  it('is refused to the lead department and to uninvolved departments', () => {
    const lead = run(caseIn('in_progress'), SAMPLE['co-reply'], 'leadHandler');
    expect(errorCode(lead)).toBe('FORBIDDEN');
    expect(!lead.ok && lead.error.message).toBe('只有协办部门可以执行“协办意见”');
    expect(errorCode(run(caseIn('in_progress'), SAMPLE['co-reply'], 'otherHandler'))).toBe('FORBIDDEN');
  });
});

describe('更正, 重新受理 and 重办, 并件', () => {
  it('passes the corrections on for the caller to write with before and after', () => {
    const d = expectOk(run(caseIn('completed'), SAMPLE.correct, 'clerk'));
    expect(d.changes).toEqual({ corrections: { matter: '个体工商户变更登记' } });
  });

  it('takes a rejection back to 已登记, clearing the closing instant', () => {
    const d = expectOk(run(caseIn('rejected'), { type: 'reopen', reason: '不予受理有误' }, 'coordinator'));
    expect(d.changes).toEqual({ status: 'received', rejectionWithdrawn: true, closedAt: null });
    expect(d.stage).toEqual({ stageStartedAt: NOW_ISO, stageDueAt: '2026-10-08T15:59:59.000Z' });
  });

  it('reopens a closed case to 办理中 for the same departments with the new deadline (重办)', () => {
    const d = expectOk(run(caseIn('closed'), SAMPLE.reopen, 'coordinator'));
    expect(d.changes).toMatchObject({ status: 'in_progress', reopened: true, closedAt: null, dueAt: '2026-10-20T10:00:00.000Z' });
    expect(d.changes.leadDepartment).toBeUndefined();
    expect(d.effects).toEqual([{ kind: 'notify', to: 'lead_department', topic: 'reopened' }]);
  });

  it('asks a deadline for 重办 and none for taking a rejection back (400)', () => {
    expect(checkAgainstCase(caseIn('closed'), { type: 'reopen', reason: 'x' })).toEqual([{ field: 'dueAt', message: '重办须设定新的办理时限' }]);
    expect(checkAgainstCase(caseIn('rejected'), SAMPLE.reopen)).toHaveLength(1);
  });

  it('cannot reopen a case resolved on the spot, which never had a department', () => {
    expect(errorCode(run(caseIn('closed', { leadDepartment: null, coDepartments: [] }), SAMPLE.reopen, 'coordinator'))).toBe('INVALID_TRANSITION');
  });

  it('merges a case not yet dispatched into a main case, for good', () => {
    const d = expectOk(run(caseIn('accepted'), SAMPLE.merge, 'coordinator'));
    expect(d.changes).toEqual({ status: 'merged', mergedInto: 99 });
    expect(d.stage).toEqual({ stageStartedAt: NOW_ISO, stageDueAt: null });
    expect(errorCode(run(caseIn('assigned'), SAMPLE.merge, 'coordinator'))).toBe('INVALID_TRANSITION');
  });

  it('merges only into a case that is still open', () => {
    for (const status of CASE_STATUSES) expect(canMergeInto({ status })).toBe(!['rejected', 'closed', 'merged'].includes(status));
  });
});

describe('回访未接通 and 无法回访办结', () => {
  it('counts unanswered callbacks and keeps the case waiting', () => {
    const d = expectOk(run(caseIn('completed', { callbackAttempts: 1 }), { type: 'callback-attempt', outcome: 'busy', note: '忙线' }, 'coordinator'));
    expect(d.changes).toEqual({ callbackAttempt: { outcome: 'busy', note: '忙线', at: NOW_ISO, by: 'coord1' } });
    expect(d.event.data).toMatchObject({ attempt: 2 });
  });

  it('closes as unreachable only after the setting’s number of attempts', () => {
    for (const attempts of [0, 1, 2]) {
      expect(errorCode(run(caseIn('completed', { callbackAttempts: attempts }), SAMPLE['close-unreachable'], 'coordinator'))).toBe('INVALID_TRANSITION');
    }
    const d = expectOk(run(caseIn('completed', { callbackAttempts: 3 }), SAMPLE['close-unreachable'], 'coordinator'));
    expect(d.changes).toEqual({ status: 'closed', closedAt: NOW_ISO, closedUnreachable: true });
    expect(d.changes.callback).toBeUndefined();
    const two: DecideContext = { ...ctx, settings: { ...DEFAULT_LIFECYCLE_SETTINGS, callbackAttemptsBeforeUnreachable: 2 } };
    expect(run(caseIn('completed', { callbackAttempts: 2 }), SAMPLE['close-unreachable'], 'coordinator', 7, two).ok).toBe(true);
    expect(allowedActions(caseIn('completed', { callbackAttempts: 2 }), ACTORS.coordinator, two)).toContain('close-unreachable');
    expect(allowedActions(caseIn('completed', { callbackAttempts: 2 }), ACTORS.coordinator, ctx)).not.toContain('close-unreachable');
  });
});

describe('措施完成', () => {
  const measures = [{ id: 5, fulfilledAt: null }, { id: 6, fulfilledAt: '2026-09-29T02:00:00.000Z' }];
  it('fulfils an open measure of the case', () => {
    const d = expectOk(run(caseIn('in_progress', { measures }), SAMPLE['fulfil-measure'], 'leadHandler'));
    expect(d.changes).toEqual({ fulfilledMeasure: { id: 5, note: '已补交房屋产权证明', at: NOW_ISO, by: 'lead1' } });
  });
  it('refuses one already fulfilled (409) and one of another case (400)', () => {
    expect(errorCode(run(caseIn('in_progress', { measures }), { type: 'fulfil-measure', measureId: 6, note: 'x' }, 'coordinator'))).toBe('INVALID_TRANSITION');
    expect(checkAgainstCase(caseIn('in_progress', { measures }), { type: 'fulfil-measure', measureId: 7, note: 'x' })).toEqual([
      { field: 'measureId', message: '该反映件没有这项措施' },
    ]);
  });
  it('is offered only while some measure is open', () => {
    expect(allowedActions(caseIn('in_progress', { measures }), ACTORS.coordinator)).toContain('fulfil-measure');
    expect(allowedActions(caseIn('in_progress', { measures: [measures[1]!] }), ACTORS.coordinator)).not.toContain('fulfil-measure');
  });  it('refuses a withdrawn measure (409)', () => {
    const withdrawn = [{ id: 5, fulfilledAt: null, withdrawnAt: '2026-09-29T02:00:00.000Z' }];
    expect(errorCode(run(caseIn('in_progress', { measures: withdrawn }), SAMPLE['fulfil-measure'], 'coordinator'))).toBe('INVALID_TRANSITION');
    expect(allowedActions(caseIn('in_progress', { measures: withdrawn }), ACTORS.coordinator)).not.toContain('fulfil-measure');
  });
});

describe('撤回措施', () => {
  const measures = [
    { id: 5, type: 'proxy', dueAt: '2026-10-10T09:00:00.000Z', fulfilledAt: null },
    { id: 6, type: 'tolerance_acceptance', fulfilledAt: '2026-09-29T02:00:00.000Z' },
    { id: 7, fulfilledAt: null, withdrawnAt: '2026-09-29T02:00:00.000Z' },
  ];
  it('withdraws a measure recorded by mistake, with its reason; the lead department or the coordinator', () => {
    const d = expectOk(run(caseIn('in_progress', { measures }), SAMPLE['withdraw-measure'], 'leadHandler'));
    expect(d.changes).toEqual({ withdrawnMeasure: { id: 5, reason: '误录，申请人材料已齐全', at: NOW_ISO, by: 'lead1' } });
    expect(d.event).toMatchObject({ type: 'withdraw-measure', data: { measureId: 5, reason: '误录，申请人材料已齐全' } });
    expect(run(caseIn('in_progress', { measures }), SAMPLE['withdraw-measure'], 'coordinator').ok).toBe(true);
    expect(errorCode(run(caseIn('in_progress', { measures }), SAMPLE['withdraw-measure'], 'coHandler'))).toBe('FORBIDDEN');
  });
  it('refuses one fulfilled or withdrawn already (409), one of another case (400), and a closed case', () => {
    expect(errorCode(run(caseIn('in_progress', { measures }), { type: 'withdraw-measure', measureId: 6, reason: 'x' }, 'coordinator'))).toBe('INVALID_TRANSITION');
    expect(errorCode(run(caseIn('in_progress', { measures }), { type: 'withdraw-measure', measureId: 7, reason: 'x' }, 'coordinator'))).toBe('INVALID_TRANSITION');
    expect(checkAgainstCase(caseIn('in_progress', { measures }), { type: 'withdraw-measure', measureId: 8, reason: 'x' })).toEqual([
      { field: 'measureId', message: '该反映件没有这项措施' },
    ]);
    expect(errorCode(run(caseIn('closed', { measures }), SAMPLE['withdraw-measure'], 'coordinator'))).toBe('INVALID_TRANSITION');
  });
  it('is offered only while some measure is neither fulfilled nor withdrawn', () => {
    expect(allowedActions(caseIn('in_progress', { measures }), ACTORS.coordinator)).toContain('withdraw-measure');
    expect(allowedActions(caseIn('in_progress', { measures: measures.slice(1) }), ACTORS.coordinator)).not.toContain('withdraw-measure');
  });
});

describe('stage clocks on every move', () => {
  it('restarts the clock when the case enters another stage, and only then', () => {
    expect(expectOk(run(caseIn('received'), SAMPLE.accept, 'coordinator')).stage).toBeUndefined(); // still triage
    expect(expectOk(run(caseIn('accepted'), SAMPLE.dispatch, 'coordinator')).stage).toEqual({ stageStartedAt: NOW_ISO, stageDueAt: null });
    // Completed on 30 September: the callback is due by the end of the 3rd working day (8, 9, 10 October).
    expect(expectOk(run(caseIn('in_progress'), SAMPLE.complete, 'leadHandler')).stage).toEqual({ stageStartedAt: NOW_ISO, stageDueAt: '2026-10-10T15:59:59.000Z' });
    expect(expectOk(run(caseIn('assigned'), SAMPLE.sign, 'leadHandler')).stage).toBeUndefined(); // still handling
  });
});

describe('撤销签收 (undo-sign)', () => {
  const signedBy = (by: string, minutesAgo: number) => ({ lastEvent: { type: 'sign', by, at: new Date(NOW.getTime() - minutesAgo * 60_000).toISOString() } });

  it('takes a fresh 签收 back to assigned for the handler who signed, recording only the state', () => {
    const d = expectOk(run(caseIn('in_progress', signedBy('lead1', 1)), SAMPLE['undo-sign'], 'leadHandler'));
    expect(d.changes).toEqual({ status: 'assigned' });
    expect(d.event).toEqual({ type: 'undo-sign', data: { from: 'in_progress' } });
    expect(d.effects).toEqual([]);
    expect(d.stage).toBeUndefined(); // still the handling stage: the deadline and clocks are untouched
  });

  it(`allows it up to ${UNDO_SIGN_MINUTES} minutes after the 签收 and not a second later`, () => {
    expect(run(caseIn('in_progress', signedBy('lead1', UNDO_SIGN_MINUTES)), SAMPLE['undo-sign'], 'leadHandler').ok).toBe(true);
    const late = run(caseIn('in_progress', signedBy('lead1', UNDO_SIGN_MINUTES + 1 / 60)), SAMPLE['undo-sign'], 'leadHandler');
    expect(errorCode(late)).toBe('INVALID_TRANSITION');
    expect(late.ok ? '' : late.error.message).toContain('撤销签收');
  });

  it('refuses another handler of the same department (409) and a co-department or the coordinator (403)', () => {
    const colleague = { ...ACTORS.leadHandler, username: 'lead2' };
    const d = decide(caseIn('in_progress', signedBy('lead1', 1)), SAMPLE['undo-sign'], colleague, 7, ctx);
    expect(errorCode(d)).toBe('INVALID_TRANSITION');
    expect(errorCode(run(caseIn('in_progress', signedBy('lead1', 1)), SAMPLE['undo-sign'], 'coHandler'))).toBe('FORBIDDEN');
    expect(errorCode(run(caseIn('in_progress', signedBy('lead1', 1)), SAMPLE['undo-sign'], 'coordinator'))).toBe('FORBIDDEN');
  });

  it('refuses once anything else happened after the 签收 (the latest event is not the 签收), or when unknown', () => {
    const remarked = { lastEvent: { type: 'comment', by: 'lead1', at: NOW_ISO } };
    expect(errorCode(run(caseIn('in_progress', remarked), SAMPLE['undo-sign'], 'leadHandler'))).toBe('INVALID_TRANSITION');
    expect(errorCode(run(caseIn('in_progress'), SAMPLE['undo-sign'], 'leadHandler'))).toBe('INVALID_TRANSITION');
    // a stale version is a conflict before anything else
    expect(errorCode(run(caseIn('in_progress', signedBy('lead1', 1)), SAMPLE['undo-sign'], 'leadHandler', 6))).toBe('VERSION_CONFLICT');
  });

  it('is offered exactly while it would be allowed, to the signer only', () => {
    expect(allowedActions(caseIn('in_progress', signedBy('lead1', 2)), ACTORS.leadHandler, ctx)).toContain('undo-sign');
    expect(allowedActions(caseIn('in_progress', signedBy('lead1', 6)), ACTORS.leadHandler, ctx)).not.toContain('undo-sign');
    expect(allowedActions(caseIn('in_progress', signedBy('lead2', 1)), ACTORS.leadHandler, ctx)).not.toContain('undo-sign');
    expect(allowedActions(caseIn('assigned', signedBy('lead1', 1)), ACTORS.leadHandler, ctx)).not.toContain('undo-sign');
  });

  it('signUndoable() without a clock or an actor checks only that the 签收 is the latest event', () => {
    expect(signUndoable(signedBy('lead1', 600), undefined)).toBe(true);
    expect(signUndoable({ lastEvent: null }, undefined)).toBe(false);
    expect(signUndoable(signedBy('lead1', 1), { now: NOW }, { username: 'lead1' })).toBe(true);
    expect(signUndoable(signedBy('lead1', -1), { now: NOW }, { username: 'lead1' })).toBe(false); // a clock skew never opens it
  });
});
