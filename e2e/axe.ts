/**
 * axe-core in a Playwright page, shared by the browser tests (expectAccessible in support.ts) and
 * the contrast bench (bench/a11y.bench.ts). No vitest here, so the bench can import it.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

/** The browser build of axe-core (a devDependency), injected into the page under test. */
export function axeScript(): string {
  try {
    return createRequire(import.meta.url).resolve('axe-core/axe.min.js');
  } catch {
    throw new Error('找不到 axe-core：npm install -D axe-core@^4');
  }
}

export interface AxeFinding {
  id: string;
  impact: string;
  help: string;
  /** CSS selectors of the failing elements (the first few) with axe's note on the first one. */
  targets: string[];
  nodes: number;
  summary: string;
}

export interface AxeReport {
  /** Elements failing WCAG 2.1 AA colour contrast (4.5:1 for text, 3:1 for large text). */
  contrast: number;
  /** Every violation of impact serious or critical (colour contrast included). */
  serious: AxeFinding[];
}

/** Runs axe-core's WCAG 2.0/2.1 A and AA rules (and its best practices) over the whole page. */
export async function runAxe(page: Page): Promise<AxeReport> {
  if (!(await page.evaluate(() => 'axe' in globalThis))) {
    // Evaluated through the DevTools protocol rather than added as a <script> tag: the public pages'
    // Content-Security-Policy (script-src 'self') refuses an inline script and logs an error.
    await page.evaluate(fs.readFileSync(axeScript(), 'utf8'));
  }
  const violations = await page.evaluate(async () => {
    const g = globalThis as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: any[] }> }; document: unknown };
    const r = await g.axe.run(g.document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return r.violations.map((v) => ({
      id: v.id as string,
      impact: (v.impact ?? 'minor') as string,
      help: v.help as string,
      nodes: v.nodes.length as number,
      targets: v.nodes.slice(0, 5).map((n: any) => String(n.target.join(' '))),
      summary: String(v.nodes[0]?.failureSummary ?? '').replace(/\s+/g, ' ').slice(0, 300),
    }));
  });
  return {
    contrast: violations.find((v) => v.id === 'color-contrast')?.nodes ?? 0,
    serious: violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'),
  };
}

/** One line per finding, for a failure message or the bench's output. */
export function describeFindings(findings: AxeFinding[]): string {
  return findings.map((f) => `  ${f.impact} ${f.id} ×${f.nodes}: ${f.help} — ${f.targets.join(' | ')}${f.summary ? ` — ${f.summary}` : ''}`).join('\n');
}
