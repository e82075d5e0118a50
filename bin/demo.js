#!/usr/bin/env node
// npm run demo: the server on a fresh throw-away database full of demo data.
import { runTs } from './run-ts.js';

const { runDemo } = await runTs('server/demo/demo.ts');
await runDemo().catch((e) => {
  console.error(`演示启动失败：${e.stack ?? e.message}`);
  process.exit(1);
});
