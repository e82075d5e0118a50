#!/usr/bin/env node
// npm start: serves the API and the web app (HOST, PORT, DATABASE_URL).
import { runTs } from './run-ts.js';

const { startServer } = await runTs('server/main.ts');
await startServer().catch((e) => {
  console.error(`启动失败：${e.message}`);
  process.exit(1);
});
