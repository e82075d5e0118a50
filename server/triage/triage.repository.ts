/** Data access of the triage model (issue 15): the decided cases it learns from, the stored models. */
import type { DecidedCase, TriageAccuracy, TriageModel } from '../../core/triage-model.js';
import type { Executor } from '../db/database.js';

/** The latest cases training reads at most (the county's recent practice; bounds memory and time). */
export const MAX_TRAINING_CASES = 100_000;

/**
 * The latest cases, oldest first, with the decisions taken on them: the problem type once accepted
 * (予以受理 sets it), the lead department once dispatched (交办, 改派 and 提级 set it). Merged repeats
 * are left out (their main case carries the decision).
 */
export async function loadTrainingCases(db: Executor, limit = MAX_TRAINING_CASES): Promise<DecidedCase[]> {
  const rows = await db
    .selectFrom('cases')
    .select(['id', 'case_no', 'matter', 'description', 'reason', 'matter_code', 'problem_type', 'lead_department'])
    .where('status', '!=', 'merged')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.reverse().map((r) => ({
    id: r.id,
    caseNo: r.case_no,
    matter: r.matter,
    description: r.description,
    reason: r.reason,
    matterCode: r.matter_code ?? null,
    problemType: r.problem_type,
    department: r.lead_department,
  }));
}

export interface StoredModel {
  id: number;
  trainedAt: string;
  problemTypeCases: number;
  departmentCases: number;
  accuracy: TriageAccuracy;
  trainingMs: number;
}

/** Stores a newly trained model and drops all but the newest three. Returns its id. */
export async function saveModel(trx: Executor, m: { trainedAt: string; model: TriageModel; accuracy: TriageAccuracy; trainingMs: number; problemTypeCases: number; departmentCases: number }): Promise<number> {
  const r = await trx
    .insertInto('triage_models')
    .values({
      trained_at: m.trainedAt,
      problem_type_cases: m.problemTypeCases,
      department_cases: m.departmentCases,
      accuracy: JSON.stringify(m.accuracy),
      training_ms: m.trainingMs,
      model: JSON.stringify(m.model),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await trx.deleteFrom('triage_models').where('id', '<=', r.id - 3).execute();
  return r.id;
}

/** The id of the newest model, or null (one indexed lookup: cheap enough for every request). */
export async function latestModelId(db: Executor): Promise<number | null> {
  const r = await db.selectFrom('triage_models').select('id').orderBy('id', 'desc').limit(1).executeTakeFirst();
  return r?.id ?? null;
}

export async function loadModel(db: Executor, id: number): Promise<{ info: StoredModel; model: TriageModel } | null> {
  const r = await db.selectFrom('triage_models').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) return null;
  return {
    info: { id: r.id, trainedAt: r.trained_at, problemTypeCases: r.problem_type_cases, departmentCases: r.department_cases, accuracy: JSON.parse(r.accuracy) as TriageAccuracy, trainingMs: r.training_ms },
    model: JSON.parse(r.model) as TriageModel,
  };
}
