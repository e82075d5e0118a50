/**
 * The integrity check of stored files (`bcs audit verify`): every case attachment and every source
 * document of the 知识库 is read again from storage and its SM3 compared with the one in its audit
 * record (`case.attachment_added`, `knowledge.file_added`), which the audit chain protects. A changed
 * byte, a missing object or a row whose SM3 was altered are named. Streams each file; holds none
 * whole in memory.
 */
import { createHash } from 'node:crypto';
import type { Executor } from '../db/database.js';
import type { AttachmentStorage } from './storage.js';
import { listAllAttachments } from './attachment.repository.js';

export interface FileProblem {
  /** Which file, for the operator: 'attachment 3 (case 5, 证据.pdf)' or 'knowledge file 2 (entry 7, 原件.pdf)'. */
  file: string;
  problem: string;
}

/** SM3 of each stored file as its audit record holds it, by the file's id under `idKey`. */
async function auditedSm3(db: Executor, action: string, idKey: string): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  let after = 0;
  for (;;) {
    const rows = await db.selectFrom('audit_log').select(['seq', 'data']).where('action', '=', action).where('seq', '>', after).orderBy('seq').limit(2000).execute();
    for (const r of rows) {
      try {
        const d = JSON.parse(r.data) as Record<string, unknown>;
        const id = d[idKey];
        if (typeof id === 'number' && typeof d.sm3 === 'string') out.set(id, d.sm3);
      } catch {
        /* a damaged record is the chain's finding */
      }
    }
    if (rows.length < 2000) return out;
    after = rows[rows.length - 1]!.seq;
  }
}

interface StoredFile {
  id: number;
  sm3: string;
  storage_key: string;
  label: string;
}

/** Checks one kind of stored file, page by page; adds to `problems`, answers how many were read. */
async function checkFiles(storage: AttachmentStorage, audited: Map<number, string>, page: (after: number) => Promise<StoredFile[]>, problems: FileProblem[]): Promise<number> {
  let files = 0;
  let after = 0;
  for (;;) {
    const rows = await page(after);
    for (const a of rows) {
      files += 1;
      const expected = audited.get(a.id);
      if (!expected) {
        problems.push({ file: a.label, problem: '没有对应的审计记录' });
        continue;
      }
      if (expected !== a.sm3) problems.push({ file: a.label, problem: '文件记录中的 SM3 与审计记录不符' });
      let actual: string;
      try {
        const hash = createHash('sm3');
        for await (const chunk of await storage.read(a.storage_key)) hash.update(chunk as Buffer);
        actual = hash.digest('hex');
      } catch {
        problems.push({ file: a.label, problem: '存储中找不到该文件' });
        continue;
      }
      if (actual !== expected) problems.push({ file: a.label, problem: `文件内容的 SM3（${actual.slice(0, 12)}…）与审计记录（${expected.slice(0, 12)}…）不符，文件已被改动` });
    }
    if (rows.length < 200) return files;
    after = rows[rows.length - 1]!.id;
  }
}

/** Re-reads every stored file; answers the number checked and the problems found (empty = all intact). */
export async function verifyAttachmentFiles(db: Executor, storage: AttachmentStorage): Promise<{ files: number; problems: FileProblem[] }> {
  const problems: FileProblem[] = [];
  const attachments = await checkFiles(
    storage,
    await auditedSm3(db, 'case.attachment_added', 'attachmentId'),
    async (after) => (await listAllAttachments(db, after, 200)).map((a) => ({ ...a, label: `attachment ${a.id} (case ${a.case_id}, ${a.name})` })),
    problems,
  );
  const knowledge = await checkFiles(
    storage,
    await auditedSm3(db, 'knowledge.file_added', 'fileId'),
    async (after) =>
      (await db.selectFrom('knowledge_files').select(['id', 'knowledge_id', 'name', 'sm3', 'storage_key']).where('id', '>', after).orderBy('id').limit(200).execute()).map((f) => ({
        ...f,
        label: `knowledge file ${f.id} (entry ${f.knowledge_id}, ${f.name})`,
      })),
    problems,
  );
  return { files: attachments + knowledge, problems };
}
