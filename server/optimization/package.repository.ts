/** 一件事一次办 packages: plain functions over a database or a transaction. */
import type { Executor } from '../db/database.js';

export interface PackageRecord {
  id: number;
  name: string;
  departments: string[];
  materialsBefore: string;
  materialsAfter: string;
  stepsBefore: string;
  stepsAfter: string;
  sourceCaseIds: number[];
  status: 'draft' | 'published';
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

/** The editable fields of a package. */
export type PackageFields = Pick<PackageRecord, 'name' | 'departments' | 'materialsBefore' | 'materialsAfter' | 'stepsBefore' | 'stepsAfter' | 'sourceCaseIds' | 'status'>;

function toPackage(r: any): PackageRecord {
  return {
    id: r.id,
    name: r.name,
    departments: JSON.parse(r.departments),
    materialsBefore: r.materials_before,
    materialsAfter: r.materials_after,
    stepsBefore: r.steps_before,
    stepsAfter: r.steps_after,
    sourceCaseIds: JSON.parse(r.source_case_ids),
    status: r.status,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

const columns = (p: PackageFields) => ({
  name: p.name,
  departments: JSON.stringify(p.departments),
  materials_before: p.materialsBefore,
  materials_after: p.materialsAfter,
  steps_before: p.stepsBefore,
  steps_after: p.stepsAfter,
  source_case_ids: JSON.stringify(p.sourceCaseIds),
  status: p.status,
});

/** Packages, newest first; only published ones unless `withDrafts`. */
export async function listPackages(db: Executor, opts: { withDrafts: boolean }): Promise<PackageRecord[]> {
  let q = db.selectFrom('service_packages').selectAll().orderBy('id', 'desc');
  if (!opts.withDrafts) q = q.where('status', '=', 'published');
  return (await q.execute()).map(toPackage);
}

export async function findPackage(db: Executor, id: number): Promise<PackageRecord | undefined> {
  const r = await db.selectFrom('service_packages').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? toPackage(r) : undefined;
}

export async function insertPackage(trx: Executor, p: PackageFields, by: string, at: string): Promise<number> {
  const r = await trx
    .insertInto('service_packages')
    .values({ ...columns(p), created_by: by, created_at: at, updated_at: at })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

export async function updatePackage(trx: Executor, id: number, p: PackageFields, at: string): Promise<void> {
  await trx.updateTable('service_packages').set({ ...columns(p), updated_at: at }).where('id', '=', id).execute();
}

/** Number, matter, problem type and first completion of the cases given (those that exist). */
export async function findCaseHeads(db: Executor, ids: number[]) {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('cases').select(['id', 'case_no', 'matter', 'problem_type', 'first_completed_at']).where('id', 'in', ids).execute();
  return rows.map((r) => ({ id: r.id, caseNo: r.case_no, matter: r.matter, problemType: r.problem_type, firstCompletedAt: r.first_completed_at }));
}
