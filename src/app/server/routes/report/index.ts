/**
 * GET /report: the latest report as one self-contained HTML page. With --report <file> that file is
 * served; otherwise the report is built from the catalogue and the model on first request (on a
 * sample of at most 5,000 tracks) and cached until the catalogue changes.
 */
import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { modelReportParts, tableFeatures } from '../../../../core/report/from-model.ts';
import type { ReportInput } from '../../../../core/report/report-data.ts';
import { selectRows } from '../../../../core/data/track-table.ts';
import { takeRows } from '../../../../core/common/matrix.ts';
import { buildReport } from '../../../../io/report/write-report.ts';
import type { CatalogueState } from '../../catalogue-state.ts';
import { ApiError } from '../../errors.ts';
import { errorResponses } from '../../schemas/common.ts';

export const REPORT_SAMPLE = 5000;

/** Inline styles and SVG only: the report has no scripts, so none may run. */
export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:";

export default async function reportRoutes(app: FastifyInstance): Promise<void> {
  let cached: { version: number; html: Promise<string> } | undefined;

  app.get('/report', {
    schema: {
      summary: 'The latest HTML report (charts, model quality, explanations)',
      tags: ['meta'],
      produces: ['text/html'],
      response: { 200: { type: 'string', description: 'HTML page' }, ...errorResponses },
    },
  }, async (_req, reply) => {
    let html: string;
    const path = app.serverConfig.reportPath;
    if (path) {
      html = await readFile(path, 'utf8').catch(() => { throw new ApiError(404, 'the report file given with --report cannot be read'); });
    } else {
      const s = app.catalogue;
      const version = s.snapshot.version;
      if (!cached || cached.version !== version) {
        const p = generateReport(s);
        cached = { version, html: p };
        p.catch(() => { if (cached?.html === p) cached = undefined; });
      }
      html = await cached.html;
    }
    return reply.type('text/html; charset=utf-8').header('content-security-policy', REPORT_CSP).send(html);
  });
}

export async function generateReport(s: CatalogueState): Promise<string> {
  const snap = s.snapshot;
  const n = snap.table.rowCount;
  if (n < 3) throw new ApiError(404, 'no report: the catalogue has fewer than 3 tracks');
  const step = Math.max(1, Math.floor(n / REPORT_SAMPLE));
  const rows = Int32Array.from({ length: Math.ceil(n / step) }, (_, i) => i * step).filter((r) => r < n);
  const table = selectRows(snap.table, rows);
  const X = takeRows(snap.X, rows);
  const titleOf = (i: number) => [table.text.name?.[i], table.text.artist?.[i]].filter(Boolean).join(' — ') || table.text.id?.[i] || `track ${i + 1}`;
  // Small backgrounds keep the Shapley parts to a few hundred thousand model rows (seconds, not minutes).
  const parts = modelReportParts(s.model, X, { titleOf, backgroundSize: 20, importanceTracks: 6 });
  const input: ReportInput = {
    title: 'moodscape report: the served catalogue',
    subtitle: `model ${s.modelRecord.id} (${s.modelRecord.name}); ${n} tracks in the ${s.store.kind} catalogue${rows.length < n ? `, ${rows.length} sampled evenly` : ''}`,
    generatedAt: new Date().toISOString(),
    dataset: { file: `${s.store.kind} catalogue`, rowsRead: n, rowsKept: n, duplicates: 0 },
    features: tableFeatures(table),
    moods: parts.predicted,
    moodMap: parts.moodMap,
    explanations: parts.explanations,
    importance: parts.importance,
  };
  return buildReport(input);
}
