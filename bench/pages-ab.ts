/**
 * Page times of two builds, interleaved (issue 11): the same as bench/pages.bench.ts (demo data,
 * coordinator, Chromium 1366×768, time from navigation start or click to the page's main data
 * painted) but with build A and build B served side by side and measured turn about — A then B,
 * B then A in the next round — so both see the same machine load. On a 2-core machine shared with
 * other jobs, single runs of the two builds minutes apart differ by ±50 %; interleaved pairs do not
 * drift apart that way.
 *
 *   npm run build:web && BENCH_A=/path/to/old/dist BENCH_B=web/dist npx tsx bench/pages-ab.ts
 *
 * The demo database is the one pages.bench.ts prepared today (run it once first).
 */
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { buildApp } from '../server/app.js';
import { openPreparedDatabase } from '../server/boot.js';
import { systemClock } from '../server/context.js';
import { benchContext, inAppSteps, median, PAGES, seenAt, signIn, timeMove } from './page-timing.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const ROOTS = { A: process.env.BENCH_A ?? '', B: process.env.BENCH_B ?? path.join(ROOT, 'web', 'dist') };
const DB = fs.readdirSync(path.join(ROOT, 'bench/out/pages')).filter((d) => d.startsWith('demo-')).sort().map((d) => path.join(ROOT, 'bench/out/pages', d, 'bench.db')).pop()!;
type Side = 'A' | 'B';
interface Variant { base: string; context: BrowserContext; page: Page; session: Awaited<ReturnType<BrowserContext['storageState']>> }

const h = await openPreparedDatabase(`sqlite:${DB}`);
const pick = await h.db.selectFrom('cases').select('id').where('status', '=', 'in_progress').where('created_by', '!=', 'bench').orderBy('id', 'desc').executeTakeFirstOrThrow();
const apps = await Promise.all((['A', 'B'] as const).map(async (side) => {
  const app = await buildApp({ db: h.db, kind: h.kind, clock: systemClock }, { webRoot: ROOTS[side], loginPerMinute: 10_000 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  return { app, base: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}` };
}));
const browser: Browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'] });
const newContext = (storageState?: Variant['session']) => benchContext(browser, { storageState });
try {
  const v = {} as Record<Side, Variant>;
  for (const [k, side] of (['A', 'B'] as const).entries()) {
    const base = apps[k]!.base;
    const context = await newContext();
    const page = await context.newPage();
    await signIn(page, base, 'coordinator');
    await page.waitForSelector(PAGES[0].ready, { timeout: 30_000 });
    v[side] = { base, context, page, session: await context.storageState() };
  }
  const url = (side: Side, p: (typeof PAGES)[number]) => v[side].base + p.path.replace(':id', String(pick.id));
  const warm = { A: PAGES.map(() => [] as number[]), B: PAGES.map(() => [] as number[]) };
  const cold = { A: PAGES.map(() => [] as number[]), B: PAGES.map(() => [] as number[]) };
  const moves = { A: [0, 1, 2, 3].map(() => [] as number[]), B: [0, 1, 2, 3].map(() => [] as number[]) };
  for (const side of ['A', 'B'] as const) for (const p of PAGES) { await v[side].page.goto(url(side, p)); await seenAt(v[side].page, p.ready); }
  for (let i = 0; i < RUNS; i++) {
    const order: Side[] = i % 2 ? ['B', 'A'] : ['A', 'B'];
    for (const [k, p] of PAGES.entries()) {
      for (const side of order) {
        await v[side].page.goto(url(side, p));
        warm[side][k]!.push(await seenAt(v[side].page, p.ready));
      }
      for (const side of order) {
        const c = await newContext(v[side].session);
        const pg = await c.newPage();
        await pg.goto(url(side, p));
        cold[side][k]!.push(await seenAt(pg, p.ready));
        await c.close();
      }
    }
    for (const side of order) {
      const page = v[side].page;
      const steps = inAppSteps(page);
      await page.goto(url(side, PAGES[0]));
      await seenAt(page, PAGES[0].ready);
      for (const [k, s] of steps.entries()) moves[side][k]!.push(await timeMove(page, s.link(), s.ready));
    }
  }
  const f = (xs: number[]) => `${median(xs).toFixed(0)} ms`.padStart(8);
  console.log(`A = ${ROOTS.A}\nB = ${ROOTS.B}\ndemo data, coordinator, Chromium 1366×768, median of ${RUNS} interleaved runs; load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  console.log('  page          warm A    warm B    cold A    cold B');
  for (const [k, p] of PAGES.entries()) console.log(`  ${p.label.padEnd(8)} ${f(warm.A[k]!)}  ${f(warm.B[k]!)}  ${f(cold.A[k]!)}  ${f(cold.B[k]!)}`);
  console.log('  in the app           A         B');
  ['工作台 → 台账', '台账 → 反映件', '反映件 → 统计分析', '统计分析 → 工作台'].forEach((l, k) => console.log(`  ${l.padEnd(12)} ${f(moves.A[k]!)}  ${f(moves.B[k]!)}`));
} finally {
  await browser.close();
  for (const a of apps) await a.app.close();
  await h.close();
}
