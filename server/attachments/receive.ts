/**
 * Receiving uploads: each file of a multipart request is streamed into a temporary file while its
 * SM3 is computed and its size counted (never held whole in memory), then its type is decided from
 * its bytes (file-check.ts). Anything wrong — a bad name, a type not accepted, an empty file, a file
 * over the size limit, a broken request — answers 400 / 413 and every temporary file of the request
 * is removed: a half-uploaded file leaves nothing behind.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { createHash, randomUUID } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import { ATTACHMENT_TYPES, checkAttachmentName, type AttachmentType } from '../../core/attachments.js';
import { AppError, validation } from '../errors.js';
import { detectAttachmentType, HEAD_BYTES } from './file-check.js';

/** A file received into a temporary file, checked, not yet stored. */
export interface ReceivedFile {
  /** The name as given (NFC), checked by core/attachments.ts. */
  name: string;
  tempPath: string;
  size: number;
  /** SM3 of the bytes, 64 lowercase hex digits. */
  sm3: string;
  type: AttachmentType;
  mime: string;
}

export interface ReceiveOptions {
  tempDir: string;
  maxBytes: number;
  /** The field of the files (`file`). */
  fileField: string;
  maxFiles: number;
  /** Types accepted here (default: every accepted type). */
  types?: readonly AttachmentType[];
  /** Said when a type is not among `types`. */
  typesMessage?: string;
}

export interface ReceivedForm {
  fields: Record<string, string>;
  files: ReceivedFile[];
}

class TooLarge extends Error {}

export const tooLarge = (maxBytes: number) =>
  new AppError('PAYLOAD_TOO_LARGE', `文件超过大小上限 ${formatBytes(maxBytes)}，请压缩或拆分后再上传`);

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${+(n / 1024 / 1024).toFixed(1)} MB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} KB`;
  return `${n} 字节`;
}

const fileError = (message: string) => validation([{ field: 'file', message }], message);

/** Removes temporary files; never throws. */
export async function discardFiles(files: ReadonlyArray<{ tempPath: string }>): Promise<void> {
  await Promise.all(files.map((f) => fsp.rm(f.tempPath, { force: true }).catch(() => undefined)));
}

/**
 * Streams one file into a new temporary file of `tempDir`: its size, SM3 and first bytes. Over
 * `maxBytes` → 413; the temporary file is removed on any failure.
 */
export async function streamToTemp(source: Readable, tempDir: string, maxBytes: number): Promise<{ tempPath: string; size: number; sm3: string; head: Buffer }> {
  const tempPath = path.join(tempDir, `${randomUUID()}.part`);
  const hash = createHash('sm3');
  const headChunks: Buffer[] = [];
  let headLen = 0;
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > maxBytes) return done(new TooLarge());
      hash.update(chunk);
      if (headLen < HEAD_BYTES) {
        const take = chunk.subarray(0, HEAD_BYTES - headLen);
        headChunks.push(Buffer.from(take));
        headLen += take.length;
      }
      done(null, chunk);
    },
  });
  try {
    await pipeline(source, meter, fs.createWriteStream(tempPath, { flags: 'wx' }));
  } catch (e) {
    await fsp.rm(tempPath, { force: true });
    // Let the rest of the request body pass, so the answer reaches the client.
    source.resume();
    if (e instanceof TooLarge || (e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge(maxBytes);
    throw e;
  }
  return { tempPath, size, sm3: hash.digest('hex'), head: Buffer.concat(headChunks) };
}

/** Receives one file: streamed, then checked (empty, type); the temporary file is removed when refused. */
export async function receiveFile(source: Readable, rawName: string, opts: Pick<ReceiveOptions, 'tempDir' | 'maxBytes' | 'types' | 'typesMessage'>): Promise<ReceivedFile> {
  const named = checkAttachmentName(rawName);
  if (!named.ok) {
    source.resume();
    throw fileError(`${named.message}（${rawName.slice(0, 40)}${rawName.length > 40 ? '…' : ''}）`);
  }
  const t = await streamToTemp(source, opts.tempDir, opts.maxBytes);
  try {
    if (t.size === 0) throw fileError(`文件“${named.name}”是空文件（0 字节）`);
    const d = await detectAttachmentType(t.tempPath, t.head, t.size, named.name);
    if (!d.ok) throw fileError(`文件“${named.name}”：${d.message}`);
    if (opts.types && !opts.types.includes(d.type)) throw fileError(`文件“${named.name}”：${opts.typesMessage ?? '文件类型不在允许范围内'}`);
    return { name: named.name, tempPath: t.tempPath, size: t.size, sm3: t.sm3, type: d.type, mime: ATTACHMENT_TYPES[d.type].mime };
  } catch (e) {
    await fsp.rm(t.tempPath, { force: true });
    throw e;
  }
}

/**
 * Reads a multipart request: its text fields, and its files (field `fileField`) each received as
 * {@link receiveFile} does. On any refusal every file received so far is discarded. The caller owns
 * the returned temporary files (store them, or {@link discardFiles}).
 */
export async function receiveForm(req: FastifyRequest, opts: ReceiveOptions): Promise<ReceivedForm> {
  if (!req.isMultipart()) throw validation([{ field: '(body)', message: '请以 multipart/form-data 方式上传（文件字段名 file）' }]);
  const fields: Record<string, string> = {};
  const files: ReceivedFile[] = [];
  let fileCount = 0;
  try {
    const parts = req.parts({
      // Names as sent, so that a name with a path is refused rather than silently cut.
      preservePath: true,
      // One byte over the limit is enough to know the file is too large.
      limits: { fileSize: opts.maxBytes + 1, files: opts.maxFiles + 1, fields: 20, parts: opts.maxFiles + 21, fieldSize: 1024 * 1024 },
    });
    for await (const part of parts) {
      if (part.type === 'field') {
        if (typeof part.value === 'string') fields[part.fieldname] = part.value;
        continue;
      }
      if (part.fieldname !== opts.fileField) {
        part.file.resume();
        throw fileError(`文件字段名应为 ${opts.fileField}（收到 ${part.fieldname.slice(0, 30)}）`);
      }
      fileCount += 1;
      if (fileCount > opts.maxFiles) {
        part.file.resume();
        throw fileError(`一次最多上传 ${opts.maxFiles} 个文件`);
      }
      files.push(await receiveFile(part.file, part.filename ?? '', opts));
    }
    return { fields, files };
  } catch (e) {
    await discardFiles(files);
    if (e instanceof AppError) throw e;
    const code = (e as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge(opts.maxBytes);
    if (code === 'FST_FILES_LIMIT') throw fileError(`一次最多上传 ${opts.maxFiles} 个文件`);
    if (code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT') throw fileError('上传内容的字段过多');
    if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') throw fileError('请以 multipart/form-data 方式上传（文件字段名 file）');
    throw fileError('上传内容无法读取（连接中断或格式有误），请重新上传');
  }
}
