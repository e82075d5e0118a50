/**
 * 事项目录 and learned triage suggestions (issue 15, part B). Frozen: written against Kysely<any>;
 * change the schema with a new migration.
 *
 * - `matters`: the 政务服务事项目录 — `code` (unique), `name`, the owning `department_code`.
 * - `cases.matter_code`: the catalogue matter chosen at intake (null when none; free text stays in `matter`).
 * - `triage_models`: each trained suggestion model (core/triage-model.ts, serialised JSON), newest
 *   `id` is the one every instance answers from; counts, held-out accuracy and training time beside it.
 * - `job_claims`: one row per scheduled job; an instance runs the job only when its conditional
 *   update of `next_at` succeeds, so a scheduled run happens once across instances.
 */
import type { Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  await db.schema
    .createTable('matters')
    .addColumn('code', 'text', (c: any) => c.primaryKey())
    .addColumn('name', 'text', (c: any) => c.notNull())
    .addColumn('department_code', 'text', (c: any) => c.notNull().references('departments.code'))
    .addColumn('created_at', 'text', (c: any) => c.notNull())
    .execute();
  await db.schema.createIndex('matters_name').on('matters').column('name').execute();
  await db.schema.alterTable('cases').addColumn('matter_code', 'text', (c: any) => c.references('matters.code')).execute();
  await db.schema.createIndex('cases_matter_code').on('cases').columns(['matter_code', 'received_date']).execute();
  const models = db.schema.createTable('triage_models');
  await (pg ? models.addColumn('id', 'serial', (c: any) => c.primaryKey()) : models.addColumn('id', 'integer', (c: any) => c.primaryKey().autoIncrement()))
    .addColumn('trained_at', 'text', (c: any) => c.notNull())
    .addColumn('problem_type_cases', 'integer', (c: any) => c.notNull())
    .addColumn('department_cases', 'integer', (c: any) => c.notNull())
    /** JSON: held-out top-1/top-3 per target (core/triage-model.ts TriageAccuracy). */
    .addColumn('accuracy', 'text', (c: any) => c.notNull())
    .addColumn('training_ms', 'integer', (c: any) => c.notNull())
    .addColumn('model', 'text', (c: any) => c.notNull())
    .execute();
  await db.schema
    .createTable('job_claims')
    .addColumn('name', 'text', (c: any) => c.primaryKey())
    .addColumn('next_at', 'text', (c: any) => c.notNull())
    .addColumn('claimed_at', 'text')
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
