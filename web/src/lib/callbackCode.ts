/**
 * The 回访工作台's one-field entry: what the coordinator types while the reporter speaks.
 *
 * - four digits, one per aspect in the order 服务态度、办理结果、办理效率、廉洁勤政: 1 满意,
 *   2 基本满意, 3 不满意 (e.g. `1112`);
 * - `y` — 全部满意;
 * - one letter for a call that did not reach the reporter: `w` 未接通, `m` 忙线, `c` 号码错误,
 *   `j` 拒绝回访 (the pinyin initials).
 * Pure: parsed here, tested beside it.
 */
import { RATING_ASPECTS, type CallbackAttemptOutcome, type Rating, type RatingAspect } from '../../../core/domain';

export const DIGIT_RATINGS: Record<string, Rating> = { '1': 'satisfied', '2': 'basically_satisfied', '3': 'dissatisfied' };
export const RATING_DIGITS: Record<Rating, string> = { satisfied: '1', basically_satisfied: '2', dissatisfied: '3' };
export const ATTEMPT_KEYS: Record<string, CallbackAttemptOutcome> = { w: 'no_answer', m: 'busy', c: 'wrong_number', j: 'refused' };
export const ATTEMPT_KEY_OF: Record<CallbackAttemptOutcome, string> = { no_answer: 'W', busy: 'M', wrong_number: 'C', refused: 'J' };

export type ParsedCode =
  | { kind: 'empty' }
  | { kind: 'partial'; ratings: Partial<Record<RatingAspect, Rating>> }
  | { kind: 'ratings'; ratings: Record<RatingAspect, Rating> }
  | { kind: 'attempt'; outcome: CallbackAttemptOutcome }
  | { kind: 'invalid'; message: string };

export function parseCallbackCode(raw: string): ParsedCode {
  const code = raw.trim().toLowerCase();
  if (!code) return { kind: 'empty' };
  if (code === 'y') return { kind: 'ratings', ratings: Object.fromEntries(RATING_ASPECTS.map((a) => [a, 'satisfied'])) as Record<RatingAspect, Rating> };
  if (code.length === 1 && ATTEMPT_KEYS[code]) return { kind: 'attempt', outcome: ATTEMPT_KEYS[code] };
  if (!/^[123]{1,4}$/.test(code)) return { kind: 'invalid', message: '评价代码应为 4 位数字（1 满意、2 基本满意、3 不满意），或 Y、W、M、C、J' };
  const ratings: Partial<Record<RatingAspect, Rating>> = {};
  [...code].forEach((d, i) => (ratings[RATING_ASPECTS[i]!] = DIGIT_RATINGS[d]!));
  return code.length === 4 ? { kind: 'ratings', ratings: ratings as Record<RatingAspect, Rating> } : { kind: 'partial', ratings };
}

/** The code that stands for these ratings (when the coordinator clicks instead of typing). */
export function codeOfRatings(r: Partial<Record<RatingAspect, Rating>>): string {
  let out = '';
  for (const a of RATING_ASPECTS) {
    const v = r[a];
    if (!v) break;
    out += RATING_DIGITS[v];
  }
  return out;
}
