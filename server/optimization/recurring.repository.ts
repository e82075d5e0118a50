/** What keeps failing in a period (优化提升): matters, departments × problem types, returning reporters. */
import type { ProblemType } from '../../core/domain.js';
import { sql } from 'kysely';
import type { Executor } from '../db/database.js';

export interface RecurringProblems {
  /** Cases of one catalogue matter count together (by 事项编码, named as in the 事项目录); cases without a code by their matter text. */
  matters: Array<{ matter: string; matterCode: string | null; count: number; departments: number }>;
  departmentProblemTypes: Array<{ department: string; problemType: ProblemType; count: number }>;
  repeatReporters: Array<{ phone: string; matter: string; count: number; firstCaseNo: string; lastCaseNo: string }>;
}

/** Cases received in [from, to] (Asia/Shanghai dates) that share a matter, a department × problem type, or a reporter × matter. */
export async function findRecurring(db: Executor, from: string, to: string): Promise<RecurringProblems> {
  const inPeriod = db.selectFrom('cases').where('received_date', '>=', from).where('received_date', '<=', to);
  const [matters, deptTypes, repeats] = await Promise.all([
    // 「营业执照变更」 and 「营业执照经营范围变更」 under one 事项编码 are one recurring matter.
    db
      .selectFrom('cases')
      .leftJoin('matters', 'matters.code', 'cases.matter_code')
      .where('cases.received_date', '>=', from)
      .where('cases.received_date', '<=', to)
      .select([
        sql<string>`coalesce(cases.matter_code, cases.matter)`.as('grp'),
        sql<string | null>`max(cases.matter_code)`.as('code'),
        sql<string>`coalesce(max(matters.name), max(cases.matter))`.as('name'),
        sql<number>`count(*)`.as('n'),
        sql<number>`count(distinct cases.lead_department)`.as('departments'),
      ])
      .groupBy(sql`coalesce(cases.matter_code, cases.matter)`)
      .having(sql`count(*)`, '>=', 2)
      .orderBy(sql`count(*)`, 'desc')
      .orderBy(sql`coalesce(cases.matter_code, cases.matter)`)
      .limit(20)
      .execute(),
    inPeriod
      .where('lead_department', 'is not', null)
      .where('problem_type', 'is not', null)
      .select(['lead_department', 'problem_type', sql<number>`count(*)`.as('n')])
      .groupBy(['lead_department', 'problem_type'])
      .having(sql`count(*)`, '>=', 2)
      .orderBy(sql`count(*)`, 'desc')
      .limit(30)
      .execute(),
    inPeriod
      // The same phone is the same blind index (the phone itself is sealed at rest).
      .where('reporter_phone_index', 'is not', null)
      .select([
        sql<string>`max(reporter_phone_masked)`.as('phone_masked'),
        'matter',
        sql<number>`count(*)`.as('n'),
        sql<string>`min(case_no)`.as('first_no'),
        sql<string>`max(case_no)`.as('last_no'),
      ])
      .groupBy(['reporter_phone_index', 'matter'])
      .having(sql`count(*)`, '>=', 2)
      .orderBy(sql`count(*)`, 'desc')
      .limit(30)
      .execute(),
  ]);
  return {
    matters: matters.map((m) => ({ matter: m.name, matterCode: m.code ?? null, count: Number(m.n), departments: Number(m.departments) })),
    // Both filtered `is not null` above; problem types are written only through the validated schemas.
    departmentProblemTypes: deptTypes.map((d) => ({ department: d.lead_department!, problemType: d.problem_type as ProblemType, count: Number(d.n) })),
    repeatReporters: repeats.map((r) => ({ phone: r.phone_masked, matter: r.matter, count: Number(r.n), firstCaseNo: r.first_no, lastCaseNo: r.last_no })),
  };
}
