/**
 * Reads started before anyone asks for them: on a full load (the current page's data, while its
 * code still downloads) and when the pointer rests on a link (the next page's data). The page's own
 * query then takes the answer already on its way instead of asking again, so a page's requests run
 * together instead of one after another. Only GETs, each taken once, and only while fresh.
 */
import { API_BASE } from './client';

/** An answer older than this is not used (asked again) — a hovered link may be clicked much later. */
export const EARLY_MAX_AGE_MS = 10_000;

interface Entry {
  at: number;
  response: Promise<Response>;
}

const entries = new Map<string, Entry>();

function fresh(e: Entry | undefined, now: number): e is Entry {
  return !!e && now - e.at <= EARLY_MAX_AGE_MS;
}

/**
 * Starts GET `/api/v1{path}` unless a fresh one is on its way; answers its parsed JSON (null on any
 * error — the page's own request then reports it).
 */
export function earlyGet<T>(path: string): Promise<T | null> {
  const now = Date.now();
  for (const [k, e] of entries) if (!fresh(e, now)) entries.delete(k);
  let e = entries.get(path);
  if (!e) {
    e = { at: now, response: fetch(`${API_BASE}${path}`, { headers: { Accept: 'application/json' }, credentials: 'same-origin' }) };
    // A failed early read is no one's concern until the page asks.
    e.response.catch(() => undefined);
    entries.set(path, e);
  }
  return e.response.then((r) => (r.ok ? (r.clone().json() as Promise<T>) : null)).catch(() => null);
}

/** The early answer of GET `path` if one is fresh (a copy of it; the entry is used up). */
export function takeEarly(path: string): Promise<Response> | null {
  const e = entries.get(path);
  entries.delete(path);
  return fresh(e, Date.now()) ? e.response.then((r) => r.clone()) : null;
}

/** Forgets every early read (the session changed: they were asked as someone else). */
export function clearEarly(): void {
  entries.clear();
}
