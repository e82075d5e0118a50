/**
 * No acknowledged intake is lost when the server process is killed (`kill -9`) under load — on
 * SQLite with group commit (server/db/group-commit.ts: transactions are answered only after the
 * commit that carries them), and on PostgreSQL. The server runs as `npm start` runs it, in a
 * process of its own; after the kill, every case whose number was answered is in the database, the
 * numbers have no gaps and the audit chain is intact.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openDatabase } from '../db/dialect.js';
import { verifyAuditChain } from '../audit/audit.repository.js';
import { openSessionDirect } from '../test/factories.js';
import { createTestEnv, DIALECTS, intakeBody, seedBasics, TEST_DATA_KEY_HEX, type TestEnv } from '../test/harness.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function startServer(url: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [path.join(root, 'bin/server.js')], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url, PORT: '0', HOST: '127.0.0.1', BCS_DATA_KEY: TEST_DATA_KEY_HEX, BCS_JOBS: 'off', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 60_000);
    const onData = (d: Buffer) => {
      out += d;
      const m = /Server listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        resolve({ child, port: Number(m[1]) });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d) => (out += d));
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${out}`)));
  });
}

describe.each(DIALECTS)('kill -9 under load on %s', (kind) => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv(kind);
    await seedBasics(env);
  });
  afterAll(() => env.close());

  it('loses no answered intake: every answered number is stored, gap-free, its audit chain intact, every case in the search index', async () => {
    const session = await openSessionDirect(env.ctx.db, 'clerk', new Date());
    const { child, port } = await startServer(env.url);
    const answered: string[] = [];
    let killed = false;
    const failedBeforeKill: string[] = [];
    const loop = async (worker: number) => {
      for (let i = 0; !killed; i++) {
        try {
          const r = await fetch(`http://127.0.0.1:${port}/api/v1/cases`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${session!.token}` },
            body: JSON.stringify(intakeBody({ matter: `断电测试 ${worker}-${i}` })),
          });
          const text = await r.text();
          const caseNo = r.status === 201 ? (JSON.parse(text) as { caseNo?: string }).caseNo : undefined;
          if (caseNo) answered.push(caseNo);
          else if (!killed) failedBeforeKill.push(`${r.status} ${text.slice(0, 200)}`);
        } catch {
          // The connection died with the server.
        }
      }
    };
    const workers = Array.from({ length: 16 }, (_, w) => loop(w));
    // Kill it in the middle of the load, with requests in flight (and, on SQLite, a group waiting).
    const until = Date.now() + 15_000;
    while (answered.length < 150 && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    child.kill('SIGKILL');
    killed = true;
    await Promise.all(workers);
    await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r)));

    expect(failedBeforeKill.slice(0, 3)).toEqual([]);
    expect(answered.length).toBeGreaterThanOrEqual(150);
    const after = openDatabase(env.url);
    try {
      const rows = await after.db.selectFrom('cases').select(['id', 'case_no', 'seq']).orderBy('seq').execute();
      const stored = new Set(rows.map((r) => r.case_no));
      expect(answered.filter((no) => !stored.has(no))).toEqual([]);
      expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
      expect(await verifyAuditChain(after.db)).toMatchObject({ ok: true });
      // Every stored case is findable: its search entry (written at the group's commit on SQLite,
      // in the intake's one statement on PostgreSQL) committed with it.
      const searchId = kind === 'postgres' ? 'case_id' : 'rowid';
      const entries = await sql<{ id: number }>`select ${sql.ref(searchId)} as id from case_search`.execute(after.db);
      expect(entries.rows.map((r) => Number(r.id)).sort((a, b) => a - b)).toEqual(rows.map((r) => r.id).sort((a, b) => a - b));
    } finally {
      await after.close();
    }
  }, 120_000);
});
