/**
 * Reads at scale through HTTP (issue 17, items 3 and 6).
 *
 *   npx tsx bench/scale.bench.ts                  # SQLite, 1,000,000 cases
 *   BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/bcs_scale npx tsx bench/scale.bench.ts pg   # PostgreSQL, 10,000,000
 *   BENCH_SQLITE_CASES=100000 npx tsx bench/scale.bench.ts sqlite
 *   BENCH_PG_CASES=1000000 BENCH_PG_URL=… npx tsx bench/scale.bench.ts pg
 *   … scale.bench.ts sqlite --generate-only       # build the data set and stop
 *   BENCH_ONLY='overdue|社保' …                     # only the rows whose label matches (no export)
 *   BENCH_SERVER_ROOT=/tmp/before …                # another checkout's server (a before/after pair)
 *   BENCH_RUNS=30                                  # timed requests per row (after 2 warm-ups)
 *   BENCH_GEN_WORKERS=2 BENCH_PG_CONNS=2           # PostgreSQL generation: worker threads, inserting connections
 *
 * 1. Generates N cases through the product's own schema and functions: each case's columns from
 *    `newCaseRow` (the reporter sealed with SM4 under the database's data key, the phone's blind
 *    index, the masked phone), its search document from `searchDocument` (SQLite's FTS5 table /
 *    PostgreSQL's tsvector, written as `indexCaseText` writes them), its `case_departments` rows
 *    (lead and co-departments, with the case's status), its intake event (`timelineEventRow`),
 *    the year counters (`raiseCounter`) and then the statistics rollup from `rebuildRollup` — so
 *    the server finds nothing to rewrite at start (no unsealed reporter, no stage clock missing).
 *    Every case is sealed on its own (no pool of sealed reporters). Batched multi-row inserts in
 *    big transactions. On PostgreSQL the cases are made by worker threads (bench/scale-worker.ts,
 *    BENCH_GEN_WORKERS, default one per core; each walks the whole deterministic plan of
 *    bench/scale-cases.ts and materialises its share of 5,000-case chunks as array literals)
 *    while BENCH_PG_CONNS (2) connections insert the chunks already made, one transaction each,
 *    with `unnest` of one array per column; the secondary indexes are dropped during the load and
 *    built again afterwards two at a time, then the rollup, counters and VACUUM ANALYZE. The data
 *    key and the dropped indexes are kept in the database (`bench_scale_key`,
 *    `bench_scale_indexes`): a load stopped after its inserts is finished by the next run. The
 *    status and dates are distributed as a county's would be (bench/bulk-cases.ts): three years
 *    ending today, old cases closed, the last weeks' ones spread over the loop. The data set is
 *    kept and reused: SQLite under bench/out/scale/, PostgreSQL in the database named by
 *    BENCH_PG_URL (an empty one you created; a table `bench_scale` marks it complete).
 * 2. Starts the real server (`node bin/server.js`, jobs off) on that database, signs in a
 *    coordinator and a handler (公安局), warms it up (180 untimed requests: lists and case pages
 *    of other cases), and times BENCH_RUNS (30) requests of each: every list
 *    filter of GET /api/v1/cases (parameters varied per request), the handler's lists, the
 *    statistics for a day / month / year / all, the case page, and one 台账 export of ≈ 100,000
 *    rows (wall time and the server's peak RSS).
 * 3. Prints a table: endpoint, p50, p95, aim, pass/fail, and the load average.
 */
import type { ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { sql } from 'kysely';
import { openPreparedDatabase } from '../server/boot.js';
import { raiseCounter } from '../server/cases/case.repository.js';
import { rebuildRollup } from '../server/stats/rollup.js';
import { hashPassword } from '../server/auth/password.js';
import { insertDepartment, insertUser } from '../server/users/user.repository.js';
import { DEMO_DEPARTMENTS, DEMO_MATTERS } from '../server/demo/demo-data.js';
import { CHANNELS, PROBLEM_TYPES } from '../core/domain.js';
import { FREQUENT, REPEAT, ONE_OFF } from './bulk-cases.js';
import { startServerProcess, stopProcess, waitHealthy } from './server-process.js';
import { DAYS, DEPTS, EVENT_COLS, ORGS, WORDS, generatedCases, today, type Generated, type PgChunk } from './scale-cases.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'bench', 'out', 'scale');
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const args = process.argv.slice(2);
const GENERATE_ONLY = args.includes('--generate-only');
const which = args.find((a) => a === 'sqlite' || a === 'pg') ?? (process.env.BENCH_PG_URL ? 'both' : 'sqlite');
const PASSWORD = 'Bench!2026scale';

/** Departments and the two accounts the bench signs in with, through the product's repository. */
async function seedReference(db: any): Promise<void> {
  const at = new Date().toISOString();
  const hash = await hashPassword(PASSWORD);
  await db.transaction().execute(async (trx: any) => {
    for (const [code, name] of DEMO_DEPARTMENTS) await insertDepartment(trx, { code, name, at });
    await insertUser(trx, { username: 'bench-coord', name: '李统筹', role: 'coordinator', department: null, passwordHash: hash, at });
    await insertUser(trx, { username: 'bench-gaj', name: '王承办', role: 'handler', department: 'gaj', passwordHash: hash, at });
  });
}

function progress(done: number, n: number, t0: number) {
  const s = (performance.now() - t0) / 1000;
  process.stdout.write(`\r  ${done.toLocaleString('en-US')} / ${n.toLocaleString('en-US')} cases, ${s.toFixed(0)} s (${Math.round(done / s).toLocaleString('en-US')}/s)   `);
}

/** Year counters at the highest generated number, as an intake would continue after them. */
async function counters(db: any): Promise<void> {
  // The years of the data set (three ending today), each one's highest number from (year, seq).
  const last = new Date().getUTCFullYear() + 1;
  const years = Array.from({ length: 6 }, (_, k) => last - k);
  await db.transaction().execute(async (trx: any) => {
    for (const y of years) {
      const max = await sql<{ m: number }>`select max(seq) as m from cases where year = ${y}`.execute(trx);
      if (max.rows[0]?.m != null) await raiseCounter(trx, 'case', y, Number(max.rows[0].m));
    }
  });
}

// --- SQLite -----------------------------------------------------------------------------------

async function generateSqlite(file: string, n: number): Promise<void> {
  // Opening migrates the schema and writes the data key beside the file (and sets it in this process).
  const h = await openPreparedDatabase(`sqlite:${file}`);
  await seedReference(h.db);
  await h.close();
  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -400000');
  const t0 = performance.now();
  const B = 200;
  let cols: string[] | null = null;
  let insCases: SQLite.Statement | null = null;
  const insSearch = db.prepare(`insert into case_search (rowid, grams) values ${Array(B).fill('(?, ?)').join(',')}`);
  const insDept = db.prepare('insert into case_departments (case_id, department_code, role, status, received_at, due_at) values (?, ?, ?, ?, ?, ?)');
  const insEvent = db.prepare('insert into case_events (case_id, type, at, by_user, by_name, by_role, data) values (?, ?, ?, ?, ?, ?, ?)');
  let batch: Generated[] = [];
  const flush = (all: Generated[]) => {
    for (let i = 0; i < all.length; i += B) {
      const part = all.slice(i, i + B);
      if (!cols) {
        cols = Object.keys(part[0]!.row);
        insCases = db.prepare(`insert into cases (${cols.join(',')}) values ${Array(B).fill(`(${cols.map(() => '?').join(',')})`).join(',')}`);
      }
      if (part.length === B) {
        insCases!.run(part.flatMap((g) => cols!.map((k) => g.row[k] ?? null)));
        insSearch.run(part.flatMap((g) => [g.row.id, g.doc]));
      } else {
        const one = db.prepare(`insert into cases (${cols.join(',')}) values (${cols.map(() => '?').join(',')})`);
        for (const g of part) {
          one.run(cols.map((k) => g.row[k] ?? null));
          db.prepare('insert into case_search (rowid, grams) values (?, ?)').run(g.row.id, g.doc);
        }
      }
      for (const g of part) {
        for (const d of g.depts) insDept.run(g.row.id, d.department_code, d.role, d.status, g.row.received_at, g.row.due_at ?? null);
        const e = g.event;
        insEvent.run(e.case_id, e.type, e.at, e.by_user, e.by_name, e.by_role, e.data);
      }
    }
  };
  const tx = db.transaction(flush);
  let done = 0;
  for (const g of generatedCases(n)) {
    batch.push(g);
    if (batch.length === 20_000) {
      tx(batch);
      done += batch.length;
      batch = [];
      progress(done, n, t0);
    }
  }
  if (batch.length) tx(batch);
  progress(n, n, t0);
  process.stdout.write('\n');
  db.close();
  const h2 = await openPreparedDatabase(`sqlite:${file}`);
  const t1 = performance.now();
  await h2.db.transaction().execute((trx) => rebuildRollup(trx));
  await counters(h2.db);
  await sql`analyze`.execute(h2.db);
  console.log(`  rollup, counters, analyze: ${((performance.now() - t1) / 1000).toFixed(1)} s`);
  await h2.close();
}

// --- PostgreSQL -------------------------------------------------------------------------------

async function generatePg(url: string, key: string, n: number): Promise<void> {
  const h = await openPreparedDatabase(url, { configuredKey: key });
  await seedReference(h.db);
  await h.close();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const t0 = performance.now();
  // The column types, for one typed array per column (insert … select * from unnest(…)).
  const types = new Map<string, Map<string, string>>();
  for (const r of (await client.query(`select table_name, column_name, data_type from information_schema.columns where table_schema = 'public' and table_name in ('cases', 'case_departments', 'case_events')`)).rows) {
    if (!types.has(r.table_name)) types.set(r.table_name, new Map());
    types.get(r.table_name)!.set(r.column_name, r.data_type === 'integer' ? 'int' : r.data_type === 'bigint' ? 'bigint' : 'text');
  }
  // Secondary indexes dropped for the load (not those of constraints), built again after it.
  const indexes = (
    await client.query(`select i.indexname, i.indexdef, pg_relation_size(quote_ident(i.indexname)::regclass) as size from pg_indexes i
      where i.schemaname = 'public' and i.tablename in ('cases', 'case_search', 'case_departments', 'case_events')
        and not exists (select 1 from pg_constraint c where c.conindid = (quote_ident(i.indexname))::regclass)`)
  ).rows as Array<{ indexname: string; indexdef: string }>;
  fs.writeFileSync(path.join(OUT, `pg-indexes-${new URL(url).pathname.slice(1)}.json`), JSON.stringify(indexes, null, 1));
  // Kept in the database too, with the data key (fake reporters only): a load whose last steps did
  // not run can be finished by a later run, from any checkout (see `finishPg`).
  await client.query(`create table bench_scale_key (key text not null)`);
  await client.query(`insert into bench_scale_key values ($1)`, [key]);
  await client.query(`create table bench_scale_indexes (indexname text not null, indexdef text not null)`);
  for (const i of indexes) await client.query(`insert into bench_scale_indexes values ($1, $2)`, [i.indexname, i.indexdef]);
  for (const i of indexes) await client.query(`drop index ${i.indexname}`);
  await client.end();

  // Workers materialise the cases (sealing, search documents, rows) in chunks while CONNS
  // connections insert the chunks already made: JS and PostgreSQL overlap on the cores.
  const CHUNK = 5000;
  const WORKERS = Number(process.env.BENCH_GEN_WORKERS ?? Math.max(1, os.cpus().length));
  const CONNS = Number(process.env.BENCH_PG_CONNS ?? 2);
  const chunks = Math.ceil(n / CHUNK);
  const start = today() - DAYS * 86400_000;
  const workers = Array.from({ length: WORKERS }, () => new Worker(
        // tsx's loader registered inside the worker (a worker does not inherit it from `npx tsx`).
        `import('tsx/esm/api').then((t) => { t.register(); return import(${JSON.stringify(new URL('./scale-worker.ts', import.meta.url).href)}); })`,
        { eval: true, workerData: { n, start, key, chunk: CHUNK } },
      ));
  const waiting = workers.map(() => [] as Array<(c: PgChunk) => void>);
  workers.forEach((w, k) => {
    w.on('message', (c: PgChunk) => waiting[k]!.shift()!(c));
    w.on('error', (e) => {
      console.error(e);
      process.exit(1);
    });
  });
  // Chunk k is made by worker k % WORKERS; asked for in order, a few ahead of the inserts.
  const asked: Array<Promise<PgChunk>> = [];
  const ask = (k: number) => {
    if (k < chunks && !asked[k]) asked[k] = new Promise<PgChunk>((resolve) => {
      waiting[k % WORKERS]!.push(resolve);
      workers[k % WORKERS]!.postMessage(k);
    });
  };
  const AHEAD = 2 * WORKERS + CONNS;
  let nextChunk = 0;
  let done = 0;
  let waitMs = 0;
  let insertMs = 0;
  const cast = (table: string, cols: string[]) => cols.map((c, i) => `$${i + 1}::${types.get(table)!.get(c)}[]`).join(',');
  const conns = await Promise.all(
    Array.from({ length: CONNS }, async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      // Skips the foreign-key checks and the triggers of migrations 024 and 029 during the load: the
      // rows carry their case's status and intake time themselves (the triggers would write the same).
      await c.query(`set session_replication_role = replica`);
      await c.query(`set synchronous_commit = off`);
      return c;
    }),
  );
  const deptCols = ['case_id', 'department_code', 'role', 'status', 'received_at', 'due_at'];
  await Promise.all(
    conns.map(async (c) => {
      for (;;) {
        const k = nextChunk++;
        if (k >= chunks) return;
        for (let a = k; a <= k + AHEAD; a++) ask(a);
        const tw = performance.now();
        const x = await asked[k]!;
        delete asked[k];
        const tq = performance.now();
        waitMs += tq - tw;
        await c.query('begin');
        await c.query(`insert into cases (${x.caseCols.join(',')}) select * from unnest(${cast('cases', x.caseCols)})`, x.cases);
        await c.query(`insert into case_search (case_id, tsv) select id, to_tsvector('simple', doc) from unnest($1::int[], $2::text[]) as t(id, doc)`, x.search);
        await c.query(`insert into case_departments (${deptCols.join(',')}) select * from unnest(${cast('case_departments', deptCols)})`, x.depts);
        await c.query(`insert into case_events (${EVENT_COLS.join(',')}) select * from unnest(${cast('case_events', EVENT_COLS)})`, x.events);
        await c.query('commit');
        insertMs += performance.now() - tq;
        done += x.count;
        if (k % 10 === 0) progress(done, n, t0);
      }
    }),
  );
  await Promise.all(workers.map((w) => w.terminate()));
  progress(done, n, t0);
  process.stdout.write(`\n  connections waited ${(waitMs / 1000).toFixed(0)} s for chunks, inserted for ${(insertMs / 1000).toFixed(0)} s (${WORKERS} workers, ${CONNS} connections)\n`);
  await Promise.all(conns.map((c) => c.end()));
  await finishPg(url, key, CONNS);
}

/**
 * The last steps of a PostgreSQL load: the sequences, the dropped indexes built again (those
 * missing, largest table first, `conns` at a time: CREATE INDEX on one table does not block
 * another), the statistics rollup (`rebuildRollup`), the year counters, VACUUM ANALYZE.
 */
async function finishPg(url: string, key: string, conns: number): Promise<void> {
  const c0 = new pg.Client({ connectionString: url });
  await c0.connect();
  await c0.query(`select setval(pg_get_serial_sequence('cases', 'id'), (select max(id) from cases))`);
  await c0.query(`select setval(pg_get_serial_sequence('case_events', 'id'), (select max(id) from case_events))`);
  const queue = (
    await c0.query(`select b.indexname, b.indexdef from bench_scale_indexes b where not exists (select 1 from pg_indexes i where i.schemaname = 'public' and i.indexname = b.indexname)`)
  ).rows as Array<{ indexname: string; indexdef: string }>;
  await c0.end();
  const t1 = performance.now();
  await Promise.all(
    Array.from({ length: conns }, async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`set maintenance_work_mem = '${Math.floor(1024 / conns)}MB'`);
      for (let i = queue.shift(); i; i = queue.shift()) {
        const t = performance.now();
        await c.query(i.indexdef);
        process.stdout.write(`  index ${i.indexname}: ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
      }
      await c.end();
    }),
  );
  console.log(`  indexes: ${((performance.now() - t1) / 1000).toFixed(1)} s`);
  const h2 = await openPreparedDatabase(url, { configuredKey: key });
  const t2 = performance.now();
  await h2.db.transaction().execute((trx) => rebuildRollup(trx));
  console.log(`  rollup: ${((performance.now() - t2) / 1000).toFixed(1)} s`);
  await counters(h2.db);
  const t3 = performance.now();
  await sql`vacuum analyze`.execute(h2.db);
  console.log(`  counters, vacuum analyze: ${((performance.now() - t3) / 1000).toFixed(1)} s`);
  await h2.close();
}

// ---------------------------------------------------------------------------------------------
// The server and the requests
// ---------------------------------------------------------------------------------------------

async function startServer(env: Record<string, string>): Promise<{ base: string; child: ChildProcess }> {
  // BENCH_SERVER_ROOT: another checkout's server (e.g. `git archive` of an earlier commit) for a before/after pair.
  const s = await startServerProcess({ env: { ...env, BCS_JOBS: 'off', LOG_LEVEL: 'warn' }, root: process.env.BENCH_SERVER_ROOT });
  const ms = await waitHealthy(s);
  console.log(`  server up in ${(ms / 1000).toFixed(1)} s (pid ${s.child.pid})`);
  return { base: s.base, child: s.child };
}

async function login(base: string, username: string): Promise<string> {
  const res = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }) });
  const body = (await res.json()) as { token?: string };
  if (!res.ok || !body.token) throw new Error(`login ${username}: ${res.status} ${JSON.stringify(body)}`);
  return body.token;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

interface Result {
  label: string;
  p50: number;
  p95: number;
  aim: number;
  rows: number;
  /** CPU per request of the server process and of the PostgreSQL backends of the database (ms). */
  nodeCpu: number;
  dbCpu: number;
}

/** CPU time (ms) a process has used so far: utime + stime of /proc/<pid>/stat. */
function cpuMs(pid: number): number {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return ((Number(rest[11]) + Number(rest[12])) * 1000) / 100;
  } catch {
    return 0;
  }
}

const shDate = (t: number) => new Date(t + 8 * 3600_000).toISOString().slice(0, 10);

async function measure(base: string, n: number, tokens: { coord: string; handler: string }, kind: string, serverPid: number, dbPids: () => Promise<number[]>): Promise<Result[]> {
  const results: Result[] = [];
  const get = async (url: string, token: string) => {
    const t = performance.now();
    const res = await fetch(base + url, { headers: { authorization: `Bearer ${token}` } });
    const text = await res.text();
    const ms = performance.now() - t;
    if (!res.ok) throw new Error(`${url}: ${res.status} ${text.slice(0, 300)}`);
    return { ms, body: text };
  };
  const only = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY) : null;
  const time = async (label: string, aim: number, url: (k: number) => string, token = tokens.coord) => {
    if (only && !only.test(label)) return;
    try {
      await timeRow(label, aim, url, token);
    } catch (e) {
      // A request that fails (a 500 after the statement timeout, say) is a failed row, not the end of the run.
      const msg = (e as Error).message;
      results.push({ label: `${label} — error ${/: (\d{3}) /.exec(msg)?.[1] ?? ''}`, p50: Infinity, p95: Infinity, aim, rows: -1, nodeCpu: NaN, dbCpu: NaN });
      console.log(`  ${label.padEnd(50)} ERROR ${msg.slice(0, 160)}`);
    }
  };
  const timeRow = async (label: string, aim: number, url: (k: number) => string, token: string) => {
    await get(url(-1), token);
    await get(url(-2), token);
    const xs: number[] = [];
    let rows = 0;
    const pids = await dbPids();
    const db0 = pids.reduce((a, p) => a + cpuMs(p), 0);
    const node0 = cpuMs(serverPid);
    for (let k = 0; k < RUNS; k++) {
      const r = await get(url(k), token);
      xs.push(r.ms);
      if (k === 0) rows = r.body.startsWith('{"items"') ? (JSON.parse(r.body).items as unknown[]).length : -1;
    }
    const nodeCpu = (cpuMs(serverPid) - node0) / RUNS;
    const dbCpu = (pids.reduce((a, p) => a + cpuMs(p), 0) - db0) / RUNS;
    const res = { label, p50: pct(xs, 50), p95: pct(xs, 95), aim, rows, nodeCpu, dbCpu };
    results.push(res);
    console.log(
      `  ${label.padEnd(50)} p50 ${res.p50.toFixed(1).padStart(7)}  p95 ${res.p95.toFixed(1).padStart(7)} ms  cpu ${nodeCpu.toFixed(1).padStart(5)}${pids.length ? ` + db ${dbCpu.toFixed(1).padStart(5)}` : ''} ms/req  (aim ${aim})  ${res.p95 <= aim ? 'pass' : 'FAIL'}  [${rows} rows]`,
    );
  };
  const L = 30;
  const T = 150;
  const S = 200;
  const cyc = <T>(xs: readonly T[], k: number) => xs[((k % xs.length) + xs.length) % xs.length]!;
  const lim = (k: number) => `limit=${cyc([50, 50, 20, 50, 100], k)}`;
  const start = today() - DAYS * 86400_000;
  const dayOf = (k: number) => shDate(start + ((Math.abs(k) * 37) % DAYS) * 86400_000);

  // A running server's code is compiled by V8 already: 180 untimed requests first, so that the
  // first row does not carry the compilation (its p95 was 25–45 ms against 12–18 ms for the rows
  // after it). Their case pages are other cases than the timed ones, whose reads stay cold.
  for (let k = 0; k < 60; k++) {
    for (const u of [`/api/v1/cases?${lim(k)}`, `/api/v1/cases?status=closed&department=${cyc(DEPTS, k)}&${lim(k)}`, `/api/v1/cases/${1 + ((k * 104729 + 7) % n)}`]) await get(u, tokens.coord);
  }

  console.log(`\n  -- ${kind}: lists (coordinator)`);
  await time('GET /cases (newest)', L, (k) => `/api/v1/cases?${lim(k)}`);
  for (const s of ['received', 'accepted', 'assigned', 'in_progress', 'completed', 'verifying', 'closed', 'rejected', 'merged', 'escalating'])
    await time(`status=${s}`, L, (k) => `/api/v1/cases?status=${s}&${lim(k)}`);
  await time('status=assigned,in_progress,escalating', L, (k) => `/api/v1/cases?status=assigned,in_progress,escalating&${lim(k)}`);
  await time('status=rejected,verifying,closed', L, (k) => `/api/v1/cases?status=rejected,verifying,closed&${lim(k)}`);
  await time('status=received,accepted', L, (k) => `/api/v1/cases?status=received,accepted&${lim(k)}`);
  await time('department=<each>', L, (k) => `/api/v1/cases?department=${cyc(DEPTS, k)}&${lim(k)}`);
  for (const s of ['received', 'assigned', 'in_progress', 'completed', 'verifying', 'closed', 'rejected', 'merged', 'escalating', 'assigned,in_progress'])
    await time(`department=<each>&status=${s}`, L, (k) => `/api/v1/cases?department=${cyc(DEPTS, k)}&status=${s}&${lim(k)}`);
  await time('department=xgb (no cases)&status=in_progress', L, (k) => `/api/v1/cases?department=xgb&status=in_progress&${lim(k)}`);
  await time('lead=<each>', L, (k) => `/api/v1/cases?lead=${cyc(DEPTS, k)}&${lim(k)}`);
  await time('level=1 / 2 / 3 / 2,3', L, (k) => `/api/v1/cases?level=${cyc(['1', '2', '3', '2,3'], k)}&${lim(k)}`);
  await time('problemType=<each>', L, (k) => `/api/v1/cases?problemType=${cyc(PROBLEM_TYPES, k)}&${lim(k)}`);
  await time('channel=<each>', L, (k) => `/api/v1/cases?channel=${cyc(CHANNELS, k)}&${lim(k)}`);
  await time('overdue=true', L, (k) => `/api/v1/cases?overdue=true&${lim(k)}`);
  await time('overdue=true&department=<each>', L, (k) => `/api/v1/cases?overdue=true&department=${cyc(DEPTS, k)}&${lim(k)}`);
  await time('stageOverdue=true', L, (k) => `/api/v1/cases?stageOverdue=true&${lim(k)}`);
  await time('dueSoon=true', L, (k) => `/api/v1/cases?dueSoon=true&${lim(k)}`);
  await time('sort=due', L, (k) => `/api/v1/cases?sort=due&${lim(k)}`);
  await time('sort=due&status=in_progress', L, (k) => `/api/v1/cases?sort=due&status=in_progress&${lim(k)}`);
  await time('receivedFrom/To (one day)', L, (k) => `/api/v1/cases?receivedFrom=${dayOf(k)}&receivedTo=${dayOf(k)}&${lim(k)}`);
  await time('receivedFrom/To (one month)', L, (k) => `/api/v1/cases?receivedFrom=${dayOf(k).slice(0, 8)}01&receivedTo=${dayOf(k).slice(0, 8)}28&${lim(k)}`);
  await time('receivedFrom (since a day) &status=closed', L, (k) => `/api/v1/cases?receivedFrom=${dayOf(k)}&status=closed&${lim(k)}`);
  await time('phone= (one-off / repeat / frequent / nobody)', L, (k) => `/api/v1/cases?phone=${cyc([ONE_OFF, REPEAT, FREQUENT, '13512345678'], k)}&${lim(k)}`);
  await time('pendingContest / pendingExtension=true', L, (k) => `/api/v1/cases?${cyc(['pendingContest', 'pendingExtension'], k)}=true&${lim(k)}`);
  // The second page: the cursor of each list's first page.
  const cursors: string[] = [];
  for (const q of ['', 'status=closed', 'department=gaj', 'status=in_progress', 'channel=hotline', 'q=社保', 'overdue=true', 'stageOverdue=true']) {
    const r = JSON.parse((await get(`/api/v1/cases?${q}&limit=50`, tokens.coord)).body) as { nextCursor: string | null };
    if (r.nextCursor) cursors.push(`${q}&cursor=${encodeURIComponent(r.nextCursor)}`);
  }
  await time('second page (cursor) of 8 lists', L, (k) => `/api/v1/cases?${cyc(cursors, k)}&limit=50`);

  console.log(`\n  -- ${kind}: text`);
  await time('q=社保 (2 characters, common)', T, (k) => `/api/v1/cases?q=${encodeURIComponent('社保')}&${lim(k)}`);
  await time('q=执照 (2 characters, common)', T, (k) => `/api/v1/cases?q=${encodeURIComponent('执照')}&${lim(k)}`);
  await time('q=<common 2-character word>', T, (k) => `/api/v1/cases?q=${encodeURIComponent(cyc(WORDS, k))}&${lim(k)}`);
  await time('q=罕见词条 (rare)', T, (k) => `/api/v1/cases?q=${encodeURIComponent('罕见词条')}&${lim(k)}`);
  await time('q=<enterprise name> (longer)', T, (k) => `/api/v1/cases?q=${encodeURIComponent(cyc(ORGS, k))}&${lim(k)}`);
  await time('q=<matter> (longer)', T, (k) => `/api/v1/cases?q=${encodeURIComponent(cyc(DEMO_MATTERS, k)[0])}&${lim(k)}`);
  for (const s of ['closed', 'in_progress', 'verifying', 'received', 'rejected', 'escalating'])
    await time(`q=社保&status=${s}`, T, (k) => `/api/v1/cases?q=${encodeURIComponent('社保')}&status=${s}&${lim(k)}`);
  await time('q=执照&department=<each>', T, (k) => `/api/v1/cases?q=${encodeURIComponent('执照')}&department=${cyc(DEPTS, k)}&${lim(k)}`);
  await time('q=社保&department=<each>&status=in_progress', T, (k) => `/api/v1/cases?q=${encodeURIComponent('社保')}&department=${cyc(DEPTS, k)}&status=in_progress&${lim(k)}`);

  console.log(`\n  -- ${kind}: the handler (公安局)`);
  await time('handler: GET /cases', L, (k) => `/api/v1/cases?${lim(k)}`, tokens.handler);
  for (const s of ['assigned', 'in_progress', 'assigned,in_progress,escalating', 'completed', 'closed', 'rejected', 'verifying'])
    await time(`handler: status=${s}`, L, (k) => `/api/v1/cases?status=${s}&${lim(k)}`, tokens.handler);
  await time('handler: department=gaj&status=in_progress', L, (k) => `/api/v1/cases?department=gaj&status=in_progress&${lim(k)}`, tokens.handler);
  await time('handler: overdue=true', L, (k) => `/api/v1/cases?overdue=true&${lim(k)}`, tokens.handler);
  await time('handler: q=社保', T, (k) => `/api/v1/cases?q=${encodeURIComponent('社保')}&${lim(k)}`, tokens.handler);

  console.log(`\n  -- ${kind}: statistics`);
  const last = today() - 86400_000;
  const periods: Array<[string, (k: number) => [string, string]]> = [
    ['a day', (k) => [dayOf(k), dayOf(k)]],
    ['a month', (k) => { const d = dayOf(k); return [`${d.slice(0, 8)}01`, `${d.slice(0, 8)}28`]; }],
    ['a year', (k) => { const y = 2024 + (Math.abs(k) % 2); return [`${y}-01-01`, `${y}-12-31`]; }],
    ['all (3 years)', () => [shDate(start), shDate(last)]],
  ];
  for (const ep of ['overview', 'departments', 'monthly'])
    for (const [name, p] of periods) await time(`GET /stats/${ep}, ${name}`, S, (k) => { const [f, t] = p(k); return `/api/v1/stats/${ep}?from=${f}&to=${t}`; });
  await time('GET /stats/overview, a year, department=<each>', S, (k) => `/api/v1/stats/overview?from=2025-01-01&to=2025-12-31&department=${cyc(DEPTS, k)}`);

  console.log(`\n  -- ${kind}: the case page`);
  await time('GET /cases/{id}', L, (k) => `/api/v1/cases/${1 + ((Math.abs(k) * 7919 + 13) % n)}`);
  return results;
}

/** One 台账 export of ≈ 100,000 rows: wall time and the server's peak RSS. */
async function exportLedger(base: string, token: string, n: number, pid: number): Promise<string> {
  const days = Math.min(DAYS - 400, Math.max(1, Math.round((100_000 * DAYS) / n)));
  const start = today() - DAYS * 86400_000;
  const from = shDate(start + 400 * 86400_000);
  const to = shDate(start + (400 + days - 1) * 86400_000);
  const rss = () => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
  const rss0 = rss();
  let peak = rss0;
  const sampler = setInterval(() => {
    try {
      peak = Math.max(peak, rss());
    } catch {
      /* gone */
    }
  }, 50);
  const t = performance.now();
  const res = await fetch(`${base}/api/v1/ledger.xlsx?receivedFrom=${from}&receivedTo=${to}`, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`export: ${res.status} ${await res.text()}`);
  let bytes = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
  const ms = performance.now() - t;
  clearInterval(sampler);
  const line = `台账 export ${from}…${to}: ${Number(res.headers.get('x-total-count')).toLocaleString('en-US')} rows, ${(bytes / 1048576).toFixed(1)} MB in ${(ms / 1000).toFixed(1)} s; server RSS ${rss0.toFixed(0)} → peak ${peak.toFixed(0)} MiB (aim ≤ 10 s)`;
  console.log(`  ${line}`);
  return line;
}

// ---------------------------------------------------------------------------------------------

const load = () => os.loadavg().map((x) => x.toFixed(1)).join(' / ');

async function run(kind: 'sqlite' | 'pg'): Promise<void> {
  fs.mkdirSync(OUT, { recursive: true });
  let env: Record<string, string>;
  let n: number;
  if (kind === 'sqlite') {
    n = Number(process.env.BENCH_SQLITE_CASES ?? 1_000_000);
    const dir = path.join(OUT, `sqlite-${n}`);
    const file = path.join(dir, 'bench.db');
    console.log(`\n== SQLite, ${n.toLocaleString('en-US')} cases (${path.relative(ROOT, file)})`);
    if (!fs.existsSync(path.join(dir, 'ready'))) {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.mkdirSync(dir, { recursive: true });
      const t = performance.now();
      await generateSqlite(file, n);
      fs.writeFileSync(path.join(dir, 'ready'), new Date().toISOString());
      console.log(`  generated in ${((performance.now() - t) / 1000).toFixed(0)} s (load average ${load()}), ${(fs.statSync(file).size / 1048576).toFixed(0)} MiB`);
    } else console.log(`  reusing the data set generated ${fs.readFileSync(path.join(dir, 'ready'), 'utf8')}`);
    env = { DATABASE_URL: `sqlite:${file}` };
  } else {
    n = Number(process.env.BENCH_PG_CASES ?? 10_000_000);
    const url = process.env.BENCH_PG_URL;
    if (!url) throw new Error('BENCH_PG_URL: an empty PostgreSQL database of your own');
    console.log(`\n== PostgreSQL, ${n.toLocaleString('en-US')} cases (${url})`);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const marked = await c.query(`select n from bench_scale`).then((r) => Number(r.rows[0]?.n ?? 0), () => 0);
    const tables = Number((await c.query(`select count(*) as n from information_schema.tables where table_schema = 'public'`)).rows[0].n);
    // The data key: the one the database was loaded with (kept in it), else this checkout's key file.
    const stored = await c.query(`select key from bench_scale_key`).then((r) => (r.rows[0]?.key as string | undefined) ?? null, () => null);
    const keyFile = path.join(OUT, `pg-${new URL(url).pathname.slice(1)}.key`);
    if (!stored && !fs.existsSync(keyFile)) fs.writeFileSync(keyFile, crypto.randomBytes(32).toString('hex'), { mode: 0o600 });
    const key = stored ?? fs.readFileSync(keyFile, 'utf8').trim();
    // Every case inserted but the last steps not run (the load was stopped after its inserts): finish it.
    const unfinished = marked !== n && stored !== null && Number((await c.query(`select count(*) as n from cases`).catch(() => ({ rows: [{ n: 0 }] }))).rows[0].n) === n;
    await c.end();
    if (marked !== n) {
      if (tables > 0 && !unfinished) throw new Error(`${url} holds another data set (or an unfinished one): drop and create it again`);
      const t = performance.now();
      if (unfinished) {
        console.log('  every case is there: finishing the load (indexes, rollup, counters, vacuum analyze)');
        await finishPg(url, key, Number(process.env.BENCH_PG_CONNS ?? 2));
      } else await generatePg(url, key, n);
      const c2 = new pg.Client({ connectionString: url });
      await c2.connect();
      await c2.query(`create table bench_scale (n bigint not null, at text not null)`);
      await c2.query(`insert into bench_scale values ($1, $2)`, [n, new Date().toISOString()]);
      const size = (await c2.query(`select pg_size_pretty(pg_database_size(current_database())) as s`)).rows[0].s;
      await c2.end();
      console.log(`  generated in ${((performance.now() - t) / 1000).toFixed(0)} s (load average ${load()}), ${size}`);
    } else console.log('  reusing the data set in that database');
    env = { DATABASE_URL: url, BCS_DATA_KEY: key };
  }
  if (GENERATE_ONLY) return;
  const { base, child } = await startServer(env);
  try {
    const tokens = { coord: await login(base, 'bench-coord'), handler: await login(base, 'bench-gaj') };
    const loadBefore = load();
    console.log(`  load average before: ${loadBefore} (${os.cpus().length} cores)`);
    // The PostgreSQL backends serving the server's pool (their CPU counts as the request's too).
    const dbPids = async () => {
      if (kind !== 'pg') return [];
      const c = new pg.Client({ connectionString: env.DATABASE_URL });
      await c.connect();
      const r = await c.query(`select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`);
      await c.end();
      return r.rows.map((x) => Number(x.pid));
    };
    const results = await measure(base, n, tokens, kind, child.pid!, dbPids);
    const exp = process.env.BENCH_ONLY ? '(export not run: BENCH_ONLY)' : await exportLedger(base, tokens.coord, n, child.pid!);
    console.log(`  load average after: ${load()}`);
    const failed = results.filter((r) => r.p95 > r.aim);
    console.log(`\n  ${kind}, ${n.toLocaleString('en-US')} cases: ${results.length - failed.length} of ${results.length} within their aim${failed.length ? `; over: ${failed.map((r) => `${r.label} (p95 ${r.p95.toFixed(0)} ms)`).join('; ')}` : ''}`);
    const md = [
      `| endpoint (${kind}, ${n.toLocaleString('en-US')} cases, ${new Date().toISOString().slice(0, 16)}Z) | p50 ms | p95 ms | server CPU ms/req${kind === 'pg' ? ' (node + PostgreSQL)' : ''} | aim ms | |`,
      '|---|---|---|---|---|---|',
      ...results.map(
        (r) =>
          `| ${r.label.replace(/\|/g, '\\|')} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.nodeCpu.toFixed(1)}${kind === 'pg' ? ` + ${r.dbCpu.toFixed(1)}` : ''} | ${r.aim} | ${r.p95 <= r.aim ? 'pass' : '**fail**'} |`,
      ),
      '',
      exp,
      '',
      `load average (1 / 5 / 15 min) before ${loadBefore}, after ${load()}; ${os.cpus().length} cores`,
    ].join('\n');
    const out = path.join(OUT, `result-${kind}-${n}${process.env.BENCH_SERVER_ROOT ? '-other' : ''}${process.env.BENCH_ONLY ? '-some' : ''}.md`);
    fs.writeFileSync(out, md + '\n');
    console.log(`  table written to ${path.relative(ROOT, out)}`);
  } finally {
    await stopProcess(child);
  }
}

if (which === 'sqlite' || which === 'both') await run('sqlite');
if (which === 'pg' || which === 'both') await run('pg');
