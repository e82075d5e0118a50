/** The S3 driver against a real S3-compatible server (s3rver) started here, and the folder driver. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error s3rver ships no types
import S3rver from 's3rver';
import { DIALECTS, createTestEnv, intakeBody, seedBasics, startApi, type Api, type TestEnv } from '../test/harness.js';
import { LocalAttachmentStorage, S3AttachmentStorage, newStorageKey, type AttachmentStorage } from './storage.js';
import { multipartBody, pdfFile } from './test-files.js';

const BUCKET = 'bcs-attachments';
const sm3 = (b: Buffer) => createHash('sm3').update(b).digest('hex');

async function readAll(s: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

let server: { run(): Promise<AddressInfo>; close(): Promise<void> };
let s3Dir: string;
let s3: S3AttachmentStorage;

beforeAll(async () => {
  s3Dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcs-s3rver-'));
  server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: s3Dir, configureBuckets: [{ name: BUCKET }] });
  const addr = await server.run();
  s3 = new S3AttachmentStorage(
    { endpoint: `http://127.0.0.1:${addr.port}`, bucket: BUCKET, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', forcePathStyle: true, prefix: 'attachments/' },
    fs.mkdtempSync(path.join(os.tmpdir(), 'bcs-s3tmp-')),
  );
});
afterAll(async () => {
  s3?.client.destroy();
  await server?.close();
  fs.rmSync(s3Dir, { recursive: true, force: true });
});

const drivers: Array<[string, () => AttachmentStorage]> = [
  ['s3', () => s3],
  ['local', () => new LocalAttachmentStorage(fs.mkdtempSync(path.join(os.tmpdir(), 'bcs-local-')))],
];

describe.each(drivers)('the %s storage driver', (_name, make) => {
  it('stores a temporary file under a key, reads it back byte for byte, and removes it', async () => {
    const storage = make();
    const bytes = Buffer.concat([pdfFile(300_000), Buffer.from('尾部')]);
    const temp = path.join(storage.tempDir, 'upload.part');
    fs.writeFileSync(temp, bytes);
    const key = newStorageKey(new Date('2026-12-06T00:00:00Z'));
    expect(key).toMatch(/^2026\/12\/[0-9a-f-]{36}$/);
    await storage.putFile(key, temp, bytes.length, 'application/pdf');
    expect(fs.existsSync(temp)).toBe(false);
    expect(await storage.exists(key)).toBe(true);
    expect(sm3(await readAll(await storage.read(key)))).toBe(sm3(bytes));
    await storage.remove(key);
    expect(await storage.exists(key)).toBe(false);
    await expect(storage.read(key)).rejects.toThrow();
  });

  it('refuses a key it did not generate (no path from outside)', async () => {
    const storage = make();
    await expect(storage.read('../../etc/passwd')).rejects.toThrow(/invalid storage key/);
  });
});

describe.each(DIALECTS)('uploads through the API into S3 (%s)', (kind) => {
  let env: TestEnv;
  let api: Api;
  beforeAll(async () => {
    env = await createTestEnv(kind);
    await seedBasics(env);
    env.ctx.attachments = s3;
    api = await startApi(env);
  });
  afterAll(async () => {
    await api?.app.close();
    await env?.close();
  });

  it('stores the file in the bucket and serves it back with its SM3', async () => {
    const c = await api.as('clerk').post('/api/v1/cases', intakeBody());
    const pdf = pdfFile(50_000);
    const m = multipartBody({ kind: 'evidence' }, [{ name: '材料.pdf', content: pdf }]);
    const r = await api.app.inject({ method: 'POST', url: `/api/v1/cases/${c.body.id}/attachments`, headers: { ...m.headers, authorization: `Bearer ${api.tokens.clerk}` }, payload: m.payload });
    expect(r.statusCode).toBe(201);
    expect(r.json().sm3).toBe(sm3(pdf));
    const row = await env.ctx.db.selectFrom('attachments').select('storage_key').where('id', '=', r.json().id).executeTakeFirstOrThrow();
    expect(await s3.exists(row.storage_key)).toBe(true);
    const file = await api.app.inject({ method: 'GET', url: `/api/v1/cases/${c.body.id}/attachments/${r.json().id}`, headers: { authorization: `Bearer ${api.tokens.clerk}` } });
    expect(file.statusCode).toBe(200);
    expect(file.rawPayload.equals(pdf)).toBe(true);
  });
});
