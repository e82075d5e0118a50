/**
 * Several instances (issue 17, item 7): one server, then two servers on one PostgreSQL, each time
 * behind the same local load balancer (a round-robin HTTP proxy in its own Node process, so one and
 * two servers are reached the same way), under the same mixed load — per connection a cycle of one
 * intake and eight reads (two lists, a department list, three case pages, two statistics); a case
 * page and a list each append a read-audit record, so "reads" write to the audit chain too.
 *
 * Prints per phase: throughput, p50/p99, non-2xx and errors, and the CPU per request of every
 * process (each server, the proxy, PostgreSQL's backends, this load generator), then the ratio
 * two/one. Jobs run in every instance (BCS_JOBS=on); before the two-server phase the seeded cases are
 * made past their stage clock and the training claim is made due, and both instances start at once,
 * so both race for the same work. Afterwards it checks that the work was done exactly once:
 *   - every SMS of the outbox sent once across all instances' SMS logs, no outbox row claimed twice;
 *   - one `stage_overdue` timeline event per overdue case (the deadline sweep), none twice;
 *   - one triage model trained for the period (job_claims).
 *
 *   BENCH_PG_URL=postgres://postgres@127.0.0.1:55433/postgres npx tsx bench/instances.bench.ts
 *   (BENCH_SECONDS=20, BENCH_WARMUP=10, BENCH_CONNECTIONS=20, BENCH_SEED=200; BENCH_INTAKES=0 for the
 *   reads alone; the database is created and dropped)
 *
 * The servers run `node bin/server.js` (build/ when current, as `npm start`). The load generator
 * is a closed loop over keep-alive connections (node:http), in this process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPreparedDatabase } from '../server/boot.js';
import { insertDepartment, insertUser } from '../server/users/user.repository.js';
import { hashPassword } from '../server/auth/password.js';
import { startServerProcess, stopProcess, waitHealthy, type ServerProcess } from './server-process.js';

const ADMIN_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const SEED = Number(process.env.BENCH_SEED ?? 200);
/** BENCH_INTAKES=0: the reads only (no intake in the cycle), to see what the counter's lock costs. */
const INTAKES = process.env.BENCH_INTAKES !== '0';
const WARMUP = Number(process.env.BENCH_WARMUP ?? 10);
const DATA_KEY = randomBytes(32).toString('hex');
const PASSWORD = 'Bench@2026pass';
const WORK = fs.mkdtempSync(path.join(os.tmpdir(), 'bcs-instances-'));

// ---- processes and their CPU ------------------------------------------------------------------

const TICK = 100; // USER_HZ
function cpuSeconds(pid: number): number {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) / TICK;
  } catch {
    return 0;
  }
}
function childrenOf(ppid: number): number[] {
  const out: number[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (fs.readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1]!.split(' ')[1] === String(ppid)) out.push(Number(d));
    } catch {
      /* gone */
    }
  }
  return out;
}
/** CPU seconds of every process of the PostgreSQL cluster (the postmaster and its children), by pid. */
function clusterCpu(postmaster: number): Map<number, number> {
  return new Map([postmaster, ...childrenOf(postmaster)].map((p) => [p, cpuSeconds(p)]));
}
function clusterDelta(a: Map<number, number>, b: Map<number, number>): number {
  let s = 0;
  for (const [p, c] of b) s += c - (a.get(p) ?? 0);
  return s;
}

function waitForLine(child: ChildProcess, re: RegExp, what: string, timeoutMs = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const t = setTimeout(() => reject(new Error(`${what}: no start within ${timeoutMs} ms\n${buf}`)), timeoutMs);
    const on = (d: Buffer) => {
      buf += d.toString();
      const m = re.exec(buf);
      if (m) {
        clearTimeout(t);
        resolve(m[1] ?? m[0]);
      }
    };
    child.stdout?.on('data', on);
    child.stderr?.on('data', on);
    child.on('exit', (code) => reject(new Error(`${what} exited (${code}):\n${buf}`)));
  });
}

interface Server {
  name: string;
  port: number;
  child: ChildProcess;
  log: string;
  process: ServerProcess;
}

async function startServer(name: string, databaseUrl: string): Promise<Server> {
  const log = path.join(WORK, `${name}.log`);
  const out = fs.openSync(log, 'a');
  const s = await startServerProcess({
    env: {
      DATABASE_URL: databaseUrl,
      BCS_DATA_KEY: DATA_KEY,
      BCS_JOBS: 'on',
      LOG_LEVEL: 'warn',
      SMS_PROVIDER: 'log',
      SMS_LOG_FILE: path.join(WORK, `${name}.sms.log`),
      ATTACHMENT_DIR: path.join(WORK, 'attachments'),
    },
    stdio: ['ignore', out, out],
  });
  return { name, port: s.port, child: s.child, log, process: s };
}

/** A round-robin HTTP load balancer over keep-alive connections, in its own process. */
const PROXY = `
const http = require('node:http');
const ups = process.argv.slice(1).map(Number);
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
let i = 0;
const server = http.createServer((req, res) => {
  const port = ups[i++ % ups.length];
  const p = http.request({ host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers, agent }, (r) => {
    res.writeHead(r.statusCode, r.headers);
    r.pipe(res);
  });
  p.on('error', (e) => { res.writeHead(502); res.end(e.message); });
  req.pipe(p);
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => console.log('proxy on ' + server.address().port));
`;

async function startProxy(ports: number[]): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(process.execPath, ['-e', PROXY, ...ports.map(String)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const port = Number(await waitForLine(child, /proxy on (\d+)/, 'proxy', 10_000));
  return { port, child };
}

// ---- HTTP ---------------------------------------------------------------------------------------

interface Answer {
  status: number;
  body: string;
}

function request(agent: http.Agent, port: number, method: string, url: string, token: string | null, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    const req = http.request({ host: '127.0.0.1', port, method, path: url, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

const DESCRIPTION =
  '来电人反映：节假日期间，新港区育才乡盛世新村6栋附近，电动车在楼道内停放充电，存在消防安全隐患，此前已多次向有关部门反映，但一直未得到解决。楼道堆放大量杂物，占用消防通道，严重影响周边居民的正常生活。希望尽快解决，并及时回复处理结果。';
let intakeSeq = 0;
function intakeBody(): string {
  const n = ++intakeSeq;
  return JSON.stringify({
    channel: 'hotline',
    reporter: { name: '陈勇', phone: `137${String(10_000_000 + (n % 9_000_000)).slice(0, 8)}`, kind: 'person' },
    matter: `楼道电动车充电 #${n}`,
    departmentCodes: ['scjgj'],
    description: DESCRIPTION,
    reason: '多次反映未解决',
  });
}

interface Shot {
  kind: string;
  method: string;
  url: () => string;
  body?: () => string;
}

function mix(caseIds: number[]): Shot[] {
  const year = new Date().getUTCFullYear();
  const anyCase = () => `/api/v1/cases/${caseIds[Math.floor(Math.random() * caseIds.length)]}`;
  const all: Shot[] = [
    { kind: 'intake', method: 'POST', url: () => '/api/v1/cases', body: intakeBody },
    { kind: 'list', method: 'GET', url: () => '/api/v1/cases?limit=50' },
    { kind: 'case', method: 'GET', url: anyCase },
    { kind: 'stats', method: 'GET', url: () => `/api/v1/stats/overview?from=${year}-01-01&to=${year}-12-31` },
    { kind: 'case', method: 'GET', url: anyCase },
    { kind: 'list', method: 'GET', url: () => '/api/v1/cases?limit=50&department=scjgj' },
    { kind: 'case', method: 'GET', url: anyCase },
    { kind: 'stats', method: 'GET', url: () => `/api/v1/stats/departments?from=${year}-01-01&to=${year}-12-31` },
    { kind: 'list', method: 'GET', url: () => '/api/v1/cases?limit=50&status=received' },
  ];
  return INTAKES ? all : all.slice(1);
}

interface LoadResult {
  requests: number;
  seconds: number;
  latencies: number[];
  non2xx: number;
  errors: number;
  firstProblem: string | null;
}

/** A closed loop: `connections` workers, each sending the mix in turn (offset by its index) until `seconds` passed. */
async function load(port: number, token: string, shots: Shot[], connections: number, seconds: number): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const r: LoadResult = { requests: 0, seconds, latencies: [], non2xx: 0, errors: 0, firstProblem: null };
  const until = performance.now() + seconds * 1000;
  const worker = async (w: number) => {
    for (let i = w; performance.now() < until; i++) {
      const s = shots[i % shots.length]!;
      const t0 = performance.now();
      try {
        const a = await request(agent, port, s.method, s.url(), token, s.body?.());
        if (a.status < 200 || a.status > 299) {
          r.non2xx++;
          r.firstProblem ??= `${s.kind} ${a.status} ${a.body.slice(0, 200)}`;
        }
      } catch (e) {
        r.errors++;
        r.firstProblem ??= `${s.kind} ${(e as Error).message}`;
      }
      r.latencies.push(performance.now() - t0);
      r.requests++;
    }
  };
  await Promise.all(Array.from({ length: connections }, (_, w) => worker(w)));
  agent.destroy();
  return r;
}

function pct(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN;
}

interface Phase {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  firstProblem: string | null;
  cpu: Array<[string, number]>; // µs per request
  load: string;
  /** What the database's active backends were doing, sampled every 250 ms: top entries and their share. */
  waits: Array<[string, number]>;
  /** Backends active or idle in a transaction per sample, on average. */
  active: number;
}

/** Samples pg_stat_activity of the bench database until stopped. */
function sampleWaits(db: pg.Client, dbName: string): () => Promise<{ waits: Array<[string, number]>; active: number }> {
  const counts = new Map<string, number>();
  let samples = 0;
  let active = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const r = await db.query<{ w: string }>(
        `select case when state = 'active' then coalesce(wait_event_type || ':' || wait_event, 'on CPU') else 'idle in transaction (after)' end
                || ' — ' || left(regexp_replace(query, '\\s+', ' ', 'g'), 60) as w
           from pg_stat_activity where datname = $1 and state in ('active', 'idle in transaction') and pid <> pg_backend_pid()`,
        [dbName],
      );
      samples++;
      active += r.rows.length;
      for (const { w } of r.rows) counts.set(w, (counts.get(w) ?? 0) + 1);
      await new Promise((res) => setTimeout(res, 250));
    }
  })();
  return async () => {
    stopped = true;
    await loop;
    const total = [...counts.values()].reduce((a, b) => a + b, 0) || 1;
    return { waits: [...counts].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([k, v]) => [k, v / total]), active: active / Math.max(1, samples) };
  };
}

async function measure(name: string, proxyPort: number, token: string, shots: Shot[], servers: Server[], proxy: ChildProcess, postmaster: number, watch: () => () => Promise<{ waits: Array<[string, number]>; active: number }>): Promise<Phase> {
  console.log(`${new Date().toISOString()} ${name}: warm-up ${WARMUP} s, then ${SECONDS} s measured`);
  await load(proxyPort, token, shots, CONNECTIONS, WARMUP);
  const s0 = servers.map((s) => cpuSeconds(s.child.pid!));
  const x0 = cpuSeconds(proxy.pid!);
  const p0 = clusterCpu(postmaster);
  const b0 = process.cpuUsage();
  const stopWatch = watch();
  const r = await load(proxyPort, token, shots, CONNECTIONS, SECONDS);
  const b1 = process.cpuUsage(b0);
  const { waits, active } = await stopWatch();
  const p1 = clusterCpu(postmaster);
  const per = (sec: number) => Math.round((sec / r.requests) * 1e6);
  const sorted = r.latencies.sort((a, b) => a - b);
  return {
    name,
    rps: r.requests / r.seconds,
    p50: pct(sorted, 50),
    p99: pct(sorted, 99),
    non2xx: r.non2xx,
    errors: r.errors,
    firstProblem: r.firstProblem,
    cpu: [
      ...servers.map((s, i) => [`server ${s.name}`, per(cpuSeconds(s.child.pid!) - s0[i]!)] as [string, number]),
      ['proxy', per(cpuSeconds(proxy.pid!) - x0)],
      ['postgres', per(clusterDelta(p0, p1))],
      ['load generator', per((b1.user + b1.system) / 1e6)],
    ],
    load: fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
    waits,
    active,
  };
}

// ---- the run ------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const dbName = `bcs_instances_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'`);
  const u = new URL(ADMIN_URL);
  u.pathname = `/${dbName}`;
  const url = u.toString();
  const db = new pg.Client({ connectionString: url });
  const started: ChildProcess[] = [];
  try {
    // The postmaster: the parent of this connection's backend.
    const backend = (await admin.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
    const postmaster = Number(fs.readFileSync(`/proc/${backend}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);

    const h = await openPreparedDatabase(url, { dataKey: Buffer.from(DATA_KEY, 'hex') });
    const at = new Date().toISOString();
    await insertDepartment(h.db, { code: 'scjgj', name: '县市场监管局', at });
    await insertUser(h.db, { username: 'benchco', name: '压测员', role: 'coordinator', department: null, passwordHash: await hashPassword(PASSWORD), at });
    await h.close();
    await db.connect();

    // Phase 1: one server behind the balancer.
    const a = await startServer('a1', url);
    started.push(a.child);
    await waitHealthy(a.process, 120_000);
    let proxy = await startProxy([a.port]);
    started.push(proxy.child);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 10 });
    const login = await request(agent, proxy.port, 'POST', '/api/v1/auth/login', null, JSON.stringify({ username: 'benchco', password: PASSWORD }));
    const token = (JSON.parse(login.body) as { token: string }).token;
    if (!token) throw new Error(`login failed: ${login.status} ${login.body}`);
    const caseIds: number[] = [];
    for (let i = 0; i < SEED; i += 10) {
      const batch = await Promise.all(Array.from({ length: Math.min(10, SEED - i) }, () => request(agent, proxy.port, 'POST', '/api/v1/cases', token, intakeBody())));
      for (const b of batch) {
        if (b.status !== 201) throw new Error(`seed intake: ${b.status} ${b.body.slice(0, 300)}`);
        caseIds.push((JSON.parse(b.body) as { id: number }).id);
      }
    }
    agent.destroy();
    const shots = mix(caseIds);
    const watch = () => sampleWaits(admin, dbName);
    const one = await measure('one server', proxy.port, token, shots, [a], proxy.child, postmaster, watch);
    await stopProcess(proxy.child);
    await stopProcess(a.child);

    // Work for both instances' jobs to race for: the seeded cases past their stage clock, the training due.
    const overdue = (await db.query(`update cases set stage_due_at = '2026-01-01T00:00:00.000Z' where id = any($1) and status = 'received'`, [caseIds])).rowCount ?? 0;
    await db.query(`update job_claims set next_at = '1970-01-01T00:00:00.000Z'`);
    const phase2At = new Date().toISOString();

    // Phase 2: two servers, started together.
    const [b1, b2] = await Promise.all([startServer('b1', url), startServer('b2', url)]);
    started.push(b1.child, b2.child);
    await Promise.all([waitHealthy(b1.process, 120_000), waitHealthy(b2.process, 120_000)]);
    proxy = await startProxy([b1.port, b2.port]);
    started.push(proxy.child);
    // The race happens at start (each job's first run is 2 s after it); measure after it is over.
    const q1 = async (text: string, params: unknown[] = []) => Number((await db.query(text, params)).rows[0].n);
    const settled = async () =>
      (await q1(`select count(*) as n from case_events where type = 'stage_overdue' and at >= $1`, [phase2At])) >= overdue &&
      (await q1(`select count(*) as n from triage_models where trained_at >= $1`, [phase2At])) >= 1;
    for (let i = 0; i < 120 && !(await settled()); i++) await new Promise((r) => setTimeout(r, 500));
    const two = await measure('two servers', proxy.port, token, shots, [b1, b2], proxy.child, postmaster, watch);

    // Let the outbox drain (delivery runs every 2 s in each instance), then stop.
    let pending = -1;
    for (let i = 0; i < 60; i++) {
      pending = Number((await db.query(`select count(*) as n from outbox where delivered_at is null and outcome is null and available_at <= $1`, [new Date().toISOString()])).rows[0].n);
      if (pending === 0) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    await stopProcess(proxy.child);
    await Promise.all([stopProcess(b1.child), stopProcess(b2.child)]);

    // ---- exactly once ----
    const sent = new Map<string, number>();
    for (const f of fs.readdirSync(WORK).filter((n) => n.endsWith('.sms.log'))) {
      for (const line of fs.readFileSync(path.join(WORK, f), 'utf8').split('\n').filter(Boolean)) {
        const id = (JSON.parse(line) as { id: string }).id;
        sent.set(id, (sent.get(id) ?? 0) + 1);
      }
    }
    const smsTwice = [...sent.values()].filter((n) => n > 1).length;
    const reclaimed = await q1(`select count(*) as n from outbox where attempts > 1`);
    const smsRows = await q1(`select count(*) as n from outbox where outcome = 'sent' and recipient = 'reporter'`);
    const stageEvents = await q1(`select count(*) as n from case_events where type = 'stage_overdue' and at >= $1`, [phase2At]);
    const stageTwice = await q1(`select count(*) as n from (select case_id from case_events where type = 'stage_overdue' group by case_id, data having count(*) > 1) d`);
    const models = await q1(`select count(*) as n from triage_models where trained_at >= $1`, [phase2At]);
    const jobFailures = [b1, b2].flatMap((s) => fs.readFileSync(s.log, 'utf8').split('\n').filter((l) => l.includes('后台任务')));

    // ---- report ----
    const ms = (v: number) => v.toFixed(1);
    console.log(`\n${os.cpus().length} cores; ${CONNECTIONS} connections, ${SECONDS} s after ${WARMUP} s warm-up; mix per connection: ${INTAKES ? '1 intake : ' : 'no intake, '}8 reads (3 lists, 3 case pages, 2 statistics); ${SEED} seeded cases`);
    console.log('| phase | req/s | p50 ms | p99 ms | non-2xx | errors | CPU µs per request | load average |');
    console.log('|---|---|---|---|---|---|---|---|');
    for (const p of [one, two]) {
      console.log(`| ${p.name} | ${p.rps.toFixed(1)} | ${ms(p.p50)} | ${ms(p.p99)} | ${p.non2xx} | ${p.errors} | ${p.cpu.map(([k, v]) => `${k} ${v.toLocaleString('en')}`).join(', ')} | ${p.load} |`);
      if (p.firstProblem) console.log(`  first problem: ${p.firstProblem}`);
    }
    for (const p of [one, two]) {
      console.log(`\n${p.name}: ${p.active.toFixed(1)} backends busy on average (active or idle in a transaction); what they were doing:`);
      for (const [w, share] of p.waits) console.log(`  ${(share * 100).toFixed(0).padStart(3)} %  ${w}`);
    }
    console.log(`\nthroughput two/one: ${(two.rps / one.rps).toFixed(2)}×`);
    console.log('\nexactly once (two instances, jobs on in both):');
    console.log(`  outbox: ${sent.size} SMS sent over all instances for ${smsRows} reporter rows marked sent; sent more than once: ${smsTwice}; rows claimed more than once: ${reclaimed}; left undelivered: ${pending}`);
    console.log(`  deadline sweep: ${overdue} cases made past their stage clock, ${stageEvents} stage_overdue events written, cases with a duplicate: ${stageTwice}`);
    console.log(`  triage training: ${models} model(s) trained in the two-instance phase (due once)`);
    console.log(`  job failures logged: ${jobFailures.length}${jobFailures.length ? `\n    ${jobFailures.slice(0, 5).join('\n    ')}` : ''}`);
    const ok = smsTwice === 0 && reclaimed === 0 && stageTwice === 0 && stageEvents === overdue && models === 1 && pending === 0;
    console.log(ok ? '  → every job ran exactly once' : '  → NOT exactly once (see above)');
  } finally {
    for (const c of started) await stopProcess(c);
    await db.end().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
    fs.rmSync(WORK, { recursive: true, force: true });
  }
}

await main();
