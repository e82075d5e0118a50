/**
 * Attachments under load (issue 18), through the real HTTP server on 127.0.0.1 (SQLite, the folder
 * storage in a temporary directory):
 *
 * 1. upload and download of a 20 MB PDF, streamed from and to disk on the client side — time, and
 *    the growth of this process's RSS (server and client share it; neither holds the file) while
 *    each runs, sampled every 10 ms;
 * 2. 50 concurrent uploads of distinct 200 KB files — time, and every answered SM3 checked against
 *    the file sent and against the bytes downloaded again.
 *
 *   node --expose-gc --import tsx bench/attachments.bench.ts
 *   BENCH_MB=100 node --expose-gc --import tsx bench/attachments.bench.ts   (a larger file: RSS growth stays flat)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { openPreparedDatabase } from '../server/boot.js';
import { buildApp } from '../server/app.js';
import { systemClock } from '../server/context.js';
import { LocalAttachmentStorage } from '../server/attachments/storage.js';
import { insertDepartment, insertUser } from '../server/users/user.repository.js';
import { openSessionDirect, PASSWORD_HASH } from '../server/test/factories.js';
import { pdfFile } from '../server/attachments/test-files.js';
import { putSettings } from '../server/settings/settings.repository.js';

const MB = 1024 * 1024;
/** The big file's size: BENCH_MB (default 20: just under the default limit of 20 MB; the limit is raised for more). */
const BIG = Number(process.env.BENCH_MB ?? 20) * MB - 4096;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcs-bench-att-'));
const sm3 = (b: Buffer) => createHash('sm3').update(b).digest('hex');

/** Writes a PDF of `size` bytes to `file` a megabyte at a time; answers its SM3. */
function writeBigPdf(file: string, size: number): string {
  const head = pdfFile();
  const hash = createHash('sm3');
  const fd = fs.openSync(file, 'w');
  const put = (b: Uint8Array) => {
    fs.writeSync(fd, b);
    hash.update(b);
  };
  put(head.subarray(0, 9));
  let left = size - head.length - 2;
  put(Buffer.from('%'));
  while (left > 0) {
    const chunk = randomBytes(Math.min(MB, left)).map((b) => (b === 10 || b === 13 ? 32 : b));
    put(chunk);
    left -= chunk.length;
  }
  put(Buffer.from('\n'));
  put(head.subarray(9));
  fs.closeSync(fd);
  return hash.digest('hex');
}

class RssSampler {
  private timer: NodeJS.Timeout | undefined;
  base = 0;
  peak = 0;
  start(): void {
    global.gc?.();
    this.base = process.memoryUsage().rss;
    this.peak = this.base;
    this.timer = setInterval(() => (this.peak = Math.max(this.peak, process.memoryUsage().rss)), 10);
  }
  stop(): number {
    clearInterval(this.timer);
    this.peak = Math.max(this.peak, process.memoryUsage().rss);
    return this.peak - this.base;
  }
}

async function main(): Promise<void> {
  const handle = await openPreparedDatabase(`sqlite:${path.join(dir, 'bench.db')}`, { dataKey: randomBytes(32) });
  const storage = new LocalAttachmentStorage(path.join(dir, 'attachments'));
  const at = new Date().toISOString();
  await insertDepartment(handle.db, { code: 'scjgj', name: '县市场监管局', at });
  await insertUser(handle.db, { username: 'clerk', name: '王受理', role: 'clerk', department: null, passwordHash: PASSWORD_HASH, at });
  const token = (await openSessionDirect(handle.db, 'clerk', new Date()))!.token;
  if (BIG > 20 * MB) await putSettings(handle.db, { attachmentMaxBytes: BIG + MB }, at);
  const app = await buildApp({ db: handle.db, kind: handle.kind, clock: systemClock, attachments: storage });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as AddressInfo).port;

  const request = (method: string, url: string, headers: Record<string, string | number>, send: (req: http.ClientRequest) => void) =>
    new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method, path: url, headers: { authorization: `Bearer ${token}`, ...headers } }, resolve);
      req.on('error', reject);
      send(req);
    });
  const json = async (res: http.IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  };
  /** Uploads a file streamed from disk or a buffer, as multipart built by hand (no copy of the file in memory). */
  const upload = async (caseId: number, name: string, body: { file: string } | { buffer: Buffer }) => {
    const boundary = `----bench${randomBytes(8).toString('hex')}`;
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nevidence\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/pdf\r\n\r\n`);
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const size = 'file' in body ? fs.statSync(body.file).size : body.buffer.length;
    const res = await request('POST', `/api/v1/cases/${caseId}/attachments`, { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': head.length + size + tail.length }, (req) => {
      req.write(head);
      if ('buffer' in body) {
        req.write(body.buffer);
        req.end(tail);
        return;
      }
      const rs = fs.createReadStream(body.file);
      rs.on('end', () => req.end(tail));
      rs.pipe(req, { end: false });
    });
    const answer = await json(res);
    if (res.statusCode !== 201) throw new Error(`upload ${name}: ${res.statusCode} ${JSON.stringify(answer)}`);
    return answer as { id: number; sm3: string; size: number };
  };
  /** Downloads a file, hashing it as it streams; answers its SM3 and size. */
  const download = async (caseId: number, id: number) => {
    const res = await request('GET', `/api/v1/cases/${caseId}/attachments/${id}`, {}, (req) => req.end());
    if (res.statusCode !== 200) throw new Error(`download ${id}: ${res.statusCode}`);
    const hash = createHash('sm3');
    let size = 0;
    for await (const c of res) {
      hash.update(c as Buffer);
      size += (c as Buffer).length;
    }
    return { sm3: hash.digest('hex'), size };
  };
  const intake = await request('POST', '/api/v1/cases', { 'content-type': 'application/json' }, (req) =>
    req.end(JSON.stringify({ channel: 'window', reporter: { name: '张三', phone: '13800001234', kind: 'person' }, matter: '压测', departmentCodes: ['scjgj'], description: '附件压测', reason: '压测' })),
  );
  const caseId = (await json(intake)).id as number;

  // Warm up (code paths, SQLite pages) with a small file.
  await upload(caseId, 'warm.pdf', { buffer: pdfFile(100_000) });

  const bigFile = path.join(dir, 'big.pdf');
  const bigSm3 = writeBigPdf(bigFile, BIG);
  const rss = new RssSampler();
  rss.start();
  let t = performance.now();
  const up = await upload(caseId, '二十兆.pdf', { file: bigFile });
  const upMs = performance.now() - t;
  const upRss = rss.stop();
  if (up.sm3 !== bigSm3) throw new Error('20 MB upload: SM3 differs');
  rss.start();
  t = performance.now();
  const down = await download(caseId, up.id);
  const downMs = performance.now() - t;
  const downRss = rss.stop();
  if (down.sm3 !== bigSm3 || down.size !== BIG) throw new Error('20 MB download: bytes differ');

  // 50 concurrent uploads of distinct files.
  const files = Array.from({ length: 50 }, (_, i) => pdfFile(200_000, `f${i}`));
  t = performance.now();
  const answers = await Promise.all(files.map((b, i) => upload(caseId, `并发-${i}.pdf`, { buffer: b })));
  const concMs = performance.now() - t;
  let right = 0;
  for (const [i, a] of answers.entries()) {
    const back = await download(caseId, a.id);
    if (a.sm3 === sm3(files[i]!) && back.sm3 === a.sm3) right += 1;
  }

  const f = (n: number) => (n / MB).toFixed(1);
  console.log(`attachments bench (SQLite, folder storage, Node ${process.version}, ${os.cpus().length} CPUs)`);
  console.log(`  upload   ${f(BIG)} MB: ${upMs.toFixed(0)} ms (${(BIG / MB / (upMs / 1000)).toFixed(0)} MB/s), RSS growth ${f(upRss)} MB (file ${f(BIG)} MB)`);
  console.log(`  download ${f(BIG)} MB: ${downMs.toFixed(0)} ms (${(BIG / MB / (downMs / 1000)).toFixed(0)} MB/s), RSS growth ${f(downRss)} MB, SM3 ${down.sm3 === bigSm3 ? 'right' : 'WRONG'}`);
  console.log(`  50 concurrent uploads of 200 KB: ${concMs.toFixed(0)} ms, ${right}/50 with the right SM3 (answer and bytes read back)`);

  await app.close();
  await handle.close();
  fs.rmSync(dir, { recursive: true, force: true });
  if (right !== 50) process.exitCode = 1;
}

main().catch((e) => {
  console.error(e);
  fs.rmSync(dir, { recursive: true, force: true });
  process.exit(1);
});
