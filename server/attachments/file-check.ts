/**
 * What a stored upload is, read from its bytes (never its name): PDF, JPEG, PNG by their signature
 * (`file-type`); DOCX, XLSX and OFD (the national e-document format: a zip holding OFD.xml) by the
 * zip's central directory, which is also where a zip bomb is caught (declared uncompressed sizes and
 * ratios); DOC and XLS (OLE2 compound files, D0CF11E0) by their streams' names, or else the name's
 * extension. Reads only the file's head and its zip directory, never the whole file.
 */
import fsp from 'node:fs/promises';
import { fileTypeFromBuffer } from 'file-type';
import { ACCEPTED_TYPES_TEXT, extensionOf, type AttachmentType } from '../../core/attachments.js';

/** Bytes of the head read for the signature (file-type needs at most 4100). */
export const HEAD_BYTES = 4100;

/** A zip entry's declared uncompressed size, summed over the archive, may not exceed this. */
export const ZIP_MAX_TOTAL_UNCOMPRESSED = 512 * 1024 * 1024;
/** A zip entry larger than 1 MB uncompressed may not claim a higher ratio than this. */
export const ZIP_MAX_RATIO = 200;
export const ZIP_MAX_ENTRIES = 20_000;

export type Detected = { ok: true; type: AttachmentType } | { ok: false; message: string };

const notAllowed = (): Detected => ({ ok: false, message: `文件类型不在允许范围内（仅限 ${ACCEPTED_TYPES_TEXT}），请以文件内容为准，勿仅修改扩展名` });

const CFB = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

/** Decides the type of the file at `file` whose first bytes are `head` (and whose size is `size`). */
export async function detectAttachmentType(file: string, head: Buffer, size: number, name: string): Promise<Detected> {
  if (head.length >= 4 && head.readUInt32LE(0) === 0x04034b50) return detectZip(file, size);
  if (head.length >= 8 && head.subarray(0, 8).equals(CFB)) return detectCfb(head, name);
  const t = await fileTypeFromBuffer(head);
  if (t?.ext === 'pdf') return { ok: true, type: 'pdf' };
  if (t?.ext === 'jpg') return { ok: true, type: 'jpg' };
  if (t?.ext === 'png') return { ok: true, type: 'png' };
  return notAllowed();
}

async function readAt(file: string, position: number, length: number): Promise<Buffer> {
  const fh = await fsp.open(file, 'r');
  try {
    const buf = Buffer.alloc(length);
    const { bytesRead } = await fh.read(buf, 0, length, position);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** DOCX, XLSX or OFD by the names in the central directory; a declared bomb is refused. */
async function detectZip(file: string, size: number): Promise<Detected> {
  const broken: Detected = { ok: false, message: '文件已损坏（压缩包目录无法读取）' };
  // The end-of-central-directory record is in the last 22 + 65535 bytes (comment ≤ 64 KB).
  const tailLen = Math.min(size, 22 + 65_535);
  const tail = await readAt(file, size - tailLen, tailLen);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return broken;
  const entries = tail.readUInt16LE(eocd + 10);
  const cdSize = tail.readUInt32LE(eocd + 12);
  const cdOffset = tail.readUInt32LE(eocd + 16);
  // ZIP64 markers: office documents and OFD files of an accepted size never need them.
  if (entries === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) return { ok: false, message: '不支持 ZIP64 格式的文档' };
  if (entries > ZIP_MAX_ENTRIES) return { ok: false, message: '压缩文档内的条目过多，疑似压缩炸弹，已拒收' };
  if (cdOffset + cdSize > size || cdSize > 16 * 1024 * 1024) return broken;
  const cd = await readAt(file, cdOffset, cdSize);
  const names = new Set<string>();
  let total = 0;
  let p = 0;
  for (let n = 0; n < entries; n++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== 0x02014b50) return broken;
    const compressed = cd.readUInt32LE(p + 20);
    const uncompressed = cd.readUInt32LE(p + 24);
    const nameLen = cd.readUInt16LE(p + 28);
    const extraLen = cd.readUInt16LE(p + 30);
    const commentLen = cd.readUInt16LE(p + 32);
    if (p + 46 + nameLen > cd.length) return broken;
    const entryName = cd.toString('utf8', p + 46, p + 46 + nameLen);
    if (uncompressed === 0xffffffff || compressed === 0xffffffff) return { ok: false, message: '不支持 ZIP64 格式的文档' };
    total += uncompressed;
    const bomb = total > ZIP_MAX_TOTAL_UNCOMPRESSED || (uncompressed > 1024 * 1024 && uncompressed > Math.max(compressed, 1) * ZIP_MAX_RATIO);
    if (bomb) return { ok: false, message: '压缩文档解压后的大小异常（疑似压缩炸弹），已拒收' };
    names.add(entryName.replace(/^\/+/, ''));
    p += 46 + nameLen + extraLen + commentLen;
  }
  if ([...names].some((n) => n.toLowerCase() === 'ofd.xml')) return { ok: true, type: 'ofd' };
  if (names.has('[Content_Types].xml') && names.has('word/document.xml')) return { ok: true, type: 'docx' };
  if (names.has('[Content_Types].xml') && names.has('xl/workbook.xml')) return { ok: true, type: 'xlsx' };
  return notAllowed();
}

/** DOC or XLS: the stream names of the first directory sector, else the name's extension. */
function detectCfb(head: Buffer, name: string): Detected {
  if (head.length >= 512) {
    const sectorShift = head.readUInt16LE(30);
    const firstDirSector = head.readUInt32LE(48);
    const sectorSize = 1 << sectorShift;
    const start = (firstDirSector + 1) * sectorSize;
    const streams: string[] = [];
    for (let off = start; off + 128 <= Math.min(head.length, start + sectorSize); off += 128) {
      const len = head.readUInt16LE(off + 64);
      if (len >= 2 && len <= 64) streams.push(head.toString('utf16le', off, off + len - 2));
    }
    if (streams.includes('WordDocument')) return { ok: true, type: 'doc' };
    if (streams.includes('Workbook') || streams.includes('Book')) return { ok: true, type: 'xls' };
  }
  const ext = extensionOf(name);
  if (ext === 'doc') return { ok: true, type: 'doc' };
  if (ext === 'xls') return { ok: true, type: 'xls' };
  return notAllowed();
}
