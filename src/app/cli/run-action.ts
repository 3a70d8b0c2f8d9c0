import { InputError } from '../../core/common/errors.ts';
import { CommanderError } from 'commander';

/** Exit codes the CLI promises: 0 ok, 2 bad input or usage, 1 internal error. */
export const EXIT_OK = 0;
export const EXIT_INTERNAL = 1;
export const EXIT_BAD_INPUT = 2;

/**
 * Wraps a command's action so that every command reports errors the same way: a user's mistake
 * prints one clear line and exits 2; a bug prints the stack (it is ours to fix) and exits 1.
 */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void> | void): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (e) {
      process.exitCode = reportError(e);
    }
  };
}

export function reportError(e: unknown): number {
  if (e instanceof InputError || (e instanceof Error && (e as { code?: string }).code === 'ENOENT')) {
    process.stderr.write(`moodscape: ${(e as Error).message}\n`);
    return EXIT_BAD_INPUT;
  }
  if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT_OK : EXIT_BAD_INPUT;
  process.stderr.write(`moodscape: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  return EXIT_INTERNAL;
}

/** Parses a numeric flag, turning garbage into a usage error rather than NaN further down. */
export function parseNumberFlag(name: string, value: string, { integer = false, min = -Infinity, max = Infinity } = {}): number {
  const n = Number(value);
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n > max) {
    const kind = integer ? 'an integer' : 'a number';
    const range = min > -Infinity || max < Infinity ? ` in ${min}..${max}` : '';
    throw new InputError(`--${name} must be ${kind}${range}, got "${value}"`);
  }
  return n;
}

/** Writes JSON to stdout (the machine-readable form every command offers with --json). */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}
