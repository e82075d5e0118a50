/**
 * Text search at scale: N cases (default 1,000,000) with varied Chinese text, indexed by the
 * bigram index, on SQLite and (with BENCH_PG_URL or TEST_DATABASE_URL) PostgreSQL. Times the list
 * query (newest 50) for common and rare two-character words, a four-character phrase, a search
 * combined with a status filter, and the list without text. Prints p50/p95 of 15 runs.
 *
 *   npx tsx bench/search.bench.ts
 *   BENCH_CASES=200000 npx tsx bench/search.bench.ts
 */
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import pg from 'pg';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { openPreparedDatabase } from '../server/boot.js';
import { listCases } from '../server/cases/case.repository.js';
import { searchDocument } from '../server/cases/case-search.js';
import type { Actor } from '../core/case-lifecycle.js';

const N = Number(process.env.BENCH_CASES ?? 1_000_000);
const RUNS = 15;
const MATTERS = ['个体工商户设立登记', '食品经营许可证办理', '营业执照经营范围变更', '养老保险关系转移接续', '失业保险金申领', '社保卡补换领', '不动产转移登记', '户口迁移', '居住证办理', '医保异地就医备案', '增值税发票申领', '最低生活保障申请', '住房公积金提取', '建筑工程施工许可证核发', '道路运输经营许可'];
const WORDS = ['窗口', '材料', '证明', '系统', '办理', '申请', '退回', '补交', '签字', '审批', '部门', '时限', '政策', '要求', '反映', '协调', '网上', '大厅', '多次', '无法', '提供', '原件', '复印件', '房屋', '产权', '租赁', '合同', '老人', '不会', '操作', '企业', '项目', '开工', '流程', '复杂', '跑腿', '态度', '生硬', '答复', '矛盾', '社保', '执照', '医保', '公积金', '户籍', '档案', '遗失', '核实', '上门', '代办'];
const ORGS = ['垫江县鑫达商贸有限公司', '重庆垫江恒通物流有限公司', '垫江县明月山食品有限公司', '垫江县桂溪建筑工程有限公司', null, null, null];

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function* rows() {
  const r = rng(42);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  for (let i = 1; i <= N; i++) {
    const words = Array.from({ length: 8 + Math.floor(r() * 20) }, () => pick(WORDS));
    // A rare word in 1 of 5,000 cases.
    if (i % 5000 === 7) words.push('罕见词条');
    const day = Math.floor(((i - 1) * 1096) / N);
    const date = new Date(Date.UTC(2024, 0, 1) + day * 86400_000).toISOString().slice(0, 10);
    yield {
      i,
      matter: pick(MATTERS),
      description: words.join(r() < 0.5 ? '，' : ''),
      org: pick(ORGS),
      date,
      status: pick(['closed', 'closed', 'closed', 'completed', 'in_progress', 'assigned', 'received', 'rejected']),
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
  console.log(`  ${label.padEnd(44)} p50 ${pct(xs, 50).toFixed(1).padStart(7)} ms   p95 ${pct(xs, 95).toFixed(1).padStart(7)} ms`);
}

const COLS = `case_no, year, seq, channel, status, co_departments, named_departments, reporter_name, reporter_phone, reporter_kind, reporter_org_name,
  matter, description, received_at, received_date, created_by, due_provisional, resolved_on_spot, callback_count, ever_bad_review, latest_callback_bad,
  ever_substantiated, version, updated_at, extension_count`;
const vals = (x: ReturnType<typeof rows> extends Generator<infer T> ? T : never) => [
  `B-${x.i}`, 2025, x.i, 'window', x.status, '[]', '[]', '张三', '13800000000', x.org ? 'enterprise' : 'person', x.org,
  x.matter, x.description, `${x.date}T02:00:00.000Z`, x.date, 'bench', 0, 0, 0, 0, 0, 0, 1, `${x.date}T02:00:00.000Z`, 0,
];

async function generateSqlite(file: string) {
  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const ins = db.prepare(`insert into cases (${COLS}) values (${Array(25).fill('?').join(',')})`);
  const fts = db.prepare('insert into case_search (rowid, grams) values (?, ?)');
  let batch: Array<ReturnType<typeof vals> & unknown[]> = [];
  const docs: string[] = [];
  const flush = db.transaction(() => {
    batch.forEach((v, k) => {
      const id = Number(ins.run(...v).lastInsertRowid);
      fts.run(id, docs[k]);
    });
  });
  for (const x of rows()) {
    batch.push(vals(x) as any);
    docs.push(searchDocument([x.matter, x.description, x.org]));
    if (batch.length === 20_000) {
      flush();
      batch = [];
      docs.length = 0;
      process.stdout.write(`\r  ${x.i.toLocaleString()} / ${N.toLocaleString()}`);
    }
  }
  if (batch.length) flush();
  db.exec('analyze');
  db.close();
  process.stdout.write('\n');
}

async function generatePg(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let batch: any[] = [];
  const flush = async () => {
    const params: unknown[] = [];
    const tuples = batch.map(({ v }) => `(${v.map((x: unknown) => `$${params.push(x)}`).join(',')})`);
    const ids = await client.query(`insert into cases (${COLS}) values ${tuples.join(',')} returning id`, params);
    const p2: unknown[] = [];
    const t2 = ids.rows.map((r: { id: number }, k: number) => `($${p2.push(r.id)}, to_tsvector('simple', $${p2.push(batch[k].doc)}))`);
    await client.query(`insert into case_search (case_id, tsv) values ${t2.join(',')}`, p2);
  };
  for (const x of rows()) {
    batch.push({ v: vals(x), doc: searchDocument([x.matter, x.description, x.org]) });
    if (batch.length === 1000) {
      await flush();
      batch = [];
      if (x.i % 20000 === 0) process.stdout.write(`\r  ${x.i.toLocaleString()} / ${N.toLocaleString()}`);
    }
  }
  if (batch.length) await flush();
  await client.query('vacuum analyze');
  await client.end();
  process.stdout.write('\n');
}

async function bench(kind: 'sqlite' | 'postgres', url: string, generate: () => Promise<void>) {
  console.log(`\n== ${kind} (${N.toLocaleString()} cases)`);
  const h = await openPreparedDatabase(url);
  const have = Number((await h.db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  if (have === 0) {
    const t = performance.now();
    await generate();
    console.log(`  generated and indexed in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  } else console.log(`  reusing ${have.toLocaleString()} cases`);
  const now = new Date('2026-12-31T00:00:00Z');
  const list = (q: Record<string, unknown>) => listCases(h.db, q as any, { limit: 50 }, ADMIN, now);
  for (const [label, q] of [
    ['list, newest 50, no text', {}],
    ['"社保" (common 2 chars), newest 50', { q: '社保' }],
    ['"罕见" (rare 2 chars), newest 50', { q: '罕见' }],
    ['"罕见词条" (rare 4 chars)', { q: '罕见词条' }],
    ['"材料证明" (4 chars)', { q: '材料证明' }],
    ['"社保" + status=in_progress', { q: '社保', status: ['in_progress'] }],
    ['"明月山食品" (organisation)', { q: '明月山食品' }],
  ] as const) {
    const r = await list(q);
    await time(`${label} [${r.rows.length}]`, () => list(q));
  }
  await h.close();
  void sql;
}

const keep = process.env.BENCH_SQLITE_FILE;
// A folder of its own: the database and the data key written beside it on first open.
const dir = keep ? null : fs.mkdtempSync(path.join(os.tmpdir(), 'bcs-bench-search-'));
const file = keep ?? path.join(dir!, 'bench.db');
try {
  if (process.env.BENCH_SKIP_SQLITE !== '1') await bench('sqlite', `sqlite:${file}`, () => generateSqlite(file));
} finally {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}
const admin = process.env.BENCH_PG_URL ?? process.env.TEST_DATABASE_URL;
// BENCH_PG_DB keeps (and reuses) a named PostgreSQL database between runs.
const keepPg = process.env.BENCH_PG_DB;
if (admin) {
  const name = keepPg ?? `bcs_bench_search_${process.pid}`;
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  const exists = (await c.query('select 1 from pg_database where datname = $1', [name])).rowCount;
  if (!exists) await c.query(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'`);
  const u = new URL(admin);
  u.pathname = `/${name}`;
  try {
    await bench('postgres', u.toString(), () => generatePg(u.toString()));
  } finally {
    if (!keepPg) await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
  }
} else console.log('\n(PostgreSQL skipped: set BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/postgres)');
