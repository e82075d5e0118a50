/**
 * Where a page's main-thread time goes (issue 11): loads one page of the built web app (warm HTTP
 * cache, signed in as the demo coordinator) under the Chrome DevTools profiler, then maps every
 * sample back through the build's source maps and prints self time by package / app module.
 * Build with source maps first:
 *
 *   node node_modules/vite/bin/vite.js build --config web/vite.config.ts --sourcemap --outDir /tmp/dist-sm
 *   BENCH_WEB_ROOT=/tmp/dist-sm PROFILE_PAGE=/ npx tsx bench/profile-page.ts
 *
 * Relative shares are what to read: absolute times move with the machine's load.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { signedInPage } from './page-timing.js';
import { SourceMapConsumer } from 'source-map-js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const WEB_ROOT = process.env.BENCH_WEB_ROOT ?? '/tmp/dist-sm';
const DB = process.env.BENCH_DB ?? (fs.readdirSync(path.join(ROOT, 'bench/out/pages')).filter((d) => d.startsWith('demo-')).sort().map((d) => path.join(ROOT, 'bench/out/pages', d, 'bench.db')).pop() as string);
const PAGE = process.env.PROFILE_PAGE ?? '/';
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

interface Node { id: number; children?: number[]; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; }
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[]; }

const maps = new Map<string, SourceMapConsumer | null>();
function consumer(url: string): SourceMapConsumer | null {
  if (maps.has(url)) return maps.get(url)!;
  let c: SourceMapConsumer | null = null;
  const m = /\/assets\/([^?#]+\.js)$/.exec(url);
  if (m) {
    const file = path.join(WEB_ROOT, 'assets', m[1] + '.map');
    if (fs.existsSync(file)) c = new SourceMapConsumer(JSON.parse(fs.readFileSync(file, 'utf8')));
  }
  maps.set(url, c);
  return c;
}
function bucket(n: Node): string {
  const { url, lineNumber, columnNumber, functionName } = n.callFrame;
  if (!url) return `(${functionName || 'native'})`;
  const c = consumer(url);
  if (!c || lineNumber < 0) return url.replace(/^.*\//, '');
  const pos = c.originalPositionFor({ line: lineNumber + 1, column: columnNumber });
  const src = pos.source ?? '?';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(src);
  // PROFILE_DETAIL=<package>: that package by file (e.g. which @babel/runtime helper).
  if (nm && process.env.PROFILE_DETAIL === nm[1]) return src.replace(/^.*node_modules\//, '') + (functionName ? ` ${functionName}` : '');
  if (nm) return nm[1] === 'antd' || nm[1].startsWith('rc-') || nm[1].startsWith('@rc-') ? `${nm[1]}/${src.replace(/^.*node_modules\/(?:@[^/]+\/)?[^/]+\//, '').split('/').slice(0, 2).join('/')}` : nm[1];
  return src.replace(/^.*\/web\/src\//, 'web/').replace(/^.*\/core\//, 'core/');
}

const { base, context, page, close } = await signedInPage(DB, WEB_ROOT);
try {
  await page.goto(base + PAGE);
  await page.waitForLoadState('networkidle');
  const cdp = await context.newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  const totals = new Map<string, number>();
  const callers = new Map<string, number>();
  let all = 0;
  for (let i = 0; i < RUNS; i++) {
    await cdp.send('Profiler.start');
    await page.goto(base + PAGE);
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(300);
    const { profile } = (await cdp.send('Profiler.stop')) as { profile: Profile };
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    profile.samples.forEach((id, k) => {
      const n = byId.get(id)!;
      const b = bucket(n);
      // The sampler's own buckets: waiting (idle) and native work outside any script (program).
      if (b === '((idle))' || b === '((program))') return;
      const dt = (profile.timeDeltas[k + 1] ?? 0) / 1000;
      totals.set(b, (totals.get(b) ?? 0) + dt);
      // PROFILE_CALLERS=<text>: for samples in a bucket containing it, the callers (first outside it).
      const want = process.env.PROFILE_CALLERS;
      if (want && b.includes(want)) {
        const chain: string[] = [];
        for (let p = parent.get(id); p !== undefined && chain.length < 4; p = parent.get(p)) {
          const pb = bucket(byId.get(p)!);
          if (!pb.includes(want) && chain[chain.length - 1] !== pb) chain.push(`${pb} ${byId.get(p)!.callFrame.functionName}`);
        }
        callers.set(chain.join(' < '), (callers.get(chain.join(' < ')) ?? 0) + dt);
      }
      all += dt;
    });
  }
  console.log(`${PAGE}: ${(all / RUNS).toFixed(0)} ms of script per load (mean of ${RUNS}), self time by source:`);
  for (const [k, v] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, 45)) console.log(`  ${(v / RUNS).toFixed(1).padStart(7)} ms  ${((100 * v) / all).toFixed(1).padStart(5)}%  ${k}`);
  for (const [k, v] of [...callers].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`  caller ${(v / RUNS).toFixed(1).padStart(7)} ms  ${k}`);
} finally {
  await close();
}
