/**
 * Runs CLI commands inside the test process (faster than spawning the binary): builds a program
 * with only the given commands, captures what they print, and returns the exit code the CLI would
 * use.
 */
import { Command } from 'commander';

export type Register = (program: Command) => void;

export async function runInProcess(registers: readonly Register[], args: string[]): Promise<{ out: string; code: number }> {
  const program = new Command('moodscape').exitOverride();
  for (const register of registers) register(program);
  let out = '';
  const write = process.stdout.write.bind(process.stdout);
  const errWrite = process.stderr.write.bind(process.stderr);
  // Only strings are ours: the test runner talks to its parent through stdout in Buffers.
  process.stdout.write = ((s: string | Uint8Array, ...rest: unknown[]) => {
    if (typeof s !== 'string') return (write as (...a: unknown[]) => boolean)(s, ...rest);
    out += s;
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => {
    out += s;
    return true;
  }) as typeof process.stderr.write;
  const prev = process.exitCode;
  process.exitCode = 0;
  try {
    await program.parseAsync(args, { from: 'user' });
  } finally {
    process.stdout.write = write;
    process.stderr.write = errWrite;
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = prev;
  return { out, code };
}
