/**
 * Webhook delivery lag under load: 50 intakes a second (default 20 s) through the case service,
 * each queuing a `case.created` event for one receiver on 127.0.0.1, delivered by the webhook job
 * as the server runs it (every instance, every 250 ms). Prints p50/p95/max of the lag from the
 * event's commit to its arrival at the receiver, on SQLite and (with BENCH_PG_URL or
 * TEST_DATABASE_URL) PostgreSQL.
 *
 *   npx tsx bench/webhook-lag.bench.ts
 *   BENCH_SECONDS=60 BENCH_RATE=50 npx tsx bench/webhook-lag.bench.ts
 */
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import http from 'node:http';
import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { openPreparedDatabase } from '../server/boot.js';
import { systemClock, type AppContext } from '../server/context.js';
import { intakeCase } from '../server/cases/case.service.js';
import { startJobs } from '../server/jobs/runner.js';
import { webhookDeliveryJob } from '../server/integrations/webhooks.js';
import { putSettings } from '../server/settings/settings.repository.js';
import type { Actor } from '../core/case-lifecycle.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const RATE = Number(process.env.BENCH_RATE ?? 50);
const CLERK: Actor = { userId: 1, username: 'bench', name: '压测', role: 'clerk', department: null };

const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

async function run(kind: string, url: string): Promise<void> {
  const handle = await openPreparedDatabase(url, { dataKey: crypto.randomBytes(32) });
  const ctx: AppContext = { db: handle.db, kind: handle.kind, clock: systemClock };
  const committed = new Map<number, number>();
  const lags: number[] = [];
  const arrived = new Map<number, number>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const t = Date.now();
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { case: { id: number } };
      arrived.set(body.case.id, t);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  await putSettings(ctx.db, { webhookAllowPrivateNetworks: true }, new Date().toISOString());
  await ctx.db.insertInto('webhooks').values({ url: `http://127.0.0.1:${port}/hook`, events: '["case.created"]', secret: 'bench-secret-0123456789', created_at: new Date().toISOString(), created_by: 'bench', deleted_at: null }).execute();
  const jobs = startJobs(ctx, [webhookDeliveryJob]);
  const total = SECONDS * RATE;
  const started = Date.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / RATE;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pending.push(
      intakeCase(ctx, { channel: 'hotline', reporter: { name: '张三', phone: '13800001234', kind: 'person' }, matter: '个体工商户设立登记', description: '压测：办理营业执照被要求提供房屋产权证明。', externalRef: { system: '12345', id: `BENCH-${i}` } }, CLERK).then((r) => {
        // The intake resolves after its commit (and a read of the case): an upper bound of the commit time.
        committed.set(r.record.id, Date.now());
      }),
    );
  }
  await Promise.all(pending);
  const achieved = total / ((Date.now() - started) / 1000);
  const deadline = Date.now() + 30_000;
  while (arrived.size < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  await jobs.stop();
  server.close();
  for (const [id, t] of committed) {
    const a = arrived.get(id);
    if (a !== undefined) lags.push(Math.max(0, a - t));
  }
  lags.sort((a, b) => a - b);
  console.log(
    `${kind}: ${total} intakes at ${achieved.toFixed(1)}/s; ${lags.length} delivered; commit → receiver p50 ${pct(lags, 50)} ms, p95 ${pct(lags, 95)} ms, max ${lags[lags.length - 1]} ms`,
  );
  await handle.close();
}

async function main(): Promise<void> {
  const file = path.join(os.tmpdir(), `bcs-webhook-bench-${process.pid}.db`);
  try {
    await run('SQLite', `sqlite:${file}`);
  } finally {
    for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
  }
  const admin = process.env.BENCH_PG_URL ?? process.env.TEST_DATABASE_URL;
  if (admin) {
    const name = `bcs_webhook_bench_${process.pid}`;
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    await c.query(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'`);
    const u = new URL(admin);
    u.pathname = `/${name}`;
    try {
      await run('PostgreSQL', u.toString());
    } finally {
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    }
  }
}

void main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
