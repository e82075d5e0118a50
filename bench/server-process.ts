/**
 * The product's server as a process of its own, as `npm start` runs it (`node bin/server.js`:
 * build/ when current), for the benches that load it through HTTP (scale, instances): a free port,
 * the start, the wait for `/api/v1/health`, the stop.
 */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..');

export interface ServerProcess {
  port: number;
  base: string;
  child: ChildProcess;
}

/** A TCP port nothing listens on now (on 127.0.0.1). */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = http.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Starts `bin/server.js` of `root` (another checkout, e.g. a `git archive` of an earlier commit,
 * for a before/after pair) on a free port of 127.0.0.1, with `env` over this process's.
 */
export async function startServerProcess(opts: { env: Record<string, string>; root?: string; stdio?: StdioOptions }): Promise<ServerProcess> {
  const port = await freePort();
  const root = opts.root ?? ROOT;
  const child = spawn(process.execPath, [path.join(root, 'bin', 'server.js')], {
    cwd: root,
    env: { ...process.env, ...opts.env, HOST: '127.0.0.1', PORT: String(port) },
    stdio: opts.stdio ?? ['ignore', 'inherit', 'inherit'],
  });
  return { port, base: `http://127.0.0.1:${port}`, child };
}

/** Waits until the server answers `/api/v1/health` with 200; fails if it exits or takes longer than `timeoutMs`. Answers the ms waited. */
export async function waitHealthy(s: ServerProcess, timeoutMs = 300_000): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    if (s.child.exitCode !== null) throw new Error(`server on ${s.port} exited with ${s.child.exitCode}`);
    const ok = await new Promise<boolean>((r) => {
      http
        .get({ host: '127.0.0.1', port: s.port, path: '/api/v1/health' }, (res) => {
          res.resume();
          r(res.statusCode === 200);
        })
        .on('error', () => r(false));
    });
    if (ok) return Date.now() - t0;
    if (Date.now() - t0 > timeoutMs) throw new Error(`server on ${s.port} did not answer /api/v1/health within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** SIGTERM, then waits for the exit (nothing if it has exited already). */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((r) => {
    child.once('exit', () => r());
    child.kill('SIGTERM');
  });
}
