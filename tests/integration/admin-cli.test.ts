import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { db } from '~/lib/db.server';
import { checkLink } from '~/modules/auth/users.server';

const run = promisify(execFile);

async function admin(...args: string[]) {
  try {
    const { stdout, stderr } = await run('npx', ['tsx', 'app/bin/admin.ts', ...args], {
      env: { ...process.env, NODE_ENV: 'test' },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('npm run admin', () => {
  it('create-user makes an invited account and prints a working invitation link', async () => {
    const r = await admin(
      'create-user',
      '--email',
      'cli.user@example.org',
      '--role',
      'counselor',
      '--name',
      'CLI 利用者',
    );
    expect(r.code).toBe(0);
    const token = r.stdout.match(/\/invite\/([A-Za-z0-9_-]+)/)?.[1];
    expect(token).toBeTruthy();
    expect(await checkLink(token!, 'invitation')).toMatchObject({
      state: 'valid',
      email: 'cli.user@example.org',
    });
    const mail = await db
      .selectFrom('outgoing_mail')
      .select('to_address')
      .executeTakeFirstOrThrow();
    expect(mail.to_address).toBe('cli.user@example.org');
  });

  it('explains wrong usage (64) and invalid data (65)', async () => {
    const none = await admin();
    expect(none.code).toBe(64);
    expect(none.stdout).toContain('Usage: npm run admin');
    const unknown = await admin('frobnicate');
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toContain('unknown verb "frobnicate"');
    const missing = await admin('create-user', '--email', 'x@example.org');
    expect(missing.code).toBe(64);
    expect(missing.stderr).toContain('--role is required');
    const bad = await admin('create-user', '--email', 'nope', '--role', 'king', '--name', 'X');
    expect(bad.code).toBe(65);
    expect(bad.stderr).toContain('--email: Enter a valid email address.');
    expect(bad.stderr).toContain('--role: Choose one of the options.');
    const badCount = await admin('seed-demo', '--partners', 'lots');
    expect(badCount.code).toBe(64);
    expect(badCount.stderr).toContain('--partners must be a whole number');
    const partnerless = await admin(
      'create-user',
      '--email',
      'p@example.org',
      '--role',
      'partner',
      '--name',
      'P',
    );
    expect(partnerless.code).toBe(65);
    expect(partnerless.stderr).toContain('partnerId: Choose the partner organisation');
  });
});
