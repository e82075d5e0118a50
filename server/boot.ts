/** Opens and prepares the database: migrate, seed the official holiday calendar. */
import { openDatabase, type DatabaseHandle } from './db/dialect.js';
import { migrateToLatest } from './db/migrate.js';
import { seedOfficialCalendar } from './calendar/calendar.repository.js';

export async function openPreparedDatabase(url: string | undefined): Promise<DatabaseHandle> {
  const handle = openDatabase(url);
  try {
    await migrateToLatest(handle.db);
    await seedOfficialCalendar(handle.db, new Date().toISOString());
  } catch (e) {
    await handle.close();
    throw e;
  }
  return handle;
}
