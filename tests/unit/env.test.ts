import { afterEach, describe, expect, it } from 'vitest';
import { getEnv, resetEnvCache } from '~/lib/env.server';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
  resetEnvCache();
});

describe('environment validation', () => {
  it('refuses bad values with a message naming each variable', () => {
    process.env.PORT = 'eighty';
    process.env.DATABASE_URL = 'mysql://nope';
    process.env.SMTP_URL = 'http://mail';
    resetEnvCache();
    expect(() => getEnv()).toThrowError(
      /PORT[\s\S]*DATABASE_URL[\s\S]*SMTP_URL|DATABASE_URL[\s\S]*PORT/,
    );
  });
  it('has working defaults', () => {
    delete process.env.PORT;
    delete process.env.RUN_WORKER;
    resetEnvCache();
    expect(getEnv()).toMatchObject({
      PORT: 3000,
      RUN_WORKER: true,
      SESSION_IDLE_HOURS: 12,
      SESSION_ABSOLUTE_DAYS: 30,
    });
  });
});
