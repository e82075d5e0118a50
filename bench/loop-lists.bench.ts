/**
 * The loop's list filters at scale (issue 10) on SQLite: N cases (default 1,000,000) over three
 * years, with stage clocks and reporter phone indexes distributed as a county's would be — old cases
 * finished (no stage clock), the last weeks' ones waiting in triage, handling, callback or
 * verification, some past their clock; most reporters once, repeat reporters a few times, one
 * frequent caller hundreds of times. Times the first page (50) of
 *
 *   GET /api/v1/cases?stageOverdue=true
 *   GET /api/v1/cases?phone=…          (a one-off reporter, a repeat reporter, the frequent caller, nobody)
 *
 * through the repository the route uses, and prints p50/p95 of 15 runs. The phone index is computed
 * with the bench database's own data key (server/security/pii.ts), so `?phone=` finds the rows.
 *
 *   npx tsx bench/loop-lists.bench.ts
 *   BENCH_CASES=200000 npx tsx bench/loop-lists.bench.ts
 */
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import SQLite from 'better-sqlite3';
import { openPreparedDatabase } from '../server/boot.js';
import { listCases } from '../server/cases/case.repository.js';
import { phoneIndex } from '../server/security/pii.js';
import type { Actor } from '../core/case-lifecycle.js';

const N = Number(process.env.BENCH_CASES ?? 1_000_000);
const RUNS = 15;
const DAYS = 1096;
const DEPTS = ['scjgj', 'rsj', 'zjw', 'ghzrzyj', 'gaj', 'ybj', 'swj', 'mzj', 'wjw', 'gjjzx', 'jtj'];
const ONE_OFF = '13900000007';
const REPEAT = '13700000042';
const FREQUENT = '13600000001';

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const START = Date.UTC(2024, 0, 1);
/** "Now" for the bench: the day after the last intake, 10:00 Shanghai. */
const NOW = new Date(START + DAYS * 86400_000 + 2 * 3600_000);

function* rows() {
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
      lead: dispatched || status === 'closed' ? pick(DEPTS) : null,
      level: dispatched || status === 'closed' ? 1 : null,
      phone,
    };
  }
}

const ADMIN: Actor = { userId: 1, username: 'bench', name: 'bench', role: 'coordinator', department: null };

function pct(xs: number[], p: number) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function time(label: string, f: () => Promise<unknown>) {
  await f();
  const xs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await f();
    xs.push(performance.now() - t);
  }
  console.log(`  ${label.padEnd(52)} p50 ${pct(xs, 50).toFixed(1).padStart(7)} ms   p95 ${pct(xs, 95).toFixed(1).padStart(7)} ms`);
}

const COLS = `case_no, year, seq, channel, status, level, lead_department, co_departments, named_departments, reporter_name, reporter_phone, reporter_phone_index,
  reporter_kind, matter, description, received_at, received_date, created_by, due_at, due_provisional, resolved_on_spot, callback_count, ever_bad_review,
  latest_callback_bad, ever_substantiated, version, updated_at, extension_count, stage_started_at, stage_due_at`;

function generateSqlite(file: string) {
  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  // The lead departments are codes only (no departments table rows in a throw-away bench database).
  db.pragma('foreign_keys = OFF');
  const ins = db.prepare(`insert into cases (${COLS}) values (${Array(30).fill('?').join(',')})`);
  let batch: unknown[][] = [];
  const flush = db.transaction(() => {
    for (const v of batch) ins.run(...v);
  });
  const indexOf = new Map<string, string>();
  for (const x of rows()) {
    let idx = indexOf.get(x.phone);
    if (!idx) {
      idx = phoneIndex(x.phone);
      if (!x.phone.startsWith('139')) indexOf.set(x.phone, idx);
    }
    batch.push([
      `L-${x.i}`, 2025, x.i, 'window', x.status, x.level, x.lead, '[]', '[]', '张三', x.phone, idx,
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

const keep = process.env.BENCH_SQLITE_FILE;
// A folder of its own: the database and the data key written beside it on first open.
const dir = keep ? null : fs.mkdtempSync(path.join(os.tmpdir(), 'bcs-bench-loop-'));
const file = keep ?? path.join(dir!, 'bench.db');
try {
  console.log(`\n== sqlite (${N.toLocaleString()} cases)`);
  // Opening first migrates the schema and sets the data key the phone index is computed with.
  const h = await openPreparedDatabase(`sqlite:${file}`);
  const have = Number((await h.db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  if (have === 0) {
    const t = performance.now();
    generateSqlite(file);
    console.log(`  generated in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  } else console.log(`  reusing ${have.toLocaleString()} cases`);
  const count = async (where: (q: any) => any) => Number((await where(h.db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n'))).executeTakeFirstOrThrow()).n);
  const nowIso = NOW.toISOString();
  console.log(
    `  with a stage clock: ${(await count((q) => q.where('stage_due_at', 'is not', null))).toLocaleString()}, past it: ${(await count((q) => q.where('stage_due_at', '<', nowIso))).toLocaleString()}, past the handling deadline: ${(await count((q) => q.where('status', 'in', ['assigned', 'in_progress', 'escalating']).where('due_at', '<', nowIso))).toLocaleString()}`,
  );
  const list = (q: Record<string, unknown>) => listCases(h.db, q as any, { limit: 50 }, ADMIN, NOW);
  for (const [label, q] of [
    ['?stageOverdue=true, newest 50', { stageOverdue: true }],
    ['?stageOverdue=true, second page', null],
    ['?phone= a one-off reporter', { phone: ONE_OFF }],
    ['?phone= a repeat reporter', { phone: REPEAT }],
    ['?phone= the frequent caller (1 in 2,000 cases), newest 50', { phone: FREQUENT }],
    ['?phone= nobody', { phone: '13100000000' }],
  ] as const) {
    if (q === null) {
      const first = await list({ stageOverdue: true });
      const cursor = first.nextCursor ?? undefined;
      const r = await listCases(h.db, { stageOverdue: true } as any, { limit: 50, cursor }, ADMIN, NOW);
      await time(`${label} [${r.rows.length}]`, () => listCases(h.db, { stageOverdue: true } as any, { limit: 50, cursor }, ADMIN, NOW));
      continue;
    }
    const r = await list(q);
    await time(`${label} [${r.rows.length}]`, () => list(q));
  }
  await h.close();
} finally {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}
