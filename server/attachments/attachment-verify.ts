/**
 * The integrity check of stored files (`bcs audit verify`): every attachment is read again from
 * storage and its SM3 compared with the one in its audit record (`case.attachment_added`), which
 * the audit chain protects. A changed byte, a missing object or a row whose SM3 was altered are
 * named. Streams each file; holds none whole in memory.
 */
import { createHash } from 'node:crypto';
import type { Executor } from '../db/database.js';
import type { AttachmentStorage } from './storage.js';
import { listAllAttachments } from './attachment.repository.js';

export interface FileProblem {
  attachmentId: number;
  caseId: number;
  name: string;
  problem: string;
}

/** SM3 of each attachment as its audit record holds it, by attachment id. */
async function auditedSm3(db: Executor): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  let after = 0;
  for (;;) {
    const rows = await db.selectFrom('audit_log').select(['seq', 'data']).where('action', '=', 'case.attachment_added').where('seq', '>', after).orderBy('seq').limit(2000).execute();
    for (const r of rows) {
      try {
        const d = JSON.parse(r.data) as { attachmentId?: number; sm3?: string };
        if (typeof d.attachmentId === 'number' && typeof d.sm3 === 'string') out.set(d.attachmentId, d.sm3);
      } catch {
        /* a damaged record is the chain's finding */
      }
    }
    if (rows.length < 2000) return out;
    after = rows[rows.length - 1]!.seq;
  }
}

/** Re-reads every stored file; answers the number checked and the problems found (empty = all intact). */
export async function verifyAttachmentFiles(db: Executor, storage: AttachmentStorage): Promise<{ files: number; problems: FileProblem[] }> {
  const audited = await auditedSm3(db);
  const problems: FileProblem[] = [];
  let files = 0;
  let after = 0;
  for (;;) {
    const rows = await listAllAttachments(db, after, 200);
    for (const a of rows) {
      files += 1;
      const named = { attachmentId: a.id, caseId: a.case_id, name: a.name };
      const expected = audited.get(a.id);
      if (!expected) {
        problems.push({ ...named, problem: '没有对应的审计记录' });
        continue;
      }
      if (expected !== a.sm3) problems.push({ ...named, problem: '附件记录中的 SM3 与审计记录不符' });
      let actual: string;
      try {
        const hash = createHash('sm3');
        for await (const chunk of await storage.read(a.storage_key)) hash.update(chunk as Buffer);
        actual = hash.digest('hex');
      } catch {
        problems.push({ ...named, problem: '存储中找不到该文件' });
        continue;
      }
      if (actual !== expected) problems.push({ ...named, problem: `文件内容的 SM3（${actual.slice(0, 12)}…）与审计记录（${expected.slice(0, 12)}…）不符，文件已被改动` });
    }
    if (rows.length < 200) return { files, problems };
    after = rows[rows.length - 1]!.id;
  }
}
