/**
 * Decided cases made through the product's own services (intake → 予以受理 with a problem type →
 * 一级交办 to a lead department), for the tests, the browser test and the triage bench. Not used by
 * the server itself.
 */
import type { Actor } from '../../core/case-lifecycle.js';
import type { AppContext } from '../context.js';
import { intakeCase, runCaseAction } from '../cases/case.service.js';
import { findUserByUsername, toActor } from '../users/user.repository.js';

export interface DecidedCaseSpec {
  matter: string;
  matterCode?: string;
  description: string;
  reason?: string;
  problemType: string;
  /** The lead department; absent → accepted only (not dispatched). */
  department?: string;
}

export async function actorOf(ctx: AppContext, username: string): Promise<Actor> {
  const u = await findUserByUsername(ctx.db, username);
  if (!u) throw new Error(`no user ${username}`);
  return toActor(u.user);
}

/** Registers, accepts and dispatches each case; returns the case ids in order. */
export async function seedDecidedCases(ctx: AppContext, specs: readonly DecidedCaseSpec[], who: { clerk: Actor; coordinator: Actor }, phone = (i: number) => `139${String(10_000_000 + i).slice(-8)}`): Promise<number[]> {
  const ids: number[] = [];
  for (const [i, s] of specs.entries()) {
    const { record } = await intakeCase(
      ctx,
      {
        channel: 'window',
        reporter: { name: '张三', phone: phone(i), kind: 'person' },
        matter: s.matter,
        ...(s.matterCode ? { matterCode: s.matterCode } : {}),
        departmentCodes: [],
        description: s.description,
        ...(s.reason ? { reason: s.reason } : {}),
      },
      who.clerk,
    );
    let c = await runCaseAction(ctx, String(record.id), 'accept', { version: record.version, problemType: s.problemType }, who.coordinator);
    if (s.department) c = await runCaseAction(ctx, String(c.id), 'dispatch', { version: c.version, level: 1, leadDepartment: s.department }, who.coordinator);
    ids.push(c.id);
  }
  return ids;
}
