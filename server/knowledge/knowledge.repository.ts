/**
 * The 知识库 aggregate: plain functions over a database or a transaction. The rules (states, who
 * writes or sees what, the body's safe subset, the search words) are in core/knowledge.ts.
 */
import { sql, type Selectable } from 'kysely';
import type { Actor } from '../../core/case-lifecycle.js';
import { knowledgePlainText, knowledgeSearchText, sanitizeKnowledgeBody, searchWords, type KnowledgeKind, type KnowledgeStatus } from '../../core/knowledge.js';
import type { Executor, KnowledgeFileTable, KnowledgeTable } from '../db/database.js';
import { descriptionWords } from './words.js';

export interface KnowledgeRecord {
  id: number;
  title: string;
  category: string;
  kind: KnowledgeKind;
  /** The safe subset of HTML. */
  body: string;
  issuer: string | null;
  keywords: string[];
  departments: string[];
  matterCodes: string[];
  status: KnowledgeStatus;
  reviewDueAt: string | null;
  reviewRemindedAt: string | null;
  openCount: number;
  linkCount: number;
  createdBy: string;
  createdAt: string;
  updatedBy: string;
  updatedAt: string;
}

/** The fields a writer gives (body as given; it is sanitised here). */
export interface KnowledgeFields {
  title: string;
  category: string;
  kind: KnowledgeKind;
  body: string;
  issuer: string | null;
  keywords: string[];
  departments: string[];
  matterCodes: string[];
  status: KnowledgeStatus;
  reviewDueAt: string | null;
}

const json = (text: string): string[] => {
  try {
    const v = JSON.parse(text) as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
};

// kind and status are written only through the validated schemas and the transition table.
export const toKnowledge = (r: Selectable<KnowledgeTable>): KnowledgeRecord => ({
  id: r.id,
  title: r.title,
  category: r.category,
  kind: r.kind as KnowledgeKind,
  body: r.body,
  issuer: r.issuer,
  keywords: json(r.keywords),
  departments: json(r.departments),
  matterCodes: json(r.matter_codes),
  status: r.status as KnowledgeStatus,
  reviewDueAt: r.review_due_at,
  reviewRemindedAt: r.review_reminded_at,
  openCount: Number(r.open_count),
  linkCount: Number(r.link_count),
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedBy: r.updated_by,
  updatedAt: r.updated_at,
});

function columns(f: KnowledgeFields) {
  const body = sanitizeKnowledgeBody(f.body);
  return {
    title: f.title,
    category: f.category,
    kind: f.kind,
    body,
    issuer: f.issuer,
    keywords: JSON.stringify(f.keywords),
    departments: JSON.stringify(f.departments),
    matter_codes: JSON.stringify(f.matterCodes),
    status: f.status,
    review_due_at: f.reviewDueAt,
    search_text: knowledgeSearchText({ title: f.title, keywords: f.keywords, bodyText: knowledgePlainText(body) }),
  };
}

export async function findKnowledge(db: Executor, id: number): Promise<KnowledgeRecord | undefined> {
  const r = await db.selectFrom('knowledge').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? toKnowledge(r) : undefined;
}

export async function findKnowledgeIdByTitle(db: Executor, title: string): Promise<number | undefined> {
  return (await db.selectFrom('knowledge').select('id').where('title', '=', title).executeTakeFirst())?.id;
}

export async function insertKnowledge(trx: Executor, f: KnowledgeFields, by: string, at: string): Promise<number> {
  const r = await trx
    .insertInto('knowledge')
    .values({ ...columns(f), review_reminded_at: null, created_by: by, created_at: at, updated_by: by, updated_at: at })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

/** Overwrites an entry's fields; a changed review date is reminded again. */
export async function updateKnowledge(trx: Executor, id: number, f: KnowledgeFields, reviewChanged: boolean, by: string, at: string): Promise<void> {
  await trx
    .updateTable('knowledge')
    .set({ ...columns(f), ...(reviewChanged ? { review_reminded_at: null } : {}), updated_by: by, updated_at: at })
    .where('id', '=', id)
    .execute();
}

/** One more opening (GET /knowledge/{id}); one statement, so concurrent openings all count. */
export async function countOpening(db: Executor, id: number): Promise<void> {
  await db.updateTable('knowledge').set({ open_count: sql<number>`open_count + 1` }).where('id', '=', id).execute();
}

/** `%word%` for LIKE with `!` as the escape character. */
const containing = (word: string) => `%${word.replace(/[!%_]/g, (c) => `!${c}`)}%`;
const jsonHas = (value: string) => containing(JSON.stringify(value));

export interface KnowledgeFilter {
  /** The `?q=` text: every word a substring of title, keywords or body. */
  q?: string;
  status?: KnowledgeStatus;
  category?: string;
  kind?: KnowledgeKind;
  department?: string;
}

/** Only what the actor sees (core/knowledge.ts canSeeKnowledge), as a condition on the query. */
function visibleTo<Q extends { where: (...a: any[]) => Q }>(q: Q, actor: Pick<Actor, 'role' | 'department'>): Q {
  if (actor.role === 'coordinator' || actor.role === 'admin') return q;
  if (actor.role === 'handler' && actor.department) {
    const dept = jsonHas(actor.department);
    return q.where((eb: any) => eb.or([eb('status', '=', 'published'), sql<boolean>`departments like ${dept} escape '!'`]));
  }
  return q.where('status', '=', 'published');
}

/** A page of entries the actor sees, newest first (keyset on id, before `cursor`). */
export async function listKnowledge(
  db: Executor,
  f: KnowledgeFilter,
  page: { limit: number; cursor?: number },
  actor: Pick<Actor, 'role' | 'department'>,
): Promise<{ rows: KnowledgeRecord[]; nextCursor: number | null }> {
  let q = visibleTo(db.selectFrom('knowledge').selectAll(), actor);
  for (const w of searchWords(f.q ?? '')) q = q.where(sql<boolean>`search_text like ${containing(w)} escape '!'`);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.category) q = q.where('category', '=', f.category);
  if (f.kind) q = q.where('kind', '=', f.kind);
  if (f.department) q = q.where(sql<boolean>`departments like ${jsonHas(f.department)} escape '!'`);
  if (page.cursor !== undefined) q = q.where('id', '<', page.cursor);
  const rows = (await q.orderBy('id', 'desc').limit(page.limit + 1).execute()).map(toKnowledge);
  const more = rows.length > page.limit;
  const shown = more ? rows.slice(0, page.limit) : rows;
  return { rows: shown, nextCursor: more ? shown[shown.length - 1]!.id : null };
}

/** The categories in use (for the filter), in order. */
export async function listKnowledgeCategories(db: Executor): Promise<string[]> {
  return (await db.selectFrom('knowledge').select('category').distinct().orderBy('category').execute()).map((r) => r.category);
}

/** How well a search text matches words: a word in the title counts 3, elsewhere 1. */
function score(title: string, searchText: string, words: readonly string[]): number {
  const t = title.toLowerCase();
  return words.reduce((s, w) => s + (t.includes(w) ? 3 : searchText.includes(w) ? 1 : 0), 0);
}

/**
 * Published entries whose words match a free text (a case's matter and description, what the
 * clerk is typing): the text is cut into words (Chinese segmentation, server/knowledge/words.ts),
 * an entry matches when its title, keywords or body contain any of them, best matches first (a
 * word in the title counts more), at most `limit`. For the intake's 相关知识 and the suggestions.
 */
export async function searchPublishedKnowledge(db: Executor, text: string, limit: number): Promise<Array<{ id: number; title: string; kind: KnowledgeKind; score: number }>> {
  const words = descriptionWords(text);
  if (words.length === 0 || limit < 1) return [];
  const rows = await db
    .selectFrom('knowledge')
    .select(['id', 'title', 'kind', 'search_text'])
    .where('status', '=', 'published')
    .where((eb) => eb.or(words.map((w) => sql<boolean>`search_text like ${containing(w)} escape '!'`)))
    .orderBy('id', 'desc')
    .limit(500)
    .execute();
  return rows
    .map((r) => ({ id: r.id, title: r.title, kind: r.kind as KnowledgeKind, score: score(r.title, r.search_text, words) }))
    .sort((a, b) => b.score - a.score || b.id - a.id)
    .slice(0, limit);
}

/**
 * The knowledge a new case may need (GET /cases/{id}/suggestions): published entries filed under
 * the case's matter code first, then those whose words match its matter and description.
 */
export async function suggestKnowledgeForCase(db: Executor, c: { matter: string; description: string; matterCode: string | null }, limit = 5): Promise<Array<{ id: number; title: string }>> {
  const [tagged, byText] = await Promise.all([
    c.matterCode
      ? db
          .selectFrom('knowledge')
          .select(['id', 'title'])
          .where('status', '=', 'published')
          .where(sql<boolean>`matter_codes like ${jsonHas(c.matterCode)} escape '!'`)
          .orderBy('id', 'desc')
          .limit(limit)
          .execute()
      : Promise.resolve([]),
    searchPublishedKnowledge(db, `${c.matter} ${c.description}`, limit),
  ]);
  const out: Array<{ id: number; title: string }> = [];
  for (const e of [...tagged, ...byText]) if (out.length < limit && !out.some((o) => o.id === e.id)) out.push({ id: e.id, title: e.title });
  return out;
}

// ---------------------------------------------------------------------------
// Links to cases
// ---------------------------------------------------------------------------

/** Links an entry to a case; false when it was linked already. Counts the link on the entry. */
export async function insertKnowledgeLink(trx: Executor, caseId: number, knowledgeId: number, by: string, at: string): Promise<boolean> {
  const r = await trx
    .insertInto('knowledge_links')
    .values({ case_id: caseId, knowledge_id: knowledgeId, linked_by: by, linked_at: at })
    .onConflict((oc) => oc.columns(['case_id', 'knowledge_id']).doNothing())
    .returning('case_id')
    .executeTakeFirst();
  if (!r) return false;
  await trx.updateTable('knowledge').set({ link_count: sql<number>`link_count + 1` }).where('id', '=', knowledgeId).execute();
  return true;
}

/** Removes a link; false when there was none. */
export async function deleteKnowledgeLink(trx: Executor, caseId: number, knowledgeId: number): Promise<boolean> {
  const r = await trx.deleteFrom('knowledge_links').where('case_id', '=', caseId).where('knowledge_id', '=', knowledgeId).executeTakeFirst();
  if (Number(r.numDeletedRows) !== 1) return false;
  await trx.updateTable('knowledge').set({ link_count: sql<number>`link_count - 1` }).where('id', '=', knowledgeId).execute();
  return true;
}

/** The entries a case used, in the order they were linked. */
export async function listCaseKnowledge(db: Executor, caseId: number): Promise<Array<{ id: number; title: string }>> {
  return caseKnowledgeQuery(db, caseId).execute();
}

/** The knowledge entries linked to a case (id, title), in the order they were linked. */
export function caseKnowledgeQuery(db: Executor, caseId: number) {
  return db
    .selectFrom('knowledge_links as l')
    .innerJoin('knowledge as k', 'k.id', 'l.knowledge_id')
    .select(['k.id', 'k.title'])
    .where('l.case_id', '=', caseId)
    .orderBy('l.linked_at')
    .orderBy('k.id');
}

// ---------------------------------------------------------------------------
// Source documents
// ---------------------------------------------------------------------------

export type KnowledgeFileRow = Selectable<KnowledgeFileTable>;

/** The files of these entries not removed, by entry, oldest first (one query). */
export async function filesOfEntries(db: Executor, ids: number[]): Promise<Map<number, KnowledgeFileRow[]>> {
  const out = new Map<number, KnowledgeFileRow[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return out;
  const rows = await db.selectFrom('knowledge_files').selectAll().where('knowledge_id', 'in', ids).where('removed_at', 'is', null).orderBy('id').execute();
  for (const r of rows) out.get(r.knowledge_id)?.push(r);
  return out;
}

export async function findKnowledgeFile(db: Executor, knowledgeId: number, id: number): Promise<KnowledgeFileRow | undefined> {
  return db.selectFrom('knowledge_files').selectAll().where('knowledge_id', '=', knowledgeId).where('id', '=', id).where('removed_at', 'is', null).executeTakeFirst();
}

export async function insertKnowledgeFile(trx: Executor, row: Omit<KnowledgeFileRow, 'id' | 'removed_at' | 'removed_by'>): Promise<number> {
  return (await trx.insertInto('knowledge_files').values({ ...row, removed_at: null, removed_by: null }).returning('id').executeTakeFirstOrThrow()).id;
}

/** Takes a file off its entry (the bytes stay); false when it was not there. */
export async function removeKnowledgeFile(trx: Executor, knowledgeId: number, id: number, by: string, at: string): Promise<boolean> {
  const r = await trx.updateTable('knowledge_files').set({ removed_at: at, removed_by: by }).where('knowledge_id', '=', knowledgeId).where('id', '=', id).where('removed_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
