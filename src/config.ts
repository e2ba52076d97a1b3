import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const intFromEnv = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

/**
 * Every setting the service reads from the environment. Names and defaults are
 * part of the operating contract (docs/domain.md §7) and are listed in the README.
 */
export const EnvSchema = z.object({
  HOST: z.string().min(1).max(255).default('127.0.0.1'),
  PORT: intFromEnv(0, 65535).default(3000),
  DATABASE_PATH: z.string().min(1).max(4096).default('./data/refurb.db'),
  /** PostgreSQL instead of the SQLite file (docs/postgresql.md): postgres://user:password@host:port/database. */
  DATABASE_URL: z
    .string()
    .max(4096)
    .regex(/^postgres(ql)?:\/\/./, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DATABASE_POOL_SIZE: intFromEnv(1, 200).default(10),
  ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').max(256).optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  ASSET_TAG_PREFIX: z
    .string()
    .regex(/^[A-Z]{2,4}$/, 'must be 2 to 4 uppercase letters A-Z')
    .default('IQ'),
  RATE_LIMIT_PER_MINUTE: intFromEnv(0, 1_000_000).default(600),
  SESSION_TTL_HOURS: intFromEnv(1, 24 * 90).default(12),
  BODY_LIMIT_BYTES: intFromEnv(1024, 16 * 1024 * 1024).default(64 * 1024),
  REQUEST_TIMEOUT_MS: intFromEnv(1000, 600_000).default(30_000),
  ORGANIZATION_NAME: z.string().min(1).max(200).default('Refurbishment workshop'),
  ORGANIZATION_ADDRESS: z.string().min(1).max(300).optional(),
  SITE_NAME: z.string().min(1).max(100).default('Iqaluit'),
  /** The first site's name in syllabics (ᐃᖃᓗᐃᑦ), printed on its labels beside SITE_NAME; without it, the community list's. */
  SITE_NAME_SYLLABICS: z.string().trim().min(1).max(100).optional(),
  /** The first site's code (docs/domain.md §8); by default its name in lower case with hyphens. */
  SITE_CODE: z
    .string()
    .regex(/^[a-z][a-z0-9-]{1,31}$/, 'must be 2 to 32 lower-case letters, digits and hyphens, starting with a letter')
    .optional(),
  SITE_TIMEZONE: z
    .string()
    .min(1)
    .max(64)
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'must be an IANA time zone (e.g. America/Iqaluit)')
    .default('America/Iqaluit'),
  PROGRAM_NAME: z.string().min(1).max(200).optional(),
  LABEL_TEMPLATES_DIR: z.string().min(1).max(4096).optional(),
  REPORT_MIN_CELL: intFromEnv(1, 100).default(5),
  RENDER_WORKERS: intFromEnv(1, 64).optional(),
  RENDER_PER_USER: intFromEnv(1, 100).default(2),
  RENDER_QUEUE: intFromEnv(0, 1000).default(32),
  LOGIN_FAILURES_PER_ADDRESS: intFromEnv(1, 10_000).default(30),
  AUDIT_ANCHORS_PATH: z.string().min(1).max(4096).optional(),
});

export type Config = Readonly<{
  host: string;
  port: number;
  databasePath: string;
  /** When set, the service runs on PostgreSQL and databasePath is not used. */
  databaseUrl: string | undefined;
  databasePoolSize: number;
  adminPassword: string | undefined;
  logLevel: (typeof LOG_LEVELS)[number];
  assetTagPrefix: string;
  rateLimitPerMinute: number;
  sessionTtlHours: number;
  bodyLimitBytes: number;
  requestTimeoutMs: number;
  organizationName: string;
  organizationAddress: string | null;
  siteName: string;
  /** The first site's name in syllabics (SITE_NAME_SYLLABICS), or null. */
  siteNameSyllabics: string | null;
  /** The first site's code: SITE_CODE, or the name in lower case with hyphens (the prefix's when the name has no Latin letters). */
  siteCode: string;
  /** The site's IANA time zone: what wipe tools that log local time without a zone (nwipe) are read in. */
  siteTimeZone: string;
  /** The funded program, printed in the header of every page of the diversion report. */
  programName: string | null;
  labelTemplatesDir: string | undefined;
  /** Reports hide communities with fewer reused devices than this; a caller may raise it, never lower it (docs/domain.md §6). */
  reportMinCell: number;
  /** Documents are drawn on this many worker threads; by default one core is left to the event loop. */
  renderWorkers: number;
  /** Documents one user may have drawing or waiting at once (429 beyond). */
  renderPerUser: number;
  /** Documents that may wait for a free worker (503 beyond). */
  renderQueue: number;
  /** Failed logins allowed per username and address inside the window (docs/domain.md §7). */
  loginFailureLimit: number;
  loginFailureWindowMs: number;
  /** Failed logins allowed per client address across all usernames inside the same window: stops password spraying. */
  loginFailuresPerAddress: number;
  /** The file of audit chain anchors (`<time> <id>:<hash>` lines) a backup appends to: outside the database, beside it by default. */
  auditAnchorsPath: string;
}>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** `Gjoa Haven` → `gjoa-haven`; a name with no Latin letter (ᐃᖃᓗᐃᑦ) takes the prefix's code. */
function codeFromName(name: string, prefix: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^[^a-z]+|-+$/g, '')
    .slice(0, 32)
    .replace(/-+$/, '');
  return slug.length >= 2 ? slug : prefix.toLowerCase();
}

/** Parses an environment (process.env or a test's object); throws ConfigError naming each bad variable. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  // An empty variable means "not set", as in most shells' `FOO= cmd`.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const auditAnchorsPath = e.AUDIT_ANCHORS_PATH ?? path.join(path.dirname(e.DATABASE_PATH), 'audit-anchors.log');
  // An anchor kept in the file it vouches for proves nothing.
  if (path.resolve(auditAnchorsPath) === path.resolve(e.DATABASE_PATH)) throw new ConfigError(['AUDIT_ANCHORS_PATH: must not be the database file']);
  return Object.freeze({
    host: e.HOST,
    port: e.PORT,
    databasePath: e.DATABASE_PATH,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    adminPassword: e.ADMIN_PASSWORD,
    logLevel: e.LOG_LEVEL,
    assetTagPrefix: e.ASSET_TAG_PREFIX,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    sessionTtlHours: e.SESSION_TTL_HOURS,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
    organizationName: e.ORGANIZATION_NAME,
    organizationAddress: e.ORGANIZATION_ADDRESS ?? null,
    siteName: e.SITE_NAME,
    siteNameSyllabics: e.SITE_NAME_SYLLABICS ?? null,
    siteCode: e.SITE_CODE ?? codeFromName(e.SITE_NAME, e.ASSET_TAG_PREFIX),
    siteTimeZone: e.SITE_TIMEZONE,
    programName: e.PROGRAM_NAME ?? null,
    labelTemplatesDir: e.LABEL_TEMPLATES_DIR,
    reportMinCell: e.REPORT_MIN_CELL,
    renderWorkers: e.RENDER_WORKERS ?? Math.max(1, os.availableParallelism() - 1),
    renderPerUser: e.RENDER_PER_USER,
    renderQueue: e.RENDER_QUEUE,
    loginFailureLimit: 10,
    loginFailureWindowMs: 15 * 60 * 1000,
    loginFailuresPerAddress: e.LOGIN_FAILURES_PER_ADDRESS,
    auditAnchorsPath,
  });
}
