import { readdirSync, readFileSync } from 'node:fs';

/** Children of a process (Linux /proc): e.g. the HTTP processes a clustered app forked. */
export function childrenOf(pid: number): number[] {
  const kids: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const status = readFileSync(`/proc/${d}/status`, 'utf8');
      if (Number(/PPid:\s+(\d+)/.exec(status)?.[1]) === pid) kids.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return kids;
}
