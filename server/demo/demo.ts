/**
 * npm run demo: a fresh throw-away database filled with the county's departments, one account per
 * role and ~300 cases in every state, generated through the domain services (not raw inserts) so
 * every timeline and the audit chain are consistent.
 */
import { seedDemoKnowledge } from './demo-knowledge.js';
import os from 'node:os';
import path from 'node:path';
import type { Actor } from '../../core/case-lifecycle.js';
import { MEASURES_BY_PROBLEM_TYPE, PROBLEM_TYPES, REJECT_CATEGORIES, type ProblemType } from '../../core/domain.js';
import { usccCheckChar } from '../../core/validation.js';
import { openPreparedDatabase } from '../boot.js';
import { loadConfig, type Config } from '../config.js';
import type { AppContext, Clock } from '../context.js';
import { hashPassword } from '../auth/password.js';
import { insertDepartment, insertUser } from '../users/user.repository.js';
import { intakeCase, runCaseAction } from '../cases/case.service.js';
import { listMeasures } from '../cases/case.repository.js';
import { appendAudit } from '../audit/audit.repository.js';
import type { Channel, Role } from '../../core/domain.js';
import { DEMO_DEPARTMENTS, DEMO_DESCRIPTIONS, DEMO_MATTERS, DEMO_REASONS, ENTERPRISES, GIVEN, SURNAMES } from './demo-data.js';

/** Satisfies the password rule (core/passwords.ts: 8+ characters from 3 of 4 classes); the test checks it. */
export const DEMO_PASSWORD = 'Demo@2026';

/** A deterministic pseudo-random generator (mulberry32) so every demo run looks alike. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
    chance: (p: number) => next() < p,
  };
}

class MovableClock implements Clock {
  t = new Date();
  now(): Date {
    return new Date(this.t.getTime());
  }
}

interface DemoAccount {
  username: string;
  role: Role;
  name: string;
  department?: string;
  /** The channel the account takes reports on (its 登记 form starts there). */
  intakeChannel?: Channel;
}

export const DEMO_ACCOUNTS: DemoAccount[] = [
  { username: 'admin', role: 'admin', name: '系统管理员' },
  { username: 'clerk', role: 'clerk', name: '王晓燕', intakeChannel: 'window' },
  { username: 'hotline', role: 'clerk', name: '陈丽（热线）', intakeChannel: 'hotline' },
  { username: 'coordinator', role: 'coordinator', name: '李建华' },
  { username: 'leader', role: 'leader', name: '赵国强' },
  { username: 'supervisor', role: 'supervisor', name: '钱文静' },
  { username: 'secadmin', role: 'security_admin', name: '冯安全（安全管理员）' },
  { username: 'auditor', role: 'auditor', name: '陈审计（审计管理员）' },
  ...DEMO_DEPARTMENTS.filter(([c]) => c !== 'xgb').map(([code, name]) => ({
    username: `${code}`,
    role: 'handler' as Role,
    name: `${name.replace(/^县/, '')}首席代表`,
    department: code,
  })),
];

/** Targets a demo case ends in (weights out of the total). */
const TARGETS: Array<[string, number]> = [
  ['received', 18],
  ['accepted', 14],
  ['rejected', 14],
  ['on_spot', 26],
  ['assigned', 26],
  ['in_progress', 40],
  ['escalating', 10],
  ['l3', 12],
  ['completed', 30],
  ['verifying', 14],
  ['rectifying', 8],
  ['closed', 70],
  ['accountability', 6],
];

export async function seedDemo(ctx: AppContext & { clock: { t: Date; now(): Date } }, count = 300, seed = 20211817): Promise<{ cases: number }> {
  const r = rng(seed);
  const realNow = Date.now();
  const hash = await hashPassword(DEMO_PASSWORD);
  const at0 = new Date(realNow - 200 * 86400_000).toISOString();
  const actors = new Map<string, Actor>();
  await ctx.db.transaction().execute(async (trx) => {
    for (const [code, name] of DEMO_DEPARTMENTS) {
      await insertDepartment(trx, { code, name, at: at0 });
      await appendAudit(trx, { at: at0, actor: 'demo', action: 'department.add', entityType: 'department', entityId: code, data: { code, name } });
    }
    for (const a of DEMO_ACCOUNTS) {
      const id = await insertUser(trx, { username: a.username, name: a.name, role: a.role, department: a.department ?? null, passwordHash: hash, at: at0, intakeChannel: a.intakeChannel ?? null });
      await appendAudit(trx, { at: at0, actor: 'demo', action: 'user.add', entityType: 'user', entityId: String(id), data: { username: a.username, role: a.role } });
      actors.set(a.username, { userId: id, username: a.username, name: a.name, role: a.role, department: a.department ?? null });
    }
  });
  const A = (u: string) => actors.get(u)!;
  const handlerOf = (dept: string) => A(dept);
  const total = TARGETS.reduce((s, [, w]) => s + w, 0);
  const targetFor = (i: number) => {
    let x = (i * total) / count;
    for (const [t, w] of TARGETS) {
      if (x < w) return t;
      x -= w;
    }
    return 'closed';
  };

  // Intake moments over the last ~150 days; cases still open are mostly recent (a few overdue),
  // finished ones older. Processed oldest first so case numbers follow intake order.
  const OPEN_TARGETS = ['received', 'accepted', 'assigned', 'in_progress', 'escalating', 'l3', 'completed', 'verifying', 'rectifying'];
  const plan = Array.from({ length: count }, (_, i) => {
    const target = targetFor(i);
    const daysBack = OPEN_TARGETS.includes(target) ? (r.chance(0.15) ? r.int(8, 30) : r.int(0, 7)) : r.int(5, 150);
    return { target, start: realNow - daysBack * 86400_000 };
  }).sort((a, b) => a.start - b.start);
  let made = 0;
  for (let i = 0; i < count; i++) {
    const target = plan[i]!.target;
    const problemType: ProblemType = r.pick(PROBLEM_TYPES);
    const [matter, dept] = r.pick(DEMO_MATTERS);
    const enterprise = r.chance(0.35);
    const orgName = r.pick(ENTERPRISES);
    const first17 = `915002${String(r.int(31, 31)).padStart(2, '0')}MA${'0123456789ABCDEFGHJKLMNPQRTUWXY'[r.int(0, 30)]}${String(r.int(10000, 99999))}${r.int(0, 9)}${r.int(0, 9)}`.slice(0, 17);
    const reporter = enterprise
      ? { name: `${r.pick([...SURNAMES])}${r.pick(GIVEN)}`, phone: `1${r.pick(['3', '5', '7', '8', '9'])}${String(r.int(100000000, 999999999))}`, kind: 'enterprise', orgName, orgCode: first17 + usccCheckChar(first17) }
      : { name: `${r.pick([...SURNAMES])}${r.pick(GIVEN)}`, phone: `1${r.pick(['3', '5', '7', '8', '9'])}${String(r.int(100000000, 999999999))}`, kind: 'person' };
    // Days back from now limit how far a case can have got; recent ones stay early in the loop.
    let t = plan[i]!.start;
    // Keep demo timestamps in Shanghai office hours: shift to 01:00–09:00 UTC.
    const d = new Date(t);
    d.setUTCHours(1 + r.int(0, 7), r.int(0, 59), r.int(0, 59), 0);
    t = Math.min(d.getTime(), realNow - 3600_000);
    ctx.clock.t = new Date(t);
    const step = (hours: [number, number]) => {
      t += r.int(hours[0], hours[1]) * 3600_000 + r.int(0, 59) * 60_000;
      if (t > realNow - 60_000) return false;
      ctx.clock.t = new Date(t);
      return true;
    };
    const channel = r.pick(['window', 'window', 'hotline', 'hotline', 'online', 'mass_work', 'other'] as const);
    const clerk = channel === 'hotline' ? A('hotline') : A('clerk');
    const intake = await intakeCase(
      ctx,
      {
        channel,
        reporter,
        matter,
        departmentCodes: [dept],
        description: `${r.pick(DEMO_DESCRIPTIONS)}`,
        reason: r.pick(DEMO_REASONS[problemType]),
      },
      clerk,
    );
    made++;
    let c = intake.record;
    const act = async (who: Actor, action: string, body: Record<string, unknown>) => {
      c = await runCaseAction(ctx, String(c.id), action, { version: c.version, ...body }, who);
    };
    const coord = A('coordinator');
    if (target === 'received') continue;
    if (!step([0, 4])) continue;
    if (target === 'on_spot') {
      await act(clerk, 'resolve-on-spot', { result: '窗口当场协调相关科室，已为申请人办结。' });
      if (r.chance(0.7) && step([2, 48])) await act(coord, 'callback', { attitude: 'satisfied', result: 'satisfied', efficiency: 'satisfied', integrity: 'satisfied' });
      continue;
    }
    if (target === 'rejected') {
      const cat = r.pick(REJECT_CATEGORIES);
      await act(coord, 'reject', { reasonCategory: cat, explanation: cat === 'litigation' ? '该事项已进入诉讼程序，请依法通过司法途径解决。' : '经研判，该事项不属于政务服务“办不成事”受理范围，已告知反映人依法依规的反映途径。' });
      continue;
    }
    await act(coord, 'accept', { problemType });
    if (target === 'accepted') continue;
    const lead = dept;
    const others = DEMO_DEPARTMENTS.map(([c2]) => c2).filter((c2) => c2 !== lead && c2 !== 'xgb');
    if (target === 'escalating' || target === 'l3') {
      if (!step([1, 24])) continue;
      await act(coord, 'request-escalation', { reason: '涉及多个部门，需县工作组一事一议协调。' });
      if (target === 'escalating') continue;
      if (!step([2, 48])) continue;
      await act(A('leader'), 'approve-escalation', {
        leadDepartment: lead,
        coDepartments: [r.pick(others)],
        dueAt: new Date(t + r.int(7, 20) * 86400_000).toISOString(),
        note: '组长召集相关部门专题研究，明确牵头部门和办理时限。',
      });
      if (r.chance(0.6) && step([1, 20])) await act(handlerOf(lead), 'sign', {});
      continue;
    }
    if (!step([1, 20])) continue;
    const level = r.chance(0.7) ? 1 : 2;
    await act(coord, 'dispatch', level === 1 ? { level: 1, leadDepartment: lead } : { level: 2, leadDepartment: lead, coDepartments: [r.pick(others)] });
    if (target === 'assigned') continue;
    if (!step([1, 30])) continue;
    await act(handlerOf(lead), 'sign', {});
    if (r.chance(0.7) && step([1, 24])) {
      const mt = r.pick(MEASURES_BY_PROBLEM_TYPE[problemType]);
      await act(handlerOf(lead), 'add-measure', {
        type: mt,
        note: mt === 'tolerance_acceptance' ? '申请人已书面承诺在规定时限内补交材料，先行容缺受理。' : '已按方案采取措施推进办理。',
        ...(mt === 'tolerance_acceptance' ? { dueAt: new Date(t + r.int(3, 10) * 86400_000).toISOString() } : {}),
      });
    }
    if (r.chance(0.25) && step([2, 30])) await act(coord, 'urge', { note: '请抓紧办理，按时限答复反映人。' });
    if (target === 'in_progress') continue;
    if (!step([4, level === 1 ? 60 : 140])) continue;
    await act(handlerOf(lead), 'complete', { result: '经部门协调，已为申请人办结该事项，并电话告知办理结果。', repliedVia: r.pick(['phone', 'sms', 'in_person'] as const) });
    if (target === 'completed') continue;
    if (!step([2, 48])) continue;
    const bad = ['verifying', 'rectifying', 'accountability'].includes(target) || r.chance(0.08);
    await act(coord, 'callback', {
      attitude: bad && r.chance(0.5) ? 'dissatisfied' : 'satisfied',
      result: bad ? 'dissatisfied' : r.pick(['satisfied', 'basically_satisfied'] as const),
      efficiency: r.pick(['satisfied', 'basically_satisfied'] as const),
      integrity: 'satisfied',
      comment: bad ? '反映人对办理结果不满意，认为问题未真正解决。' : '反映人表示满意。',
    });
    if (!bad || target === 'verifying') continue;
    if (!step([4, 48])) continue;
    if (target === 'accountability') {
      await act(A('supervisor'), 'verify', { substantiated: true, outcome: 'accountability', note: '经核查差评属实，对相关责任人追责问责。' });
      continue;
    }
    if (target === 'rectifying' || target === 'closed') {
      if (target === 'closed' && r.chance(0.5)) {
        await act(A('supervisor'), 'verify', { substantiated: false, outcome: 'none', note: '经核查，部门已按政策办理，差评不实。' });
        continue;
      }
      await act(A('supervisor'), 'verify', { substantiated: true, outcome: 'rectify', note: '差评属实，责令限期整改。', rectifyDueAt: new Date(t + r.int(3, 8) * 86400_000).toISOString() });
      if (target === 'rectifying') continue;
      if (!step([10, 60])) continue;
      await act(handlerOf(lead), 'complete', { result: '已按要求整改到位，重新答复反映人。', repliedVia: 'phone' });
      if (!step([2, 24])) continue;
      await act(coord, 'callback', { attitude: 'satisfied', result: 'satisfied', efficiency: 'basically_satisfied', integrity: 'satisfied' });
    }
  }
  made += await seedLoopScenarios(ctx, A, r, realNow);
  await seedDemoKnowledge(ctx, A, realNow);
  return { cases: made };
}

/**
 * The loop as it really runs (issue 10), each situation at least once, through the services: a
 * pending contest, an upheld contest (re-dispatched), a rejected contest, co-departments' parts (some
 * missing at completion), a correction, a reopened rejection, 重办, a main case with two repeats
 * merged into it, unanswered callbacks and a closure as unreachable, a fulfilled 容缺 promise, and
 * cases past their stage clock (triage, callback). Answers how many cases it registered.
 */
async function seedLoopScenarios(ctx: AppContext & { clock: { t: Date; now(): Date } }, A: (u: string) => Actor, r: ReturnType<typeof rng>, realNow: number): Promise<number> {
  const coord = A('coordinator');
  const clerk = A('clerk');
  let made = 0;
  const person = () => ({ name: `${r.pick([...SURNAMES])}${r.pick(GIVEN)}`, phone: `1${r.pick(['3', '5', '7', '8', '9'])}${String(r.int(100000000, 999999999))}`, kind: 'person' });
  /** One case: registered `daysBack` days ago (office hours), then `steps` run with the clock moved on by hours. */
  const scenario = async (daysBack: number, matterIndex: number, steps: (ctl: { act: (who: Actor, action: string, body: Record<string, unknown>) => Promise<void>; later: (hours: number) => void; id: () => number; lead: string }) => Promise<void>, reporter = person()) => {
    const [matter, lead] = DEMO_MATTERS[matterIndex % DEMO_MATTERS.length]!;
    const d = new Date(realNow - daysBack * 86400_000);
    d.setUTCHours(1 + r.int(0, 6), r.int(0, 59), 0, 0);
    let t = Math.min(d.getTime(), realNow - 3 * 3600_000);
    ctx.clock.t = new Date(t);
    const problemType: ProblemType = r.pick(PROBLEM_TYPES);
    const intake = await intakeCase(ctx, { channel: r.pick(['window', 'hotline', 'online'] as const), reporter, matter, departmentCodes: [lead], description: r.pick(DEMO_DESCRIPTIONS), reason: r.pick(DEMO_REASONS[problemType]) }, clerk);
    made++;
    let c = intake.record;
    await steps({
      act: async (who, action, body) => {
        c = await runCaseAction(ctx, String(c.id), action, { version: c.version, ...body }, who);
      },
      later: (hours) => {
        t = Math.min(t + hours * 3600_000, realNow - 60_000);
        ctx.clock.t = new Date(t);
      },
      id: () => c.id,
      lead,
    });
    return c.id;
  };
  const other = (lead: string, k = 0) => DEMO_DEPARTMENTS.map(([code]) => code).filter((code) => code !== lead && code !== 'xgb')[k]!;
  const dispatch = async (x: Parameters<Parameters<typeof scenario>[2]>[0], co: string[] = [], problemType: ProblemType = r.pick(PROBLEM_TYPES)) => {
    await x.act(coord, 'accept', { problemType });
    x.later(3);
    await x.act(coord, 'dispatch', co.length ? { level: 2, leadDepartment: x.lead, coDepartments: co } : { level: 1, leadDepartment: x.lead });
    x.later(2);
  };
  const complete = (x: Parameters<Parameters<typeof scenario>[2]>[0], lead = x.lead) => x.act(A(lead), 'complete', { result: '经部门协调，已为申请人办结该事项，并电话告知办理结果。', repliedVia: 'phone' });
  const satisfied = { attitude: 'satisfied', result: 'satisfied', efficiency: 'satisfied', integrity: 'satisfied' };

  // 派单异议 awaiting the coordinator.
  await scenario(1, 0, async (x) => {
    await dispatch(x);
    await x.act(A(x.lead), 'contest', { reason: '该事项的审批权限已划转，不属于本部门职责。', suggestedDepartment: other(x.lead) });
  });
  // 异议成立: re-dispatched to the department suggested, which signs and works on it.
  await scenario(12, 4, async (x) => {
    await dispatch(x);
    const to = other(x.lead, 1);
    await x.act(A(x.lead), 'contest', { reason: '该事项由其他部门主管，本部门无审批权限。', suggestedDepartment: to });
    x.later(4);
    await x.act(coord, 'redispatch', { level: 1, leadDepartment: to, reason: '经核实异议成立，改派主管部门办理。' });
    x.later(5);
    await x.act(A(to), 'sign', {});
  });
  // 异议不成立: the dispatch upheld; the department signs and completes.
  await scenario(20, 8, async (x) => {
    await dispatch(x);
    await x.act(A(x.lead), 'contest', { reason: '申请人材料不齐，建议退回窗口。' });
    x.later(4);
    await x.act(coord, 'uphold-dispatch', { reason: '该事项属本部门法定职责，材料问题应由部门指导补正，维持原派单。' });
    x.later(3);
    await x.act(A(x.lead), 'sign', {});
    x.later(30);
    await complete(x);
  });
  // 协办: two co-departments, one replies before completion (the other is recorded missing) …
  await scenario(25, 12, async (x) => {
    const co = [other(x.lead, 2), other(x.lead, 3)];
    await dispatch(x, co);
    await x.act(A(x.lead), 'sign', {});
    x.later(20);
    await x.act(A(co[0]!), 'co-reply', { opinion: '本部门已配合核实相关材料，无异议。' });
    x.later(30);
    await complete(x);
    x.later(20);
    await x.act(coord, 'callback', satisfied);
  });
  // … and one where every co-department replied, still in progress.
  await scenario(4, 16, async (x) => {
    const co = [other(x.lead, 4)];
    await dispatch(x, co);
    await x.act(A(x.lead), 'sign', {});
    x.later(6);
    await x.act(A(co[0]!), 'co-reply', { opinion: '已安排专人对接，协助牵头部门现场核查。' });
  });
  // 更正: the reporter's phone and the matter corrected after intake.
  await scenario(2, 20, async (x) => {
    x.later(1);
    await x.act(clerk, 'correct', { changes: { matter: '个体工商户设立登记（更正）', reporter: { ...person(), name: '更正后姓名' } }, note: '登记时误记反映人电话和事项名称，据反映人来电更正。' });
    x.later(2);
    await x.act(coord, 'accept', { problemType: 'complex' });
  });
  // 重新受理 of a rejection, then accepted.
  await scenario(9, 24, async (x) => {
    await x.act(coord, 'reject', { reasonCategory: 'other', explanation: '经研判，该事项不属于政务服务“办不成事”受理范围。' });
    x.later(30);
    await x.act(coord, 'reopen', { reason: '反映人补充了材料，确属办不成事，重新受理。' });
    x.later(2);
    await x.act(coord, 'accept', { problemType: 'complex' });
  });
  // 重办: closed with a satisfied callback, then reopened with a new deadline.
  await scenario(40, 28, async (x) => {
    await dispatch(x);
    await x.act(A(x.lead), 'sign', {});
    x.later(50);
    await complete(x);
    x.later(24);
    await x.act(coord, 'callback', satisfied);
    x.later(200);
    await x.act(coord, 'reopen', { reason: '反映人再次来电，问题反弹，责成原承办部门重办。', dueAt: new Date(realNow + 7 * 86400_000).toISOString() });
  });
  // 并件: a main case and two repeats of the same matter merged into it.
  const mainReporter = person();
  const main = await scenario(6, 32, async (x) => {
    await dispatch(x);
  }, mainReporter);
  for (let k = 0; k < 2; k++) {
    await scenario(5 - k, 32, async (x) => {
      x.later(2);
      await x.act(coord, 'merge', { into: main, note: '与已受理的反映件系同一事项，并件办理。' });
    });
  }
  // 回访未接通 three times, then 无法回访办结; and one with an unanswered attempt still waiting.
  await scenario(30, 36, async (x) => {
    await dispatch(x);
    await x.act(A(x.lead), 'sign', {});
    x.later(40);
    await complete(x);
    for (const outcome of ['no_answer', 'busy', 'no_answer']) {
      x.later(24);
      await x.act(coord, 'callback-attempt', { outcome, note: '按登记电话回访未接通。' });
    }
    x.later(24);
    await x.act(coord, 'close-unreachable', { note: '三次回访均未接通，按无法回访办结。' });
  });
  await scenario(6, 40, async (x) => {
    await dispatch(x);
    await x.act(A(x.lead), 'sign', {});
    x.later(20);
    await complete(x);
    x.later(24);
    await x.act(coord, 'callback-attempt', { outcome: 'busy' });
  });
  // 容缺受理 with a promise the reporter kept (措施完成).
  await scenario(15, 44, async (x) => {
    await dispatch(x, [], 'materials');
    await x.act(A(x.lead), 'sign', {});
    x.later(4);
    await x.act(A(x.lead), 'add-measure', { type: 'tolerance_acceptance', note: '申请人已书面承诺在规定时限内补交材料，先行容缺受理。', dueAt: new Date(ctx.clock.now().getTime() + 5 * 86400_000).toISOString() });
    x.later(48);
    const m = (await listMeasures(ctx.db, x.id())).find((y) => !y.fulfilled_at)!;
    await x.act(A(x.lead), 'fulfil-measure', { measureId: m.id, note: '申请人已按承诺补交营业场所证明材料。' });
  });
  // Past the stage clock: registered days ago and never triaged; completed long ago and never called back.
  await scenario(6, 48, async () => {});
  await scenario(14, 52, async (x) => {
    await dispatch(x);
    await x.act(A(x.lead), 'sign', {});
    x.later(30);
    await complete(x);
  });
  return made;
}

export async function runDemo(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const stamp = Date.now();
  // A throw-away folder of its own: the database, its data key and the SMS log, never ./data.
  const dir = path.join(os.tmpdir(), `banchengshi-demo-${stamp}`);
  const base = loadConfig({ ...env, SMS_LOG_FILE: env.SMS_LOG_FILE || path.join(dir, 'sms.log') });
  const url = base.demoDatabaseUrl ?? `sqlite:${path.join(dir, 'demo.db')}`;
  const config: Config = Object.freeze({ ...base, databaseUrl: url });
  console.log('正在生成演示数据（约 300 件反映件，全部经由业务流程生成）…');
  const handle = await openPreparedDatabase(url, { configuredKey: config.dataKey });
  const clock = new MovableClock();
  const started = Date.now();
  const { cases } = await seedDemo({ db: handle.db, kind: handle.kind, clock });
  await handle.close();
  console.log(`已生成 ${cases} 件反映件，用时 ${((Date.now() - started) / 1000).toFixed(1)} 秒。`);
  const rows = DEMO_ACCOUNTS.map((a) => `  ${a.username.padEnd(12)} ${a.role.padEnd(12)} ${a.name}`).join('\n');
  const smsWhere = config.sms.provider === 'log' ? `演示短信日志：${config.sms.logFile}` : `短信网关：${config.sms.url}`;
  const banner = `演示账号（密码均为 ${DEMO_PASSWORD}）：\n${rows}\n系统管理员、安全管理员、审计管理员首次登录时须设置动态口令（手机验证器扫码）；演示时可关闭：npx bcs settings set totpRequiredRoles '[]'（DATABASE_URL 同上）\n演示数据库：${url}（关闭后可删除 ${dir}）\n${smsWhere}`;
  const { startServer } = await import('../main.js');
  await startServer({ config, banner });
}
