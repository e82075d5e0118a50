import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpSmsProvider, LogFileSmsProvider, smsProviderFrom, type SmsMessage } from './sms.js';
import { loadConfig } from '../config.js';

const msg: SmsMessage = { id: 'bcs-outbox-7', to: '13800001234', text: '您反映的“个体工商户设立登记”已登记，编号2026-000001。', topic: 'received', caseNo: '2026-000001' };

describe('SMS providers', () => {
  let server: http.Server;
  let url: string;
  const seen: Array<{ headers: http.IncomingHttpHeaders; body: string }> = [];
  let answer = 200;
  let delayMs = 0;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({ headers: req.headers, body });
        setTimeout(() => {
          res.statusCode = answer;
          res.end(answer === 200 ? '{"code":0}' : '{"code":500,"msg":"余额不足 13800001234"}');
        }, delayMs);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms/send`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('appends one JSON line per message to the log file', async () => {
    const file = path.join(os.tmpdir(), `bcs-sms-${process.pid}-${Date.now()}`, 'sms.log');
    const p = new LogFileSmsProvider(file, () => new Date('2026-11-26T02:00:00Z'));
    await p.send(msg);
    await p.send({ ...msg, id: 'bcs-outbox-8' });
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toEqual({ at: '2026-11-26T02:00:00.000Z', id: 'bcs-outbox-7', to: '138****1234', topic: 'received', caseNo: '2026-000001', text: msg.text });
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });

  it('posts the filled body template to the gateway with the idempotency key', async () => {
    const p = new HttpSmsProvider({
      url,
      bodyTemplate: '{"mobile":"{{phone}}","content":"【垫江县政务服务】{{text}}","requestId":"{{id}}","extra":{"biz":"{{topic}}","list":["{{caseNo}}"]},"priority":1}',
      authorization: 'Bearer secret-token',
      timeoutMs: 2000,
    });
    answer = 200;
    await p.send({ ...msg, text: '含"引号"和\\反斜杠\n换行' });
    const last = seen[seen.length - 1]!;
    expect(last.headers['idempotency-key']).toBe('bcs-outbox-7');
    expect(last.headers.authorization).toBe('Bearer secret-token');
    expect(last.headers['content-type']).toContain('application/json');
    expect(JSON.parse(last.body)).toEqual({
      mobile: '13800001234',
      content: '【垫江县政务服务】含"引号"和\\反斜杠\n换行',
      requestId: 'bcs-outbox-7',
      extra: { biz: 'received', list: ['2026-000001'] },
      priority: 1,
    });
  });

  it('treats a non-2xx answer and a timeout as failures, without echoing phone numbers', async () => {
    const p = new HttpSmsProvider({ url, bodyTemplate: '{"to":"{{phone}}","text":"{{text}}"}', timeoutMs: 500 });
    answer = 500;
    const e = await p.send(msg).catch((x: Error) => x);
    expect((e as Error).message).toMatch(/^短信网关返回 500/);
    expect((e as Error).message).not.toContain('13800001234');
    answer = 200;
    delayMs = 1500;
    await expect(p.send(msg)).rejects.toThrow('短信网关超时');
    delayMs = 0;
    const down = new HttpSmsProvider({ url: 'http://127.0.0.1:1/x', bodyTemplate: '{"to":"{{phone}}","text":"{{text}}"}', timeoutMs: 1000 });
    await expect(down.send(msg)).rejects.toThrow('短信网关连接失败');
  });

  it('is chosen from the configuration, which loadConfig validates', () => {
    const fromEnv = (env: NodeJS.ProcessEnv) => smsProviderFrom(loadConfig(env).sms);
    expect(fromEnv({}).provider).toBeInstanceOf(LogFileSmsProvider);
    expect((fromEnv({ SMS_LOG_FILE: '/tmp/x.log' }).provider as LogFileSmsProvider).file).toBe('/tmp/x.log');
    const h = fromEnv({ SMS_PROVIDER: 'http', SMS_GATEWAY_URL: url, SMS_GATEWAY_TIMEOUT_MS: '3000' });
    expect(h.provider).toBeInstanceOf(HttpSmsProvider);
    expect(h.timeoutMs).toBe(3000);
    expect(() => fromEnv({ SMS_PROVIDER: 'carrier-pigeon' })).toThrow('SMS_PROVIDER 应为 log 或 http');
    expect(() => fromEnv({ SMS_PROVIDER: 'http' })).toThrow('须设置 SMS_GATEWAY_URL');
    expect(() => fromEnv({ SMS_PROVIDER: 'http', SMS_GATEWAY_URL: 'ftp://x' })).toThrow('SMS_GATEWAY_URL');
    expect(() => fromEnv({ SMS_PROVIDER: 'http', SMS_GATEWAY_URL: url, SMS_GATEWAY_BODY: '{"to":"{{phone}}"' })).toThrow('不是合法的 JSON');
    expect(() => fromEnv({ SMS_PROVIDER: 'http', SMS_GATEWAY_URL: url, SMS_GATEWAY_BODY: '{"to":"{{phone}}"}' })).toThrow('须包含 {{phone}} 和 {{text}}');
    expect(() => fromEnv({ SMS_PROVIDER: 'http', SMS_GATEWAY_URL: url, SMS_GATEWAY_TIMEOUT_MS: 'soon' })).toThrow('SMS_GATEWAY_TIMEOUT_MS');
  });
});
