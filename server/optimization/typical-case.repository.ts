/** The typical-case library: plain functions over a database or a transaction. */
import type { Executor } from '../db/database.js';

export interface TypicalCaseRecord {
  id: number;
  caseId: number;
  caseNo: string;
  kind: string;
  title: string;
  summary: string;
  status: string;
  createdBy: string;
  createdAt: string;
  publishedBy: string | null;
  publishedAt: string | null;
}

const toTypical = (r: any): TypicalCaseRecord => ({
  id: r.id,
  caseId: r.case_id,
  caseNo: r.case_no,
  kind: r.kind,
  title: r.title,
  summary: r.summary,
  status: r.status,
  createdBy: r.created_by,
  createdAt: r.created_at,
  publishedBy: r.published_by,
  publishedAt: r.published_at,
});

const typicalQuery = (db: Executor) =>
  db.selectFrom('typical_cases').innerJoin('cases', 'cases.id', 'typical_cases.case_id').selectAll('typical_cases').select('cases.case_no');

/** Typical cases, newest first; of one case when `caseId`; only published ones unless `withDrafts`. */
export async function listTypicalCases(db: Executor, opts: { caseId?: number; withDrafts: boolean }): Promise<TypicalCaseRecord[]> {
  let q = typicalQuery(db).orderBy('typical_cases.id', 'desc');
  if (opts.caseId !== undefined) q = q.where('typical_cases.case_id', '=', opts.caseId);
  if (!opts.withDrafts) q = q.where('typical_cases.status', '=', 'published');
  return (await q.execute()).map(toTypical);
}

export async function findTypicalCase(db: Executor, id: number): Promise<TypicalCaseRecord | undefined> {
  const r = await typicalQuery(db).where('typical_cases.id', '=', id).executeTakeFirst();
  return r ? toTypical(r) : undefined;
}

export async function insertTypicalCase(
  trx: Executor,
  t: { caseId: number; kind: string; title: string; summary: string },
  by: string,
  at: string,
): Promise<number> {
  const r = await trx
    .insertInto('typical_cases')
    .values({ case_id: t.caseId, kind: t.kind, title: t.title, summary: t.summary, status: 'draft', created_by: by, created_at: at })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

export async function publishTypicalCase(trx: Executor, id: number, by: string, at: string): Promise<void> {
  await trx.updateTable('typical_cases').set({ status: 'published', published_by: by, published_at: at }).where('id', '=', id).execute();
}
