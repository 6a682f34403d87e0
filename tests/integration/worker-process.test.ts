import { type ChildProcess, spawn } from 'node:child_process';
import { afterEach, expect, it } from 'vitest';
import { db } from '~/lib/db.server';
import { enqueueEmail } from '~/modules/mail/mail.server';
import { startSmtpPeer, waitFor } from '../support/smtp';

let child: ChildProcess | undefined;
afterEach(() => {
  // npx starts node as a grandchild: stop the whole process group.
  if (child?.pid) process.kill(-child.pid, 'SIGTERM');
  child = undefined;
});

it('`npm run worker` delivers queued mail as its own process', async () => {
  const smtp = await startSmtpPeer();
  try {
    child = spawn('npx', ['tsx', 'app/bin/worker.ts'], {
      env: { ...process.env, SMTP_URL: smtp.url, NODE_ENV: 'test' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    await waitFor('the worker to start', () => out.includes('job worker running'), 60_000);
    await db.transaction().execute((tx) =>
      enqueueEmail(tx, {
        template: 'password_changed',
        to: 'separate-worker@example.org',
        locale: 'en',
        data: { name: 'W', at: { ja: 'j', en: 'e' } },
      }),
    );
    const mail = await waitFor('delivery', () => smtp.messages[0], 30_000);
    expect(mail.subject).toBe('[Partner network] Your password was changed');
  } finally {
    await smtp.close();
  }
});
