/** config → migrate → listen. */
import { loadConfig } from './config.js';
import { openPreparedDatabase } from './boot.js';
import { buildApp } from './app.js';
import { systemClock } from './context.js';
import { startJobs } from './jobs/runner.js';
import { JOBS } from './jobs/jobs.js';

export async function startServer(overrides: { databaseUrl?: string; banner?: string } = {}) {
  const config = loadConfig();
  const url = overrides.databaseUrl ?? config.DATABASE_URL;
  const handle = await openPreparedDatabase(url);
  const app = await buildApp(
    { db: handle.db, kind: handle.kind, clock: systemClock },
    { logger: { level: config.LOG_LEVEL }, webRoot: config.WEB_ROOT, trustProxy: config.TRUST_PROXY },
  );
  const ctx = { db: handle.db, kind: handle.kind, clock: systemClock };
  const jobs = process.env.BCS_JOBS === 'off' ? null : startJobs(ctx, JOBS, (m) => app.log.error(m));
  const close = async () => {
    await jobs?.stop();
    await app.close();
    await handle.close();
    process.exit(0);
  };
  process.once('SIGINT', close);
  process.once('SIGTERM', close);
  await app.listen({ host: config.HOST, port: config.PORT });
  const where = `http://${config.HOST}:${config.PORT}`;
  console.log(`办成事已启动：${where}  （数据库：${handle.kind === 'sqlite' ? (url ?? './data/banchengshi.db') : 'PostgreSQL'}）`);
  if (overrides.banner) console.log(overrides.banner);
  const anyUser = await handle.db.selectFrom('users').select('id').limit(1).executeTakeFirst();
  if (!anyUser) {
    console.log('尚无任何用户。创建第一个系统管理员：npx bcs user add admin --role admin --name 管理员（密码从标准输入读取）；或运行 npm run demo 体验演示数据。');
  }
  return { app, handle };
}
