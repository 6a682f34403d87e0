import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { z } from 'zod';
import { createI18n, isLocale, tKey } from '~/i18n/i18n';
import { db } from '~/lib/db.server';
import { getEnv } from '~/lib/env.server';
import {
  CUSTOM_ARCHIVE_MAGIC,
  findTool,
  libpqConnection,
  type PgTool,
  restoreThroughPsql,
  serverMajor,
  ToolVersionError,
} from '~/lib/pg-tools.server';
import { inviteSchema } from '~/modules/auth/schemas';
import { inviteUser } from '~/modules/auth/users.server';
import { createApiToken } from '~/modules/directory/tokens.server';
import { DomainError } from '~/modules/errors';
import { DEMO_PARTNER_COUNT, printDemoLogins, seedDemo } from '~/modules/demo/seed.server';
import { IMPORT_MAX_BYTES, importPartnersCsv } from '~/modules/partners/csv.server';
import { log, prepareDatabase } from './bootstrap';

const USAGE = `Usage: npm run admin -- <verb> [options]

Verbs:
  create-user --email E --role secretariat|counselor|partner [--partner ID] --name N [--locale ja|en]
              Creates an invited account, emails the invitation and prints its link (valid 72 h).
  import-partners FILE [--commit] [--locale en|ja]
              Checks a partner CSV (UTF-8 or Shift_JIS; columns as on /partners/import) and prints
              each row error. Nothing is written unless --commit is given and every row is valid;
              then all rows are written in one transaction. A row whose name + municipality match
              a registered partner updates it, any other row creates one. Exit 65 on row errors.
  create-api-token NAME
              Creates a bearer token for the public directory API (/api/v1, /api/hsds) and
              prints it once; only its hash is stored. Revoke it on /secretariat/api-tokens.
  migrate     Applies database migrations (the app also does this on start).
  seed-demo [--partners N]
              Loads the demo organisations and accounts, plus N generated partners at real
              municipalities (default 300; e.g. 10000 for scale checks). Safe to run again.
  backup FILE
              Writes the whole database to FILE as a pg_dump custom-format archive (-Fc), made by
              pg_dump of the server's major version (none found: exit 69, naming what was found).
  restore FILE [--force]
              Loads a backup with pg_restore and psql of the server's major version, in one
              transaction (an error leaves the database as it was). Refuses a database that already has tables
              (exit 65) unless --force: then each object in the backup is dropped and recreated
              (--clean --if-exists). Stop the app and workers first.
  help        Shows this text.

Exit codes: 0 done, 64 wrong usage, 65 invalid data, 69 no PostgreSQL client program of the
server's major version, 1 unexpected failure.
The database is DATABASE_URL, or the embedded PostgreSQL under .data/ when unset.`;

class UsageError extends Error {}
class DataError extends Error {}
class MissingToolError extends Error {}

const VERBS = [
  'create-user',
  'import-partners',
  'migrate',
  'seed-demo',
  'create-api-token',
  'backup',
  'restore',
];

async function main(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  if (!verb || verb === 'help' || verb === '--help' || verb === '-h') {
    console.log(USAGE);
    return verb ? 0 : 64;
  }
  if (!VERBS.includes(verb)) throw new UsageError(`unknown verb "${verb}"`);
  const input = verb === 'create-user' ? parseCreateUser(rest) : null;
  const csv = verb === 'import-partners' ? parseImportPartners(rest) : null;
  const generated = verb === 'seed-demo' ? parseSeedDemo(rest) : 0;
  const tokenName = verb === 'create-api-token' ? parseTokenName(rest) : null;
  const dump = verb === 'backup' || verb === 'restore' ? parseDumpFile(verb, rest) : null;
  // A backup is taken as the database is; a restore needs it untouched (and empty).
  const { shutdown } = await prepareDatabase({ migrate: !dump });
  try {
    if (dump?.verb === 'backup') {
      await backup(dump.file);
    } else if (dump) {
      await restore(dump.file, dump.force);
    } else if (verb === 'migrate') {
      log('database is up to date');
    } else if (tokenName) {
      const { id, token } = await db
        .transaction()
        .execute((tx) => createApiToken(tx, tokenName, { userId: null }));
      console.log(`created API token ${id} "${tokenName}" — shown only now:`);
      console.log(token);
    } else if (verb === 'seed-demo') {
      await seedDemo(log, generated);
      printDemoLogins(log);
    } else if (input) {
      await createUser(input);
    } else if (csv) {
      return await importPartners(csv);
    }
    return 0;
  } finally {
    await shutdown();
  }
}

function parseTokenName(args: string[]): string {
  const name = args.join(' ').trim();
  if (!name) throw new UsageError('create-api-token needs a NAME');
  if (name.length > 100) throw new UsageError('NAME must be at most 100 characters');
  return name;
}

function parseSeedDemo(args: string[]): number {
  let values;
  try {
    ({ values } = parseArgs({ args, options: { partners: { type: 'string' } }, strict: true }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const n = values.partners === undefined ? DEMO_PARTNER_COUNT : Number(values.partners);
  if (!Number.isInteger(n) || n < 0 || n > 200_000) {
    throw new UsageError('--partners must be a whole number from 0 to 200000');
  }
  return n;
}

function parseCreateUser(args: string[]) {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        email: { type: 'string' },
        role: { type: 'string' },
        partner: { type: 'string' },
        name: { type: 'string' },
        locale: { type: 'string' },
      },
      strict: true,
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  for (const k of ['email', 'role', 'name'] as const) {
    if (!values[k]) throw new UsageError(`--${k} is required`);
  }
  const parsed = inviteSchema.safeParse({
    email: values.email,
    role: values.role,
    name: values.name,
    partnerId: values.partner,
    locale: values.locale ?? 'ja',
  });
  if (!parsed.success) throw new DataError(describe(parsed.error));
  return parsed.data;
}

async function createUser(input: z.infer<typeof inviteSchema>) {
  try {
    const { userId, url } = await db
      .transaction()
      .execute((tx) => inviteUser(tx, input, { userId: null, name: 'Operator', ip: null }));
    console.log(`created user ${userId} (${input.email}, ${input.role})`);
    console.log(`invitation link (single use, valid 72 h):\n${url}`);
  } catch (e) {
    if (e instanceof DomainError) throw new DataError(`${e.field ?? 'input'}: ${tKey(t, e.code)}`);
    throw e;
  }
}

function parseImportPartners(args: string[]) {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: { commit: { type: 'boolean' }, locale: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError('import-partners needs exactly one FILE');
  const locale = values.locale ?? 'en';
  if (!isLocale(locale)) throw new UsageError('--locale must be ja or en');
  // Read the file before the database starts: a typo in the path should fail fast.
  const file = positionals[0];
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new Error('not a regular file');
    size = st.size;
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
  }
  if (size > IMPORT_MAX_BYTES) {
    throw new DataError(`${file} is larger than ${IMPORT_MAX_BYTES / 1_000_000} MB`);
  }
  return { file, bytes: readFileSync(file), commit: values.commit ?? false, locale };
}

async function importPartners(csv: ReturnType<typeof parseImportPartners>): Promise<number> {
  const summary = await importPartnersCsv(db, csv.bytes, {
    commit: csv.commit,
    actor: { userId: null, ip: null },
    locale: csv.locale,
    filename: csv.file,
  });
  if (summary.fileError) {
    console.error(`error: ${csv.file}: ${summary.fileError}`);
    return 65;
  }
  for (const e of summary.errors) {
    console.error(`row ${e.row}${e.field ? `, ${e.field}` : ''}: ${e.message}`);
  }
  const counts = `${summary.created} created, ${summary.updated} updated, ${summary.unchanged} unchanged`;
  const read = `${summary.rows} rows read (${summary.encoding})`;
  if (summary.errors.length) {
    console.log(`${read}; ${summary.errors.length} errors: nothing was imported.`);
    return 65;
  }
  if (summary.committed) console.log(`${read}; imported: ${counts}.`);
  else console.log(`${read}; no errors. With --commit: ${counts}. Nothing was imported (dry run).`);
  return 0;
}

function parseDumpFile(verb: 'backup' | 'restore', args: string[]) {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: verb === 'restore' ? { force: { type: 'boolean' } } : {},
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (parsed.positionals.length !== 1) throw new UsageError(`${verb} needs exactly one FILE`);
  const file = path.resolve(parsed.positionals[0]!);
  // Checked before the database starts: a typo in the path should fail fast.
  if (verb === 'backup') {
    const dir = path.dirname(file);
    if (!isDirectory(dir)) throw new UsageError(`cannot write ${file}: ${dir} is not a directory`);
  } else {
    let head = '';
    try {
      if (!statSync(file).isFile()) throw new Error('not a regular file');
      const fd = openSync(file, 'r');
      const buf = Buffer.alloc(CUSTOM_ARCHIVE_MAGIC.length);
      readSync(fd, buf, 0, buf.length, 0);
      closeSync(fd);
      head = buf.toString('latin1');
    } catch (e) {
      throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
    }
    if (head !== CUSTOM_ARCHIVE_MAGIC)
      throw new DataError(`${file} is not a backup made by \`npm run admin -- backup\``);
  }
  return { verb, file, force: parsed.values.force === true };
}

function isDirectory(dir: string) {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/** Runs a PostgreSQL client program; its error output is shown when it fails. */
function runTool(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env, stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else {
        const name = path.basename(file);
        reject(new Error(`${name} failed (${signal ?? `exit ${code}`}):\n${stderr.trim()}`));
      }
    });
  });
}

async function clientProgram(tool: PgTool, beside?: string) {
  const major = await serverMajor(db);
  try {
    return { file: await findTool(tool, major, beside), major };
  } catch (e) {
    if (e instanceof ToolVersionError) throw new MissingToolError(e.message);
    throw e;
  }
}

async function backup(file: string) {
  const { file: pgDump, major } = await clientProgram('pg_dump');
  const { dbname, env } = libpqConnection(getEnv().DATABASE_URL!);
  // Written beside the target and renamed at the end: FILE is never half a backup.
  const partial = `${file}.partial`;
  try {
    await runTool(pgDump, ['--format=custom', `--file=${partial}`, `--dbname=${dbname}`], env);
    renameSync(partial, file);
  } finally {
    rmSync(partial, { force: true });
  }
  const mb = (statSync(file).size / 1_000_000).toFixed(1);
  console.log(`backup written to ${file} (${mb} MB, PostgreSQL ${major}, ${pgDump})`);
}

async function userTables() {
  const r = await sql<{ n: number }>`select count(*)::int as n from pg_class c
      join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema')
        and n.nspname not like 'pg\_toast%'`.execute(db);
  return r.rows[0]!.n;
}

async function restore(file: string, force: boolean) {
  const { file: pgRestore, major } = await clientProgram('pg_restore');
  const before = await userTables();
  if (before > 0 && !force)
    throw new DataError(
      `the database is not empty (${before} tables): restore into an empty database, ` +
        'or add --force to replace the objects the backup contains',
    );
  const { file: psql } = await clientProgram('psql', pgRestore);
  const { dbname, env } = libpqConnection(getEnv().DATABASE_URL!);
  // Owners and grants of the backed-up server may not exist here: the restoring user owns all.
  const args = ['--no-owner', '--no-privileges'];
  if (before > 0) args.push('--clean', '--if-exists');
  await restoreThroughPsql({ pgRestore, restoreArgs: [...args, file], psql, dbname, env });
  console.log(
    `restored ${file} (${await userTables()} tables, PostgreSQL ${major}, ${pgRestore})` +
      (before > 0 ? `; replaced the objects of a database that had ${before} tables` : ''),
  );
}

const t = createI18n('en').t;

function describe(error: z.ZodError): string {
  return error.issues.map((i) => `--${i.path.join('.')}: ${tKey(t, i.message)}`).join('\n');
}

main(process.argv.slice(2))
  .then((code) => process.exit(code))
  .catch((e) => {
    if (e instanceof UsageError) {
      console.error(`error: ${e.message}\n\n${USAGE}`);
      process.exit(64);
    }
    if (e instanceof DataError) {
      console.error(`error: ${e.message}`);
      process.exit(65);
    }
    if (e instanceof MissingToolError) {
      console.error(`error: ${e.message}`);
      process.exit(69); // EX_UNAVAILABLE
    }
    console.error('error:', e);
    process.exit(1);
  });
