import { describe, expect, it } from 'vitest';
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import {
  MIN_DECISIONS,
  caseFeatures,
  findSimilar,
  formatAccuracy,
  isHeldOut,
  predictNaiveBayes,
  suggestTriage,
  tokenize,
  trainNaiveBayes,
  trainTriage,
  type DecidedCase,
} from './triage-model.js';

const jieba = Jieba.withDict(dict);
const segment = (t: string) => jieba.cutForSearch(t, true);

/** A county's decisions: each matter goes to its department, each reason names its problem type. */
const MATTERS: Array<[string, string]> = [
  ['营业执照经营范围变更', 'scjgj'],
  ['食品经营许可证办理', 'scjgj'],
  ['养老保险关系转移接续', 'rsj'],
  ['失业保险金申领', 'rsj'],
  ['不动产转移登记', 'ghzrzyj'],
  ['户口迁移', 'gaj'],
];
const REASONS: Array<[string, string]> = [
  ['无法提供产权证明材料', 'materials'],
  ['窗口机械执行政策一刀切', 'rigid_policy'],
  ['老人不会使用手机认证', 'unable'],
  ['多个部门来回跑流程复杂', 'complex'],
  ['工作人员态度生硬推诿', 'misconduct'],
];

function county(n: number): DecidedCase[] {
  return Array.from({ length: n }, (_, i) => {
    const [matter, department] = MATTERS[i % MATTERS.length]!;
    const [reason, problemType] = REASONS[(i * 7) % REASONS.length]!;
    return { id: i + 1, caseNo: `2026-${String(i + 1).padStart(6, '0')}`, matter, description: `群众反映${matter}没有办成`, reason, matterCode: null, problemType, department };
  });
}

describe('tokenization', () => {
  it('keeps content words and drops punctuation, numbers and stop words', () => {
    const words = tokenize('我的营业执照变更，已经跑了3次！', segment);
    expect(words).toEqual(expect.arrayContaining(['营业', '执照', '营业执照', '变更']));
    for (const w of ['的', '，', '3', '！', '已经', '我']) expect(words).not.toContain(w);
  });

  it('normalises full-width letters and returns nothing for empty text', () => {
    expect(tokenize('ＡＰＰ认证', segment)).toContain('app');
    expect(tokenize(null, segment)).toEqual([]);
    expect(tokenize('', segment)).toEqual([]);
  });

  it('adds the whole matter and the catalogue code as features', () => {
    const f = caseFeatures({ matter: '营业执照变更', description: '无法办理', reason: null, matterCode: '11500000MB1234' }, segment);
    expect(f).toContain('事项=营业执照变更');
    expect(f).toContain('code=11500000MB1234');
    expect(caseFeatures({ matter: '营业执照变更', description: '', reason: null, matterCode: null }, segment).some((x) => x.startsWith('code='))).toBe(false);
  });
});

describe('naive Bayes', () => {
  const nb = trainNaiveBayes([
    { features: ['社保', '转移'], label: 'rsj' },
    { features: ['社保', '养老'], label: 'rsj' },
    { features: ['执照', '变更'], label: 'scjgj' },
  ]);

  it('ranks the label whose words the case shares first, with probabilities summing to 1', () => {
    const ranked = predictNaiveBayes(nb, ['执照', '变更']);
    expect(ranked.map((r) => r.label)).toEqual(['scjgj', 'rsj']);
    expect(ranked[0]!.score).toBeGreaterThan(0.5);
    expect(ranked.reduce((s, r) => s + r.score, 0)).toBeCloseTo(1, 9);
  });

  it('falls back to the prior when no word was ever seen', () => {
    const ranked = predictNaiveBayes(nb, ['从未见过']);
    expect(ranked[0]!.label).toBe('rsj');
    expect(ranked[0]!.score).toBeCloseTo(2 / 3, 9);
  });

  it('answers nothing from an empty model', () => {
    expect(predictNaiveBayes(trainNaiveBayes([]), ['社保'])).toEqual([]);
  });
});

describe('the triage model', () => {
  it(`gives no department or problem type below ${MIN_DECISIONS} decided cases`, () => {
    const { model, accuracy } = trainTriage(county(MIN_DECISIONS - 1), segment);
    expect(model.department).toBeNull();
    expect(model.problemType).toBeNull();
    expect(accuracy).toEqual({ department: null, problemType: null });
    const s = suggestTriage(model, { id: 1000, matter: '户口迁移', description: '老人不会使用手机', reason: null, matterCode: null }, segment);
    expect(s.department).toEqual([]);
    expect(s.problemType).toEqual([]);
    expect(formatAccuracy('department', accuracy.department)).toBe(`department no model (fewer than ${MIN_DECISIONS} decided cases)`);
  });

  it('suggests the department and problem type the county chose for such cases, from 50 on', () => {
    const { model, accuracy } = trainTriage(county(MIN_DECISIONS), segment);
    const s = suggestTriage(model, { id: 1000, matter: '户口迁移', description: '想把户口迁到县城', reason: '工作人员态度生硬', matterCode: null }, segment);
    expect(s.department[0]!.code).toBe('gaj');
    expect(s.problemType[0]!.value).toBe('misconduct');
    expect(s.department.length).toBeLessThanOrEqual(3);
    for (let i = 1; i < s.department.length; i++) expect(s.department[i]!.score).toBeLessThanOrEqual(s.department[i - 1]!.score);
    expect(accuracy.department!.top1).toBe(1);
    expect(formatAccuracy('department', accuracy.department)).toBe('department top-1 100.0% top-3 100.0%');
  });

  it('counts only accepted cases for the problem type and dispatched ones for the department', () => {
    const cases = county(120).map((c, i) => (i % 2 ? { ...c, department: null } : { ...c, problemType: null }));
    const { accuracy } = trainTriage(cases, segment);
    expect(accuracy.department!.cases).toBe(60);
    expect(accuracy.problemType!.cases).toBe(60);
  });

  it('holds out about a fifth of the cases, the same ones every time', () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => i + 1);
    const held = ids.filter(isHeldOut).length;
    expect(held).toBeGreaterThan(1800);
    expect(held).toBeLessThan(2200);
    expect(ids.filter(isHeldOut)).toEqual(ids.filter(isHeldOut));
  });

  it('lists earlier cases sharing the most words, best first, never the case itself or a later one', () => {
    const index = [
      { id: 1, caseNo: '2026-000001', features: ['营业', '执照', '变更', '事项=营业执照变更'] },
      { id: 2, caseNo: '2026-000002', features: ['营业', '执照'] },
      { id: 3, caseNo: '2026-000003', features: ['社保', '转移'] },
      { id: 4, caseNo: '2026-000004', features: ['营业', '执照', '变更'] },
      { id: 9, caseNo: '2026-000009', features: ['营业', '执照', '变更'] },
    ];
    const similar = findSimilar(index, 4, ['营业', '执照', '变更', '事项=营业执照变更']);
    expect(similar.map((s) => s.id)).toEqual([1, 2]);
  });
});
