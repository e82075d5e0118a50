/** Configuration from the environment, validated once at boot and frozen. */
import { z } from 'zod';

const ZEnv = z.object({
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  WEB_ROOT: z.string().default('web/dist'),
});

export type Config = Readonly<z.infer<typeof ZEnv>>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const r = ZEnv.safeParse(env);
  if (!r.success) {
    throw new Error(`配置有误：${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('；')}`);
  }
  return Object.freeze(r.data);
}
