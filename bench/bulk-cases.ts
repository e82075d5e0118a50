/**
 * The bulk case generator the benches share: N cases over `days` days, distributed as a county's
 * would be — old cases finished (no stage clock), the last weeks' ones waiting in triage, handling,
 * callback or verification, some past their clock; most reporters once, repeat reporters a few
 * times, one frequent caller hundreds of times — inserted straight into a SQLite file (no services,
 * no timelines: fast enough for 1,000,000 rows). The phone index is computed with the key set by
 * openPreparedDatabase (server/security/pii.ts), so `?phone=` finds the rows.
 */
import SQLite from 'better-sqlite3';
import { phoneIndex } from '../server/security/pii.js';

export const BULK_DEPTS = ['scjgj', 'rsj', 'zjw', 'ghzrzyj', 'gaj', 'ybj', 'swj', 'mzj', 'wjw', 'gjjzx', 'jtj'];
export const ONE_OFF = '13900000007';
export const REPEAT = '13700000042';
export const FREQUENT = '13600000001';

export function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface BulkOptions {
  n: number;
  /** The first intake day (UTC midnight). */
  start: number;
  days: number;
  /** The case number year the rows are filed under (keep it clear of the years real intakes use). */
  year?: number;
}

/** "Now" of a bulk data set: the day after the last intake, 10:00 Shanghai. */
export function bulkNow(o: BulkOptions): Date {
  return new Date(o.start + o.days * 86400_000 + 2 * 3600_000);
}

export function* bulkRows(o: BulkOptions) {
  const { n: N, start: START, days: DAYS } = o;
  const NOW = bulkNow(o);
  const r = rng(7);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  for (let i = 1; i <= N; i++) {
    const day = Math.floor(((i - 1) * DAYS) / N);
    const received = new Date(START + day * 86400_000 + (1 + Math.floor(r() * 8)) * 3600_000 + Math.floor(r() * 3600) * 1000);
    const age = (NOW.getTime() - received.getTime()) / 86400_000;
    // Where the case is now: the last weeks' cases are spread over the loop, older ones finished
    // (a few stuck waiting for a callback or still handled).
    let status: string;
    const x = r();
    if (age < 3) status = x < 0.35 ? 'received' : x < 0.5 ? 'accepted' : x < 0.8 ? 'assigned' : x < 0.9 ? 'in_progress' : 'closed';
    else if (age < 30) status = x < 0.02 ? 'received' : x < 0.04 ? 'accepted' : x < 0.25 ? 'in_progress' : x < 0.35 ? 'completed' : x < 0.38 ? 'verifying' : x < 0.9 ? 'closed' : x < 0.98 ? 'rejected' : 'merged';
    else status = x < 0.001 ? 'completed' : x < 0.002 ? 'in_progress' : x < 0.88 ? 'closed' : x < 0.99 ? 'rejected' : 'merged';
    const dispatched = !['received', 'accepted', 'rejected', 'merged'].includes(status);
    const dueAt = dispatched ? new Date(received.getTime() + (5 + Math.floor(r() * 15)) * 86400_000).toISOString() : null;
    // The stage clock of the state it waits in (core/clocks.ts): triage 1, callback 3, verification 5 working days (≈ calendar days + weekends).
    const stageDays = status === 'received' || status === 'accepted' ? 1.5 : status === 'completed' ? 4 : status === 'verifying' ? 7 : null;
    const stageStart = status === 'received' || status === 'accepted' ? received : new Date(Math.min(NOW.getTime() - 3600_000, received.getTime() + (2 + r() * 15) * 86400_000));
    const stageDue = stageDays === null ? null : new Date(stageStart.getTime() + stageDays * 86400_000).toISOString();
    // Reporters: the frequent caller in 1 of 2,000 cases, repeat reporters (a pool of N / 30, ≈ 9 cases each) in 30 %, everyone else once.
    const phone = i % 2000 === 13 ? FREQUENT : r() < 0.3 ? `137${String(Math.floor(r() * Math.ceil(N / 30))).padStart(8, '0')}` : `139${String(i).padStart(8, '0')}`;
    yield {
      i,
      status,
      receivedAt: received.toISOString(),
      date: new Date(received.getTime() + 8 * 3600_000).toISOString().slice(0, 10),
      dueAt,
      stageStartedAt: stageDays === null ? null : stageStart.toISOString(),
      stageDue,
      lead: dispatched || status === 'closed' ? pick(BULK_DEPTS) : null,
      level: dispatched || status === 'closed' ? 1 : null,
      phone,
    };
  }
}

const COLS = `case_no, year, seq, channel, status, level, lead_department, co_departments, named_departments, reporter_name, reporter_phone, reporter_phone_index,
  reporter_kind, matter, description, received_at, received_date, created_by, due_at, due_provisional, resolved_on_spot, callback_count, ever_bad_review,
  latest_callback_bad, ever_substantiated, version, updated_at, extension_count, stage_started_at, stage_due_at`;

/** Inserts the bulk rows into a migrated SQLite database file (opened by openPreparedDatabase first). */
export function generateSqlite(file: string, o: BulkOptions): void {
  const N = o.n;
  const year = o.year ?? 2025;
  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  // The lead departments are codes only (a throw-away bench database need not hold their rows).
  db.pragma('foreign_keys = OFF');
  const ins = db.prepare(`insert into cases (${COLS}) values (${Array(30).fill('?').join(',')})`);
  let batch: unknown[][] = [];
  const flush = db.transaction(() => {
    for (const v of batch) ins.run(...v);
  });
  const indexOf = new Map<string, string>();
  for (const x of bulkRows(o)) {
    let idx = indexOf.get(x.phone);
    if (!idx) {
      idx = phoneIndex(x.phone);
      if (!x.phone.startsWith('139')) indexOf.set(x.phone, idx);
    }
    batch.push([
      `L-${x.i}`, year, x.i, 'window', x.status, x.level, x.lead, '[]', '[]', '张三', x.phone, idx,
      'person', '个体工商户设立登记', '办理营业执照被要求提供房屋产权证明。', x.receivedAt, x.date, 'bench', x.dueAt, 0, 0, 0, 0,
      0, 0, 1, x.receivedAt, 0, x.stageStartedAt, x.stageDue,
    ]);
    if (batch.length === 20_000) {
      flush();
      batch = [];
      process.stdout.write(`\r  ${x.i.toLocaleString()} / ${N.toLocaleString()}`);
    }
  }
  if (batch.length) flush();
  db.exec('analyze');
  db.close();
  process.stdout.write('\n');
}
