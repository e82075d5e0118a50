/**
 * 台账 import: a county's existing Excel ledger becomes cases with their historical state.
 *
 * Validation comes first and is complete: every bad cell of every row is reported (row, column,
 * Chinese message) and nothing is written while any is bad. A good file is written in ONE
 * transaction through the case repository. The steps, one module each:
 *
 * - ledger-import.read.ts — opening the workbook, reading cells, finding the ledger sheet;
 * - ledger-import.words.ts — the ledger's Chinese headers and values → our codes;
 * - ledger-import.validate.ts — every row checked, the cases or the issues (pure, never writes);
 * - ledger-import.write.ts — one transaction: cases, departments, events, counters, audit.
 */
export { MAX_IMPORT_BYTES, MAX_IMPORT_ROWS, openWorkbook, locateLedger, type ImportIssue, type SheetLayout } from './ledger-import.read.js';
export { validateLedger, type ImportCase, type ValidatedLedger } from './ledger-import.validate.js';
export { writeImport, type ImportResult } from './ledger-import.write.js';
