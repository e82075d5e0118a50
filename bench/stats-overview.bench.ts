/**
 * Statistics at scale: generates N cases (default 1,000,000 over 2024–2026, 20 departments) on
 * SQLite and, when BENCH_PG_URL or TEST_DATABASE_URL is set, on PostgreSQL; builds the rollup;
 * then times GET /stats/overview's queries (rollup path) for one year and for three years, per
 * department, and — for comparison — the full scan. Prints p50/p95 of 15 runs each.
 *
 *   npx tsx bench/stats-overview.bench.ts            # 1,000,000 cases
 *   BENCH_CASES=200000 npx tsx bench/stats-overview.bench.ts
 */
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import pg from 'pg';
import { sql, type Kysely } from 'kysely';
import { openPreparedDatabase } from '../server/boot.js';
import type { Database } from '../server/db/database.js';
import { rebuildRollup } from '../server/stats/rollup.js';
import { departmentFigures, overviewFigures } from '../server/stats/stats.repository.js';

const N = Number(process.env.BENCH_CASES ?? 1_000_000);
const RUNS = 15;
const DEPTS = Array.from({ length: 20 }, (_, i) => `d${String(i + 1).padStart(2, '0')}`);

async function generate(db: Kysely<Database>, kind: 'sqlite' | 'postgres'): Promise<void> {
  const at = '2024-01-01T00:00:00.000Z';
  await db.insertInto('departments').values(DEPTS.map((code, i) => ({ code, name: `县测试部门${i + 1}`, created_at: at }))).execute();
  const chunk = 100_000;
  for (let start = 1; start <= N; start += chunk) {
    const end = Math.min(N, start + chunk - 1);
    // Pseudo-random but deterministic attributes from the row number i.
    const day = kind === 'postgres' ? sql`(date '2024-01-01' + ((i * 1096) / ${N + 1})::int)::text` : sql`date('2024-01-01', '+' || ((i * 1096) / ${N + 1}) || ' days')`;
    const series =
      kind === 'postgres'
        ? sql`select i from generate_series(${start}::int, ${end}::int) as g(i)`
        : sql`with recursive s(i) as (select ${start} union all select i + 1 from s where i < ${end}) select i from s`;
    // Older cases are finished; the open ones (received, assigned, in progress, verifying) are the
    // last 30 days' — as in a county that keeps up — with some still open, and overdue, from before.
    const statuses = ['closed', 'closed', 'closed', 'closed', 'completed', 'in_progress', 'assigned', 'rejected', 'verifying', 'received'];
    const oldStatuses = ['closed', 'closed', 'closed', 'closed', 'closed', 'closed', 'completed', 'rejected', 'closed', 'closed'];
    const channels = ['window', 'hotline', 'online', 'mass_work', 'other'];
    const types = ['materials', 'rigid_policy', 'unable', 'complex', 'misconduct'];
    const pick = (arr: string[], mod: number, mul: number) =>
      sql.raw(`(case (i * ${mul}) % ${mod} ${arr.map((v, j) => `when ${j} then '${v}'`).join(' ')} end)`);
    const dept = sql.raw(`(case (i * 13) % 20 ${DEPTS.map((d, j) => `when ${j} then '${d}'`).join(' ')} end)`);
    const q = sql`
      insert into cases (case_no, year, seq, channel, status, level, problem_type, lead_department, co_departments, named_departments,
        reporter_name, reporter_phone, reporter_kind, reporter_org_name, matter, description, reason, received_at, received_date, created_by,
        due_at, due_provisional, resolved_on_spot, first_completed_at, first_completed_on_time, callback_count, ever_bad_review,
        latest_callback_bad, ever_substantiated, version, updated_at, extension_count)
      select 'B-' || i, 2025, i, ${pick(channels, 5, 7)}, st, case when st in ('received', 'rejected') then null else 1 + (i % 3) end,
        case when st in ('received') then null else ${pick(types, 5, 11)} end,
        case when st in ('received', 'rejected') then null else ${dept} end, '[]', '[]',
        '张三', '13800000000', 'person', null, '个体工商户设立登记', '社保转移接续办不成', null,
        d || 'T02:00:00.000Z', d, 'bench',
        case when st in ('received', 'rejected') then null else d || 'T15:59:59.000Z' end, 0, case when i % 17 = 0 then 1 else 0 end,
        case when st in ('completed', 'closed', 'verifying') then d || 'T08:00:00.000Z' else null end,
        case when st in ('completed', 'closed', 'verifying') then (case when i % 9 = 0 then 0 else 1 end) else null end,
        case when st in ('closed', 'verifying') then 1 else 0 end,
        case when st = 'verifying' or i % 41 = 0 then 1 else 0 end,
        case when st = 'verifying' then 1 else 0 end,
        case when i % 83 = 0 then 1 else 0 end,
        1, d || 'T09:00:00.000Z', 0
      from (select i, ${day} as d,
              case when ((i * 1096) / ${N + 1}) >= 1066 or i % 47 = 0 then ${pick(statuses, 10, 3)} else ${pick(oldStatuses, 10, 3)} end as st
            from (${series}) as s0) as s1`;
    await q.execute(db);
    process.stdout.write(`\r  ${end.toLocaleString()} / ${N.toLocaleString()} cases`);
  }
  process.stdout.write('\n');
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function time(label: string, f: () => Promise<unknown>, runs = RUNS): Promise<void> {
  await f(); // warm up
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await f();
    xs.push(performance.now() - t);
  }
  console.log(`  ${label.padEnd(46)} p50 ${pct(xs, 50).toFixed(1).padStart(7)} ms   p95 ${pct(xs, 95).toFixed(1).padStart(7)} ms`);
}

async function benchOne(kind: 'sqlite' | 'postgres', url: string): Promise<void> {
  console.log(`\n== ${kind} (${N.toLocaleString()} cases)`);
  const h = await openPreparedDatabase(url);
  try {
    const existing = Number((await h.db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    if (existing === 0) {
      let t = performance.now();
      await generate(h.db, kind);
      console.log(`  generated in ${((performance.now() - t) / 1000).toFixed(1)} s`);
      t = performance.now();
      const rows = await h.db.transaction().execute((trx) => rebuildRollup(trx));
      await sql.raw(kind === 'postgres' ? 'vacuum analyze' : 'analyze').execute(h.db);
      console.log(`  rollup rebuilt in ${((performance.now() - t) / 1000).toFixed(1)} s: ${rows.toLocaleString()} rows`);
    } else {
      console.log(`  reusing ${existing.toLocaleString()} cases in ${url}`);
    }
    const now = new Date('2026-12-31T12:00:00Z');
    const year = { from: '2025-01-01', to: '2025-12-31' };
    const all = { from: '2024-01-01', to: '2026-12-31' };
    const check = await overviewFigures(h.db, year, now);
    console.log(`  one year: received ${check.received.toLocaleString()}, completed ${check.completed.toLocaleString()}, overdueOpen ${check.overdueOpen.toLocaleString()}`);
    await time('overview, one year (rollup)', () => overviewFigures(h.db, year, now));
    await time('overview, three years (rollup)', () => overviewFigures(h.db, all, now));
    await time('overview, one year, one department (rollup)', () => overviewFigures(h.db, { ...year, department: 'd07' }, now));
    await time('per department, one year (rollup)', () => departmentFigures(h.db, year, now));
    await time('overview, one year (full scan, for comparison)', () => overviewFigures(h.db, year, now, 'scan'), 3);
  } finally {
    await h.close();
  }
}

// BENCH_SQLITE_FILE keeps (and reuses) the generated SQLite database between runs.
const keep = process.env.BENCH_SQLITE_FILE;
// A folder of its own: the database and the data key written beside it on first open.
const dir = keep ? null : fs.mkdtempSync(path.join(os.tmpdir(), 'bcs-bench-stats-'));
const file = keep ?? path.join(dir!, 'bench.db');
try {
  if (process.env.BENCH_SKIP_SQLITE !== '1') await benchOne('sqlite', `sqlite:${file}`);
} finally {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}
const admin = process.env.BENCH_PG_URL ?? process.env.TEST_DATABASE_URL;
if (admin) {
  const name = `bcs_bench_${process.pid}`;
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  await c.query(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'`);
  const u = new URL(admin);
  u.pathname = `/${name}`;
  try {
    await benchOne('postgres', u.toString());
  } finally {
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
  }
} else {
  console.log('\n(PostgreSQL skipped: set BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/postgres)');
}
