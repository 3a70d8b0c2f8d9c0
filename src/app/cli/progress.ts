import cliProgress from 'cli-progress';

export interface Progress {
  start(total: number, label: string): void;
  update(value: number): void;
  stop(): void;
}

/**
 * A progress bar on stderr, drawn only when stderr is a terminal: piped output and CI logs stay
 * clean, and stdout stays free for --json.
 */
export function createProgress(opts: { quiet?: boolean } = {}): Progress {
  const enabled = !opts.quiet && Boolean(process.stderr.isTTY) && !process.env.CI;
  if (!enabled) return { start() {}, update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: '{label} [{bar}] {percentage}% | {eta_formatted} left', hideCursor: true, noTTYOutput: false, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let running = false;
  return {
    start(total, label) {
      if (running) bar.stop();
      bar.start(total, 0, { label });
      running = true;
    },
    update(value) {
      if (running) bar.update(value);
    },
    stop() {
      if (running) bar.stop();
      running = false;
    },
  };
}

/** A one-line status message on stderr, suppressed with --json/--quiet so stdout stays parseable. */
export function createLogger(quiet: boolean): (msg: string) => void {
  return quiet ? () => {} : (msg: string) => process.stderr.write(msg + '\n');
}
