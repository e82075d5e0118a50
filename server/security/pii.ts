/**
 * The reporter's personal data at rest: name, phone and 统一社会信用代码 are stored sealed with
 * SM4-CBC and authenticated with HMAC-SM3 (encrypt-then-MAC; `node:crypto` has no SM4-GCM), so a
 * copy of the database file or a dump shows no citizen's name or number. Two derived values stay
 * in clear because the platform needs them without decrypting every row: the masked phone
 * (138****0000, what every list and export shows) and a keyed blind index of the phone
 * (HMAC-SM3, to find the same reporter coming back on the same matter).
 *
 * One master key per deployment (32 bytes): `BCS_DATA_KEY` (64 hex characters, read by
 * server/config.ts and handed down as `config.dataKey`), or a key file
 * that the first start writes beside the SQLite database. Sub-keys are derived with HMAC-SM3 under
 * fixed labels. The database keeps a check value of the key, so a server started with another key
 * refuses to start instead of writing data nobody can read back (see server/boot.ts).
 *
 * A process holds one key (set at boot); values without the `enc1:` prefix are read as they are
 * (rows written before sealing existed, which boot seals in the background of its first start).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { maskPhone } from '../../core/validation.js';

export const SEALED_PREFIX = 'enc1:';
const IV_BYTES = 16;
const MAC_BYTES = 32;

/** The sub-keys derived from one master key. */
export interface DataKeys {
  enc: Buffer;
  mac: Buffer;
  index: Buffer;
}
type Keys = DataKeys;

let keys: Keys | null = null;

const derive = (master: Buffer, label: string): Buffer => crypto.createHmac('sm3', master).update(label).digest();

/** Parses a master key given as 64 hex characters; throws a Chinese message otherwise. */
export function parseMasterKey(text: string, where: string): Buffer {
  const t = text.trim();
  if (!/^[0-9a-fA-F]{64}$/.test(t)) throw new Error(`${where}须为 64 位十六进制字符（32 字节密钥），可用 openssl rand -hex 32 生成`);
  return Buffer.from(t, 'hex');
}

export function deriveKeys(master: Buffer): DataKeys {
  if (master.length !== 32) throw new Error('数据密钥须为 32 字节');
  return {
    enc: derive(master, 'bcs/pii/sm4').subarray(0, 16),
    mac: derive(master, 'bcs/pii/hmac'),
    index: derive(master, 'bcs/pii/index'),
  };
}

/** Sets this process's data key (boot does, from the environment or the key file). */
export function setDataKey(master: Buffer): void {
  keys = deriveKeys(master);
}

function current(): Keys {
  if (!keys) throw new Error('数据密钥未设置（openPreparedDatabase 设置它）');
  return keys;
}

/** The check value of a master key, kept in the database to refuse a different key. */
export function keyCheckOf(master: Buffer): string {
  return derive(master, 'bcs/pii/check').toString('hex');
}

export function isSealed(stored: string | null | undefined): boolean {
  return typeof stored === 'string' && stored.startsWith(SEALED_PREFIX);
}

/**
 * Random IVs taken from a block filled by the CSPRNG 256 IVs at a time (each IV used once, copied
 * out): one call into OpenSSL per 256 seals instead of one per seal (≈ 2 % of an intake's CPU).
 */
const IV_BLOCK = 256;
const ivPool = Buffer.alloc(IV_BYTES * IV_BLOCK);
let ivNext = IV_BLOCK;

function freshIv(): Buffer {
  if (ivNext === IV_BLOCK) {
    crypto.randomFillSync(ivPool);
    ivNext = 0;
  }
  const iv = Buffer.from(ivPool.subarray(ivNext * IV_BYTES, (ivNext + 1) * IV_BYTES));
  ivNext++;
  return iv;
}

/** Seals a value: `enc1:` + base64url(iv ‖ SM4-CBC ciphertext ‖ HMAC-SM3(iv ‖ ciphertext)). */
export function seal(plain: string, k: DataKeys = current()): string {
  const iv = freshIv();
  const c = crypto.createCipheriv('sm4-cbc', k.enc, iv);
  const ct = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
  const mac = crypto.createHmac('sm3', k.mac).update(iv).update(ct).digest();
  return SEALED_PREFIX + Buffer.concat([iv, ct, mac]).toString('base64url');
}

/** Opens a sealed value; a value without the prefix is returned as it is (not sealed yet). */
export function unseal(stored: string, k: DataKeys = current()): string {
  if (!isSealed(stored)) return stored;
  const b = Buffer.from(stored.slice(SEALED_PREFIX.length), 'base64url');
  if (b.length < IV_BYTES + 16 + MAC_BYTES) throw new Error('加密数据已损坏');
  const iv = b.subarray(0, IV_BYTES);
  const ct = b.subarray(IV_BYTES, b.length - MAC_BYTES);
  const mac = b.subarray(b.length - MAC_BYTES);
  const expected = crypto.createHmac('sm3', k.mac).update(iv).update(ct).digest();
  if (!crypto.timingSafeEqual(expected, mac)) throw new Error('加密数据校验失败（数据被改动或密钥不符）');
  const d = crypto.createDecipheriv('sm4-cbc', k.enc, iv);
  return Buffer.concat([d.update(ct), d.final()]).toString('utf8');
}

export function unsealNullable(stored: string | null): string | null {
  return stored === null ? null : unseal(stored);
}

/**
 * The token of a rating link from its random nonce (server/ratings/rating-links.ts): HMAC-SM3 under
 * a label of its own, base64url. The database keeps the nonce and a hash of the token, never the
 * token: the link can be sent again while valid, but a copy of the database does not give it.
 */
export function ratingLinkToken(nonce: string, k: DataKeys = current()): string {
  return crypto.createHmac('sm3', k.mac).update('bcs/rating-link/').update(nonce).digest('base64url');
}

/** Digits only, so 138-0000-1234 and 13800001234 are one reporter. */
const normalPhone = (phone: string) => phone.replace(/\D/g, '');

/** Keyed blind index of a phone number (HMAC-SM3, 128 bits as hex): equal phones, equal index. */
export function phoneIndex(phone: string, k: DataKeys = current()): string {
  return crypto.createHmac('sm3', k.index).update(normalPhone(phone)).digest('hex').slice(0, 32);
}

/**
 * Where the key comes from: the configured key (`config.dataKey`, from `BCS_DATA_KEY`), else the
 * key file beside the SQLite database (or ./data/secret.key for PostgreSQL), written with a new
 * random key on the first start.
 */
export function resolveDataKey(
  sqliteFile: string | null,
  configuredKey?: string,
): { key: Buffer; source: 'env' | 'file' | 'new-file'; file?: string } {
  if (configuredKey) return { key: parseMasterKey(configuredKey, '环境变量 BCS_DATA_KEY '), source: 'env' };
  const file = path.resolve(sqliteFile && sqliteFile !== ':memory:' ? path.dirname(sqliteFile) : './data', 'secret.key');
  if (fs.existsSync(file)) return { key: parseMasterKey(fs.readFileSync(file, 'utf8'), `密钥文件 ${file} `), source: 'file', file };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const key = crypto.randomBytes(32);
  // Written whole under a temporary name, then linked into place: a process starting at the same
  // moment either sees no file or the whole key, never half of it.
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  try {
    fs.linkSync(tmp, file);
  } catch (e) {
    // Another process put its key there first: use theirs.
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return { key: parseMasterKey(fs.readFileSync(file, 'utf8'), `密钥文件 ${file} `), source: 'file', file };
    throw e;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  return { key, source: 'new-file', file };
}

/** The stored columns of a reporter: sealed name, phone and code; masked phone and index in clear. */
export function sealReporter(r: { name: string; phone: string; orgCode: string | null }, k: DataKeys = current()): {
  reporter_name: string;
  reporter_phone: string;
  reporter_org_code: string | null;
  reporter_phone_masked: string;
  reporter_phone_index: string;
} {
  return {
    reporter_name: seal(r.name, k),
    reporter_phone: seal(r.phone, k),
    reporter_org_code: r.orgCode === null ? null : seal(r.orgCode, k),
    reporter_phone_masked: maskPhone(r.phone),
    reporter_phone_index: phoneIndex(r.phone, k),
  };
}
