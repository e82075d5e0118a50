/**
 * 台账 export benchmark: N cases (default 100,000) on a temporary SQLite file, the real server
 * listening on a local port, one `GET /api/v1/ledger.xlsx` read to the end by a client that
 * discards the bytes. Prints the wall time and how much the process's RSS grew during the export.
 *
 *   npx tsx bench/ledger-export.bench.ts [cases] [--verify] [--keep]
 *
 * Targets (issue 4): ≤ 10 s, RSS growth ≤ 150 MB. --verify reads the file back (streaming) and
 * checks that it holds one row per case; --keep leaves the database (and file) in place for a profiler.
 * Not part of `npm test`.
 *
 * Measured 2026-11-26 on the 2-vCPU development machine while other test suites were running
 * (1-minute load 5.5–6): 100,000 rows in 6.8 / 7.2 / 9.3 s (first byte after ~150 ms), a 16.5 MB
 * file; RSS growth 54–92 MB; 5.6–5.7 s of CPU for the export (main thread plus zlib threads), so
 * about 6 s on an idle machine. The CPU is roughly: SQLite reads 1.5 s, exceljs rows and XML 3 s,
 * the rest zlib, mapping and garbage collection.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import SQLite from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { openPreparedDatabase } from '../server/boot.js';
import { buildApp } from '../server/app.js';
import { systemClock } from '../server/context.js';
import { hashPassword } from '../server/auth/password.js';
import { CHANNELS, PROBLEM_TYPES, type CaseStatus } from '../core/domain.js';
import { endOfShanghaiDay, shanghaiDate } from '../core/working-days.js';

const args = process.argv.slice(2);
const N = Number(args.find((a) => /^\d+$/.test(a)) ?? 100_000);
const VERIFY = args.includes('--verify');
const KEEP = args.includes('--keep');
const TARGET_MS = 10_000;
const TARGET_MB = 150;

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

const DEPARTMENTS = [
  ['scjgj', '县市场监管局'], ['rsj', '县人力社保局'], ['zjw', '县住房城乡建委'], ['ghzrzyj', '县规划自然资源局'],
  ['gaj', '县公安局'], ['ybj', '县医保局'], ['swj', '县税务局'], ['mzj', '县民政局'], ['jtj', '县交通局'], ['slj', '县水利局'],
  ['nyncw', '县农业农村委'], ['sthjj', '县生态环境局'], ['wsjkw', '县卫生健康委'], ['jw', '县教委'], ['whlyw', '县文化旅游委'],
  ['yjj', '县应急局'], ['gjjzx', '县住房公积金中心'], ['bdcdjzx', '县不动产登记中心'], ['xfjy', '县消防救援大队'], ['gdj', '县供电公司'],
] as const;
const MATTERS = ['个体工商户设立登记', '食品经营许可证办理', '不动产登记', '社会保险关系转移', '建设工程规划许可', '医保异地就医备案', '住房公积金提取', '居住证办理', '失业保险金申领', '道路运输经营许可', '取水许可', '排污许可证变更', '医疗机构执业登记', '民办学校办学许可', '营业性演出许可'];
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红梅鹏飞建国志强海燕春燕晓东';

function pick<T>(xs: readonly T[], i: number): T {
  return xs[i % xs.length]!;
}

/** Deterministic pseudo-random numbers (the same data on every run). */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

async function seed(file: string): Promise<{ password: string }> {
  const handle = await openPreparedDatabase(`sqlite:${file}`);
  const password = 'Bench!2026pass';
  const hash = await hashPassword(password);
  await handle.close();

  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const now = new Date();
  const at = now.toISOString();
  const dept = db.prepare('insert into departments (code, name, created_at) values (?, ?, ?)');
  for (const [code, name] of DEPARTMENTS) dept.run(code, name, at);
  db.prepare('insert into users (username, name, role, department_code, password_hash, created_at) values (?, ?, ?, ?, ?, ?)').run('coord', '李行管', 'coordinator', null, hash, at);

  const insertCase = db.prepare(`insert into cases (case_no, year, seq, channel, status, level, problem_type, lead_department, co_departments,
      named_departments, reporter_name, reporter_phone, reporter_kind, reporter_org_name, reporter_org_code, matter, description, reason,
      received_at, received_date, created_by, due_at, due_provisional, deadline_start_at, deadline_days, escalated_from, assignment_no,
      first_completed_at, first_completed_on_time, completed_at, closed_at, resolved_on_spot, result, replied_via, reject_category,
      reject_explanation, callback, callback_count, ever_bad_review, latest_callback_bad, verification, ever_substantiated, version, updated_at)
    values (@case_no, @year, @seq, @channel, @status, @level, @problem_type, @lead, @co, @named, @name, @phone, @kind, @org, null, @matter,
      @description, @reason, @received_at, @received_date, 'coord', @due_at, 0, @start, @days, null, @assignment_no, @completed_at,
      @on_time, @completed_at, @closed_at, 0, @result, @replied_via, @reject_category, @reject_explanation, @callback, @callback_count,
      @bad, @bad, @verification, 0, 1, @received_at)`);
  const insertDept = db.prepare('insert into case_departments (case_id, department_code, role) values (?, ?, ?)');
  const insertSheet = db.prepare(`insert into assignment_sheets (case_id, sheet_no, year, seq, level, lead_department, co_departments, due_at, issued_at, issued_by)
    values (?, ?, ?, ?, ?, ?, ?, ?, ?, 'coord')`);
  const counters = new Map<string, number>();
  const next = (name: string, year: number) => {
    const k = `${name}:${year}`;
    const v = (counters.get(k) ?? 0) + 1;
    counters.set(k, v);
    return v;
  };

  const random = rng(42);
  const start = now.getTime() - 3 * 365 * 86_400_000;
  const span = now.getTime() - 86_400_000 - start;
  // Intake order: received_at grows with the id, like real intakes.
  const times = Array.from({ length: N }, () => start + Math.floor(random() * span)).sort((a, b) => a - b);
  const statuses: CaseStatus[] = ['closed', 'closed', 'closed', 'closed', 'completed', 'in_progress', 'assigned', 'verifying', 'rejected', 'received', 'accepted', 'escalating'];

  const batch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const received = new Date(times[i]!);
      const receivedAt = received.toISOString();
      const receivedDate = shanghaiDate(received);
      const year = Number(receivedDate.slice(0, 4));
      const seq = next('case', year);
      const status = pick(statuses, Math.floor(random() * statuses.length));
      const dispatched = !['received', 'accepted', 'rejected'].includes(status);
      const level = dispatched ? (random() < 0.6 ? 1 : random() < 0.8 ? 2 : 3) : null;
      const lead = dispatched ? pick(DEPARTMENTS, Math.floor(random() * DEPARTMENTS.length))[0] : null;
      const co = level === 2 || level === 3 ? [pick(DEPARTMENTS, Math.floor(random() * DEPARTMENTS.length))[0]].filter((c) => c !== lead) : [];
      const enterprise = random() < 0.4;
      const issued = dispatched ? new Date(times[i]! + 3_600_000) : null;
      const due = issued ? new Date(issued.getTime() + (level === 1 ? 2 : 5) * 86_400_000) : null;
      const done = ['completed', 'closed', 'verifying'].includes(status);
      const completed = done ? new Date(times[i]! + Math.floor(random() * 8) * 86_400_000) : null;
      const bad = status === 'verifying' ? 1 : 0;
      const sheetYear = issued ? Number(shanghaiDate(issued).slice(0, 4)) : 0;
      const sheetSeq = issued ? next('assignment', sheetYear) : 0;
      const sheetNo = issued ? `〔${sheetYear}〕第${sheetSeq}号` : null;
      const name = pick([...SURNAMES], i * 7 + 3) + pick([...GIVEN], i * 13 + 5) + (i % 3 ? pick([...GIVEN], i * 17) : '');
      const matter = pick(MATTERS, Math.floor(random() * MATTERS.length));
      const info = insertCase.run({
        case_no: `${year}-${String(seq).padStart(6, '0')}`,
        year,
        seq,
        channel: pick(CHANNELS, i),
        status,
        level,
        problem_type: status === 'received' || status === 'rejected' ? null : pick(PROBLEM_TYPES, i),
        lead,
        co: JSON.stringify(co),
        named: JSON.stringify(lead ? [lead] : []),
        name,
        phone: `13${String(100000000 + ((i * 7919) % 899999999)).padStart(9, '0')}`,
        kind: enterprise ? 'enterprise' : 'person',
        org: enterprise ? `垫江县${matter.slice(0, 2)}${pick(['实业', '商贸', '建材', '食品', '农业'], i)}有限公司` : null,
        matter,
        description: `办理${matter}时，窗口告知需提供${pick(['房屋产权证明', '消防验收意见书', '环评批复', '原单位离职证明', '户籍证明'], i)}，本人无法提供，多次往返未能办成。编号${i}。`,
        reason: random() < 0.8 ? `${pick(['历史遗留问题', '部门之间要求不一致', '政策理解不一致', '材料无法取得', '系统操作不会'], i)}，导致无法办理。` : null,
        received_at: receivedAt,
        received_date: receivedDate,
        due_at: due ? endOfShanghaiDay(shanghaiDate(due)).toISOString() : null,
        start: issued?.toISOString() ?? null,
        days: level === 1 ? 2 : level === 2 ? 5 : null,
        assignment_no: sheetNo,
        completed_at: completed?.toISOString() ?? null,
        on_time: completed ? (due && completed > due ? 0 : 1) : null,
        closed_at: status === 'closed' ? completed!.toISOString() : status === 'rejected' ? receivedAt : null,
        result: done ? `已协调${lead ? '承办部门' : '窗口'}办结，并电话答复反映人。` : null,
        replied_via: done ? 'phone' : null,
        reject_category: status === 'rejected' ? 'litigation' : null,
        reject_explanation: status === 'rejected' ? '已进入诉讼程序' : null,
        callback:
          status === 'closed' || status === 'verifying'
            ? JSON.stringify({ attitude: 'satisfied', result: bad ? 'dissatisfied' : 'satisfied', efficiency: 'satisfied', integrity: 'satisfied', comment: null, bad: !!bad, at: completed!.toISOString(), by: 'coord' })
            : null,
        callback_count: status === 'closed' || status === 'verifying' ? 1 : 0,
        bad,
        verification: null,
      });
      const id = Number(info.lastInsertRowid);
      if (lead) {
        insertDept.run(id, lead, 'lead');
        for (const c of co) insertDept.run(id, c, 'co');
        insertSheet.run(id, sheetNo, sheetYear, sheetSeq, level, lead, JSON.stringify(co), due!.toISOString(), issued!.toISOString());
      }
    }
  });
  for (let i = 0; i < N; i += 10_000) batch(i, Math.min(N, i + 10_000));
  const counter = db.prepare('insert into counters (name, year, value) values (?, ?, ?)');
  for (const [k, v] of counters) {
    const [name, year] = k.split(':');
    counter.run(name, Number(year), v);
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return { password };
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcs-bench-'));
  const file = path.join(dir, 'bench.db');
  try {
    const t0 = Date.now();
    const { password } = await seed(file);
    console.log(`生成 ${N.toLocaleString('en-US')} 件反映件：${((Date.now() - t0) / 1000).toFixed(1)} s（${mb(fs.statSync(file).size)} MB SQLite）`);

    const handle = await openPreparedDatabase(`sqlite:${file}`);
    const app = await buildApp({ db: handle.db, kind: handle.kind, clock: systemClock });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'coord', password }) });
    const { token } = (await login.json()) as { token: string };
    // Warm up (first query plans, module code) on a tiny export, then settle the heap.
    await (await fetch(`${base}/api/v1/ledger.xlsx?receivedFrom=2000-01-01&receivedTo=2000-01-02`, { headers: { authorization: `Bearer ${token}` } })).arrayBuffer();
    gc();
    await new Promise((r) => setTimeout(r, 200));

    const rss0 = process.memoryUsage().rss;
    let peak = rss0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    const out = VERIFY ? fs.createWriteStream(path.join(dir, 'ledger.xlsx')) : null;
    const cpu0 = process.cpuUsage();
    const started = Date.now();
    const res = await fetch(`${base}/api/v1/ledger.xlsx`, { headers: { authorization: `Bearer ${token}` } });
    if (res.status !== 200) throw new Error(`export answered ${res.status}: ${await res.text()}`);
    const total = Number(res.headers.get('x-total-count'));
    let bytes = 0;
    let firstByteMs = 0;
    const reader = res.body!.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!firstByteMs) firstByteMs = Date.now() - started;
      bytes += value.length;
      if (out && !out.write(value)) await new Promise<void>((r) => out.once('drain', () => r()));
      peak = Math.max(peak, process.memoryUsage().rss);
    }
    const elapsed = Date.now() - started;
    const cpu = process.cpuUsage(cpu0);
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    if (out) await new Promise<void>((r) => out.end(() => r()));
    await app.close();
    await handle.close();

    const growth = (peak - rss0) / 1024 / 1024;
    console.log(`导出 ${total.toLocaleString('en-US')} 行：${(elapsed / 1000).toFixed(2)} s（首字节 ${firstByteMs} ms），文件 ${mb(bytes)} MB`);
    console.log(`服务进程 RSS：导出前 ${mb(rss0)} MB，峰值 ${mb(peak)} MB，增长 ${growth.toFixed(1)} MB`);
    // CPU time of the whole process (main thread and the zlib threads) says how much work it was,
    // whatever else the machine was doing; the load average says how busy the machine was.
    console.log(`CPU 时间 ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s；机器负载（1 分钟平均）${os.loadavg()[0]!.toFixed(2)}，${os.cpus().length} 核`);
    console.log(`目标：≤ ${TARGET_MS / 1000} s ${elapsed <= TARGET_MS ? '达到' : '未达到'}；RSS 增长 ≤ ${TARGET_MB} MB ${growth <= TARGET_MB ? '达到' : '未达到'}`);

    if (VERIFY) {
      let rows = 0;
      const reader2 = new ExcelJS.stream.xlsx.WorkbookReader(path.join(dir, 'ledger.xlsx'), { worksheets: 'emit', sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'ignore' });
      for await (const ws of reader2) for await (const _row of ws) rows++;
      console.log(`校验：文件共 ${rows} 行（标题 2 行 + 列名 1 行 + 数据 ${rows - 3} 行）${rows - 3 === total ? '，与反映件数一致' : '，与反映件数不一致！'}`);
    }
    if (elapsed > TARGET_MS || growth > TARGET_MB) process.exitCode = 1;
  } finally {
    if (KEEP) console.log(`保留：${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
