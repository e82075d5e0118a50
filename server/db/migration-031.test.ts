import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { DIALECTS, TEST_DATA_KEY } from '../test/harness.js';
import { pgAdmin, pgUrlFor } from '../test/templates.js';
import { openDatabase, type DatabaseHandle } from './dialect.js';
import { migrateTo, migrateToLatest } from './migrate.js';
import { newCaseRow, NO_OUTCOME_YET, type NewCase } from '../cases/case.repository.js';
import { setDataKey } from '../security/pii.js';

/**
 * Migration 031 on a database that already holds cases: every department row gets its case's
 * deadline, and from then on the triggers keep it (a county upgrading keeps its overdue lists).
 */
describe.each(DIALECTS)('migration 031 on existing data (%s)', (kind) => {
  let handle: DatabaseHandle;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    setDataKey(TEST_DATA_KEY);
    if (kind === 'postgres') {
      const admin = process.env.TEST_DATABASE_URL!;
      const name = `bcs_m031_${randomBytes(4).toString('hex')}`;
      await pgAdmin(admin, (c) => c.query(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'`));
      handle = openDatabase(pgUrlFor(admin, name));
      drop = () => pgAdmin(admin, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined);
    } else {
      const file = path.join(os.tmpdir(), `bcs-m031-${process.pid}-${randomBytes(4).toString('hex')}.db`);
      handle = openDatabase(`sqlite:${file}`);
      drop = async () => {
        for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
      };
    }
  });
  afterAll(async () => {
    await handle.close();
    await drop();
  });

  const at = '2026-11-20T02:00:00.000Z';
  const aCase = (seq: number, status: NewCase['status'], dueAt: string | null): NewCase => ({
    caseNo: `2026-${String(seq).padStart(6, '0')}`,
    year: 2026,
    seq,
    channel: 'window',
    status,
    level: dueAt ? 2 : null,
    problemType: dueAt ? 'process' : null,
    leadDepartment: dueAt ? 'scjgj' : null,
    coDepartments: [],
    namedDepartments: ['scjgj'],
    reporter: { name: '张三', phone: '13800001234', kind: 'person', orgName: null, orgCode: null },
    matter: '个体工商户设立登记',
    description: '办理营业执照时被告知缺少材料。',
    reason: null,
    receivedAt: at,
    receivedDate: '2026-11-20',
    createdBy: 'clerk',
    dueAt,
    dueProvisional: false,
    deadlineStartAt: dueAt ? at : null,
    deadlineDays: dueAt ? 5 : null,
    ...NO_OUTCOME_YET,
    updatedAt: at,
  });

  it('fills every department row with its case\'s deadline, then keeps it', async () => {
    const db = handle.db;
    await migrateTo(db, '030-status-index-with-clocks');
    await db.insertInto('departments').values([
      { code: 'scjgj', name: '市场监督管理局', disabled: 0, created_at: at },
      { code: 'rsj', name: '人社局', disabled: 0, created_at: at },
    ]).execute();
    const rows = [aCase(1, 'in_progress', '2026-11-27T09:00:00.000Z'), aCase(2, 'received', null), aCase(3, 'closed', '2026-11-25T09:00:00.000Z')];
    for (const r of rows) await db.insertInto('cases').values(newCaseRow(r)).execute();
    const ids = (await db.selectFrom('cases').select(['id', 'case_no']).orderBy('id').execute()).map((r) => r.id);
    await db.insertInto('case_departments').values([
      { case_id: ids[0]!, department_code: 'scjgj', role: 'lead' },
      { case_id: ids[0]!, department_code: 'rsj', role: 'co' },
      { case_id: ids[2]!, department_code: 'scjgj', role: 'lead' },
    ] as never).execute();

    expect(await migrateToLatest(db)).toContain('031-department-rows-with-deadline');
    if (kind === 'postgres') {
      // The rewritten table is vacuumed once the migrations committed (migrateToLatest).
      const vacuumed = await sql<{ at: string | null }>`select last_vacuum as at from pg_stat_user_tables where relname = 'case_departments'`.execute(db);
      expect(vacuumed.rows[0]?.at).not.toBeNull();
    }
    const deadlines = async () =>
      (await sql<{ case_id: number; department_code: string; due_at: string | null; status: string }>`select case_id, department_code, due_at, status from case_departments order by case_id, department_code`.execute(db)).rows;
    expect(await deadlines()).toEqual([
      { case_id: ids[0], department_code: 'rsj', due_at: '2026-11-27T09:00:00.000Z', status: 'in_progress' },
      { case_id: ids[0], department_code: 'scjgj', due_at: '2026-11-27T09:00:00.000Z', status: 'in_progress' },
      { case_id: ids[2], department_code: 'scjgj', due_at: '2026-11-25T09:00:00.000Z', status: 'closed' },
    ]);
    // The triggers: an extension moves the deadline; a new department row takes it; both at once.
    await db.updateTable('cases').set({ due_at: '2026-12-04T09:00:00.000Z' }).where('id', '=', ids[0]!).execute();
    await db.updateTable('cases').set({ status: 'assigned', due_at: '2026-12-01T09:00:00.000Z', level: 2 }).where('id', '=', ids[1]!).execute();
    await db.insertInto('case_departments').values({ case_id: ids[1]!, department_code: 'scjgj', role: 'lead' } as never).execute();
    await db.updateTable('cases').set({ status: 'in_progress' }).where('id', '=', ids[1]!).execute();
    expect(await deadlines()).toEqual([
      { case_id: ids[0], department_code: 'rsj', due_at: '2026-12-04T09:00:00.000Z', status: 'in_progress' },
      { case_id: ids[0], department_code: 'scjgj', due_at: '2026-12-04T09:00:00.000Z', status: 'in_progress' },
      { case_id: ids[1], department_code: 'scjgj', due_at: '2026-12-01T09:00:00.000Z', status: 'in_progress' },
      { case_id: ids[2], department_code: 'scjgj', due_at: '2026-11-25T09:00:00.000Z', status: 'closed' },
    ]);
  });
});
