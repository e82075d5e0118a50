/**
 * Scheduled backups: with the setting `backupHour` (Asia/Shanghai, null: off), once a day after that
 * hour one instance — whichever first claims the day's row in `backup_runs` (a conditional insert,
 * so exactly one across instances) — writes `bcs-<date>.bcsbak` into `backupDir` with
 * {@link writeBackup}, then deletes the oldest such files beyond `backupKeep`. A failed run is
 * recorded in its row (and logged); the next day's slot runs again.
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import { attachmentStorageOf, type AppContext } from '../context.js';
import type { Job } from '../jobs/runner.js';
import { getSettings } from '../settings/settings.repository.js';
import { shanghaiDate } from '../../core/working-days.js';
import { writeBackup } from './backup.js';

const FILE = /^bcs-\d{4}-\d{2}-\d{2}\.bcsbak$/;

/** Deletes the oldest scheduled backup files of `dir` beyond `keep`; answers the names deleted. */
export async function pruneBackups(dir: string, keep: number): Promise<string[]> {
  const names = (await fsp.readdir(dir).catch(() => [] as string[])).filter((n) => FILE.test(n)).sort();
  const old = names.slice(0, Math.max(0, names.length - keep));
  for (const n of old) await fsp.rm(path.join(dir, n), { force: true });
  return old;
}

/** One check: writes today's backup when it is due and this instance claims it; answers 1 if it wrote one. */
export async function runScheduledBackup(ctx: AppContext, databaseUrl: string | undefined): Promise<number> {
  const s = await getSettings(ctx.db);
  if (s.backupHour === null) return 0;
  const now = ctx.clock.now();
  const hour = new Date(now.getTime() + 8 * 3600_000).getUTCHours();
  if (hour < s.backupHour) return 0;
  const slot = shanghaiDate(now);
  const at = now.toISOString();
  const claimed = await ctx.db.insertInto('backup_runs').values({ slot, started_at: at, finished_at: null, file: null, error: null }).onConflict((oc) => oc.column('slot').doNothing()).returning('slot').executeTakeFirst();
  if (!claimed) return 0;
  const file = path.join(s.backupDir, `bcs-${slot}.bcsbak`);
  try {
    await writeBackup({ databaseUrl, db: ctx.db, storage: attachmentStorageOf(ctx), file, at, actor: 'system' });
    await ctx.db.updateTable('backup_runs').set({ finished_at: ctx.clock.now().toISOString(), file }).where('slot', '=', slot).execute();
  } catch (e) {
    await ctx.db.updateTable('backup_runs').set({ error: String((e as Error).message).slice(0, 1000) }).where('slot', '=', slot).execute();
    throw new Error(`定时备份失败：${(e as Error).message}`);
  }
  await pruneBackups(s.backupDir, s.backupKeep);
  return 1;
}

export function scheduledBackupJob(databaseUrl: string | undefined): Job {
  return { name: 'scheduled-backup', everyMs: 5 * 60_000, run: (ctx) => runScheduledBackup(ctx, databaseUrl) };
}
