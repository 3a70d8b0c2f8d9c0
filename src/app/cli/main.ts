import { Command, CommanderError } from 'commander';
import { reportError, EXIT_BAD_INPUT } from './run-action.ts';
import { COMMANDS } from './commands/index.ts';

export function buildProgram(): Command {
  const program = new Command('moodscape')
    .description('Tag music tracks with moods from their audio features, and build mood- and context-based playlists.')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  for (const register of COMMANDS) register(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
    return reportError(e);
  }
}

const code = await main(process.argv.slice(2));
process.exitCode = code;
