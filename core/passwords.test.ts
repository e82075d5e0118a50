import { describe, expect, it } from 'vitest';
import { isPasswordExpired, passwordClasses, passwordProblem, PASSWORD_RULE_TEXT } from './passwords.js';

describe('the password rule', () => {
  it('accepts 8 or more characters from 3 of the 4 classes', () => {
    for (const p of ['Passw0rd', 'abcdEF12', 'abcd12!@', 'ABCD12!@', 'abcdEF!@', 'Passw0rd!2026', '密码Abc12345']) expect(passwordProblem(p)).toBeNull();
  });
  it('refuses fewer than 8 characters, whatever the classes', () => {
    expect(passwordProblem('Ab1!xyz')).toBe('密码至少 8 位');
    expect(passwordProblem('')).toBe('密码至少 8 位');
  });
  it('refuses two classes or one', () => {
    for (const p of ['demo1234', 'abcdefgh', '12345678', 'ABCDEFGH', 'abcdEFGH', '!!!!1111', 'password']) expect(passwordProblem(p)).toBe(PASSWORD_RULE_TEXT);
  });
  it('counts classes: lower, upper, digit, anything else (Chinese characters and spaces count as other)', () => {
    expect(passwordClasses('a')).toBe(1);
    expect(passwordClasses('aA')).toBe(2);
    expect(passwordClasses('aA1')).toBe(3);
    expect(passwordClasses('aA1 ')).toBe(4);
    expect(passwordClasses('中')).toBe(1);
  });
  it('refuses more than 128 characters', () => {
    expect(passwordProblem(`Aa1${'x'.repeat(126)}`)).toBe('密码不能超过 128 位');
    expect(passwordProblem(`Aa1${'x'.repeat(125)}`)).toBeNull();
  });
  it('expires a password only when a maximum age is set and reached', () => {
    const now = new Date('2026-12-06T00:00:00Z');
    expect(isPasswordExpired('2026-11-06T00:00:00Z', 0, now)).toBe(false);
    expect(isPasswordExpired('2026-11-06T00:00:00Z', 30, now)).toBe(true);
    expect(isPasswordExpired('2026-11-07T00:00:01Z', 30, now)).toBe(false);
    expect(isPasswordExpired(null, 30, now)).toBe(false);
  });
});
