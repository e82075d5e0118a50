/**
 * The server's configuration: every environment variable the server, the CLI and the demo read,
 * validated once at boot (a bad value stops the start with a Chinese message naming the variable)
 * and frozen. The parts are passed down — the SMS settings to the outbox job, the data key to
 * `openPreparedDatabase`, the job switch to `startServer` — so no other module reads `process.env`.
 * Every variable is listed in the table in README.md (§Configuration).
 *
 * An empty value counts as unset (`PORT=` is the default port, `BCS_DATA_KEY=` the key file).
 */
import { z } from 'zod';
import { DEFAULT_GATEWAY_BODY, checkBodyTemplate } from './notifications/sms.js';
import type { AttachmentStorageConfig } from './attachments/storage.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const HEX_KEY = /^[0-9a-fA-F]{64}$/;
const KEY_HINT = '须为 64 位十六进制字符（32 字节密钥），可用 openssl rand -hex 32 生成';
const DATABASE_URL = /^(sqlite:.+|postgres(ql)?:\/\/.+)$/;
const DATABASE_HINT = '应为 sqlite:<路径> 或 postgres://…';

/** Fonts with Chinese glyphs for the charts drawn on the server (Debian's fonts-wqy-zenhei). */
export const DEFAULT_CHART_FONTS = ['/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc'];

const onOff = (name: string, yes: string, no: string, dflt: string) =>
  z.enum([yes, no], { error: `${name} 应为 ${yes} 或 ${no}` }).default(dflt).transform((v) => v === yes);

const ZEnv = z
  .object({
    HOST: z.string().default('127.0.0.1'),
    PORT: z.coerce
      .number({ error: 'PORT 应为端口号（0–65535 的整数）' })
      .int({ error: 'PORT 应为端口号（0–65535 的整数）' })
      .min(0, { error: 'PORT 应为端口号（0–65535 的整数）' })
      .max(65535, { error: 'PORT 应为端口号（0–65535 的整数）' })
      .default(3000),
    DATABASE_URL: z.string().regex(DATABASE_URL, { error: `DATABASE_URL ${DATABASE_HINT}` }).optional(),
    DEMO_DATABASE_URL: z.string().regex(DATABASE_URL, { error: `DEMO_DATABASE_URL ${DATABASE_HINT}` }).optional(),
    LOG_LEVEL: z.enum(LOG_LEVELS, { error: `LOG_LEVEL 应为 ${LOG_LEVELS.join('、')} 之一` }).default('info'),
    TRUST_PROXY: onOff('TRUST_PROXY', 'true', 'false', 'false'),
    WEB_ROOT: z.string().default('web/dist'),
    BCS_SECURE_COOKIES: onOff('BCS_SECURE_COOKIES', 'true', 'false', 'false'),
    BCS_JOBS: onOff('BCS_JOBS', 'on', 'off', 'on'),
    BCS_SQLITE_GROUP_COMMIT: onOff('BCS_SQLITE_GROUP_COMMIT', 'on', 'off', 'on'),
    BCS_DATA_KEY: z.string().trim().regex(HEX_KEY, { error: `BCS_DATA_KEY ${KEY_HINT}` }).optional(),
    BCS_NEW_DATA_KEY: z.string().trim().regex(HEX_KEY, { error: `BCS_NEW_DATA_KEY ${KEY_HINT}` }).optional(),
    BCS_CHART_FONTS: z.string().default(DEFAULT_CHART_FONTS.join(',')),
    SMS_PROVIDER: z.enum(['log', 'http'], { error: 'SMS_PROVIDER 应为 log 或 http' }).default('log'),
    SMS_LOG_FILE: z.string().default('./data/sms.log'),
    SMS_GATEWAY_URL: z
      .string()
      .regex(/^https?:\/\/[^\s]+$/, { error: 'SMS_GATEWAY_URL 应为 http:// 或 https:// 网址' })
      .optional(),
    SMS_GATEWAY_BODY: z.string().default(DEFAULT_GATEWAY_BODY),
    SMS_GATEWAY_AUTH: z.string().optional(),
    SMS_GATEWAY_TIMEOUT_MS: z.coerce
      .number({ error: 'SMS_GATEWAY_TIMEOUT_MS 应为毫秒数' })
      .int({ error: 'SMS_GATEWAY_TIMEOUT_MS 应为整数' })
      .min(500, { error: 'SMS_GATEWAY_TIMEOUT_MS 至少 500' })
      .max(120_000, { error: 'SMS_GATEWAY_TIMEOUT_MS 至多 120000' })
      .default(10_000),
    ATTACHMENT_STORAGE: z.enum(['local', 's3'], { error: 'ATTACHMENT_STORAGE 应为 local 或 s3' }).default('local'),
    ATTACHMENT_DIR: z.string().default('./data/attachments'),
    S3_ENDPOINT: z.string().regex(/^https?:\/\/[^\s]+$/, { error: 'S3_ENDPOINT 应为 http:// 或 https:// 网址' }).optional(),
    S3_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { error: 'S3_BUCKET 应为 3–63 位小写字母、数字、点或连字符' }).optional(),
    S3_REGION: z.string().default('us-east-1'),
    S3_ACCESS_KEY: z.string().optional(),
    S3_SECRET_KEY: z.string().optional(),
    S3_FORCE_PATH_STYLE: onOff('S3_FORCE_PATH_STYLE', 'true', 'false', 'true'),
    S3_PREFIX: z.string().default('attachments/'),
  })
  .superRefine((e, ctx) => {
    if (e.ATTACHMENT_STORAGE === 's3') {
      for (const k of ['S3_BUCKET', 'S3_ACCESS_KEY', 'S3_SECRET_KEY'] as const) {
        if (!e[k]) ctx.addIssue({ code: 'custom', path: [k], message: `ATTACHMENT_STORAGE=s3 时须设置 ${k}` });
      }
    }
    if (e.SMS_PROVIDER !== 'http') return;
    if (!e.SMS_GATEWAY_URL) ctx.addIssue({ code: 'custom', path: ['SMS_GATEWAY_URL'], message: 'SMS_PROVIDER=http 时须设置 SMS_GATEWAY_URL' });
    const problem = checkBodyTemplate(e.SMS_GATEWAY_BODY);
    if (problem) ctx.addIssue({ code: 'custom', path: ['SMS_GATEWAY_BODY'], message: problem });
  });

/** Where SMS go: a log file (default) or the county's HTTP gateway. */
export type SmsConfig =
  | Readonly<{ provider: 'log'; logFile: string }>
  | Readonly<{ provider: 'http'; url: string; bodyTemplate: string; authorization?: string; timeoutMs: number }>;

export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Config {
  readonly host: string;
  readonly port: number;
  /** Unset → SQLite at ./data/banchengshi.db. */
  readonly databaseUrl: string | undefined;
  /** `npm run demo` only: its database (unset → a fresh SQLite file in the temp folder). */
  readonly demoDatabaseUrl: string | undefined;
  readonly logLevel: LogLevel;
  readonly trustProxy: boolean;
  /** Session cookies always `Secure` (`BCS_SECURE_COOKIES=true`): served over HTTPS behind a proxy. */
  readonly secureCookies: boolean;
  readonly webRoot: string;
  /** Whether this instance runs the background jobs (`BCS_JOBS=off` → no). */
  readonly jobs: boolean;
  /** SQLite: group commit (server/db/group-commit.ts); `BCS_SQLITE_GROUP_COMMIT=off` → a commit per transaction. */
  readonly sqliteGroupCommit: boolean;
  /** The data key as 64 hex characters; unset → the key file (server/security/pii.ts). */
  readonly dataKey: string | undefined;
  /** `bcs data-key rotate` only: the new key (unset → a new random key written into the key file). */
  readonly newDataKey: string | undefined;
  readonly sms: SmsConfig;
  /**
   * Font files (TTF/OTF/TTC) the charts of the 工作简报 are drawn with; the system's fonts are the
   * fallback when none of them exists.
   */
  readonly chartFonts: readonly string[];
  /** Where attachments are stored: a folder (default ./data/attachments) or an S3-compatible bucket. */
  readonly attachments: AttachmentStorageConfig;
}

/** Reads and checks the configuration; throws `配置有误：…` naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const r = ZEnv.safeParse(present);
  if (!r.success) {
    throw new Error(`配置有误（环境变量）：${r.error.issues.map((i) => i.message).join('；')}`);
  }
  const e = r.data;
  const sms: SmsConfig =
    e.SMS_PROVIDER === 'http'
      ? Object.freeze({
          provider: 'http',
          url: e.SMS_GATEWAY_URL!,
          bodyTemplate: e.SMS_GATEWAY_BODY,
          ...(e.SMS_GATEWAY_AUTH ? { authorization: e.SMS_GATEWAY_AUTH } : {}),
          timeoutMs: e.SMS_GATEWAY_TIMEOUT_MS,
        })
      : Object.freeze({ provider: 'log', logFile: e.SMS_LOG_FILE });
  return Object.freeze({
    host: e.HOST,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    demoDatabaseUrl: e.DEMO_DATABASE_URL,
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    secureCookies: e.BCS_SECURE_COOKIES,
    webRoot: e.WEB_ROOT,
    jobs: e.BCS_JOBS,
    sqliteGroupCommit: e.BCS_SQLITE_GROUP_COMMIT,
    dataKey: e.BCS_DATA_KEY?.toLowerCase(),
    newDataKey: e.BCS_NEW_DATA_KEY?.toLowerCase(),
    sms,
    chartFonts: Object.freeze(e.BCS_CHART_FONTS.split(',').map((f) => f.trim()).filter(Boolean)),
    attachments:
      e.ATTACHMENT_STORAGE === 's3'
        ? Object.freeze({
            driver: 's3' as const,
            s3: Object.freeze({
              endpoint: e.S3_ENDPOINT,
              bucket: e.S3_BUCKET!,
              region: e.S3_REGION,
              accessKeyId: e.S3_ACCESS_KEY!,
              secretAccessKey: e.S3_SECRET_KEY!,
              forcePathStyle: e.S3_FORCE_PATH_STYLE,
              prefix: e.S3_PREFIX,
            }),
          })
        : Object.freeze({ driver: 'local' as const, dir: e.ATTACHMENT_DIR }),
  });
}
