/**
 * Print pages (回执, printable 交办单): self-contained HTML with inline CSS, no external
 * resources, a strict Content-Security-Policy that lets through only our own print script.
 */
import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';

export function escapeHtml(s: string | number | null | undefined): string {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Text with its line breaks kept. */
export function escapeLines(s: string | null | undefined): string {
  return escapeHtml(s).replace(/\n/g, '<br>');
}

/** The print button (hidden on paper); `?print=1` opens the print dialog straight away. */
const PRINT_SCRIPT =
  "document.getElementById('print').addEventListener('click',function(){window.print()});" +
  "if(/[?&]print=1(&|$)/.test(location.search)){window.addEventListener('load',function(){window.print()})}";
const SCRIPT_HASH = createHash('sha256').update(PRINT_SCRIPT).digest('base64');

/** Fonts of Chinese official documents, with the fallbacks each platform has. */
export const FONT_STACKS = {
  title: '"方正小标宋简体", "方正小标宋_GBK", "FZXiaoBiaoSong-B05S", "SimSun", "Songti SC", serif',
  heading: '"黑体", "SimHei", "Heiti SC", "Noto Sans CJK SC", sans-serif',
  body: '"仿宋_GB2312", "仿宋", "FangSong", "STFangsong", "Noto Serif CJK SC", serif',
};

export function printPage(opts: { title: string; pageSize: 'A4' | 'A5'; css: string; body: string }): string {
  const margin = opts.pageSize === 'A4' ? '25mm 24mm 24mm 26mm' : '12mm 12mm 12mm 12mm';
  const width = opts.pageSize === 'A4' ? '210mm' : '148mm';
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(opts.title)}</title>
<style>
@page { size: ${opts.pageSize} portrait; margin: ${margin}; }
* { box-sizing: border-box; }
html { background: #f0f0f0; }
body { margin: 0 auto; padding: 12mm; width: ${width}; min-height: 100vh; background: #fff; color: #000;
  font-family: ${FONT_STACKS.body}; font-size: ${opts.pageSize === 'A4' ? '15pt' : '11pt'}; line-height: 1.6; }
h1 { font-family: ${FONT_STACKS.title}; font-weight: normal; text-align: center; margin: 0 0 4mm; }
.toolbar { text-align: right; margin-bottom: 4mm; }
.toolbar button { font-size: 12pt; padding: 4px 16px; cursor: pointer; }
@media print {
  html { background: none; }
  body { width: auto; min-height: 0; padding: 0; margin: 0; }
  .toolbar { display: none; }
}
${opts.css}
</style>
</head>
<body>
<div class="toolbar"><button id="print" type="button">打印</button></div>
${opts.body}
<script>${PRINT_SCRIPT}</script>
</body>
</html>
`;
}

/** Sends a print page: never cached (it carries personal data), locked down by CSP. */
export function sendPrintPage(reply: FastifyReply, html: string): FastifyReply {
  return reply
    .header('Content-Type', 'text/html; charset=utf-8')
    .header('Cache-Control', 'no-store')
    .header('X-Content-Type-Options', 'nosniff')
    .header('Referrer-Policy', 'no-referrer')
    .header(
      'Content-Security-Policy',
      `default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'sha256-${SCRIPT_HASH}'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'`,
    )
    .send(html);
}
