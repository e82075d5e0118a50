/**
 * The second factor: TOTP (RFC 6238: HMAC-SHA-1, 6 digits, 30-second steps) through the `otpauth`
 * library, and one-time recovery codes. A code is accepted once (RFC 6238 §5.2: the step it was
 * accepted for is stored and no code of that step or an earlier one is taken again); the adjacent
 * steps are accepted too, for clocks that drift.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { HOTP, Secret, TOTP } from 'otpauth';
import { sm3Hex } from '../audit/audit.repository.js';

export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** The issuer shown in the authenticator app. */
export const TOTP_ISSUER = '办成事';
/** How many recovery codes are made at enable (each logs in once). */
export const RECOVERY_CODE_COUNT = 10;

/** A new random secret (160 bits, RFC 4226's recommendation), base32 (RFC 4648) without padding. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The otpauth:// URL an authenticator app reads from the QR code. */
export function totpUrl(secret: string, username: string): string {
  return new TOTP({ issuer: TOTP_ISSUER, label: username, algorithm: 'SHA1', digits: TOTP_DIGITS, period: TOTP_PERIOD_SECONDS, secret: Secret.fromBase32(secret) }).toString();
}

/** The 30-second step of an instant. */
export function totpStep(now: Date): number {
  return Math.floor(now.getTime() / 1000 / TOTP_PERIOD_SECONDS);
}

const sameText = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * The step a code belongs to — the current one or an adjacent one, later than `lastStep` (a code
 * already accepted, or one older than it, is not taken again) — or null when the code is wrong.
 */
export function matchTotp(secret: string, code: string, now: Date, lastStep: number | null): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const key = Secret.fromBase32(secret);
  const step = totpStep(now);
  let found: number | null = null;
  for (const counter of [step - 1, step, step + 1]) {
    if (lastStep !== null && counter <= lastStep) continue;
    // Every candidate is computed and compared, so the time taken does not tell which one matched.
    if (sameText(HOTP.generate({ secret: key, algorithm: 'SHA1', digits: TOTP_DIGITS, counter }), code) && found === null) found = counter;
  }
  return found;
}

/** Recovery codes as shown once: 10 groups of xxxx-xxxx (lower-case base32, 40 bits each). */
export function newRecoveryCodes(): string[] {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const b = randomBytes(8);
    const chars = [...b].map((x) => alphabet[x & 31]).join('');
    return `${chars.slice(0, 4)}-${chars.slice(4, 8)}`;
  });
}

/** The stored form of a recovery code: SM3 of its normalised text (case and dashes ignored). */
export function recoveryCodeHash(code: string): string {
  return sm3Hex(`recovery:${code.trim().toLowerCase().replace(/[\s-]/g, '')}`);
}

/** Whether what was typed looks like a recovery code rather than a TOTP code. */
export function looksLikeRecoveryCode(text: string): boolean {
  return /^[a-z2-7]{4}-?[a-z2-7]{4}$/i.test(text.trim());
}
