/**
 * How many React components (fibers) each of the four pages renders once its main data is in
 * (issue 11: page time) — a count that does not move with the machine's load, unlike the page
 * times: every component is work on every full load (antd's components run CSS-in-JS hooks even
 * with the static stylesheet). Prints, per page, all fibers, the composite (component) and host
 * (element) ones, the fibers outside `<main>` (the shell), the elements in the document, and
 * the 25 element classes with the most composite fibers above them.
 *
 *   BENCH_WEB_ROOT=web/dist npx tsx bench/component-count.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PAGES, signedInPage } from './page-timing.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const WEB_ROOT = process.env.BENCH_WEB_ROOT ?? path.join(ROOT, 'web', 'dist');
const DB = process.env.BENCH_DB ?? (fs.readdirSync(path.join(ROOT, 'bench/out/pages')).filter((d) => d.startsWith('demo-')).sort().map((d) => path.join(ROOT, 'bench/out/pages', d, 'bench.db')).pop() as string);

const { base, h, page, close } = await signedInPage(DB, WEB_ROOT);
try {
  const pick = await h.db.selectFrom('cases').select('id').where('status', '=', 'in_progress').where('created_by', '!=', 'bench').orderBy('id', 'desc').executeTakeFirstOrThrow();
  // tsx names nested functions through a helper the page does not have.
  await page.evaluate('globalThis.__name = (f) => f');
  for (const p of PAGES) {
    await page.goto(base + p.path.replace(':id', String(pick.id)));
    await page.locator(p.ready).first().waitFor();
    await page.waitForTimeout(500);
    await page.evaluate('globalThis.__name = (f) => f');
    const r = await page.evaluate(() => {
      // (The bench compiles without the DOM's types.)
      const doc = (globalThis as unknown as { document: { getElementById(id: string): unknown; querySelectorAll(s: string): { length: number } } }).document;
      const root = doc.getElementById('root') as Record<string, { child: Fiber }>;
      interface Fiber { type: unknown; child?: Fiber; sibling?: Fiber; memoizedProps?: { className?: string } }
      const container = root[Object.keys(root).find((k) => k.startsWith('__reactContainer'))!]!;
      let all = 0, composite = 0, host = 0, shell = 0;
      const by: Record<string, number> = {};
      // composites between each host fiber and its host parent, by the host's first class
      const walk = (f: Fiber | undefined, inMain: boolean, pending: number) => {
        for (; f; f = f.sibling) {
          all++;
          const main = inMain || f.type === 'main';
          if (!main) shell++;
          if (typeof f.type === 'string') {
            host++;
            const cls = (typeof f.memoizedProps?.className === 'string' ? f.memoizedProps.className : '').split(' ').filter((c) => c && !c.startsWith('css-'))[0] || f.type;
            by[cls] = (by[cls] ?? 0) + pending;
            walk(f.child, main, 0);
          } else {
            if (f.type) composite++;
            if (f.child) walk(f.child, main, pending + (f.type ? 1 : 0));
            else by['(renders no element)'] = (by['(renders no element)'] ?? 0) + pending + 1;
          }
        }
      };
      walk(container.child, false, 0);
      const top = Object.entries(by).sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${k} ${v}`).join(', ');
      return { all, composite, host, shell, elements: doc.querySelectorAll('*').length, top };
    });
    console.log(`${p.label}: ${r.all} fibers (${r.composite} components, ${r.host} elements; ${r.shell} outside <main>), ${r.elements} elements in the document`);
    console.log(`  components above: ${r.top}`);
  }
} finally {
  await close();
}
