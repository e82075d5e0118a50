/**
 * 一件事一次办 package commands: validate against the database (departments exist, every source
 * case may be a package source — core/catalogue.ts), then one transaction with its audit record.
 */
import { canBePackageSource } from '../../core/catalogue.js';
import type { Actor } from '../../core/case-lifecycle.js';
import type { AppContext } from '../context.js';
import type { Executor } from '../db/database.js';
import { notFound, validation } from '../errors.js';
import { appendAudit } from '../audit/audit.repository.js';
import { findKnownDepartments } from '../cases/case.repository.js';
import { findCaseHeads, findPackage, insertPackage, updatePackage, type PackageFields, type PackageRecord } from './package.repository.js';

type Who = Pick<Actor, 'username'>;

export type PackageWithSources = PackageRecord & { sources: Array<{ id: number; caseNo: string; matter: string }> };

/** Adds `sources: [{id, caseNo, matter}]` to packages (one query for all of them). */
export async function withSources(db: Executor, packages: PackageRecord[]): Promise<PackageWithSources[]> {
  const rows = await findCaseHeads(db, [...new Set(packages.flatMap((p) => p.sourceCaseIds))]);
  const byId = new Map(rows.map((r) => [r.id, { id: r.id, caseNo: r.caseNo, matter: r.matter }]));
  return packages.map((p) => ({ ...p, sources: p.sourceCaseIds.map((id) => byId.get(id)).filter((s) => s !== undefined) }));
}

async function validatePackage(db: Executor, p: PackageFields): Promise<void> {
  const known = await findKnownDepartments(db, p.departments);
  const details = p.departments.filter((d) => !known.has(d)).map((d) => ({ field: 'departments', message: `部门代码“${d}”不存在` }));
  const cases = await findCaseHeads(db, p.sourceCaseIds);
  for (const id of p.sourceCaseIds) {
    const c = cases.find((x) => x.id === id);
    if (!c) details.push({ field: 'sourceCaseIds', message: `反映件 ${id} 不存在` });
    else if (!canBePackageSource(c)) details.push({ field: 'sourceCaseIds', message: `反映件 ${id} 不是已办结的“流程复杂、材料过多”类问题` });
  }
  if (details.length) throw validation(details);
}

async function loadWithSources(ctx: AppContext, id: number): Promise<PackageWithSources> {
  return (await withSources(ctx.db, [(await findPackage(ctx.db, id))!]))[0]!;
}

export async function createPackage(ctx: AppContext, p: PackageFields, actor: Who): Promise<PackageWithSources> {
  await validatePackage(ctx.db, p);
  const at = ctx.clock.now().toISOString();
  const id = await ctx.db.transaction().execute(async (trx) => {
    const id = await insertPackage(trx, p, actor.username, at);
    await appendAudit(trx, { at, actor: actor.username, action: 'package.create', entityType: 'package', entityId: String(id), data: { name: p.name, sourceCaseIds: p.sourceCaseIds } });
    return id;
  });
  return loadWithSources(ctx, id);
}

/** The package to change, or 404 (`id` null when the path's id is not a valid id). */
export async function packageOr404(ctx: AppContext, id: number | null): Promise<PackageRecord> {
  const existing = id ? await findPackage(ctx.db, id) : undefined;
  if (!existing) throw notFound();
  return existing;
}

/** Changes (or publishes) a package: the given fields over the stored ones, validated as a whole. */
export async function changePackage(ctx: AppContext, existing: PackageRecord, patch: Partial<PackageFields>, actor: Who): Promise<PackageWithSources> {
  const merged = { ...existing, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) } as PackageRecord;
  await validatePackage(ctx.db, merged);
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await updatePackage(trx, existing.id, merged, at);
    await appendAudit(trx, { at, actor: actor.username, action: 'package.update', entityType: 'package', entityId: String(existing.id), data: patch as Record<string, unknown> });
  });
  return loadWithSources(ctx, existing.id);
}
