/**
 * Page times in the browser (issue 11, item 4): the built web app (web/dist) served by the real
 * server on a prepared SQLite database, driven by Debian's Chromium at 1366×768, signed in as the
 * demo coordinator. For 工作台 / 台账 / a case page / 统计分析 it measures
 *
 *   full load  navigation start → the page's main data painted (a data-testid that only appears with
 *              data, seen by a MutationObserver, timed at the next animation frame), with the HTTP
 *              cache warm (the hashed assets cached, as on a clerk's PC every morning) and cold (a
 *              fresh browser profile carrying only the session cookie);
 *   in-app     a click on a menu entry or link → the next page's main data painted; the pointer
 *              rests on the link for 100 ms first, as a person's does before clicking.
 *
 * and prints the median of BENCH_RUNS (default 7) runs for each, on the demo data (`npm run demo`'s
 * ~320 cases, generated through the services) and on 1,000,000 cases (the demo data plus the bulk
 * rows of bench/bulk-cases.ts, which loop-lists.bench.ts uses too). The databases are cached under
 * bench/out/pages/ (gitignored): the 1M one takes a few minutes the first time only.
 *
 *   npm run build:web && npx tsx bench/pages.bench.ts
 *   BENCH_CASES=0 npx tsx bench/pages.bench.ts              # demo data only
 *   BENCH_WEB_ROOT=/path/to/other/dist npx tsx bench/pages.bench.ts
 *   BENCH_RUNS=9 npx tsx bench/pages.bench.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBenchBrowser, measurePages, PAGES, preparePagesDb, startBenchServer } from './page-timing.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const N = Number(process.env.BENCH_CASES ?? 1_000_000);
const RUNS = Math.max(5, Number(process.env.BENCH_RUNS ?? 7));
const WEB_ROOT = process.env.BENCH_WEB_ROOT ?? path.join(ROOT, 'web', 'dist');
const USER = 'coordinator';

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

/**
 * The "before" column: this bench run on 52acec6 (the code before issue 11's page work, its own
 * web build) on 2026-12-06 06:18–06:24 UTC on this 2-core machine (load average 1–4), run right
 * before the "now" numbers in the README, median of 5. Override with BENCH_BASELINE_<SET>='full w/w/w/w;cold c/c/c/c;moves m/m/m/m'
 * (each run prints its own line in that form).
 */
const BASELINE: Record<string, string> = {
  demo: '1074/1170/857/843;1783/2486/1781/1866;727/268/318/459',
  bulk: '1380/1161/858/785;1869/1972/1664/2193;441/201/290/307',
};
function baseline(set: string): { full?: number[]; cold?: number[]; moves?: number[] } {
  const raw = process.env[`BENCH_BASELINE_${set.toUpperCase()}`] ?? BASELINE[set];
  if (!raw) return {};
  const [full, cold, moves] = raw.split(';').map((x) => x.split('/').map(Number));
  return { full, cold, moves };
}

/** Pads to a display width (a Chinese character takes two columns). */
const pad = (s: string, w: number) => s + ' '.repeat(Math.max(1, w - [...s].reduce((n, ch) => n + (ch.charCodeAt(0) > 0x2e80 ? 2 : 1), 0)));
const fmt = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '—' : `${Math.round(x)} ms`);

if (!fs.existsSync(path.join(WEB_ROOT, 'index.html'))) {
  console.error(`no web build in ${WEB_ROOT}: run npm run build:web first`);
  process.exit(1);
}
const browser = await launchBenchBrowser();
try {
  const sets: Array<{ name: string; cases: number }> = [{ name: 'demo', cases: 0 }];
  if (N > 0) sets.push({ name: 'bulk', cases: N });
  for (const set of sets) {
    const server = await startBenchServer(await preparePagesDb(set.cases), WEB_ROOT);
    const r = { ...(await measurePages(browser, server.base, server.caseId, RUNS, USER).finally(() => server.close())), cases: server.cases };
    const b = baseline(set.name);
    console.log(`\n== ${set.name === 'demo' ? 'demo data' : `${set.cases.toLocaleString()} bulk cases + demo data`} (SQLite, ${r.cases.toLocaleString()} cases), ${USER}, Chromium 1366×768, median of ${RUNS}`);
    console.log(`  ${pad('page', 12)} ${'full load, warm cache'.padEnd(30)} ${'full load, cold cache'.padEnd(30)}`);
    console.log(`  ${''.padEnd(12)} ${'before'.padStart(8)} ${'now'.padStart(8)} ${'aim'.padStart(8)}     ${'before'.padStart(8)} ${'now'.padStart(8)} ${'aim'.padStart(8)}`);
    PAGES.forEach((p, k) =>
      console.log(`  ${pad(p.label, 12)} ${fmt(b.full?.[k]).padStart(8)} ${fmt(r.full[p.key]).padStart(8)} ${'300 ms'.padStart(8)}     ${fmt(b.cold?.[k]).padStart(8)} ${fmt(r.cold[p.key]).padStart(8)} ${'300 ms'.padStart(8)}`),
    );
    console.log(`  ${pad('in the app', 20)} ${'before'.padStart(8)} ${'now'.padStart(8)} ${'aim'.padStart(8)}`);
    r.moves.forEach((m, k) => console.log(`  ${pad(m.label, 20)} ${fmt(b.moves?.[k]).padStart(8)} ${fmt(m.ms).padStart(8)} ${'150 ms'.padStart(8)}`));
    console.log(
      `  raw: BENCH_BASELINE_${set.name.toUpperCase()}='${PAGES.map((p) => Math.round(r.full[p.key])).join('/')};${PAGES.map((p) => Math.round(r.cold[p.key])).join('/')};${r.moves.map((m) => Math.round(m.ms)).join('/')}'`,
    );
  }
} finally {
  await browser.close();
}
