/**
 * The report end to end: ReportInput → sections (core) → SVG charts (vega, headless) → one
 * self-contained HTML file, written atomically; optionally every chart as PNG too.
 */
import { mkdir, rename, writeFile, unlink } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import { buildReportData, type ReportData, type ReportInput } from '../../core/report/report-data.ts';
import { renderReportHtml } from '../../core/report/html.ts';
import { renderCharts } from './render-charts.ts';
import { svgToPng } from './png.ts';

export interface BuiltReport {
  html: string;
  data: ReportData;
  /** SVG per chart id. */
  svgs: Map<string, string>;
  /** Charts that could not be rendered (the report says so in their place). */
  errors: { id: string; message: string }[];
}

/** Builds the report page in memory. */
export async function buildReportPage(input: ReportInput): Promise<BuiltReport> {
  const data = buildReportData(input);
  const charts = data.sections.flatMap((s) => s.charts);
  const { svgs, errors } = await renderCharts(charts);
  return { html: renderReportHtml(data, svgs), data, svgs, errors };
}

/** The HTML of the report (what `demo` and `report` write). */
export async function buildReport(input: ReportInput): Promise<string> {
  return (await buildReportPage(input)).html;
}

/** Writes `content` to `path` via a temporary file in the same directory and a rename. */
export async function writeFileAtomic(path: string, content: string | Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.tmp-${basename(path)}-${process.pid}-${Date.now()}`);
  try {
    await writeFile(tmp, content);
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw e;
  }
}

export interface WriteReportResult {
  path: string;
  bytes: number;
  charts: number;
  pngs: string[];
  errors: { id: string; message: string }[];
}

/** Builds and writes the report; with `pngDir`, also one PNG per chart (named by chart id). */
export async function writeReport(input: ReportInput, outPath: string, options: { pngDir?: string } = {}): Promise<WriteReportResult> {
  const built = await buildReportPage(input);
  await writeFileAtomic(outPath, built.html);
  const pngs: string[] = [];
  if (options.pngDir) {
    await mkdir(options.pngDir, { recursive: true });
    for (const [id, svg] of built.svgs) {
      const p = join(options.pngDir, `${id}.png`);
      await writeFileAtomic(p, svgToPng(svg));
      pngs.push(p);
    }
  }
  return { path: outPath, bytes: Buffer.byteLength(built.html), charts: built.svgs.size, pngs, errors: built.errors };
}
