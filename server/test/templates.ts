/**
 * Template test databases: one SQLite file and (with TEST_DATABASE_URL) one PostgreSQL database,
 * each migrated and prepared by openPreparedDatabase with the test data key, then closed. A test
 * database cloned from one is what openPreparedDatabase makes of an empty database.
 */
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPreparedDatabase } from '../boot.js';

/** The data key every test database is sealed with (server/security/pii.ts). */
export const TEST_DATA_KEY_HEX = '62637320746573742064617461206b65792c206e6f7420666f722070726f6421';
export const TEST_DATA_KEY = Buffer.from(TEST_DATA_KEY_HEX, 'hex');

export interface Templates {
  /** A closed, prepared SQLite database file to copy. */
  sqlite?: string;
  /** The name of a prepared PostgreSQL database (on TEST_DATABASE_URL's server) to clone. */
  postgres?: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    bcsTemplates: Templates;
  }
}

export function pgUrlFor(admin: string, name: string): string {
  const u = new URL(admin);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function pgAdmin<T>(admin: string, f: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    return await f(client);
  } finally {
    await client.end();
  }
}

export async function createTemplates(pgAdminUrl: string | undefined): Promise<{ templates: Templates; drop: () => Promise<void> }> {
  const tag = `${process.pid}_${randomBytes(4).toString('hex')}`;
  const file = path.join(os.tmpdir(), `bcs-template-${tag}.db`);
  const sqlite = await openPreparedDatabase(`sqlite:${file}`, { dataKey: TEST_DATA_KEY });
  await sqlite.close();
  for (const f of [`${file}-wal`, `${file}-shm`]) if (fs.existsSync(f)) throw new Error(`SQLite template not checkpointed: ${f}`);
  const templates: Templates = { sqlite: file };
  let pgName: string | undefined;
  if (pgAdminUrl) {
    pgName = `bcs_tpl_${tag}`;
    await pgAdmin(pgAdminUrl, (c) => c.query(`CREATE DATABASE ${pgName} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'`));
    const handle = await openPreparedDatabase(pgUrlFor(pgAdminUrl, pgName), { dataKey: TEST_DATA_KEY });
    await handle.close();
    templates.postgres = pgName;
  }
  return {
    templates,
    drop: async () => {
      fs.rmSync(file, { force: true });
      if (pgAdminUrl && pgName) await pgAdmin(pgAdminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${pgName} WITH (FORCE)`));
    },
  };
}
