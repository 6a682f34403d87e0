import { readdirSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { migrations } from '../../db/migrations';

it('every migration file is registered, in file-name order', () => {
  const files = readdirSync(path.resolve('db/migrations'))
    .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
    .map((f) => f.replace(/\.ts$/, ''))
    .sort();
  expect(Object.keys(migrations)).toEqual(files);
  for (const m of Object.values(migrations)) expect(typeof m.up).toBe('function');
});
