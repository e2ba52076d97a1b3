import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Runs loadConfig and returns the ConfigError it throws (fails the test if it does not throw one). */
function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('applies the docs/domain.md §7 defaults to an empty environment', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      host: '127.0.0.1',
      port: 3000,
      databasePath: './data/refurb.db',
      assetTagPrefix: 'IQ',
      rateLimitPerMinute: 600,
      adminPassword: undefined,
      bodyLimitBytes: 64 * 1024,
      loginFailureLimit: 10,
      loginFailureWindowMs: 15 * 60 * 1000,
      loginFailuresPerAddress: 30,
      reportMinCell: 5,
    });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('SITE_TIMEZONE: America/Iqaluit by default, another IANA zone when set, and refused when it is none', () => {
    expect(loadConfig({}).siteTimeZone).toBe('America/Iqaluit');
    expect(loadConfig({ SITE_TIMEZONE: 'America/Rankin_Inlet' }).siteTimeZone).toBe('America/Rankin_Inlet');
    expect(() => loadConfig({ SITE_TIMEZONE: 'Nunavut/Iqaluit' })).toThrow(/SITE_TIMEZONE: must be an IANA time zone/);
  });

  it('reads valid values', () => {
    const c = loadConfig({
      HOST: '0.0.0.0',
      PORT: '8080',
      DATABASE_PATH: '/var/lib/refurb/db.sqlite',
      ASSET_TAG_PREFIX: 'ARV',
      ADMIN_PASSWORD: 'twelve-chars',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_MINUTE: '0',
      REPORT_MIN_CELL: '7',
    });
    expect(c).toMatchObject({
      host: '0.0.0.0',
      port: 8080,
      databasePath: '/var/lib/refurb/db.sqlite',
      assetTagPrefix: 'ARV',
      adminPassword: 'twelve-chars',
      logLevel: 'warn',
      rateLimitPerMinute: 0,
      reportMinCell: 7,
    });
  });

  it('treats an empty string as unset', () => {
    const c = loadConfig({ HOST: '', PORT: '', DATABASE_PATH: '', ASSET_TAG_PREFIX: '', ADMIN_PASSWORD: '', LOG_LEVEL: '', RATE_LIMIT_PER_MINUTE: '' });
    expect(c).toMatchObject({ host: '127.0.0.1', port: 3000, databasePath: './data/refurb.db', assetTagPrefix: 'IQ', adminPassword: undefined, rateLimitPerMinute: 600 });
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['PORT', '80.5'],
    ['ASSET_TAG_PREFIX', 'iq'],
    ['ASSET_TAG_PREFIX', 'TOOLONG'],
    ['ASSET_TAG_PREFIX', 'I'],
    ['ASSET_TAG_PREFIX', 'I1'],
    ['ADMIN_PASSWORD', 'short'],
    ['ADMIN_PASSWORD', 'elevenchars'],
    ['LOG_LEVEL', 'loud'],
    ['RATE_LIMIT_PER_MINUTE', '-1'],
    ['RATE_LIMIT_PER_MINUTE', 'lots'],
    // The privacy floor cannot be switched off (0) nor set above what a query may ask for (100).
    ['REPORT_MIN_CELL', '0'],
    ['REPORT_MIN_CELL', '101'],
    ['REPORT_MIN_CELL', '5.5'],
    ['REPORT_MIN_CELL', 'five'],
    // 0 would refuse every login; above 10000 the limit no longer limits spraying.
    ['LOGIN_FAILURES_PER_ADDRESS', '0'],
    ['LOGIN_FAILURES_PER_ADDRESS', '10001'],
    ['LOGIN_FAILURES_PER_ADDRESS', '-5'],
    ['LOGIN_FAILURES_PER_ADDRESS', '2.5'],
    ['LOGIN_FAILURES_PER_ADDRESS', 'thirty'],
  ])('refuses %s=%s with a ConfigError naming the variable', (name, value) => {
    const err = configError({ [name]: value });
    expect(err.message).toContain(name);
    expect(err.problems.length).toBe(1);
    expect(err.problems[0]).toMatch(new RegExp(`^${name}\\b`));
  });

  it('names every bad variable at once', () => {
    const err = configError({ PORT: 'abc', LOG_LEVEL: 'loud', ASSET_TAG_PREFIX: 'iq' });
    for (const name of ['PORT', 'LOG_LEVEL', 'ASSET_TAG_PREFIX']) expect(err.message).toContain(name);
    expect(err.problems).toHaveLength(3);
  });

  it('accepts the boundaries: 12-character password, 2- and 4-letter prefixes, port 65535', () => {
    expect(loadConfig({ ADMIN_PASSWORD: 'x'.repeat(12) }).adminPassword).toBe('x'.repeat(12));
    expect(loadConfig({ ASSET_TAG_PREFIX: 'AB' }).assetTagPrefix).toBe('AB');
    expect(loadConfig({ ASSET_TAG_PREFIX: 'ABCD' }).assetTagPrefix).toBe('ABCD');
    expect(loadConfig({ PORT: '65535' }).port).toBe(65535);
    expect(loadConfig({ REPORT_MIN_CELL: '1' }).reportMinCell).toBe(1);
    expect(loadConfig({ REPORT_MIN_CELL: '100' }).reportMinCell).toBe(100);
    expect(loadConfig({ LOGIN_FAILURES_PER_ADDRESS: '1' }).loginFailuresPerAddress).toBe(1);
    expect(loadConfig({ LOGIN_FAILURES_PER_ADDRESS: '10000' }).loginFailuresPerAddress).toBe(10000);
  });
});

describe('the real process', () => {
  it('exits non-zero on PORT=abc, naming PORT on stderr, before touching the database', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'refurb-config-'));
    const dbPath = path.join(dir, 'sub', 'refurb.db');
    try {
      const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir, PORT: 'abc', DATABASE_PATH: dbPath, ADMIN_PASSWORD: 'a-long-enough-password' },
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(result.error).toBeUndefined();
      expect(result.signal).toBeNull();
      expect(result.status).not.toBe(0);
      expect(result.status).not.toBeNull();
      expect(result.stderr).toMatch(/\bPORT\b/);
      expect(fs.existsSync(dbPath)).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
