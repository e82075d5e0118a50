import { describe, expect, it } from 'vitest';
import { isValidPhone, isValidUscc, maskPhone, normalisePhone, usccCheckChar } from './validation.js';

describe('统一社会信用代码 (GB 32100)', () => {
  it('accepts a code whose check character matches', () => {
    const first17 = '91500231MA5U4N2X4';
    expect(isValidUscc(first17 + usccCheckChar(first17))).toBe(true);
  });

  it.each(['91440300708461136T', '91330100716105852F', '914403001922038216'])('accepts the published code %s', (c) => {
    expect(isValidUscc(c)).toBe(true);
  });

  it('rejects a code whose check character is wrong', () => {
    const first17 = '91500231MA5U4N2X4';
    const right = usccCheckChar(first17);
    const wrong = right === '0' ? '1' : '0';
    expect(isValidUscc(first17 + wrong)).toBe(false);
  });

  it.each(['', '12345', '91500231MA5U4N2X4RR', '91500231MA5U4N2XIO', '91500231ma5u4n2x4r'])(
    'rejects malformed input %j',
    (c) => expect(isValidUscc(c)).toBe(false),
  );
});

describe('phone numbers', () => {
  it.each(['13800000000', '19912345678', '023-74512345', '02374512345', '74512345', '0755-8888888', '023-74512345-801'])(
    'accepts %s',
    (p) => expect(isValidPhone(p)).toBe(true),
  );
  it.each(['12800000000', '1380000000', '138000000001', 'abc', '', '023-1234', "1' OR 1=1"])('rejects %j', (p) =>
    expect(isValidPhone(p)).toBe(false),
  );
  it('normalises a country code and spaces', () => {
    expect(normalisePhone('+86 138 0000 0000')).toBe('13800000000');
    expect(normalisePhone('8613800000000')).toBe('13800000000');
  });
  it('masks a mobile as 138****0000', () => expect(maskPhone('13800000000')).toBe('138****0000'));
  it('masks a landline keeping the area code', () => expect(maskPhone('023-74512345')).toBe('023-******45'));
});
