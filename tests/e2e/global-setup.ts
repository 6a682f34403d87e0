import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, promises as fs, readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { type AddressObject, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** http://localhost:<port> of the production server under test (also its APP_URL). */
    e2eBaseUrl: string;
    /** Directory where the SMTP peer writes every received message as one JSON file. */
    e2eInboxDir: string;
  }
}

/** One message as received by the SMTP peer; see tests/e2e/support.ts for the reader. */
export interface ReceivedMail {
  receivedAt: string;
  envelopeFrom: string | null;
  envelopeTo: string[];
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

const HEALTH_TIMEOUT_MS = 120_000;

/**
 * Starts the real production server (`tsx app/bin/serve.ts`, NODE_ENV=production) on a fresh
 * embedded PostgreSQL with the demo data, and a real SMTP peer it delivers mail to. The server is
 * started in its own process group so that teardown stops it together with PostgreSQL.
 *
 * Set E2E_KEEP_DATA=1 to keep the data directory (database, server.log, received mail).
 */
export default async function setup(project: TestProject) {
  const root = project.config.root;
  const dataDir = path.join(root, '.data', `e2e-${process.pid}`);
  const inboxDir = path.join(dataDir, 'smtp-inbox');
  await fs.rm(dataDir, { recursive: true, force: true });
  await fs.mkdir(inboxDir, { recursive: true });

  const smtp = await startSmtpPeer(inboxDir);
  const [port, pgPort] = await freePorts(2);
  const baseUrl = `http://localhost:${port}`;

  const logFile = path.join(dataDir, 'server.log');
  const logHandle = await fs.open(logFile, 'a');
  const env: NodeJS.ProcessEnv = { ...process.env };
  // Never point the server at a database or settings from the caller's environment.
  for (const key of ['DATABASE_URL', 'TEST_DATABASE_URL', 'HOST', 'TRUST_PROXY', 'MAIL_FROM'])
    delete env[key];
  Object.assign(env, {
    NODE_ENV: 'production',
    PORT: String(port),
    DATA_DIR: path.relative(root, dataDir),
    EMBEDDED_PG_PORT: String(pgPort),
    SEED_DEMO: 'true',
    RUN_WORKER: 'true',
    APP_URL: baseUrl,
    SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
  });
  const child = spawn('npx', ['tsx', 'app/bin/serve.ts'], {
    cwd: root,
    env,
    detached: true, // its own process group: PostgreSQL is in it too
    stdio: ['ignore', logHandle.fd, logHandle.fd],
  });
  const pgid = child.pid!;
  // Last resort if the test process dies without running teardown.
  const onExit = () => signalGroup(pgid, 'SIGKILL');
  process.on('exit', onExit);

  const cleanup = async () => {
    process.off('exit', onExit);
    await stopGroup(child, pgid);
    await logHandle.close().catch(() => {});
    await smtp.close();
    if (!process.env.E2E_KEEP_DATA) await fs.rm(dataDir, { recursive: true, force: true });
  };

  try {
    await waitForHealth(child, `http://127.0.0.1:${port}/healthz`, logFile);
  } catch (err) {
    await cleanup();
    throw err;
  }

  project.provide('e2eBaseUrl', baseUrl);
  project.provide('e2eInboxDir', inboxDir);

  return cleanup;
}

async function waitForHealth(child: ChildProcess, url: string, logFile: string) {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  let last = 'no response';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `the server exited (${child.exitCode ?? child.signalCode}) before it was healthy:\n${tail(logFile)}`,
      );
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      if (res.status === 200) return;
      last = `HTTP ${res.status}: ${await res.text()}`;
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
    await sleep(500);
  }
  throw new Error(
    `GET ${url} did not return 200 within ${HEALTH_TIMEOUT_MS / 1000} s (last: ${last}):\n${tail(logFile)}`,
  );
}

function tail(file: string, lines = 60) {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no server output)';
  }
}

// ---- process group ----------------------------------------------------------------------------

function signalGroup(pgid: number, signal: NodeJS.Signals) {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/** Live (non-zombie) processes in the group; zombies need no killing and may never be reaped. */
function groupAlive(pgid: number): boolean {
  if (!existsSync('/proc')) {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  }
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // pid (comm) state ppid pgrp ...; comm may contain spaces, so split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') return true;
  }
  return false;
}

async function waitForGroupExit(pgid: number, ms: number) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!groupAlive(pgid)) return true;
    await sleep(200);
  }
  return !groupAlive(pgid);
}

async function stopGroup(child: ChildProcess, pgid: number) {
  signalGroup(pgid, 'SIGTERM');
  if (await waitForGroupExit(pgid, 20_000)) return;
  console.warn('[e2e] server did not stop within 20 s of SIGTERM; sending SIGKILL');
  signalGroup(pgid, 'SIGKILL');
  if (!(await waitForGroupExit(pgid, 10_000)))
    console.warn(`[e2e] process group ${pgid} (child ${child.pid}) is still alive`);
}

// ---- SMTP peer --------------------------------------------------------------------------------

async function startSmtpPeer(inboxDir: string) {
  let seq = 0;
  const server = new SMTPServer({
    // The app keeps pooled connections open: close them at once when the peer stops.
    closeTimeout: 200,
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then(async (mail) => {
          const message: ReceivedMail = {
            receivedAt: new Date().toISOString(),
            envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
            envelopeTo: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
            from: mail.from?.text ?? '',
            to: addressText(mail.to),
            subject: mail.subject ?? '',
            text: mail.text ?? '',
            html: typeof mail.html === 'string' ? mail.html : '',
          };
          const name = `${Date.now()}-${String(++seq).padStart(4, '0')}`;
          // Written under a temporary name and renamed, so readers never see half a file.
          const tmp = path.join(inboxDir, `.${name}.tmp`);
          await fs.writeFile(tmp, JSON.stringify(message, null, 2));
          await fs.rename(tmp, path.join(inboxDir, `${name}.json`));
          callback();
        })
        .catch((err: Error) => callback(err));
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.server.address() as net.AddressInfo).port);
    });
  });
  server.on('error', (err) => console.error('[e2e] SMTP peer error:', err));
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function addressText(a: AddressObject | AddressObject[] | undefined): string {
  if (!a) return '';
  return (Array.isArray(a) ? a : [a]).map((x) => x.text).join(', ');
}

// ---- helpers ----------------------------------------------------------------------------------

/** Distinct ports the OS reports free (held open together so they cannot coincide). */
async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<net.Server>((resolve, reject) => {
          const s = net.createServer();
          s.once('error', reject);
          s.listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
