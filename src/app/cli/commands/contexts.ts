/** `moodscape contexts`: the context presets (built-in and from --presets) with their rules. */
import type { Command } from 'commander';
import { BUILTIN_CONTEXTS, describeContext, NAMED_ARCS } from '../../../core/recommend/index.ts';
import { action, printJson } from '../run-action.ts';
import { readPresets } from './recommend.ts';

interface ContextsFlags {
  presets?: string;
  json?: boolean;
}

export function registerContexts(program: Command): void {
  program
    .command('contexts')
    .description('list the listening contexts (and mood arcs) with their rules')
    .option('--presets <file>', 'also validate and list the user presets in this JSON file')
    .option('--json', 'print the specs as JSON')
    .action(action(async (flags: ContextsFlags) => {
      const user = await readPresets(flags.presets);
      const all = [...BUILTIN_CONTEXTS.map((c) => ({ spec: c, origin: 'built-in' })), ...user.map((c) => ({ spec: c, origin: flags.presets! }))];
      if (flags.json) return printJson({ contexts: all.map((c) => ({ ...c.spec, origin: c.origin, rules: describeContext(c.spec) })), arcs: NAMED_ARCS });
      const lines: string[] = [];
      for (const { spec, origin } of all) {
        lines.push(`${spec.name}${spec.aliases?.length ? ` (also: ${spec.aliases.join(', ')})` : ''} — ${spec.description}${origin === 'built-in' ? '' : ` [${origin}]`}`);
        for (const r of describeContext(spec)) lines.push(`    ${r}`);
      }
      lines.push('', 'mood arcs (--arc NAME, or a JSON curve {"name", "points":[{"at":0,"energy":0.2}, …]}):');
      for (const a of NAMED_ARCS) {
        lines.push(`  ${a.name} — ${a.description ?? ''}`);
        lines.push(`    ${a.points.map((p) => `${Math.round(p.at * 100)}%: ${Object.entries(p.values).map(([k, v]) => `${k} ${v}`).join(', ')}`).join('  →  ')}`);
      }
      process.stdout.write(lines.join('\n') + '\n');
    }));
}
