import type { Command } from 'commander';
import { correlations, describe, strongestPairs } from '../../../core/data/describe.ts';
import { addIngestOptions, describeIngest, ingest, ingestSummary, type IngestFlags } from '../common.ts';
import { createLogger } from '../progress.ts';
import { action, printJson } from '../run-action.ts';

interface ProfileFlags extends IngestFlags {
  json?: boolean;
}

export function registerProfile(program: Command): void {
  const cmd = program
    .command('profile')
    .description('summarise a track CSV: what ingest did, per-feature statistics and correlations')
    .argument('<csv>', 'track CSV with audio features')
    .option('--json', 'print machine-readable results');
  addIngestOptions(cmd).action(action(async (csv: string, flags: ProfileFlags) => {
    const input = await ingest(csv, flags, { quiet: flags.json });
    const summary = describe(input.table);
    const corr = correlations(input.table);
    if (flags.json) return printJson({ ingest: ingestSummary(input), describe: summary, correlations: corr });
    const log = createLogger(false);
    for (const line of describeIngest(input)) log(line);
    const cols = ['count', 'mean', 'std', 'min', 'q25', 'median', 'q75', 'max'] as const;
    const fmt = (v: number): string => (Number.isNaN(v) ? '—' : Math.abs(v) >= 1000 ? v.toFixed(0) : v.toFixed(3)).padStart(10);
    const out = ['feature'.padEnd(18) + cols.map((c) => c.padStart(10)).join('')];
    for (const s of summary) out.push(s.feature.padEnd(18) + cols.map((c) => fmt(s[c])).join(''));
    out.push('', 'strongest correlations:');
    for (const p of strongestPairs(corr, 6)) out.push(`  ${p.a} ~ ${p.b}: ${p.r >= 0 ? '+' : ''}${p.r.toFixed(2)}`);
    process.stdout.write(out.join('\n') + '\n');
  }));
}
