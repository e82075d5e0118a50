import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

const KEY = 'a'.repeat(64);

describe('loadConfig', () => {
  it('gives the defaults for an empty environment, frozen', () => {
    const c = loadConfig({});
    expect(c).toEqual({
      host: '127.0.0.1',
      port: 3000,
      databaseUrl: undefined,
      demoDatabaseUrl: undefined,
      logLevel: 'info',
      trustProxy: false,
      secureCookies: false,
      webRoot: 'web/dist',
      jobs: true,
      sqliteGroupCommit: true,
      dataKey: undefined,
      newDataKey: undefined,
      sms: { provider: 'log', logFile: './data/sms.log' },
      chartFonts: ['/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc'],
      attachments: { driver: 'local', dir: './data/attachments' },
    });
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.sms)).toBe(true);
    expect(() => {
      (c as { port: number }).port = 1;
    }).toThrow();
  });

  it('reads every variable', () => {
    const c = loadConfig({
      HOST: '0.0.0.0',
      PORT: '8080',
      DATABASE_URL: 'postgres://u@db:5432/bcs',
      DEMO_DATABASE_URL: 'sqlite:/tmp/demo.db',
      LOG_LEVEL: 'warn',
      TRUST_PROXY: 'true',
      WEB_ROOT: '/srv/web',
      BCS_JOBS: 'off',
      BCS_SQLITE_GROUP_COMMIT: 'off',
      BCS_SECURE_COOKIES: 'true',
      BCS_DATA_KEY: ` ${KEY.toUpperCase()}\n`,
      BCS_NEW_DATA_KEY: 'b'.repeat(64),
      SMS_PROVIDER: 'http',
      SMS_GATEWAY_URL: 'https://sms.example.gov.cn/send',
      SMS_GATEWAY_BODY: '{"m":"{{phone}}","c":"{{text}}"}',
      SMS_GATEWAY_AUTH: 'Bearer t',
      SMS_GATEWAY_TIMEOUT_MS: '5000',
      BCS_CHART_FONTS: '/opt/fonts/simhei.ttf, /opt/fonts/simsun.ttc',
      ATTACHMENT_STORAGE: 's3',
      S3_ENDPOINT: 'https://obs.example.gov.cn',
      S3_BUCKET: 'bcs-files',
      S3_REGION: 'cn-southwest-2',
      S3_ACCESS_KEY: 'AK',
      S3_SECRET_KEY: 'SK',
      S3_FORCE_PATH_STYLE: 'false',
      S3_PREFIX: 'bcs/',
      PATH: '/usr/bin',
    });
    expect(c).toEqual({
      host: '0.0.0.0',
      port: 8080,
      databaseUrl: 'postgres://u@db:5432/bcs',
      demoDatabaseUrl: 'sqlite:/tmp/demo.db',
      logLevel: 'warn',
      trustProxy: true,
      secureCookies: true,
      webRoot: '/srv/web',
      jobs: false,
      sqliteGroupCommit: false,
      dataKey: KEY,
      newDataKey: 'b'.repeat(64),
      sms: { provider: 'http', url: 'https://sms.example.gov.cn/send', bodyTemplate: '{"m":"{{phone}}","c":"{{text}}"}', authorization: 'Bearer t', timeoutMs: 5000 },
      chartFonts: ['/opt/fonts/simhei.ttf', '/opt/fonts/simsun.ttc'],
      attachments: {
        driver: 's3',
        s3: { endpoint: 'https://obs.example.gov.cn', bucket: 'bcs-files', region: 'cn-southwest-2', accessKeyId: 'AK', secretAccessKey: 'SK', forcePathStyle: false, prefix: 'bcs/' },
      },
    });
  });

  it('asks for the bucket and keys when attachments go to S3', () => {
    expect(() => loadConfig({ ATTACHMENT_STORAGE: 's3' })).toThrow(/ATTACHMENT_STORAGE=s3 时须设置 S3_BUCKET.*S3_ACCESS_KEY.*S3_SECRET_KEY/);
    expect(() => loadConfig({ ATTACHMENT_STORAGE: 'ftp' })).toThrow(/ATTACHMENT_STORAGE 应为 local 或 s3/);
    expect(() => loadConfig({ ATTACHMENT_STORAGE: 's3', S3_BUCKET: 'ab', S3_ACCESS_KEY: 'a', S3_SECRET_KEY: 'b' })).toThrow(/S3_BUCKET 应为 3–63 位/);
  });

  it('takes an empty value as unset', () => {
    const c = loadConfig({ PORT: '', BCS_DATA_KEY: '', DATABASE_URL: '', BCS_JOBS: '', SMS_GATEWAY_AUTH: '' });
    expect(c.port).toBe(3000);
    expect(c.dataKey).toBeUndefined();
    expect(c.databaseUrl).toBeUndefined();
    expect(c.jobs).toBe(true);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT 应为端口号（0–65535 的整数）'],
    [{ PORT: '70000' }, 'PORT 应为端口号'],
    [{ PORT: '3000.5' }, 'PORT 应为端口号'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL 应为 sqlite:<路径> 或 postgres://…'],
    [{ DEMO_DATABASE_URL: './demo.db' }, 'DEMO_DATABASE_URL 应为 sqlite:<路径> 或 postgres://…'],
    [{ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL 应为 fatal、error、warn、info、debug、trace、silent 之一'],
    [{ TRUST_PROXY: 'yes' }, 'TRUST_PROXY 应为 true 或 false'],
    [{ BCS_JOBS: 'no' }, 'BCS_JOBS 应为 on 或 off'],
    [{ BCS_SQLITE_GROUP_COMMIT: 'yes' }, 'BCS_SQLITE_GROUP_COMMIT 应为 on 或 off'],
    [{ BCS_DATA_KEY: 'short' }, 'BCS_DATA_KEY 须为 64 位十六进制字符'],
    [{ BCS_NEW_DATA_KEY: 'z'.repeat(64) }, 'BCS_NEW_DATA_KEY 须为 64 位十六进制字符'],
    [{ SMS_PROVIDER: 'carrier-pigeon' }, 'SMS_PROVIDER 应为 log 或 http'],
    [{ SMS_PROVIDER: 'http' }, 'SMS_PROVIDER=http 时须设置 SMS_GATEWAY_URL'],
    [{ SMS_PROVIDER: 'http', SMS_GATEWAY_URL: 'ftp://x' }, 'SMS_GATEWAY_URL 应为 http:// 或 https:// 网址'],
    [{ SMS_PROVIDER: 'http', SMS_GATEWAY_URL: 'http://x', SMS_GATEWAY_BODY: '[' }, 'SMS_GATEWAY_BODY 不是合法的 JSON'],
    [{ SMS_PROVIDER: 'http', SMS_GATEWAY_URL: 'http://x', SMS_GATEWAY_BODY: '{"a":"{{phone}}"}' }, 'SMS_GATEWAY_BODY 须包含 {{phone}} 和 {{text}}'],
    [{ SMS_GATEWAY_TIMEOUT_MS: 'soon' }, 'SMS_GATEWAY_TIMEOUT_MS 应为毫秒数'],
    [{ SMS_GATEWAY_TIMEOUT_MS: '100' }, 'SMS_GATEWAY_TIMEOUT_MS 至少 500'],
    [{ SMS_GATEWAY_TIMEOUT_MS: '200000' }, 'SMS_GATEWAY_TIMEOUT_MS 至多 120000'],
  ])('refuses %o in Chinese', (env, message) => {
    expect(() => loadConfig(env)).toThrow(`配置有误（环境变量）：${message}`);
  });

  it('names every bad variable at once, never echoing a key', () => {
    const secret = 'f'.repeat(63);
    let text = '';
    try {
      loadConfig({ PORT: 'x', BCS_JOBS: 'maybe', BCS_DATA_KEY: secret });
    } catch (e) {
      text = (e as Error).message;
    }
    expect(text).toContain('PORT');
    expect(text).toContain('BCS_JOBS');
    expect(text).toContain('BCS_DATA_KEY');
    expect(text).not.toContain(secret);
  });
});
