/**
 * The password rule (等保 2.0 level 3, 身份鉴别: 口令复杂度): at least 8 characters drawn from at
 * least 3 of the 4 classes — lower-case letters, upper-case letters, digits, other characters.
 * One rule for the API, the web app, `bcs user add` and the demo accounts. Pure: no I/O.
 */

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;
export const PASSWORD_MIN_CLASSES = 3;

/** The rule in words, for forms and messages. */
export const PASSWORD_RULE_TEXT = `密码至少 ${PASSWORD_MIN_LENGTH} 位，须包含大写字母、小写字母、数字、其他符号中的至少 ${PASSWORD_MIN_CLASSES} 类`;

/** How many of the four classes the password uses. */
export function passwordClasses(password: string): number {
  let n = 0;
  if (/[a-z]/.test(password)) n++;
  if (/[A-Z]/.test(password)) n++;
  if (/[0-9]/.test(password)) n++;
  if (/[^A-Za-z0-9]/.test(password)) n++;
  return n;
}

/** Why the password is refused (a Chinese message), or null when it satisfies the rule. */
export function passwordProblem(password: string): string | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return `密码至少 ${PASSWORD_MIN_LENGTH} 位`;
  if (length > PASSWORD_MAX_LENGTH) return `密码不能超过 ${PASSWORD_MAX_LENGTH} 位`;
  if (passwordClasses(password) < PASSWORD_MIN_CLASSES) return PASSWORD_RULE_TEXT;
  return null;
}

/** Whether a password set at `changedAt` has outlived `maxAgeDays` at `now` (0 = passwords never expire). */
export function isPasswordExpired(changedAt: string | null, maxAgeDays: number, now: Date): boolean {
  if (!maxAgeDays || !changedAt) return false;
  const t = Date.parse(changedAt);
  return Number.isFinite(t) && now.getTime() - t >= maxAgeDays * 86_400_000;
}
