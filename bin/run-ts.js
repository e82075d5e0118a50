// Loads a server entry point: the compiled JavaScript in build/ (bin/build-server.js, run at
// install) when it is complete and newer than every source file; otherwise the TypeScript itself
// through tsx (development: an edited source is run as it is, never a stale build).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The newest modification time of the sources under `dir` (ms). */
function newestSource(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (/\.(ts|js|html|css)$/.test(e.name)) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

function buildIsCurrent() {
  const stamp = path.join(root, 'build', '.stamp');
  if (!existsSync(stamp)) return false;
  const built = statSync(stamp).mtimeMs;
  return ['server', 'core'].every((d) => newestSource(path.join(root, d)) <= built);
}

let useBuild = null;
let registered = false;

export async function runTs(relative) {
  useBuild ??= buildIsCurrent();
  if (useBuild) return import(pathToFileURL(path.join(root, 'build', relative.replace(/\.ts$/, '.js'))).href);
  if (!registered) {
    const { register } = await import('tsx/esm/api');
    register();
    registered = true;
  }
  return import(pathToFileURL(path.join(root, relative)).href);
}
