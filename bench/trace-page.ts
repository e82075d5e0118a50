/**
 * Where a page load's main-thread time goes by kind of work (issue 11): loads one page of the built
 * web app (warm HTTP cache, signed in as the demo coordinator) under a Chromium performance trace
 * and sums the renderer main thread's top-level tasks by what they did — script (evaluate, compile,
 * function calls, timers), style recalculation, layout, paint, HTML parsing — from navigation start
 * until the page's main data is painted (the selector pages.bench.ts waits for). Complements
 * bench/profile-page.ts (which splits the script part by package).
 *
 *   BENCH_WEB_ROOT=web/dist TRACE_PAGE=/cases npx tsx bench/trace-page.ts
 *
 * Absolute times move with the machine's load: compare shares, or pairs run back to back.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { signedInPage } from './page-timing.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const WEB_ROOT = process.env.BENCH_WEB_ROOT ?? path.join(ROOT, 'web', 'dist');
const DB = process.env.BENCH_DB ?? (fs.readdirSync(path.join(ROOT, 'bench/out/pages')).filter((d) => d.startsWith('demo-')).sort().map((d) => path.join(ROOT, 'bench/out/pages', d, 'bench.db')).pop() as string);
const PAGE = process.env.TRACE_PAGE ?? '/';
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const READY: Record<string, string> = {
  '/': '[data-testid="todo-list"] .ant-list-item',
  '/cases': '[data-testid="ledger-table"] .ant-table-row',
  '/stats': '[data-testid="stats-figures"]',
};
const ready = READY[PAGE] ?? '[data-testid="timeline"]';

/** A trace event's kind of work, by its name (the DevTools timeline's names). */
function kind(name: string): string | null {
  if (/^(EvaluateScript|v8\.compile|v8\.compileModule|v8\.evaluateModule|FunctionCall|TimerFire|FireAnimationFrame|EventDispatch|v8\.run|RunMicrotasks|V8\.GCScavenger|MajorGC|MinorGC|v8\.produceModuleCache|v8\.produceCache)$/.test(name)) return 'script';
  if (name === 'UpdateLayoutTree' || name === 'RecalculateStyles' || name === 'ParseAuthorStyleSheet') return name === 'ParseAuthorStyleSheet' ? 'stylesheet parse' : 'style';
  if (name === 'Layout') return 'layout';
  if (/^(Paint|PrePaint|Layerize|UpdateLayer|CompositeLayers|Commit|RasterTask)$/.test(name)) return 'paint';
  if (name === 'ParseHTML') return 'parse HTML';
  return null;
}

interface TraceEvent { name: string; ph: string; ts: number; dur?: number; tdur?: number; pid: number; tid: number; args?: Record<string, unknown> }

const { base, browser, page, close } = await signedInPage(DB, WEB_ROOT);
try {
  // Twice first: the HTTP cache and V8's code cache warm, as on a clerk's PC.
  for (let i = 0; i < 2; i++) {
    await page.goto(base + PAGE);
    await page.locator(ready).first().waitFor();
  }
  const totals = new Map<string, number>();
  let wall = 0;
  // The main thread's CPU time in those tasks (trace `tdur`): what the page itself cost, less moved by
  // other processes competing for the cores than the wall-clock durations.
  let cpu = 0;
  for (let i = 0; i < RUNS; i++) {
    await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'blink.user_timing'] });
    await page.goto(base + PAGE);
    await page.locator(ready).first().waitFor();
    const readyAt = await page.evaluate(() => performance.now() + performance.timeOrigin);
    const buf = await browser.stopTracing();
    const events = (JSON.parse(buf.toString()) as { traceEvents: TraceEvent[] }).traceEvents;
    // The renderer main thread: the one that ran the navigation's ParseHTML.
    const parse = events.filter((e) => e.name === 'ParseHTML').pop();
    const nav = events.find((e) => e.name === 'navigationStart' && e.pid === parse?.pid);
    if (!parse || !nav) continue;
    const start = nav.ts;
    // performance.timeOrigin is wall-clock ms; trace ts are monotonic µs: end at start + (ready - origin).
    const origin = await page.evaluate(() => performance.timeOrigin);
    const end = start + (readyAt - origin) * 1000;
    wall += (end - start) / 1000;
    // Top-level tasks only (no double counting): a complete event not inside another counted one.
    const main = events.filter((e) => e.pid === parse.pid && e.tid === parse.tid && e.ph === 'X' && e.ts >= start && e.ts <= end && e.dur);
    main.sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
    let coveredTo = 0;
    for (const e of main) {
      const k = kind(e.name);
      if (!k) continue;
      if (e.ts < coveredTo && k === 'script') continue;
      const dur = Math.min(e.dur!, end - e.ts) / 1000;
      // Not inside a script task counted already: its CPU time (the part before the end).
      if (e.ts >= coveredTo) cpu += ((e.tdur ?? e.dur!) / 1000) * (dur / (e.dur! / 1000));
      if (k === 'script') coveredTo = e.ts + e.dur!;
      totals.set(k, (totals.get(k) ?? 0) + (e.ts < coveredTo && k !== 'script' ? 0 : dur));
      // Style and layout forced from script are inside a script task: count them apart, once.
      if (k !== 'script' && e.ts < coveredTo) totals.set(`${k} (forced by script)`, (totals.get(`${k} (forced by script)`) ?? 0) + dur);
    }
  }
  console.log(`${PAGE}: navigation start → main data painted ${(wall / RUNS).toFixed(0)} ms (mean of ${RUNS}); main thread CPU time in these tasks ${(cpu / RUNS).toFixed(0)} ms; wall time by kind:`);
  for (const [k, v] of [...totals].sort((a, b) => b[1] - a[1])) console.log(`  ${(v / RUNS).toFixed(1).padStart(7)} ms  ${k}`);
} finally {
  await close();
}
