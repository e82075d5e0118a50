/** The Chinese word segmenter the triage model reads cases with: jieba (search mode, HMM on), loaded once. */
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import type { Segmenter } from '../../core/triage-model.js';

let jieba: Jieba | undefined;

/** Segments text into words; search mode also yields the shorter words inside long ones (营业执照 → 营业, 执照, 营业执照). */
export const segment: Segmenter = (text) => {
  jieba ??= Jieba.withDict(dict);
  return jieba.cutForSearch(text, true);
};
