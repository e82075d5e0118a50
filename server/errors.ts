/**
 * Error codes of the API (docs/CONTRACT.md §Errors), one documented enum. Every error leaves the server as
 * `{"error":{"code","message","details"?}}` with a Chinese message.
 */
export const ERROR_CODES = {
  /** 400 — the body or query is invalid; `details` names the fields. */
  VALIDATION: 400,
  /** 401 — no valid session or token; also a failed login, and a login to an account locked for a while (the message says which). */
  UNAUTHENTICATED: 401,
  /** 403 — the role (or department) may never take this action here; also a missing CSRF token. */
  FORBIDDEN: 403,
  /** 404 — unknown, or not visible to the caller (identical body either way). */
  NOT_FOUND: 404,
  /** 409 — the case changed since the caller read it. */
  VERSION_CONFLICT: 409,
  /** 409 — the case's state does not allow the action. */
  INVALID_TRANSITION: 409,
  /** 409 — an Idempotency-Key was reused with a different body. */
  IDEMPOTENCY_MISMATCH: 409,
  /** 409 — a unique thing (department code, username) already exists. */
  CONFLICT: 409,
  /** 429 — too many requests. */
  RATE_LIMITED: 429,
  /** 413 — an uploaded file is larger than the setting `attachmentMaxBytes`. */
  PAYLOAD_TOO_LARGE: 413,
  /** 500 — a bug; logged with the request id, never with personal data. */
  INTERNAL: 500,
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.status = ERROR_CODES[code];
  }
}

export const notFound = () => new AppError('NOT_FOUND', '未找到该记录');
export const forbidden = (message = '无权执行此操作') => new AppError('FORBIDDEN', message);
export const validation = (details: Array<{ field: string; message: string }>, message?: string) =>
  new AppError('VALIDATION', message ?? `输入有误：${details.map((d) => d.message).join('；')}`, details);

/**
 * What the tolerant body parsers (server/app.ts) leave in `req.body` when the body cannot be read
 * (malformed JSON, an unsupported content type, an empty JSON body): the 400 is raised where the
 * body is checked, so 401 and 404 come first as the contract orders them.
 */
export class UnreadableBody {
  constructor(readonly message: string) {}
}

/** Throws the 400 of an unreadable body; returns anything else as it is. */
export function readableBody(value: unknown): unknown {
  if (value instanceof UnreadableBody) throw new AppError('VALIDATION', value.message, [{ field: '(body)', message: value.message }]);
  return value;
}
