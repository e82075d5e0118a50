/**
 * What the server put into index.html for a request that carried a valid session cookie
 * (server/web.ts): the session (GET /auth/me) and the reference data every page uses (departments,
 * settings, the calendar's years), as `<script id="bcs-bootstrap" type="application/json">`. With
 * it the app starts signed in, without asking /auth/me and without waiting for these reads.
 */
import type { QueryClient } from '@tanstack/react-query';
import type { CalendarYearInfo, Department, MeAnswer, Settings } from './api/types';

export const BOOTSTRAP_ELEMENT_ID = 'bcs-bootstrap';

export interface Bootstrap {
  me: MeAnswer;
  departments?: { items: Department[] };
  settings?: Settings;
  calendarYears?: { items: CalendarYearInfo[] };
}

let read = false;
let boot: Bootstrap | null = null;
/** When the page (and so its bootstrap) arrived: the reference data is as old as that. */
let bootAt = 0;

/** The bootstrap of this page load (read once; null when the page came without one). */
export function readBootstrap(): Bootstrap | null {
  if (read) return boot;
  read = true;
  if (typeof document === 'undefined') return null;
  const el = document.getElementById(BOOTSTRAP_ELEMENT_ID);
  if (!el?.textContent) return null;
  try {
    const parsed = JSON.parse(el.textContent) as Bootstrap;
    boot = parsed && parsed.me && parsed.me.user ? parsed : null;
    bootAt = Date.now();
  } catch {
    boot = null;
  }
  el.remove();
  return boot;
}

/**
 * Puts the reference data of the bootstrap (the same for every user) into a new query cache, as
 * old as the page: once past the queries' stale time they are asked for again. Answers the client.
 */
export function seedQueryClient(client: QueryClient): QueryClient {
  const b = readBootstrap();
  if (!b) return client;
  const updatedAt = bootAt;
  if (b.departments) client.setQueryData(['departments'], b.departments.items, { updatedAt });
  if (b.settings) client.setQueryData(['settings'], b.settings, { updatedAt });
  if (b.calendarYears) client.setQueryData(['calendar-years'], b.calendarYears.items, { updatedAt });
  return client;
}
