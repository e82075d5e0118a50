/**
 * Triage suggestions (issue 15): how well the learned model predicts decisions it was not trained
 * on, how long training takes, and how fast GET /cases/{id}/suggestions answers — on the demo data
 * (`npm run demo`'s ~300 cases, their decisions made through the services) and on a synthetic
 * county of 20,000 decided cases (server/triage/synthetic-county.ts: ~20 departments, the five
 * problem types, overlap and noise), registered, accepted and dispatched through the product's own
 * services. SQLite in a temporary folder; the suggestions through HTTP (app.inject, the whole
 * request path: session, route, model check, answer).
 *
 *   npx tsx bench/triage.bench.ts
 *   BENCH_CASES=5000 npx tsx bench/triage.bench.ts      # a smaller synthetic county
 *   BENCH_SKIP_DEMO=1 npx tsx bench/triage.bench.ts
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { openPreparedDatabase } from '../server/boot.js';
import { buildApp } from '../server/app.js';
import type { AppContext } from '../server/context.js';
import { DEMO_PASSWORD, seedDemo } from '../server/demo/demo.js';
import { insertDepartment, insertUser } from '../server/users/user.repository.js';
import { insertMatter } from '../server/matters/matter.repository.js';
import { openSessionDirect, PASSWORD_HASH } from '../server/test/factories.js';
import { actorOf, seedDecidedCases } from '../server/triage/triage-seed.js';
import { SYNTHETIC_DEPARTMENTS, syntheticCounty, syntheticMatters } from '../server/triage/synthetic-county.js';
import { trainAndStore } from '../server/triage/triage.service.js';
import { formatAccuracy } from '../core/triage-model.js';
import { intakeCase } from '../server/cases/case.service.js';

const N = Number(process.env.BENCH_CASES ?? 20_000);
const REQUESTS = 200;

function pct(xs: number[], p: number) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function open(name: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bcs-triage-${name}-`));
  const handle = await openPreparedDatabase(`sqlite:${path.join(dir, 'bench.db')}`, { dataKey: randomBytes(32) });
  const clock = { t: new Date(), now() { return new Date(this.t.getTime()); } };
  const ctx: AppContext & { clock: typeof clock } = { db: handle.db, kind: handle.kind, clock };
  return { ctx, clock, close: async () => { await handle.close(); fs.rmSync(dir, { recursive: true, force: true }); } };
}

/** Trains, prints the held-out accuracy and the training time, then times the suggestions of new cases through HTTP. */
async function measure(label: string, ctx: AppContext, coordinator: string, newCaseIds: number[]) {
  const r = await trainAndStore(ctx, 'bench');
  console.log(`\n== ${label}: ${r.departmentCases} dispatched, ${r.problemTypeCases} accepted cases`);
  console.log(formatAccuracy('department', r.accuracy.department));
  console.log(formatAccuracy('problemType', r.accuracy.problemType));
  console.log(`training time ${(r.trainingMs / 1000).toFixed(2)} s`);
  const app = await buildApp(ctx);
  // The synthetic county's accounts carry the tests' password hash; the demo's log in with demo1234.
  const token = (await openSessionDirect(ctx.db, coordinator, ctx.clock.now()))?.token
    ?? (await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: coordinator, password: DEMO_PASSWORD } })).json().token;
  const headers = { authorization: `Bearer ${token}` };
  const times: number[] = [];
  let nonEmpty = 0;
  // The first request loads the model (JSON parse): timed apart.
  const t0 = performance.now();
  const first = await app.inject({ method: 'GET', url: `/api/v1/cases/${newCaseIds[0]}/suggestions`, headers });
  const firstMs = performance.now() - t0;
  if (first.statusCode !== 200) throw new Error(`suggestions: ${first.statusCode} ${first.body}`);
  for (let i = 0; i < REQUESTS; i++) {
    const id = newCaseIds[i % newCaseIds.length]!;
    const t = performance.now();
    const res = await app.inject({ method: 'GET', url: `/api/v1/cases/${id}/suggestions`, headers });
    times.push(performance.now() - t);
    if (res.statusCode !== 200) throw new Error(`suggestions: ${res.statusCode}`);
    if (res.json().department.length) nonEmpty++;
  }
  console.log(`suggestion latency (HTTP, ${REQUESTS} requests over ${newCaseIds.length} new cases): p50 ${pct(times, 50).toFixed(1)} ms, p95 ${pct(times, 95).toFixed(1)} ms; first request (loads the model) ${firstMs.toFixed(0)} ms; ${nonEmpty}/${REQUESTS} with a department`);
  await app.close();
}

async function demo() {
  const { ctx, clock, close } = await open('demo');
  const started = performance.now();
  await seedDemo(ctx, 300);
  console.log(`demo data: 300 cases seeded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  clock.t = new Date();
  const ids = (await ctx.db.selectFrom('cases').select('id').where('status', '=', 'received').orderBy('id').execute()).map((r) => r.id);
  await measure('demo data (npm run demo)', ctx, 'coordinator', ids);
  await close();
}

async function synthetic() {
  const { ctx, clock, close } = await open('county');
  const at = clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    for (const [code, name] of SYNTHETIC_DEPARTMENTS) await insertDepartment(trx, { code, name, at });
    for (const [username, role] of [['clerk', 'clerk'], ['coord', 'coordinator']] as const) await insertUser(trx, { username, name: username, role, department: null, passwordHash: PASSWORD_HASH, at });
    for (const m of syntheticMatters()) await insertMatter(trx, { ...m, at });
  });
  const who = { clerk: await actorOf(ctx, 'clerk'), coordinator: await actorOf(ctx, 'coord') };
  const specs = syntheticCounty(N + 100, 15);
  const started = performance.now();
  const chunk = 1000;
  for (let i = 0; i < N; i += chunk) {
    await seedDecidedCases(ctx, specs.slice(i, Math.min(N, i + chunk)), who, (k) => `139${String(10_000_000 + i + k).slice(-8)}`);
    process.stdout.write(`\rsynthetic county: ${Math.min(N, i + chunk)}/${N} cases registered, accepted and dispatched (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  }
  console.log();
  // 100 new cases of the same county, not yet triaged: the ones the coordinator asks about.
  const fresh: number[] = [];
  for (const [k, s] of specs.slice(N).entries()) {
    const { record } = await intakeCase(ctx, { channel: 'hotline', reporter: { name: '李四', phone: `138${String(10_000_000 + k).slice(-8)}`, kind: 'person' }, matter: s.matter, ...(s.matterCode ? { matterCode: s.matterCode } : {}), departmentCodes: [], description: s.description, ...(s.reason ? { reason: s.reason } : {}) }, who.clerk);
    fresh.push(record.id);
  }
  await measure(`synthetic county (${N} decided cases)`, ctx, 'coord', fresh);
  await close();
}

if (!process.env.BENCH_SKIP_DEMO) await demo();
if (N > 0) await synthetic();
