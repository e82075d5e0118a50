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
import { openPreparedDatabase } from '../server/boot.js';
import { listCases } from '../server/cases/case.repository.js';
import type { Actor } from '../core/case-lifecycle.js';
import { bulkNow, FREQUENT, generateSqlite as generateBulk, ONE_OFF, REPEAT, type BulkOptions } from './bulk-cases.js';

const N = Number(process.env.BENCH_CASES ?? 1_000_000);
const RUNS = 15;
const BULK: BulkOptions = { n: N, start: Date.UTC(2024, 0, 1), days: 1096 };
/** "Now" for the bench: the day after the last intake, 10:00 Shanghai. */
const NOW = bulkNow(BULK);

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
    generateBulk(file, BULK);
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
