/**
 * 台账 import, step 4: writing a validated ledger. ONE transaction: the case rows (numbers from
 * 编号, dates from the sheet), their department index, an `import` timeline event each, the year
 * counters advanced past the imported numbers, a `case.created` webhook event each (when any
 * receiver is registered), and one audit record for the whole import — all through the case
 * repository. A number already in the database is the same case and is
 * skipped, so importing the same file twice creates nothing new.
 */
import { createHash } from 'node:crypto';
import { isTerminalStatus } from '../../core/clocks.js';
import type { Actor } from '../../core/case-lifecycle.js';
import { formatShanghai } from '../../core/working-days.js';
import type { AppContext } from '../context.js';
import { appendAudit } from '../audit/audit.repository.js';
import { rebuildRollup } from '../stats/rollup.js';
import { backfillStageClocks } from '../cases/stage-backfill.js';
import { addCaseDepartments, appendEvents, existingCaseNos, insertCases, newCaseRow, raiseCounter, type NewCase } from '../cases/case.repository.js';
import { hasWebhooks, queueWebhookEvents } from '../integrations/webhooks.js';
import type { ImportCase, ValidatedLedger } from './ledger-import.validate.js';

/** Above this many new cases the statistics rollup is rebuilt in one statement rather than case by case. */
const ROLLUP_REBUILD_FROM = 500;

export interface ImportResult {
  fileName: string;
  sheet: string;
  /** Data rows in the file. */
  rows: number;
  /** Cases created. */
  imported: number;
  /** Rows whose 编号 was already in the database (the same case): not created again. */
  skipped: number;
  skippedCaseNos: string[];
  /** SM3 of the file, as in the audit record. */
  sm3: string;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The case an imported row becomes, with the history the ledger gives. */
function importedCase(c: ImportCase, actor: Actor, at: string): NewCase {
  // The ledger does not say when the callback or the verification was made: the completion is the nearest date it gives.
  const judgedAt = c.completedAt ?? c.receivedAt;
  return {
    caseNo: c.caseNo,
    year: c.year,
    seq: c.seq,
    channel: c.channel,
    status: c.status,
    level: c.level,
    problemType: c.problemType,
    leadDepartment: c.lead,
    coDepartments: c.co,
    namedDepartments: c.lead ? [c.lead, ...c.co] : [],
    reporter: { name: c.reporter.name, phone: c.reporter.phone, kind: c.reporter.kind, orgName: c.reporter.orgName, orgCode: null },
    matter: c.matter,
    description: c.description,
    reason: c.reason,
    receivedAt: c.receivedAt,
    receivedDate: c.receivedDate,
    createdBy: actor.username,
    dueAt: c.dueAt,
    dueProvisional: false,
    // The 交办日期; no working-day count, so an imported deadline is never recomputed.
    deadlineStartAt: c.assignedAt,
    deadlineDays: null,
    escalatedFrom: c.status === 'escalating' ? (c.lead ? 'assigned' : 'accepted') : null,
    assignmentNo: null,
    firstCompletedAt: c.completedAt,
    firstCompletedOnTime: c.onTime,
    completedAt: c.completedAt,
    closedAt: isTerminalStatus(c.status) ? judgedAt : null,
    resolvedOnSpot: c.resolvedOnSpot,
    result: c.result,
    repliedVia: null,
    rejectCategory: c.rejection?.category ?? null,
    rejectExplanation: c.rejection?.explanation ?? null,
    callback: c.callback
      ? {
          attitude: c.callback.attitude,
          result: c.callback.result,
          efficiency: c.callback.efficiency,
          integrity: c.callback.integrity,
          comment: null,
          bad: c.callback.bad,
          at: judgedAt,
          by: actor.username,
          imported: true,
        }
      : null,
    verification: c.verification
      ? { substantiated: c.verification.substantiated, outcome: c.verification.outcome, note: null, at: judgedAt, by: actor.username, imported: true }
      : null,
    updatedAt: at,
  };
}

/**
 * Writes the validated rows: all in one transaction, numbers already in the database skipped.
 * Holds the year counters' rows (PostgreSQL row locks) from the start, so a concurrent intake
 * of the same year waits and then continues after the highest imported number.
 */
export async function writeImport(
  ctx: AppContext,
  ledger: ValidatedLedger,
  file: { name: string; buffer: Buffer },
  actor: Actor,
): Promise<ImportResult> {
  const now = ctx.clock.now();
  const at = now.toISOString();
  const digest = createHash('sm3').update(file.buffer).digest('hex');
  const base = { fileName: file.name, sheet: ledger.sheet, rows: ledger.dataRows, sm3: digest };

  const before = await existingCaseNos(ctx.db, ledger.rows.map((r) => r.caseNo));
  if (ledger.rows.every((r) => before.has(r.caseNo))) {
    return { ...base, imported: 0, skipped: ledger.rows.length, skippedCaseNos: ledger.rows.map((r) => r.caseNo).slice(0, 200) };
  }

  return ctx.db.transaction().execute(async (trx) => {
    // Counters first: on PostgreSQL this takes the rows' locks, so intakes of these years queue behind us.
    const maxSeq = new Map<number, number>();
    for (const r of ledger.rows) maxSeq.set(r.year, Math.max(maxSeq.get(r.year) ?? 0, r.seq));
    for (const [year, value] of [...maxSeq].sort((a, b) => a[0] - b[0])) await raiseCounter(trx, 'case', year, value);
    const existing = await existingCaseNos(trx, ledger.rows.map((r) => r.caseNo));
    const fresh = ledger.rows.filter((r) => !existing.has(r.caseNo));
    const skipped = ledger.rows.filter((r) => existing.has(r.caseNo)).map((r) => r.caseNo);
    const by = { username: actor.username, name: actor.name, role: actor.role };

    const rebuild = fresh.length > ROLLUP_REBUILD_FROM;
    const createdIds: number[] = [];
    for (const part of chunks(fresh, 200)) {
      const idOf = await insertCases(trx, part.map((c) => newCaseRow(importedCase(c, actor, at))), { rollup: !rebuild });
      for (const c of part) createdIds.push(idOf.get(c.caseNo)!);
      await addCaseDepartments(trx, part.map((c) => ({ caseId: idOf.get(c.caseNo)!, lead: c.lead, co: c.co })));
      await appendEvents(
        trx,
        part.map((c) => ({
          caseId: idOf.get(c.caseNo)!,
          event: {
            type: 'import',
            at,
            by,
            data: {
              fileName: file.name,
              sheet: ledger.sheet,
              row: c.row,
              status: c.status,
              // The dates the ledger gave, as the history the case had before the platform.
              history: {
                receivedAt: formatShanghai(new Date(c.receivedAt)),
                assignedAt: c.assignedAt ? formatShanghai(new Date(c.assignedAt)) : null,
                dueAt: c.dueAt ? formatShanghai(new Date(c.dueAt)) : null,
                completedAt: c.completedAt ? formatShanghai(new Date(c.completedAt)) : null,
              },
            },
          },
        })),
      );
    }
    // The statistics' per-day rollup must count the imported cases too.
    if (rebuild) await rebuildRollup(trx);
    // Imported cases still waiting for triage, a callback or a verification get their stage clock.
    if (fresh.length) await backfillStageClocks(trx);
    // A receiver of webhooks hears of each imported case as of any other new one (`case.created`), after commit.
    if (createdIds.length && (await hasWebhooks(trx))) {
      for (const caseId of createdIds.sort((a, b) => a - b)) await queueWebhookEvents(trx, { caseId, at, from: null, action: 'import' });
    }
    if (fresh.length) {
      await appendAudit(trx, {
        at,
        actor: actor.username,
        action: 'ledger.import',
        entityType: 'ledger',
        entityId: null,
        data: { fileName: file.name, sm3: digest, bytes: file.buffer.length, sheet: ledger.sheet, rows: ledger.dataRows, imported: fresh.length, skipped: skipped.length },
      });
    }
    return { ...base, imported: fresh.length, skipped: skipped.length, skippedCaseNos: skipped.slice(0, 200) };
  });
}
