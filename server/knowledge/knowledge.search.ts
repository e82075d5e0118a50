/**
 * GET /knowledge/search: one search over the 知识库 and the published 一件事一次办 packages and
 * typical cases (优化提升), each hit with its `source`. `q` keeps the list's rule (every word a
 * substring); `text` is a free description cut into words (any word, best matches first).
 */
import type { Actor } from '../../core/case-lifecycle.js';
import { isReviewOverdue, knowledgePlainText, matchesAllWords, searchWords } from '../../core/knowledge.js';
import type { AppContext } from '../context.js';
import { listPackages } from '../optimization/package.repository.js';
import { listTypicalCases } from '../optimization/typical-case.repository.js';
import { findKnowledge, listKnowledge, searchPublishedKnowledge } from './knowledge.repository.js';
import { descriptionWords } from './words.js';

export interface KnowledgeHit {
  source: 'knowledge' | 'package' | 'typicalCase';
  id: number;
  title: string;
  kind: string | null;
  snippet: string;
  reviewOverdue: boolean;
}

const snippet = (s: string) => {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > 120 ? `${t.slice(0, 119)}…` : t;
};

/** The published packages and typical cases as searchable texts. */
async function catalogue(ctx: AppContext): Promise<Array<{ hit: KnowledgeHit; text: string }>> {
  const [packages, typical] = await Promise.all([listPackages(ctx.db, { withDrafts: false }), listTypicalCases(ctx.db, { withDrafts: false })]);
  return [
    ...packages.map((p) => ({
      hit: { source: 'package' as const, id: p.id, title: p.name, kind: null, snippet: snippet(`材料：${p.materialsAfter}；流程：${p.stepsAfter}`), reviewOverdue: false },
      text: [p.name, p.materialsBefore, p.materialsAfter, p.stepsBefore, p.stepsAfter].join('\n').toLowerCase(),
    })),
    ...typical.map((t) => ({
      hit: { source: 'typicalCase' as const, id: t.id, title: t.title, kind: null, snippet: snippet(t.summary), reviewOverdue: false },
      text: [t.title, t.summary].join('\n').toLowerCase(),
    })),
  ];
}

export async function searchKnowledgeBase(ctx: AppContext, query: { q?: string; text?: string; limit: number }, actor: Actor): Promise<KnowledgeHit[]> {
  const now = ctx.clock.now();
  const others = await catalogue(ctx);
  if (query.q) {
    const words = searchWords(query.q);
    const page = await listKnowledge(ctx.db, { q: query.q, status: 'published' }, { limit: query.limit }, actor);
    const entries = page.rows.map((e) => ({ source: 'knowledge' as const, id: e.id, title: e.title, kind: e.kind, snippet: snippet(knowledgePlainText(e.body)), reviewOverdue: isReviewOverdue(e, now) }));
    return [...entries, ...others.filter((o) => matchesAllWords(o.text, words)).map((o) => o.hit)].slice(0, query.limit);
  }
  const text = query.text ?? '';
  const found = await searchPublishedKnowledge(ctx.db, text, query.limit);
  const entries = await Promise.all(found.map((f) => findKnowledge(ctx.db, f.id)));
  const words = descriptionWords(text);
  const scored = [
    ...found.flatMap((f, i) => {
      const e = entries[i];
      return e ? [{ score: f.score, hit: { source: 'knowledge' as const, id: e.id, title: e.title, kind: e.kind, snippet: snippet(knowledgePlainText(e.body)), reviewOverdue: isReviewOverdue(e, now) } }] : [];
    }),
    ...others
      .map((o) => ({ score: words.reduce((s, w) => s + (o.hit.title.toLowerCase().includes(w) ? 3 : o.text.includes(w) ? 1 : 0), 0), hit: o.hit }))
      .filter((o) => o.score > 0),
  ];
  // Stable: equal scores keep the knowledge entries first.
  return scored
    .map((s, i) => ({ ...s, i }))
    .sort((a, b) => b.score - a.score || a.i - b.i)
    .slice(0, query.limit)
    .map((s) => s.hit);
}
