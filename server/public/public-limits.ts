/** The public endpoints' limits, counted in the database and shared by every instance. */
export const LOOKUP_WINDOW_MS = 15 * 60_000;
export const LOOKUP_MAX_FAILURES = 10;
/** Online reports filed per client address within the window (counted in the database, shared by every instance). */
export const REPORT_WINDOW_MS = 60 * 60_000;
/** Online reports per client address per hour: a service hall's public Wi-Fi is one address. */
export const REPORT_MAX_PER_IP = 20;
/** Rate-limit rows older than this are purged by the housekeeping job. */
export const RATE_ROWS_KEEP_MS = 24 * 60 * 60_000;
