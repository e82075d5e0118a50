/**
 * NUL in request text: no one types it, and PostgreSQL cannot store it in a text column (a 500
 * found by server/security/fuzz.test.ts). JSON bodies and the multipart intake's `case` field are
 * refused with a 400 when any string or key holds one.
 */
export function containsNul(v: unknown, depth = 0): boolean {
  if (typeof v === 'string') return v.includes('\u0000');
  if (depth > 200 || v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) return v.some((x) => containsNul(x, depth + 1));
  return Object.entries(v).some(([k, x]) => k.includes('\u0000') || containsNul(x, depth + 1));
}
