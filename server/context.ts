/** What every service needs: the database and an injectable clock. */
import type { Db } from './db/database.js';
import type { DialectKind } from './db/dialect.js';
import { LocalAttachmentStorage, type AttachmentStorage } from './attachments/storage.js';

export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

export interface AppContext {
  db: Db;
  kind: DialectKind;
  clock: Clock;
  /** Where attachments are stored; unset → the folder ./data/attachments (see {@link attachmentStorageOf}). */
  attachments?: AttachmentStorage;
}

let defaultStorage: AttachmentStorage | undefined;
/** The context's attachment storage, or the default folder ./data/attachments (made on first use). */
export function attachmentStorageOf(ctx: AppContext): AttachmentStorage {
  if (ctx.attachments) return ctx.attachments;
  defaultStorage ??= new LocalAttachmentStorage('./data/attachments');
  return defaultStorage;
}
