import type { Command } from 'commander';
import { formatTaxonomy, MOOD_TAXONOMY } from '../../../core/data/mood-taxonomy.ts';
import { action, printJson } from '../run-action.ts';

interface MoodsFlags {
  taxonomy?: boolean;
  json?: boolean;
}

export function registerMoods(program: Command): void {
  program
    .command('moods')
    .description("moodscape's moods; with --taxonomy, how every labelled set's labels map onto them")
    .option('--taxonomy', 'print the label → mood map of every known labelled set')
    .option('--json', 'print machine-readable output')
    .action(action((flags: MoodsFlags) => {
      if (flags.json) return printJson(flags.taxonomy ? MOOD_TAXONOMY : { moods: MOOD_TAXONOMY.moods, defaultMoods: MOOD_TAXONOMY.defaultMoods });
      const lines = flags.taxonomy ? formatTaxonomy() : [`moods: ${MOOD_TAXONOMY.moods.join(', ')} (trained by default: ${MOOD_TAXONOMY.defaultMoods.join(', ')})`, 'moodscape moods --taxonomy shows how labelled sets map onto them'];
      process.stdout.write(lines.join('\n') + '\n');
    }));
}
