#!/usr/bin/env node
// Compiles the server and core to JavaScript in build/ for `npm start` (runs on npm install, as the
// web app's build does; skipped when TypeScript is not installed — then bin/run-ts.js falls back to
// tsx). Writes build/.stamp last: a build is used only when complete and newer than every source.
import { cpSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
if (!existsSync(path.join(root, 'server', 'main.ts')) || !existsSync(tsc)) process.exit(0);
const out = path.join(root, 'build');
rmSync(out, { recursive: true, force: true });
const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
if (r.status !== 0) {
  // A type error still emits JavaScript, but a build that does not type-check is not one to run; the
  // installation goes on (the type checks of `npm test` report the error) and npm start uses tsx.
  rmSync(out, { recursive: true, force: true });
  console.error('服务端编译失败（见上）：npm start 将改用 tsx 直接运行 TypeScript');
  process.exit(0);
}
// Files the server reads beside its modules.
cpSync(path.join(root, 'server', 'public', 'pages'), path.join(out, 'server', 'public', 'pages'), { recursive: true });
writeFileSync(path.join(out, '.stamp'), `${new Date().toISOString()}\n`);
