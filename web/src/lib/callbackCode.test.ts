import { describe, expect, it } from 'vitest';
import { codeOfRatings, parseCallbackCode } from './callbackCode';

describe('the 回访工作台 entry code', () => {
  it('reads four digits as the four aspects in order', () => {
    expect(parseCallbackCode('1123')).toEqual({
      kind: 'ratings',
      ratings: { attitude: 'satisfied', result: 'satisfied', efficiency: 'basically_satisfied', integrity: 'dissatisfied' },
    });
  });
  it('reads Y as all satisfied and the pinyin initials as unanswered calls, in either case', () => {
    expect(parseCallbackCode(' Y ')).toMatchObject({ kind: 'ratings', ratings: { attitude: 'satisfied', integrity: 'satisfied' } });
    expect(parseCallbackCode('w')).toEqual({ kind: 'attempt', outcome: 'no_answer' });
    expect(parseCallbackCode('M')).toEqual({ kind: 'attempt', outcome: 'busy' });
    expect(parseCallbackCode('c')).toEqual({ kind: 'attempt', outcome: 'wrong_number' });
    expect(parseCallbackCode('j')).toEqual({ kind: 'attempt', outcome: 'refused' });
  });
  it('answers partial while typing and invalid on anything else', () => {
    expect(parseCallbackCode('')).toEqual({ kind: 'empty' });
    expect(parseCallbackCode('12')).toEqual({ kind: 'partial', ratings: { attitude: 'satisfied', result: 'basically_satisfied' } });
    for (const bad of ['4', '11111', '1a', 'x', 'wm']) expect(parseCallbackCode(bad).kind, bad).toBe('invalid');
  });
  it('writes the code of clicked ratings up to the first aspect not chosen', () => {
    expect(codeOfRatings({ attitude: 'satisfied', result: 'dissatisfied', efficiency: 'satisfied', integrity: 'basically_satisfied' })).toBe('1312');
    expect(codeOfRatings({ attitude: 'satisfied', efficiency: 'satisfied' })).toBe('1');
  });
});
