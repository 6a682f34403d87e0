import path from 'node:path';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const postgresUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://');

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  /** External PostgreSQL; when unset an embedded server is started (data in DATA_DIR/pg). */
  DATABASE_URL: postgresUrl.optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
  /** Public base URL used in emailed links. Defaults to http://localhost:PORT. */
  APP_URL: z.string().url().optional(),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
    .optional(),
  MAIL_FROM: z
    .string()
    .min(3)
    .default('伴走連携ネットワーク事務局 <no-reply@banso-network.example>'),
  RUN_WORKER: bool.default('true'),
  /** HTTP processes on this machine (node:cluster, one listening port); 1 serves in-process. */
  WEB_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(50).default(4),
  TRUST_PROXY: bool.default('false'),
  MAP_TILE_URL: z.string().min(1).default('https://tile.openstreetmap.org/{z}/{x}/{y}.png'),
  SESSION_IDLE_HOURS: z.coerce.number().positive().default(12),
  SESSION_ABSOLUTE_DAYS: z.coerce.number().positive().default(30),
  /** Years after closing that a case's confidential text is kept before the purge job removes it. */
  CASE_RETENTION_YEARS: z.coerce.number().min(0.01).max(50).default(3),
  /** How many partners an offer cascade keeps an offer open with at once. */
  CASCADE_K: z.coerce.number().int().min(1).max(10).default(3),
  /** Minutes after a counselor was alerted that a cascade ran out before the secretariat is. */
  CASCADE_ESCALATE_MINUTES: z.coerce.number().int().min(1).max(10_080).default(30),
  /** Minutes after the planned start (or end) without "arrived" (or "finished") before the
   * counselor is alerted, and before the secretariat is. */
  CHECKIN_ALERT_MINUTES: z.coerce.number().int().min(1).max(1440).default(30),
  CHECKIN_ESCALATE_MINUTES: z.coerce.number().int().min(1).max(2880).default(60),
  /** Years an attended training module counts towards the trained status. */
  TRAINING_VALIDITY_YEARS: z.coerce.number().int().min(1).max(20).default(3),
  /** Key for signed links (meeting RSVP). Optional: by default a random key is made in the
   * database at the first migration, shared by every process on that database. */
  APP_SECRET: z.string().min(32).optional(),
  /** Public directory API: requests per minute per token, and the origins allowed by CORS
   * (comma-separated, or * for any; empty: no cross-origin access). */
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(120),
  API_CORS_ORIGINS: z.string().default(''),
  /** Payments: a second secretariat user must approve each statement. */
  PAYMENT_SECOND_APPROVAL: bool.default('false'),
  /** Payer of bank transfers (Zengin header): consignor code from the bank, names in kana. */
  PAYER_CONSIGNOR_CODE: z
    .string()
    .regex(/^[0-9]{10}$/)
    .default('0000000000'),
  PAYER_CONSIGNOR_NAME: z.string().min(1).max(40).default('ﾊﾞﾝｿｳﾚﾝｹｲﾈｯﾄﾜｰｸ'),
  PAYER_BANK_CODE: z
    .string()
    .regex(/^[0-9]{4}$/)
    .default('0000'),
  PAYER_BANK_NAME: z.string().max(15).default(''),
  PAYER_BRANCH_CODE: z
    .string()
    .regex(/^[0-9]{3}$/)
    .default('000'),
  PAYER_BRANCH_NAME: z.string().max(15).default(''),
  PAYER_ACCOUNT_TYPE: z.enum(['ordinary', 'current', 'savings']).default('ordinary'),
  PAYER_ACCOUNT_NUMBER: z
    .string()
    .regex(/^[0-9]{7}$/)
    .default('0000000'),
  /** Test hook: hold each cascade step's transaction open this long (crash tests). */
  CASCADE_STEP_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  /** Seed demo data into an empty database on start (default: on, except in production). */
  SEED_DEMO: bool.optional(),
});

export type Env = z.infer<typeof envSchema>;

let cached: Env | undefined;

/** Parses process.env once; throws an error whose message lists every invalid variable. */
export function getEnv(): Env {
  if (cached) return cached;
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`);
    throw new EnvError(`Invalid environment configuration:\n${lines.join('\n')}`);
  }
  cached = parsed.data;
  return cached;
}

/** Tests change variables between cases; they call this to re-read them. */
export function resetEnvCache() {
  cached = undefined;
}

export class EnvError extends Error {
  name = 'EnvError';
}

export function dataDir(): string {
  return path.resolve(getEnv().DATA_DIR);
}

export function appUrl(): string {
  const env = getEnv();
  return (env.APP_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, '');
}

export const isProduction = () => getEnv().NODE_ENV === 'production';
