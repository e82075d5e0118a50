/** Putting errors on form fields: the server's `details` and zod issues alike. */
import type { FormInstance } from 'antd';
import type { z } from 'zod';
import type { FieldError } from '../api/client';

type NamePath = (string | number)[];

/** 'reporter.phone' → ['reporter','phone']; '(body)' and unknown fields → null. */
function toNamePath(field: string, known?: (path: NamePath) => boolean): NamePath | null {
  if (!field || field === '(body)') return null;
  const path = field.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  if (known && !known(path)) return null;
  return path;
}

/**
 * Shows each error under its field. Answers the messages that belong to no field of the form
 * (to show above it).
 */
export function applyFieldErrors(form: FormInstance, errors: FieldError[], fieldNames?: string[]): string[] {
  const byField = new Map<string, { name: NamePath; errors: string[] }>();
  const loose: string[] = [];
  const known = fieldNames ? (p: NamePath) => fieldNames.includes(String(p[0])) : undefined;
  for (const e of errors) {
    let name = toNamePath(e.field, known);
    // An error on an array element belongs to the whole list field (e.g. departmentCodes.0).
    if (name && typeof name[name.length - 1] === 'number') name = name.slice(0, -1);
    if (!name) {
      loose.push(e.message);
      continue;
    }
    const key = name.join('.');
    const entry = byField.get(key) ?? { name, errors: [] };
    if (!entry.errors.includes(e.message)) entry.errors.push(e.message);
    byField.set(key, entry);
  }
  if (byField.size) form.setFields([...byField.values()]);
  return loose;
}

/** zod issues as `{field, message}` (the same shape the server's 400 answers). */
export function issuesOf(error: z.ZodError): FieldError[] {
  return error.issues.map((i) => ({ field: i.path.map(String).join('.') || '(body)', message: i.message }));
}
