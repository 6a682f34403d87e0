import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import pg from 'pg';
import { childrenOf } from '../support/processes';

export const pct = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;

export const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

export function summary(times: number[]) {
  const s = [...times].sort((a, b) => a - b);
  return {
    n: s.length,
    p50_ms: round(pct(s, 50), 2),
    p95_ms: round(pct(s, 95), 2),
    p99_ms: round(pct(s, 99), 2),
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/**
 * Resident memory of a process and its children together (an app with WEB_CONCURRENCY forks
 * its HTTP processes), from /proc (Linux), in MB: the sum now, and the sum of each one's peak.
 */
export function memoryOf(pid: number): { rssMb: number; peakMb: number } | null {
  let rss = 0;
  let peak = 0;
  for (const p of [pid, ...childrenOf(pid)]) {
    try {
      const status = readFileSync(`/proc/${p}/status`, 'utf8');
      const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
      rss += kb('VmRSS');
      peak += kb('VmHWM');
    } catch {
      if (p === pid) return null;
    }
  }
  return { rssMb: round(rss / 1024), peakMb: round(peak / 1024) };
}

/** Starts `node --import tsx <script>` (so the pid is the Node process itself) and waits for a line. */
export async function startNode(
  script: string,
  env: Record<string, string>,
  ready: RegExp,
  label: string,
): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${label} did not start:\n${out}`)), 120_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (ready.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${label} exited (${code}):\n${out}`));
    });
  });
  child.removeAllListeners('exit');
  // Keep draining its output so it never blocks on a full pipe; show errors.
  child.stdout!.removeAllListeners('data').on('data', () => {});
  child.stderr!.removeAllListeners('data').on('data', (d: Buffer) => {
    const s = d.toString();
    if (/error/i.test(s)) process.stderr.write(`[${label}] ${s}`);
  });
  return child;
}

export async function stopChild(child: ChildProcess | undefined) {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

export interface CapturedQuery {
  text: string;
  values: unknown[];
}

/**
 * Records every statement sent through node-postgres in this process while `fn` runs: the
 * queries an app function really issues, to time them bare and to EXPLAIN them.
 */
export async function captureQueries<T>(
  fn: () => Promise<T>,
): Promise<{ result: T; queries: CapturedQuery[] }> {
  const proto = pg.Client.prototype as unknown as {
    query: (...args: unknown[]) => unknown;
  };
  const original = proto.query;
  const queries: CapturedQuery[] = [];
  proto.query = function (this: unknown, ...args: unknown[]) {
    const [config, values] = args;
    if (typeof config === 'string') queries.push({ text: config, values: (values as []) ?? [] });
    else if (config && typeof config === 'object' && 'text' in config)
      queries.push({
        text: String((config as { text: string }).text),
        values: ((config as { values?: unknown[] }).values ?? (values as [])) || [],
      });
    return original.apply(this, args);
  } as typeof original;
  try {
    const result = await fn();
    return { result, queries };
  } finally {
    proto.query = original;
  }
}

export function printTable(title: string, rows: Record<string, unknown>[]) {
  console.log(`\n## ${title}`);
  console.table(rows);
}
