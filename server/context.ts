/** What every service needs: the database and an injectable clock. */
import type { Db } from './db/database.js';
import type { DialectKind } from './db/dialect.js';

export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

export interface AppContext {
  db: Db;
  kind: DialectKind;
  clock: Clock;
}
