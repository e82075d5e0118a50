/** What keeps failing in a period (优化提升): matters, departments × problem types, returning reporters. */
import type { ProblemType } from '../../core/domain.js';
import { sql } from 'kysely';
import type { Executor } from '../db/database.js';

export interface RecurringProblems {
  matters: Array<{ matter: string; count: number; departments: number }>;
  departmentProblemTypes: Array<{ department: string; problemType: ProblemType; count: number }>;
  repeatReporters: Array<{ phone: string; matter: string; count: number; firstCaseNo: string; lastCaseNo: string }>;
}

/** Cases received in [from, to] (Asia/Shanghai dates) that share a matter, a department × problem type, or a reporter × matter. */
export async function findRecurring(db: Executor, from: string, to: string): Promise<RecurringProblems> {
  const inPeriod = db.selectFrom('cases').where('received_date', '>=', from).where('received_date', '<=', to);
  const [matters, deptTypes, repeats] = await Promise.all([
    inPeriod
      .select(['matter', sql<number>`count(*)`.as('n'), sql<number>`count(distinct lead_department)`.as('departments')])
      .groupBy('matter')
      .having(sql`count(*)`, '>=', 2)
      .orderBy(sql`count(*)`, 'desc')
      .orderBy('matter')
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
    matters: matters.map((m) => ({ matter: m.matter, count: Number(m.n), departments: Number(m.departments) })),
    // Both filtered `is not null` above; problem types are written only through the validated schemas.
    departmentProblemTypes: deptTypes.map((d) => ({ department: d.lead_department!, problemType: d.problem_type as ProblemType, count: Number(d.n) })),
    repeatReporters: repeats.map((r) => ({ phone: r.phone_masked, matter: r.matter, count: Number(r.n), firstCaseNo: r.first_no, lastCaseNo: r.last_no })),
  };
}
