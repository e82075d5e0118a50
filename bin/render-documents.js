#!/usr/bin/env node
// Pictures of the case documents for the README: node bin/render-documents.js (needs LibreOffice
// and poppler-utils: apt-get install -y libreoffice-writer-nogui poppler-utils fonts-wqy-zenhei).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTs } from './run-ts.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { renderDocumentPictures } = await runTs('server/documents/render-documents.ts');
try {
  const pages = await renderDocumentPictures(root);
  for (const [kind, n] of Object.entries(pages)) console.log(`docs/documents/${kind}.png  （PDF 共 ${n} 页）`);
} catch (e) {
  console.error(`文书渲染失败：${e.stack ?? e.message}`);
  process.exit(1);
}
