import { execFile } from 'node:child_process';
import { existsSync, promises as fs, readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './net';

const exec = promisify(execFile);

/** The newest PostgreSQL server installed the Debian way (/usr/lib/postgresql/<major>/bin). */
export function systemPgBin(): { bin: string; major: number } | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const majors = readdirSync(root)
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((m) =>
      ['postgres', 'initdb', 'pg_ctl'].every((p) =>
        existsSync(path.join(root, String(m), 'bin', p)),
      ),
    )
    .sort((a, b) => b - a);
  return majors.length
    ? { bin: path.join(root, String(majors[0]), 'bin'), major: majors[0]! }
    : null;
}

/**
 * A throw-away cluster of the system's PostgreSQL (as .ci/run starts one), on loopback and a
 * free port, trust authentication for the user `banso`. As root it runs as the `postgres` user.
 */
export async function startSystemPostgres() {
  const found = systemPgBin();
  if (!found) throw new Error('no PostgreSQL server under /usr/lib/postgresql/<major>/bin');
  const isRoot = process.getuid?.() === 0;
  const dir = await fs.mkdtemp('/tmp/banso-test-pg-');
  if (isRoot) await exec('chown', ['postgres', dir]);
  const run = (program: string, args: string[]) =>
    isRoot
      ? exec('runuser', ['-u', 'postgres', '--', path.join(found.bin, program), ...args])
      : exec(path.join(found.bin, program), args);
  const data = path.join(dir, 'data');
  await run('initdb', ['-D', data, '-U', 'banso', '--auth=trust', '--encoding=UTF8', '--locale=C']);
  const port = await freePort();
  await run('pg_ctl', [
    '-D',
    data,
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`,
    '-l',
    path.join(dir, 'log'),
    '-w',
    'start',
  ]);
  return {
    major: found.major,
    url: (database = 'postgres') => `postgres://banso@127.0.0.1:${port}/${database}`,
    stop: async () => {
      await run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']).catch(() => {});
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
