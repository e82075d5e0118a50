/**
 * Chinese words of a free text (a matter, a description): segmentation with @node-rs/jieba in
 * search mode (a long word and its parts: 营业执照 → 营业, 执照, 营业执照), keeping words of two
 * characters or more that carry meaning (not punctuation, not the commonest function words).
 * The segmenter is the triage model's (server/triage/segmenter.ts): one dictionary per process.
 */
import { segment } from '../triage/segmenter.js';

/** Words too common in a citizen's description to tell one matter from another. */
const STOP = new Set([
  '办理', '要求', '提供', '无法', '不能', '没有', '可以', '需要', '我们', '他们', '你们', '自己', '时候', '现在', '已经', '因为', '所以',
  '但是', '而且', '如果', '还是', '或者', '这个', '那个', '什么', '怎么', '为什么', '一个', '一下', '告知', '反映', '问题', '情况', '相关',
  '部门', '窗口', '工作人员', '群众', '办事', '多次', '一直', '目前', '进行', '以及', '还有', '就是', '被告', '告知', '表示', '希望',
]);

/** The distinct meaningful words of `text`, in order of appearance, at most 40. */
export function descriptionWords(text: string): string[] {
  const t = text.trim().slice(0, 2000);
  if (!t) return [];
  const out: string[] = [];
  for (const raw of segment(t)) {
    const w = raw.trim().toLowerCase();
    if ([...w].length < 2 || STOP.has(w) || !/[\p{Script=Han}a-z0-9]/u.test(w) || /^\d+$/.test(w)) continue;
    if (!out.includes(w)) out.push(w);
    if (out.length >= 40) break;
  }
  return out;
}
