/**
 * Triage suggestions (issue 15): training the model from the county's decisions, storing it, and
 * answering each case's suggestions from the newest stored model.
 *
 * Every instance checks the newest model's id on each request (one indexed lookup) and loads it
 * when it changed, so a model trained by another instance or by `bcs triage train` is answered
 * from at the next request.
 */
import { suggestTriage, trainTriage, type TriageAccuracy, type TriageModel } from '../../core/triage-model.js';
import type { Actor } from '../../core/case-lifecycle.js';
import type { ProblemType } from '../../core/domain.js';
import type { AppContext } from '../context.js';
import type { Db } from '../db/database.js';
import { appendAudit } from '../audit/audit.repository.js';
import { findVisibleCase, parseCaseId } from '../cases/case.repository.js';
import { forbidden } from '../errors.js';
import { can } from '../../core/permissions.js';
import { segment } from './segmenter.js';
import { latestModelId, loadModel, loadTrainingCases, saveModel } from './triage.repository.js';

export interface TrainingReport {
  modelId: number;
  accuracy: TriageAccuracy;
  /** Wall time of reading the cases, measuring and training (ms). */
  trainingMs: number;
  problemTypeCases: number;
  departmentCases: number;
}

/** Retrains now on the latest decided cases and stores the model (audited as `by`). */
export async function trainAndStore(ctx: AppContext, by = 'system'): Promise<TrainingReport> {
  const started = performance.now();
  const cases = await loadTrainingCases(ctx.db);
  const { model, accuracy } = trainTriage(cases, segment);
  const trainingMs = Math.round(performance.now() - started);
  const problemTypeCases = cases.filter((c) => c.problemType).length;
  const departmentCases = cases.filter((c) => c.department).length;
  const at = ctx.clock.now().toISOString();
  const modelId = await ctx.db.transaction().execute(async (trx) => {
    const id = await saveModel(trx, { trainedAt: at, model, accuracy, trainingMs, problemTypeCases, departmentCases });
    await appendAudit(trx, { at, actor: by, action: 'triage.train', entityType: 'triage_model', entityId: String(id), data: { problemTypeCases, departmentCases, accuracy, trainingMs } });
    return id;
  });
  return { modelId, accuracy, trainingMs, problemTypeCases, departmentCases };
}

/** The model each database's instances answer from, reloaded when a newer one is stored. */
const cache = new WeakMap<Db, { id: number; model: TriageModel }>();

/** The newest stored model, or null when none was trained yet. */
export async function currentModel(db: Db): Promise<TriageModel | null> {
  const id = await latestModelId(db);
  if (id === null) return null;
  const held = cache.get(db);
  if (held?.id === id) return held.model;
  const loaded = await loadModel(db, id);
  if (!loaded) return held?.model ?? null;
  cache.set(db, { id, model: loaded.model });
  return loaded.model;
}

/**
 * Where knowledge suggestions plug in (the 知识库 of issue 15, part A): published entries whose
 * words match the case's matter and description. Until it is wired, no knowledge is suggested.
 */
export type KnowledgeSuggester = (ctx: AppContext, c: { matter: string; description: string; matterCode: string | null }) => Promise<Array<{ id: number; title: string }>>;
export const noKnowledge: KnowledgeSuggester = async () => [];

export interface Suggestions {
  problemType: Array<{ value: ProblemType; score: number }>;
  department: Array<{ code: string; score: number }>;
  knowledge: Array<{ id: number; title: string }>;
  similar: Array<{ id: number; caseNo: string }>;
}

/** The suggestions for a case: 404 when unknown or not visible, then 403 for roles without `readSuggestions`. */
export async function suggestionsFor(ctx: AppContext, rawId: string, actor: Actor, knowledge: KnowledgeSuggester = noKnowledge): Promise<Suggestions> {
  const c = await findVisibleCase(ctx.db, parseCaseId(rawId), actor);
  if (!can(actor.role, 'readSuggestions')) throw forbidden('只有县行管办可以查看分办建议');
  const [model, entries] = await Promise.all([currentModel(ctx.db), knowledge(ctx, { matter: c.matter, description: c.description, matterCode: c.matterCode })]);
  const s = suggestTriage(model, { id: c.id, matter: c.matter, description: c.description, reason: c.reason, matterCode: c.matterCode }, segment);
  // Problem types are written to cases only through the validated schemas (core/domain PROBLEM_TYPES).
  return { problemType: s.problemType.map((p) => ({ value: p.value as ProblemType, score: p.score })), department: s.department, knowledge: entries, similar: s.similar };
}
