/**
 * `moodscape analyze <files|folders…> (--out features.csv | --db catalogue.db)`: audio files to
 * feature rows that every other command reads. The work is io/audio/analyze-music.ts; this file
 * only parses flags, draws progress and prints the summary.
 */
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { InputError } from '../../../core/common/errors.ts';
import { resolve, sep } from 'node:path';
import { analyzeMusic, refreshFileStats, type AnalyzeMusicSummary } from '../../../io/audio/analyze-music.ts';
import { writeBeetsMoods, type BeetsWriteResult } from '../../../io/audio/beets-library.ts';
import { moodsOfAnalysedFiles } from '../../../io/audio/tag-analysed.ts';
import { writeMoodTagsToFiles } from '../../../io/audio/write-file-tags.ts';
import { createLogger } from '../progress.ts';
import { action, EXIT_BAD_INPUT, parseNumberFlag, printJson } from '../run-action.ts';
import { redactStoreSpec as redactDb } from '../../../io/store/store-spec.ts';

interface AnalyzeFlags {
  out?: string;
  db?: string;
  jobs: string;
  maxSeconds: string;
  writeTags?: boolean;
  beets?: string;
  model?: string;
  json?: boolean;
  quiet?: boolean;
}

/** A bar with ETA and ×realtime, on stderr only when it is a terminal (and not --quiet/--json). */
function analysisBar(enabled: boolean) {
  if (!enabled) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: 'analysing [{bar}] {value}/{total} files | {speed}× realtime | ETA {left}', hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done: number, total: number, speed: number, left: number) {
      const payload = { speed: speed > 0 ? speed.toFixed(0) : '–', left: Number.isFinite(left) ? `${Math.ceil(left)} s` : '–' };
      if (!started) { bar.start(total, done, payload); started = true; }
      bar.update(done, payload);
    },
    stop() { if (started) bar.stop(); },
  };
}

export function registerAnalyze(program: Command): void {
  program
    .command('analyze')
    .description('analyse audio files (MP3, FLAC, Ogg Vorbis/Opus, WAV, M4A; others through ffmpeg) into feature rows: a features CSV or a catalogue')
    .argument('<paths...>', 'audio files and folders (walked recursively, hidden entries skipped)')
    .option('--out <features.csv>', 'features CSV to write (re-running resumes: unchanged files are skipped)')
    .option('--db <catalogue>', 'write into this catalogue store instead (SQLite file or postgres:// URL)')
    .option('--jobs <n>', 'worker threads', '1')
    .option('--max-seconds <s>', 'analyse at most this many seconds of each file (memory bound; the duration is always the whole file)', '600')
    .option('--write-tags', 'also tag the moods and write mood, BPM and initial key into the files themselves (ID3v2 TMOO/TBPM/TKEY, Vorbis MOOD/BPM/INITIALKEY; atomic, audio untouched)')
    .option('--beets <library.db>', 'also write mood, mood_confidence, bpm and key into this beets library (`beet ls mood:Calm`)')
    .option('--model <dir>', 'with --write-tags / --beets: the mood model (default: the audio mood model)')
    .option('--json', 'print the summary as JSON on stdout')
    .option('--quiet', 'no progress or status on stderr')
    .action(action(async (paths: string[], flags: AnalyzeFlags) => {
      if (Boolean(flags.out) === Boolean(flags.db)) throw new InputError('give exactly one of --out <features.csv> or --db <catalogue>');
      const jobs = parseNumberFlag('jobs', flags.jobs, { integer: true, min: 1, max: 64 });
      const maxSeconds = parseNumberFlag('max-seconds', flags.maxSeconds, { min: 1 });
      const quiet = Boolean(flags.quiet || flags.json);
      const log = createLogger(quiet);
      const bar = analysisBar(!quiet && Boolean(process.stderr.isTTY) && !process.env.CI);
      const started = performance.now();
      let fresh = 0;
      let summary: AnalyzeMusicSummary;
      try {
        summary = await analyzeMusic(paths, {
          out: flags.out,
          db: flags.db,
          jobs,
          file: { maxSeconds },
          onProgress: (done, total, audioSeconds, last) => {
            const elapsed = Math.max(1e-3, (performance.now() - started) / 1000);
            fresh += last ? 1 : 0;
            // ETA from the files analysed in this run (skipped ones cost nothing).
            bar.update(done, total, audioSeconds / elapsed, fresh ? (elapsed / fresh) * (total - done) : NaN);
          },
        });
      } finally {
        bar.stop();
      }
      let tagsWritten: { written: number; uncertain: number; failed: { path: string; message: string }[] } | undefined;
      let beets: BeetsWriteResult | undefined;
      if ((flags.writeTags || flags.beets) && summary.analysed + summary.skipped > 0) {
        const output = { out: flags.out, db: flags.db };
        const roots = paths.map((p) => resolve(p));
        const under = (p: string) => roots.some((r) => p === r || p.startsWith(r.endsWith(sep) ? r : r + sep));
        const moods = (await moodsOfAnalysedFiles(output, { modelDir: flags.model, log })).filter((m) => under(m.path));
        if (flags.beets) beets = writeBeetsMoods(flags.beets, moods);
        if (flags.writeTags) {
          const { written: done, ...counts } = await writeMoodTagsToFiles(moods);
          tagsWritten = { written: done.length, ...counts };
          await refreshFileStats(output, done);
        }
      }
      if (flags.json) printJson({ ...summary, output: flags.db ? redactDb(summary.output) : summary.output, tagsWritten, beets });
      else {
        for (const f of summary.failures) log(`${f.path}: ${f.message}`);
        for (const c of summary.clipped) log(`${c}: longer than ${maxSeconds} s; features from the first ${maxSeconds} s, duration from the whole file`);
        const where = flags.db ? redactDb(summary.output) : summary.output;
        process.stdout.write(
          `analysed ${summary.analysed} files, skipped ${summary.skipped} already analysed, ${summary.failed} failed → ${where} ` +
            `(${summary.tracks} tracks; ${summary.audioSeconds.toFixed(0)} s of audio in ${summary.seconds.toFixed(1)} s` +
            `${summary.realtimeFactor ? `, ${summary.realtimeFactor.toFixed(0)}× realtime` : ''})\n`,
        );
        if (summary.analysisJson) log(`column provenance → ${summary.analysisJson}`);
        if (tagsWritten) {
          for (const f of tagsWritten.failed) log(`${f.path}: tags not written: ${f.message}`);
          log(`wrote mood, BPM and key tags into ${tagsWritten.written} files (${tagsWritten.uncertain} uncertain left alone, ${tagsWritten.failed.length} failed)`);
        }
        if (beets) log(`beets: moods written for ${beets.written} items of ${flags.beets}${beets.notInLibrary.length ? ` (${beets.notInLibrary.length} files are not in that library)` : ''}`);
      }
      if (summary.analysed + summary.skipped === 0) process.exitCode = EXIT_BAD_INPUT;
    }));
}
