/** Small statistics and formatting helpers for the benches. */
import { cpus, totalmem } from 'node:os';
import { execFileSync } from 'node:child_process';

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function fmtSeconds(s: number): string {
  if (!Number.isFinite(s)) return 'n/a';
  if (s < 0.1) return `${(s * 1000).toFixed(1)} ms`;
  if (s < 10) return `${s.toFixed(2)} s`;
  return `${s.toFixed(1)} s`;
}

export function fmtMB(mb: number | undefined): string {
  return mb === undefined || !Number.isFinite(mb) ? 'n/a' : `${Math.round(mb)} MB`;
}

export function fmtRate(rowsPerSecond: number): string {
  if (rowsPerSecond >= 1e6) return `${(rowsPerSecond / 1e6).toFixed(2)} M rows/s`;
  return `${Math.round(rowsPerSecond / 1e3)}k rows/s`;
}

export function fmtRange(xs: readonly number[]): string {
  if (xs.length < 2) return '';
  return `${fmtSeconds(Math.min(...xs))} – ${fmtSeconds(Math.max(...xs))}`;
}

/** lscpu model name, cores, RAM, Node version: the line every results file starts with. */
export function machineLine(): string {
  let model = cpus()[0]?.model ?? 'unknown CPU';
  try {
    const out = execFileSync('lscpu', { encoding: 'utf8' });
    const m = /^Model name:\s*(.+)$/m.exec(out);
    if (m) model = m[1].trim();
  } catch {
    // lscpu missing: keep os.cpus()' model
  }
  const gb = totalmem() / 1024 ** 3;
  return `${model}, ${cpus().length} cores, ${gb.toFixed(1)} GB RAM, Node ${process.version}`;
}
