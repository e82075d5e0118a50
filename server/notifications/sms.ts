/**
 * SMS behind a provider interface. The default provider appends JSON lines to a log file, so a
 * county without an SMS gateway still works (and can see what would have been sent); the HTTP
 * provider posts to the county's gateway with a configurable JSON body.
 *
 * Configuration (read and validated at boot by loadConfig in server/config.ts, handed to
 * {@link smsProviderFrom} as `config.sms`):
 *   SMS_PROVIDER            log (default) | http
 *   SMS_LOG_FILE            log provider's file (default ./data/sms.log)
 *   SMS_GATEWAY_URL         http provider: the gateway's URL (http or https), required
 *   SMS_GATEWAY_BODY        http provider: JSON body template; string values may contain
 *                           {{phone}} {{text}} {{id}} {{topic}} {{caseNo}}
 *                           (default {"phone":"{{phone}}","text":"{{text}}","id":"{{id}}"})
 *   SMS_GATEWAY_AUTH        http provider: value of the Authorization header (optional)
 *   SMS_GATEWAY_TIMEOUT_MS  http provider: timeout per request (default 10000)
 */
import fs from 'node:fs';
import path from 'node:path';
import type { SmsConfig } from '../config.js';
import { maskPhone } from '../../core/validation.js';

export interface SmsMessage {
  /** Idempotency key: stable per outbox message (`bcs-outbox-<id>`); a gateway that honours it never sends twice. */
  id: string;
  /** Mainland mobile number, 11 digits. */
  to: string;
  text: string;
  topic: string;
  caseNo: string | null;
}

export interface SmsProvider {
  readonly name: string;
  /** Sends one message. Resolves once the provider accepted it; throws (with a Chinese message) otherwise. */
  send(message: SmsMessage): Promise<void>;
}

/**
 * Appends one JSON line per message: {"at","id","to","topic","caseNo","text"}, the number masked
 * (138****1234: the log never holds a full number). The file is created 0600.
 */
export class LogFileSmsProvider implements SmsProvider {
  readonly name = 'log';
  constructor(
    readonly file: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async send(m: SmsMessage): Promise<void> {
    await fs.promises.mkdir(path.dirname(path.resolve(this.file)), { recursive: true });
    const line = JSON.stringify({ at: this.now().toISOString(), id: m.id, to: maskPhone(m.to), topic: m.topic, caseNo: m.caseNo, text: m.text });
    await fs.promises.appendFile(this.file, `${line}\n`, { encoding: 'utf8', mode: 0o600 });
  }
}

export interface HttpSmsOptions {
  url: string;
  /** JSON text of the body; see the module comment for the placeholders. */
  bodyTemplate: string;
  authorization?: string;
  timeoutMs: number;
}

export const DEFAULT_GATEWAY_BODY = '{"phone":"{{phone}}","text":"{{text}}","id":"{{id}}"}';

/** Checks a body template: valid JSON with {{phone}} and {{text}} somewhere in its strings. */
export function checkBodyTemplate(text: string): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'SMS_GATEWAY_BODY 不是合法的 JSON';
  }
  if (parsed === null || typeof parsed !== 'object') return 'SMS_GATEWAY_BODY 应为 JSON 对象';
  if (!text.includes('{{phone}}') || !text.includes('{{text}}')) return 'SMS_GATEWAY_BODY 须包含 {{phone}} 和 {{text}}';
  return null;
}

/** Replaces the placeholders inside every string value (so JSON escaping stays right). */
export function fillBody(template: unknown, m: SmsMessage): unknown {
  if (typeof template === 'string') {
    return template
      .replaceAll('{{phone}}', m.to)
      .replaceAll('{{text}}', m.text)
      .replaceAll('{{id}}', m.id)
      .replaceAll('{{topic}}', m.topic)
      .replaceAll('{{caseNo}}', m.caseNo ?? '');
  }
  if (Array.isArray(template)) return template.map((v) => fillBody(v, m));
  if (template && typeof template === 'object') {
    return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, fillBody(v, m)]));
  }
  return template;
}

/**
 * POSTs the filled body as JSON with an `Idempotency-Key` header (the outbox id). A 2xx answer is
 * success; anything else, a timeout or a network error is a failure (retried by the worker).
 */
export class HttpSmsProvider implements SmsProvider {
  readonly name = 'http';
  private readonly template: unknown;
  constructor(private readonly opts: HttpSmsOptions) {
    const problem = checkBodyTemplate(opts.bodyTemplate);
    if (problem) throw new Error(problem);
    this.template = JSON.parse(opts.bodyTemplate);
  }

  async send(m: SmsMessage): Promise<void> {
    let res: Response;
    try {
      res = await fetch(this.opts.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'idempotency-key': m.id,
          ...(this.opts.authorization ? { authorization: this.opts.authorization } : {}),
        },
        body: JSON.stringify(fillBody(this.template, m)),
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
    } catch (e) {
      const err = e as Error;
      if (err.name === 'TimeoutError' || err.name === 'AbortError') throw new Error(`短信网关超时（${this.opts.timeoutMs} 毫秒）`);
      throw new Error(`短信网关连接失败：${(err.cause as Error | undefined)?.message ?? err.message}`);
    }
    if (res.status < 200 || res.status > 299) {
      const text = (await res.text().catch(() => '')).replace(/\d{7,}/g, '…').slice(0, 200);
      throw new Error(`短信网关返回 ${res.status}${text ? `：${text}` : ''}`);
    }
    await res.body?.cancel().catch(() => undefined);
  }
}

export interface SmsSetup {
  provider: SmsProvider;
  /** The longest one send may take (the worker's lease is sized from it). */
  timeoutMs: number;
}

/** Builds the provider the configuration names (`config.sms`, checked at boot by loadConfig). */
export function smsProviderFrom(config: SmsConfig): SmsSetup {
  if (config.provider === 'http') {
    return {
      provider: new HttpSmsProvider({ url: config.url, bodyTemplate: config.bodyTemplate, authorization: config.authorization, timeoutMs: config.timeoutMs }),
      timeoutMs: config.timeoutMs,
    };
  }
  return { provider: new LogFileSmsProvider(config.logFile), timeoutMs: 1000 };
}
