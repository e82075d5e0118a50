/**
 * Server CPU per intake, in process (issue 17): a fresh database, the real app (`buildApp`, the
 * route, validation, the service, the answer), a coordinator's bearer token, N intakes through
 * `app.inject()` one after another; prints the process's CPU time (user + system) per intake and,
 * on SQLite, the pages one intake writes; on PostgreSQL, the round trips one intake makes (queries
 * sent by node-postgres, `begin` and `commit` included — each one a wait with the locks held). No HTTP socket and no load generator share
 * the cores, so two variants run back to back compare even on a busy machine (the HTTP figure
 * against the floor comes from the floor harness run beside the product; see the README's "Scale and
 * cost").
 *
 *   npx tsx bench/intake-cpu.bench.ts                      # SQLite
 *   BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/<empty db> npx tsx bench/intake-cpu.bench.ts
 *   BENCH_N=500 BENCH_ROUNDS=20 …                          # intakes per round, rounds (least and median printed)
 *   BENCH_SQL='drop index x; …' …                           # a schema experiment, run after the migrations
 *   BENCH_STATEMENTS=1 …                                    # SQLite: wall time of each statement per intake, the costliest first
 *   BCS_SQLITE_GROUP_COMMIT=off …                          # SQLite: a commit per transaction (to compare)
 *   BENCH_CONCURRENCY=20 …                                  # intakes in flight at once (as 20 HTTP connections would have
 *                                                           # them): on SQLite, group commit carries several per commit
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import Database from 'better-sqlite3';
import { buildApp } from '../server/app.js';
import { openPreparedDatabase } from '../server/boot.js';
import { loadConfig } from '../server/config.js';
import { systemClock } from '../server/context.js';
import { insertDepartment, insertUser } from '../server/users/user.repository.js';
import { openSessionDirect, PASSWORD_HASH } from '../server/test/factories.js';

const N = Number(process.env.BENCH_N ?? 200);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const CONCURRENCY = Math.max(1, Number(process.env.BENCH_CONCURRENCY ?? 1));
const KEY = 'ab'.repeat(32);

const DESCRIPTION =
  '来电人反映：节假日期间，新港区育才乡盛世新村6栋附近，电动车在楼道内停放充电，存在消防安全隐患，此前已多次向有关部门反映，但一直未得到解决。近两个月以来，楼道堆放大量杂物，占用消防通道。从去年开始，楼道堆放大量杂物，占用消防通道。楼道堆放大量杂物，占用消防通道，严重影响周边居民的正常生活。小区消防栓无水，灭火器过期未更换，已经持续较长时间。希望尽快解决，并及时回复处理结果。要求给予明确答复。';

function body(i: number) {
  return {
    channel: 'hotline',
    reporter: { name: '陈勇', phone: `137${String(i % 100_000_000).padStart(8, '0')}`, kind: 'person' },
    matter: `个体工商户设立登记 #${i}`,
    departmentCodes: ['scjgj'],
    description: DESCRIPTION,
    reason: '多次反映未解决',
  };
}

/**
 * SQLite: the wall time of each statement (better-sqlite3 runs them synchronously, in this thread)
 * over 200 intakes, per intake, the costliest first — where an intake's database time goes.
 */
async function statementTimes(intakes: (n: number) => Promise<void>): Promise<void> {
  const probe = new Database(':memory:');
  const proto = Object.getPrototypeOf(probe.prepare('select 1')) as Record<string, unknown> & { source?: string };
  probe.close();
  const spent = new Map<string, number>();
  const calls = new Map<string, number>();
  const originals = new Map<string, (...a: unknown[]) => unknown>();
  for (const name of ['run', 'all', 'get']) {
    const original = proto[name] as (...a: unknown[]) => unknown;
    originals.set(name, original);
    proto[name] = function (this: { source: string }, ...args: unknown[]) {
      const t = process.hrtime.bigint();
      try {
        return original.apply(this, args);
      } finally {
        const key = this.source.replace(/\s+/g, ' ').slice(0, 110);
        spent.set(key, (spent.get(key) ?? 0) + Number(process.hrtime.bigint() - t) / 1000);
        calls.set(key, (calls.get(key) ?? 0) + 1);
      }
    };
  }
  try {
    await intakes(200);
  } finally {
    for (const [name, f] of originals) proto[name] = f;
  }
  const total = [...spent.values()].reduce((a, b) => a + b, 0) / 200;
  console.log(`  SQLite statements: ${total.toFixed(0)} µs of wall time per intake`);
  for (const [text, us] of [...spent].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${(us / 200).toFixed(0).padStart(6)} µs  ×${((calls.get(text) ?? 0) / 200).toFixed(1)}  ${text}`);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function run(url: string, label: string): Promise<void> {
  const handle = await openPreparedDatabase(url, { dataKey: Buffer.from(KEY, 'hex'), groupCommit: loadConfig().sqliteGroupCommit });
  const at = new Date().toISOString();
  // An experiment's schema change (e.g. an index dropped), run after the migrations.
  for (const stmt of (process.env.BENCH_SQL ?? '').split(';').map((x) => x.trim()).filter(Boolean)) await sql.raw(stmt).execute(handle.db);
  if (!(await handle.db.selectFrom('departments').select('code').where('code', '=', 'scjgj').executeTakeFirst())) {
    await insertDepartment(handle.db, { code: 'scjgj', name: '县市场监管局', at });
  }
  await insertUser(handle.db, { username: 'bench', name: '测试', role: 'coordinator', department: null, passwordHash: PASSWORD_HASH, at });
  const session = await openSessionDirect(handle.db, 'bench', new Date());
  const app = await buildApp({ db: handle.db, kind: handle.kind, clock: systemClock });
  const headers = { authorization: `Bearer ${session!.token}` };
  let seq = 0;
  const intake = async () => {
    const r = await app.inject({ method: 'POST', url: '/api/v1/cases', headers, payload: body(seq++) });
    if (r.statusCode !== 201) throw new Error(`intake answered ${r.statusCode}: ${r.body.slice(0, 300)}`);
  };
  /** n intakes, CONCURRENCY of them in flight at a time. */
  const intakes = async (n: number) => {
    let left = n;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (left-- > 0) await intake();
      }),
    );
  };
  await intakes(200); // warm-up: JIT, statement caches
  const perIntake: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const c0 = process.cpuUsage();
    await intakes(N);
    const c = process.cpuUsage(c0);
    perIntake.push((c.user + c.system) / N);
  }
  // SQLite: pages written per intake (WAL frames; the commit's cost grows with them), counted with
  // the automatic checkpoint off for 100 intakes — a count, the same on a busy machine.
  let pages = '';
  if (handle.kind === 'sqlite') {
    await sql`pragma wal_checkpoint(truncate)`.execute(handle.db);
    await sql`pragma wal_autocheckpoint = 0`.execute(handle.db);
    const wal = `${url.slice('sqlite:'.length)}-wal`;
    const before = fs.statSync(wal).size;
    await intakes(100);
    const frames = (fs.statSync(wal).size - before) / (4096 + 24);
    if (process.env.BENCH_WAL_MAP) {
      // Which table or index each written page belongs to (the frame header's page number, dbstat).
      const buf = fs.readFileSync(wal);
      const owner = new Map((await sql<{ name: string; pageno: number }>`select name, pageno from dbstat`.execute(handle.db)).rows.map((r) => [r.pageno, r.name]));
      const counts = new Map<string, number>();
      for (let off = 32 + Math.max(0, before - 32); off + 24 <= buf.length; off += 4096 + 24) {
        const name = owner.get(buf.readUInt32BE(off)) ?? '(free list or new)';
        counts.set(name, (counts.get(name) ?? 0) + 1);
      }
      for (const [name, n] of [...counts].sort((a, b) => b[1] - a[1])) console.log(`  ${(n / 100).toFixed(2).padStart(6)} pages per intake  ${name}`);
    }
    await sql`pragma wal_autocheckpoint = 1000`.execute(handle.db);
    pages = `; ${(frames / 100).toFixed(1)} pages written per intake`;
    if (process.env.BENCH_STATEMENTS) await statementTimes(intakes);
  }
  // PostgreSQL: round trips per intake (every query node-postgres sends), a count — the same on a busy machine.
  if (handle.kind === 'postgres') {
    let trips = 0;
    const query = pg.Client.prototype.query;
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      trips++;
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof query;
    try {
      for (let i = 0; i < 100; i++) await intake();
    } finally {
      pg.Client.prototype.query = query;
    }
    pages = `; ${(trips / 100).toFixed(1)} round trips to PostgreSQL per intake`;
  }
  // The least round is the figure least disturbed by other work on the machine (interference only adds).
  console.log(
    `${label.padEnd(12)} CPU per intake: least ${Math.min(...perIntake).toFixed(0)} µs, median ${median(perIntake).toFixed(0)} µs  (${ROUNDS} rounds of ${N} intakes, ${CONCURRENCY} at a time)${pages}`,
  );
  await app.close();
  await handle.close();
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcs-intake-cpu-'));
try {
  if (!process.env.BENCH_SKIP_SQLITE) await run(`sqlite:${path.join(dir, 'bench.db')}`, 'SQLite');
  if (process.env.BENCH_PG_URL) await run(process.env.BENCH_PG_URL, 'PostgreSQL');
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
