/** Data access for the 事项目录 (issue 15): plain functions over a database or a transaction. */
import { sql } from 'kysely';
import type { Executor } from '../db/database.js';

export interface MatterRow {
  code: string;
  name: string;
  department: string;
  departmentName: string;
}

export async function findMatter(db: Executor, code: string): Promise<MatterRow | undefined> {
  const r = await db
    .selectFrom('matters')
    .innerJoin('departments', 'departments.code', 'matters.department_code')
    .select(['matters.code', 'matters.name', 'matters.department_code', 'departments.name as department_name'])
    .where('matters.code', '=', code)
    .executeTakeFirst();
  return r && { code: r.code, name: r.name, department: r.department_code, departmentName: r.department_name };
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** One page of matters ordered by code, after `afterCode`; `q` matches code or name as a substring. */
export async function listMatters(db: Executor, f: { q?: string; department?: string; afterCode?: string; limit: number }): Promise<MatterRow[]> {
  let q = db
    .selectFrom('matters')
    .innerJoin('departments', 'departments.code', 'matters.department_code')
    .select(['matters.code', 'matters.name', 'matters.department_code', 'departments.name as department_name']);
  if (f.q) {
    const p = `%${escapeLike(f.q)}%`;
    q = q.where((eb) => eb.or([eb(sql`matters.code`, 'like', sql`${p} escape '\\'`), eb(sql`matters.name`, 'like', sql`${p} escape '\\'`)]));
  }
  if (f.department) q = q.where('matters.department_code', '=', f.department);
  if (f.afterCode !== undefined) q = q.where('matters.code', '>', f.afterCode);
  const rows = await q.orderBy('matters.code').limit(f.limit).execute();
  return rows.map((r) => ({ code: r.code, name: r.name, department: r.department_code, departmentName: r.department_name }));
}

export async function insertMatter(trx: Executor, m: { code: string; name: string; department: string; at: string }): Promise<void> {
  await trx.insertInto('matters').values({ code: m.code, name: m.name, department_code: m.department, created_at: m.at }).execute();
}

export async function updateMatter(trx: Executor, m: { code: string; name: string; department: string }): Promise<void> {
  await trx.updateTable('matters').set({ name: m.name, department_code: m.department }).where('code', '=', m.code).execute();
}

/** The codes among `codes` already in the catalogue, with their name and department. */
export async function findMatters(db: Executor, codes: string[]): Promise<Map<string, { name: string; department: string }>> {
  const out = new Map<string, { name: string; department: string }>();
  for (let i = 0; i < codes.length; i += 500) {
    const part = codes.slice(i, i + 500);
    if (!part.length) continue;
    for (const r of await db.selectFrom('matters').select(['code', 'name', 'department_code']).where('code', 'in', part).execute()) {
      out.set(r.code, { name: r.name, department: r.department_code });
    }
  }
  return out;
}
