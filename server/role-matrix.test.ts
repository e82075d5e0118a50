/**
 * Role × endpoint: every documented route, called by every role. A role without the route's
 * permission (core/permissions.ts; a route naming none is the case work, `workOnCases`) never gets
 * a success; on a route that takes no path parameter and no required input it gets exactly 403.
 * A role holding it is never refused with 403 on a plain GET. The 安全管理员 and 审计管理员
 * (三员分立) reach nothing but what names their role.
 */
import { describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../core/domain.js';
import { can } from '../core/permissions.js';
import { documentedRoutes } from './http.js';
import { DIALECTS, USERS, useApiEnv, type Api } from './test/harness.js';

/** One account per role from the harness. */
const ACCOUNT: Record<Role, string> = Object.fromEntries(ROLES.map((r) => [r, USERS.find((u) => u.role === r)!.username])) as Record<Role, string>;

describe.each(DIALECTS)('role × endpoint matrix on %s', (kind) => {
  let api: Api;
  useApiEnv(kind, (_e, a) => {
    api = a;
  });

  it('has an account for every role', () => {
    for (const r of ROLES) expect(ACCOUNT[r], r).toBeTruthy();
  });

  it('refuses every role every route it does not hold, and lets holders through plain GETs', async () => {
    const routes = documentedRoutes().filter((r) => r.auth !== 'public' && r.url.startsWith('/api/v1/') && r.url !== '/api/v1/auth/logout');
    expect(routes.length).toBeGreaterThan(60);
    let refusedExactly = 0;
    for (const r of routes) {
      const url = r.url.replace(/:(\w+)(\.\w+)?/g, (_m, _p, ext: string | undefined) => `1${ext ?? ''}`);
      const plain = !/:\w+/.test(r.url);
      for (const role of ROLES) {
        const holds = can(role, r.auth === 'public' ? 'workOnCases' : (r.auth ?? 'workOnCases'));
        if (holds && r.method !== 'GET') continue; // writes by holders are the features' own tests
        const res = await api.app.inject({ method: r.method as 'GET', url, headers: { authorization: `Bearer ${api.tokens[ACCOUNT[role]]}` }, ...(r.method === 'GET' ? {} : { payload: {} }) });
        const where = `${role} ${r.method} ${r.url} → ${res.statusCode}`;
        expect(res.statusCode, where).not.toBe(500);
        expect(res.statusCode, where).not.toBe(401);
        if (!holds) {
          expect(res.statusCode < 300, where).toBe(false);
          if (plain && r.method === 'GET' && res.statusCode !== 400) {
            expect(res.statusCode, where).toBe(403);
            refusedExactly++;
          }
        } else if (plain) {
          expect(res.statusCode, where).not.toBe(403);
        }
      }
    }
    expect(refusedExactly).toBeGreaterThan(50);
  });
});
