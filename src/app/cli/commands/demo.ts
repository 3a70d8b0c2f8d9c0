import type { Command } from 'commander';
import { DEMO_DEFAULTS, formatDemoSummary, runDemo } from '../../demo/run-demo.ts';
import { createLogger } from '../progress.ts';
import { action, parseNumberFlag, printJson } from '../run-action.ts';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('run the whole pipeline on a generated catalogue and write everything into one folder')
    .option('--out <dir>', 'folder to write', DEMO_DEFAULTS.out)
    .option('--tracks <n>', 'catalogue size', String(DEMO_DEFAULTS.tracks))
    .option('--labelled <n>', 'size of the mood-labelled sample', String(DEMO_DEFAULTS.labelled))
    .option('--seed <n>', 'random seed', String(DEMO_DEFAULTS.seed))
    .option('--json', 'print the summary as JSON')
    .action(action(async (flags: { out: string; tracks: string; labelled: string; seed: string; json?: boolean }) => {
      const options = {
        out: flags.out,
        tracks: parseNumberFlag('tracks', flags.tracks, { integer: true, min: 100, max: 50_000_000 }),
        labelled: parseNumberFlag('labelled', flags.labelled, { integer: true, min: 100, max: 1_000_000 }),
        seed: parseNumberFlag('seed', flags.seed, { integer: true, min: 0 }),
      };
      const summary = await runDemo(options, createLogger(Boolean(flags.json)));
      if (flags.json) return printJson(summary);
      process.stdout.write(formatDemoSummary(summary) + '\n');
    }));
}
