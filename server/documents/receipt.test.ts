import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { DIALECTS, type Api, type TestEnv, useApiEnv } from '../test/harness.js';
import { putSettings } from '../settings/settings.repository.js';
import { act, newCase } from './test-support.js';

// jsqr is a UMD bundle: its types declare a default export, at run time the module is the function.
const jsQR = ((jsQRModule as unknown as { default?: unknown }).default ?? jsQRModule) as typeof jsQRModule.default;

/** Decodes the QR code inlined in the page as a PNG data URL. */
function decodeQr(html: string): string | null {
  const m = /<img src="data:image\/png;base64,([A-Za-z0-9+/=]+)"/.exec(html);
  if (!m) return null;
  const png = PNG.sync.read(Buffer.from(m[1]!, 'base64'));
  return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data ?? null;
}

describe.each(DIALECTS)('回执 on %s', (kind) => {
  let env: TestEnv;
  let api: Api;
  // Thursday 2026-11-26 10:00 Asia/Shanghai.
  useApiEnv(kind, (e, a) => ((env = e), (api = a)), '2026-11-26T02:00:00.000Z');

  it('gives a print-ready A5 page with the number, the date, what happens next, the hotlines and a decodable QR code', async () => {
    const c = await newCase(api);
    const r = await api.as('clerk').get(`/api/v1/cases/${c.id}/receipt`);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['cache-control']).toBe('no-store');
    const html = r.body as string;
    expect(html).toContain('size: A5');
    expect(html).toContain('垫江县“办不成事”反映回执');
    expect(html).toContain(c.caseNo);
    expect(html).toContain('2026年11月26日 10:00');
    expect(html).toContain('个体工商户设立登记');
    expect(html).toContain('原则上 2 个工作日内办结');
    expect(html).toContain('原则上 5 个工作日内办结');
    expect(html).toContain('电话回访');
    expect(html).toContain('咨询电话：12345');
    expect(html).toContain('受理人：王受理');
    expect(html).toContain('138****1234');
    expect(html).not.toContain('13800001234');
    expect(decodeQr(html)).toBe(`http://127.0.0.1:3000/public/track?caseNo=${c.caseNo}`);
    // Only our own print script may run.
    const csp = String(r.headers['content-security-policy']);
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).toContain('img-src data:');
    // It shows the reporter's full name: who read which case is in the audit log.
    const read = await env.ctx.db.selectFrom('audit_log').select(['actor', 'entity_id', 'data']).where('action', '=', 'case.read').orderBy('seq', 'desc').executeTakeFirstOrThrow();
    expect(read).toMatchObject({ actor: 'clerk', entity_id: String(c.id) });
    expect(JSON.parse(read.data)).toMatchObject({ caseNo: c.caseNo, via: 'receipt' });
  });

  it('follows the settings: hotlines, county name and the public base URL in the QR code', async () => {
    await putSettings(
      env.ctx.db,
      { hotlines: ['023-74522706', '74511311'], publicBaseUrl: 'https://bcs.dianjiang.gov.cn/', countyName: '垫江县' },
      env.clock.now().toISOString(),
    );
    const c = await newCase(api, { channel: 'hotline' });
    const html = (await api.as('coord').get(`/api/v1/cases/${c.id}/receipt`)).body as string;
    expect(html).toContain('咨询电话：023-74522706、74511311');
    expect(decodeQr(html)).toBe(`https://bcs.dianjiang.gov.cn/public/track?caseNo=${c.caseNo}`);
    // No base URL set: the address the page was asked for.
    await putSettings(env.ctx.db, { publicBaseUrl: '' }, env.clock.now().toISOString());
    const own = (await api.as('coord').get(`/api/v1/cases/${c.id}/receipt`)).body as string;
    expect(decodeQr(own)).toBe(`http://localhost:80/public/track?caseNo=${c.caseNo}`);
    await putSettings(env.ctx.db, { hotlines: ['12345'], publicBaseUrl: 'http://127.0.0.1:3000' }, env.clock.now().toISOString());
  });

  it('tells a dispatched case its department and deadline', async () => {
    const c = await newCase(api);
    const a = await act(api, 'coord', c.id, 'accept', { version: c.version, problemType: 'unable' });
    await act(api, 'coord', c.id, 'dispatch', { version: a.version, level: 1, leadDepartment: 'rsj' });
    const html = (await api.as('h_rs').get(`/api/v1/cases/${c.id}/receipt`)).body as string;
    expect(html).toContain('已交县人力社保局办理，办理时限为2026年11月30日前');
  });

  it('escapes what the reporter typed', async () => {
    const c = await newCase(api, { matter: '<script>alert(1)</script>营业执照' });
    const html = (await api.as('clerk').get(`/api/v1/cases/${c.id}/receipt`)).body as string;
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;营业执照');
  });

  it('answers 404 like GET /cases/{id} for a case the caller may not see, and 401 without a login', async () => {
    const c = await newCase(api);
    const hidden = await api.as('h_zj').get(`/api/v1/cases/${c.id}/receipt`);
    const detail = await api.as('h_zj').get(`/api/v1/cases/${c.id}`);
    expect(hidden.status).toBe(404);
    expect(hidden.body).toEqual(detail.body);
    expect((await api.as('clerk').get('/api/v1/cases/0/receipt')).status).toBe(404);
    expect((await api.as(null).get(`/api/v1/cases/${c.id}/receipt`)).status).toBe(401);
  });
});
