import { format } from 'node:util';
import { afterEach, beforeEach, vi } from 'vitest';

// An unexpected console.error is a bug: it fails the test that caused it.
let errors: string[] = [];
beforeEach(() => {
  errors = [];
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    errors.push(format(...args));
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  if (errors.length) {
    const found = errors;
    errors = [];
    throw new Error(`console.error was called during the test:\n${found.join('\n')}`);
  }
});
