#!/usr/bin/env node
// `npm test`: the type checks (server + core, web, e2e) run beside the test run instead of before
// it — on two cores the tests spend much of their time waiting on databases and the browser. Any
// failure fails the whole; the type checks' output is printed before the tests' closing lines.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (pkg, file) => path.join(root, 'node_modules', pkg, file);

function run(args, capture) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    let out = '';
    if (capture) {
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
    }
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

async function typecheck() {
  const results = [];
  for (const project of ['tsconfig.json', 'web/tsconfig.json', 'web/tsconfig.node.json', 'e2e/tsconfig.json']) {
    const r = await run([bin('typescript', 'bin/tsc'), '--noEmit', '-p', project], true);
    results.push({ project, ...r });
  }
  return results;
}

const checks = typecheck().then((results) => {
  for (const r of results) {
    process.stdout.write(`类型检查 ${r.project}：${r.code === 0 ? '通过' : '失败'}\n${r.out}`);
  }
  return results.every((r) => r.code === 0);
});
const tests = run([bin('vitest', 'vitest.mjs'), 'run', ...process.argv.slice(2)], false);
const [typesOk, t] = await Promise.all([checks, tests]);
if (!typesOk) process.stdout.write('类型检查失败（见上）\n');
process.exit(typesOk && t.code === 0 ? 0 : 1);
