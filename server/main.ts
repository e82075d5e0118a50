/** config → migrate → listen. */
import { loadConfig, type Config } from './config.js';
import { openPreparedDatabase } from './boot.js';
import { buildApp } from './app.js';
import { systemClock } from './context.js';
import { openAttachmentStorage } from './attachments/storage.js';
import { startJobs } from './jobs/runner.js';
import { serverJobs } from './jobs/jobs.js';
import pino from 'pino';

/**
 * PostgreSQL cancels any statement of the server after 30 s: no request can hold a connection and a
 * core for a minute (issue 17: one list query took 57 s at 10 M cases before migration 024). The
 * guard, not the fix: every list answers in milliseconds by its indexes.
 */
export const STATEMENT_TIMEOUT_MS = 30_000;

/** Starts the server with the given configuration (default: loadConfig() of this process's environment). */
export async function startServer(opts: { config?: Config; banner?: string } = {}) {
  const config = opts.config ?? loadConfig();
  const url = config.databaseUrl;
  const handle = await openPreparedDatabase(url, { configuredKey: config.dataKey, statementTimeoutMs: STATEMENT_TIMEOUT_MS, groupCommit: config.sqliteGroupCommit });
  const attachments = openAttachmentStorage(config.attachments);
  const app = await buildApp(
    { db: handle.db, kind: handle.kind, clock: systemClock, attachments },
    // The request log written to stdout asynchronously: a line waits only for the write before it
    // (under load the lines go out several at a time, not one write each on the request's path);
    // what is still buffered is written at exit (pino flushes it), a kill -9 may lose the last lines.
    { logger: { level: config.logLevel, stream: pino.destination({ dest: 1, sync: false }) }, webRoot: config.webRoot, trustProxy: config.trustProxy, secureCookies: config.secureCookies, chartFonts: config.chartFonts },
  );
  const ctx = { db: handle.db, kind: handle.kind, clock: systemClock, attachments };
  const jobs = config.jobs ? startJobs(ctx, serverJobs(config), (m) => app.log.error(m)) : null;
  const close = async () => {
    await jobs?.stop();
    await app.close();
    await handle.close();
    process.exit(0);
  };
  process.once('SIGINT', close);
  process.once('SIGTERM', close);
  await app.listen({ host: config.host, port: config.port });
  const where = `http://${config.host}:${config.port}`;
  console.log(`办成事已启动：${where}  （数据库：${handle.kind === 'sqlite' ? (url ?? './data/banchengshi.db') : 'PostgreSQL'}）`);
  if (opts.banner) console.log(opts.banner);
  const anyUser = await handle.db.selectFrom('users').select('id').limit(1).executeTakeFirst();
  if (!anyUser) {
    console.log('尚无任何用户。创建第一个系统管理员：npx bcs user add admin --role admin --name 管理员（密码从标准输入读取）；或运行 npm run demo 体验演示数据。');
  }
  return { app, handle };
}
