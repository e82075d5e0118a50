/** Validators for Chinese identifiers and phone numbers. Pure. */

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/**
 * Checks a 统一社会信用代码 (GB 32100-2015): 18 characters of the code set (no I, O, S, V, Z),
 * the 18th a check character computed from the first 17 with weights 3^i mod 31.
 * Expects upper case (normalise first).
 */
export function isValidUscc(code: string): boolean {
  if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(code)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARS.indexOf(code[i]!) * USCC_WEIGHTS[i]!;
  const check = (31 - (sum % 31)) % 31;
  return USCC_CHARS[check] === code[17];
}

/** Computes the check character for the first 17 characters of a USCC (for tests and demo data). */
export function usccCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARS.indexOf(first17[i]!) * USCC_WEIGHTS[i]!;
  return USCC_CHARS[(31 - (sum % 31)) % 31]!;
}

/** Mainland mobile: 11 digits starting 13–19. */
const MOBILE = /^1[3-9]\d{9}$/;
/** Landline: optional area code (0 + 2–3 digits, optional hyphen), 7–8 digit number, optional extension. */
const LANDLINE = /^(0\d{2,3}-?)?[2-9]\d{6,7}(-\d{1,6})?$/;

/** Whether the string is a mainland mobile or landline number (spaces already removed). */
export function isValidPhone(phone: string): boolean {
  return MOBILE.test(phone) || LANDLINE.test(phone);
}

/** Normalises a phone number as typed: removes spaces and a leading +86 / 86 country code. */
export function normalisePhone(raw: string): string {
  let p = raw.replace(/[\s()（）]/g, '');
  if (p.startsWith('+86')) p = p.slice(3);
  else if (/^86(1[3-9]\d{9})$/.test(p)) p = p.slice(2);
  return p.replace(/^-/, '');
}

/**
 * Masks a phone number for lists and documents: a mobile keeps its first 3 and last 4 digits
 * (138****0000); a landline keeps its area code and last 2 digits.
 */
export function maskPhone(phone: string): string {
  if (MOBILE.test(phone)) return `${phone.slice(0, 3)}****${phone.slice(7)}`;
  const digits = phone.replace(/\D/g, '');
  if (digits.length <= 4) return '****';
  const m = /^(0\d{2,3}-?)(.*)$/.exec(phone);
  const head = m ? m[1]! : '';
  const rest = m ? m[2]! : phone;
  const keep = rest.slice(-2);
  return `${head}${'*'.repeat(Math.max(rest.length - 2, 2))}${keep}`;
}
