/**
 * Triage suggestions learned from the county's own decisions (issue 15): which of the five
 * problem types and which lead department a case like this one was given before, and which earlier
 * cases read most like it.
 *
 * The classifier is multinomial naive Bayes over words — explainable: a suggestion's score is the
 * posterior probability, made of how often each of the case's words came with each label in the
 * decided cases (Laplace smoothing, α = 1). Features of a case: the words of its matter,
 * description and 办不成原因 (segmented by an injected Chinese segmenter — jieba on the server),
 * the whole matter name, and the 事项目录 code when one was chosen.
 *
 * Pure: no I/O, no clock. The server supplies the segmenter and the cases, stores the model.
 */

/** Splits Chinese text into words (jieba's search mode on the server). */
export type Segmenter = (text: string) => string[];

/** Below this many decided cases a target gets no classifier: no suggestion rather than a wrong one. */
export const MIN_DECISIONS = 50;
/** Laplace smoothing of the word counts. */
const ALPHA = 1;
/** How many of the latest cases the similar-case index keeps (bounds the cost of a lookup). */
export const SIMILAR_INDEX_SIZE = 5000;
/** Share of the decided cases held out to measure accuracy (by a hash of the case id). */
export const HELD_OUT_PERCENT = 20;

/** Words carrying no meaning for triage (function words and the county's boilerplate). */
const STOPWORDS = new Set([
  '的', '了', '和', '与', '及', '或', '在', '是', '我', '我们', '你', '他', '她', '其', '该', '此', '这', '那', '有', '无', '不', '也', '都', '就', '又', '还',
  '被', '把', '对', '向', '从', '为', '以', '于', '等', '后', '前', '中', '上', '下', '里', '到', '给', '让', '请', '请求', '希望', '已经', '已', '仍', '均',
  '一个', '一次', '多次', '因为', '所以', '但是', '但', '而', '并', '且', '着', '过', '吗', '呢', '吧', '啊', '能', '可以', '需要', '没有', '什么', '怎么',
  '反映', '反映人', '群众', '办理', '事项', '问题', '情况', '相关', '进行', '目前', '现在', '今天', '要求',
]);

/** A word worth counting: not a stop word, not punctuation, not a bare number, not a lone Latin letter. */
function isContentWord(w: string): boolean {
  if (!w || STOPWORDS.has(w)) return false;
  if (/^[\p{P}\p{S}\p{Z}\s]+$/u.test(w)) return false;
  if (/^[\d.]+$/u.test(w)) return false;
  if (/^[a-z]$/u.test(w)) return false;
  return true;
}

/** The words of a text: NFKC, lower case, segmented, content words only (repeats kept). */
export function tokenize(text: string | null | undefined, segment: Segmenter): string[] {
  if (!text) return [];
  const normalised = text.normalize('NFKC').toLowerCase();
  return segment(normalised).map((w) => w.trim()).filter(isContentWord);
}

/** What the model reads of a case. */
export interface CaseText {
  matter: string;
  description: string;
  reason: string | null;
  matterCode: string | null;
}

/**
 * The features of a case: its words, the whole matter name (`事项=…`) and the catalogue code
 * (`code=…`) — the last two tie cases of the same matter together even when their words differ.
 */
export function caseFeatures(c: CaseText, segment: Segmenter): string[] {
  const out = [...tokenize(c.matter, segment), ...tokenize(c.description, segment), ...tokenize(c.reason, segment)];
  const matter = c.matter.normalize('NFKC').trim().toLowerCase();
  if (matter) out.push(`事项=${matter}`);
  if (c.matterCode) out.push(`code=${c.matterCode}`);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Multinomial naive Bayes

/** A trained classifier, plain JSON. */
export interface NaiveBayes {
  labels: string[];
  /** Training documents per label (the prior). */
  docs: number[];
  /** Word occurrences per label (the denominator of each word's likelihood). */
  totals: number[];
  /** Word → occurrences per label (same order as `labels`). */
  counts: Record<string, number[]>;
  /** Distinct words seen (the smoothing's denominator). */
  vocabulary: number;
}

export interface Labelled {
  features: string[];
  label: string;
}

/** Trains on labelled feature lists. Labels are ordered by name (a stable model for the same data). */
export function trainNaiveBayes(examples: readonly Labelled[]): NaiveBayes {
  const labels = [...new Set(examples.map((e) => e.label))].sort();
  const index = new Map(labels.map((l, i) => [l, i]));
  const docs = labels.map(() => 0);
  const totals = labels.map(() => 0);
  const counts: Record<string, number[]> = Object.create(null);
  for (const e of examples) {
    const k = index.get(e.label)!;
    docs[k]!++;
    for (const f of e.features) {
      const row = (counts[f] ??= labels.map(() => 0));
      row[k]!++;
      totals[k]!++;
    }
  }
  return { labels, docs, totals, counts, vocabulary: Object.keys(counts).length };
}

export interface Scored {
  label: string;
  /** Posterior probability, 0–1. */
  score: number;
}

/** Every label with its posterior probability, best first (ties by label). Words never seen in training are ignored. */
export function predictNaiveBayes(model: NaiveBayes, features: readonly string[]): Scored[] {
  const n = model.labels.length;
  if (n === 0) return [];
  const vocabulary = model.vocabulary;
  const docsAll = model.docs.reduce((a, b) => a + b, 0);
  const log = model.labels.map((_, k) => Math.log(model.docs[k]! / docsAll));
  for (const f of features) {
    const row = model.counts[f];
    if (!row) continue;
    for (let k = 0; k < n; k++) log[k]! += Math.log((row[k]! + ALPHA) / (model.totals[k]! + ALPHA * vocabulary));
  }
  const max = Math.max(...log);
  const exp = log.map((l) => Math.exp(l - max));
  const sum = exp.reduce((a, b) => a + b, 0);
  return model.labels
    .map((label, k) => ({ label, score: exp[k]! / sum }))
    .sort((a, b) => b.score - a.score || (a.label < b.label ? -1 : 1));
}

// ---------------------------------------------------------------------------------------------
// Similar earlier cases

export interface SimilarDoc {
  id: number;
  caseNo: string;
  features: string[];
}

export interface SimilarMatch {
  id: number;
  caseNo: string;
  /** Sum of the inverse document frequency of the shared features. */
  score: number;
}

/** Earlier cases (smaller id) sharing at least two features, by the rarity of what they share; never the case itself. */
export function findSimilar(index: readonly SimilarDoc[], caseId: number, features: readonly string[], limit = 5): SimilarMatch[] {
  const wanted = new Set(features);
  if (wanted.size === 0) return [];
  const df = new Map<string, number>();
  for (const d of index) for (const f of d.features) if (wanted.has(f)) df.set(f, (df.get(f) ?? 0) + 1);
  const n = index.length;
  const out: SimilarMatch[] = [];
  for (const d of index) {
    if (d.id >= caseId) continue;
    let shared = 0;
    let score = 0;
    // Index features are stored without repeats.
    for (const f of d.features) {
      if (!wanted.has(f)) continue;
      shared++;
      score += Math.log(1 + n / df.get(f)!);
    }
    if (shared >= 2) out.push({ id: d.id, caseNo: d.caseNo, score });
  }
  return out.sort((a, b) => b.score - a.score || b.id - a.id).slice(0, limit);
}

// ---------------------------------------------------------------------------------------------
// The triage model: two classifiers and the similar-case index

/** A case as training reads it: its text and the decisions taken on it (null when not taken). */
export interface DecidedCase extends CaseText {
  id: number;
  caseNo: string;
  /** Set when the case was accepted (予以受理). */
  problemType: string | null;
  /** The lead department, set when the case was dispatched (交办). */
  department: string | null;
}

export interface TriageModel {
  version: 1;
  /** Null when fewer than {@link MIN_DECISIONS} accepted cases. */
  problemType: NaiveBayes | null;
  /** Null when fewer than {@link MIN_DECISIONS} dispatched cases. */
  department: NaiveBayes | null;
  similar: SimilarDoc[];
}

/** Held-out accuracy of one target, shares 0–1. */
export interface TargetAccuracy {
  /** Decided cases of the target (trained on). */
  cases: number;
  /** Of them, held out for the measurement. */
  heldOut: number;
  top1: number;
  top3: number;
}

export interface TriageAccuracy {
  problemType: TargetAccuracy | null;
  department: TargetAccuracy | null;
}

/** Whether a case belongs to the held-out share: a fixed hash of its id, so every run splits alike. */
export function isHeldOut(id: number): boolean {
  let h = Math.imul(id ^ 0x9e3779b9, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) % 100 < HELD_OUT_PERCENT;
}

function measure(examples: Array<Labelled & { id: number }>): TargetAccuracy {
  const train = examples.filter((e) => !isHeldOut(e.id));
  const test = examples.filter((e) => isHeldOut(e.id));
  const nb = trainNaiveBayes(train);
  let top1 = 0;
  let top3 = 0;
  for (const e of test) {
    const ranked = predictNaiveBayes(nb, e.features).map((s) => s.label);
    if (ranked[0] === e.label) top1++;
    if (ranked.slice(0, 3).includes(e.label)) top3++;
  }
  const n = test.length;
  return { cases: examples.length, heldOut: n, top1: n ? top1 / n : 0, top3: n ? top3 / n : 0 };
}

/**
 * Trains the model on every decided case given and measures it: accuracy on the held-out 20 %
 * (trained on the other 80 %), then the stored classifiers are trained on all. `cases` in id order
 * (oldest first); the similar-case index keeps the latest {@link SIMILAR_INDEX_SIZE}.
 */
export function trainTriage(cases: readonly DecidedCase[], segment: Segmenter): { model: TriageModel; accuracy: TriageAccuracy } {
  const featured = cases.map((c) => ({ c, features: caseFeatures(c, segment) }));
  const byType = featured.filter((x) => x.c.problemType).map((x) => ({ id: x.c.id, features: x.features, label: x.c.problemType! }));
  const byDept = featured.filter((x) => x.c.department).map((x) => ({ id: x.c.id, features: x.features, label: x.c.department! }));
  const enough = (xs: unknown[]) => xs.length >= MIN_DECISIONS;
  return {
    model: {
      version: 1,
      problemType: enough(byType) ? trainNaiveBayes(byType) : null,
      department: enough(byDept) ? trainNaiveBayes(byDept) : null,
      similar: featured.slice(-SIMILAR_INDEX_SIZE).map((x) => ({ id: x.c.id, caseNo: x.c.caseNo, features: [...new Set(x.features)] })),
    },
    accuracy: {
      problemType: enough(byType) ? measure(byType) : null,
      department: enough(byDept) ? measure(byDept) : null,
    },
  };
}

export interface TriageSuggestions {
  problemType: Array<{ value: string; score: number }>;
  department: Array<{ code: string; score: number }>;
  similar: Array<{ id: number; caseNo: string }>;
}

/** How many suggestions of each kind are given. */
export const SUGGESTION_LIMIT = { problemType: 3, department: 3, similar: 5 } as const;

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** The suggestions for one case, best first; empty lists where the model has no classifier. */
export function suggestTriage(model: TriageModel | null, c: CaseText & { id: number }, segment: Segmenter): TriageSuggestions {
  if (!model) return { problemType: [], department: [], similar: [] };
  const features = caseFeatures(c, segment);
  const top = (nb: NaiveBayes | null, k: number) => (nb ? predictNaiveBayes(nb, features).slice(0, k) : []);
  return {
    problemType: top(model.problemType, SUGGESTION_LIMIT.problemType).map((s) => ({ value: s.label, score: round3(s.score) })),
    department: top(model.department, SUGGESTION_LIMIT.department).map((s) => ({ code: s.label, score: round3(s.score) })),
    similar: findSimilar(model.similar, c.id, features, SUGGESTION_LIMIT.similar).map((s) => ({ id: s.id, caseNo: s.caseNo })),
  };
}

/** One line of `bcs triage train`: exactly `department top-1 92.0% top-3 100.0%`, or why there is no model. */
export function formatAccuracy(target: 'department' | 'problemType', a: TargetAccuracy | null): string {
  if (!a) return `${target} no model (fewer than ${MIN_DECISIONS} decided cases)`;
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  return `${target} top-1 ${pct(a.top1)} top-3 ${pct(a.top3)}`;
}
