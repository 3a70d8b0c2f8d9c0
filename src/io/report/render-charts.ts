/**
 * Vega-Lite spec → SVG string, in Node, without a browser: vega-lite compiles to a Vega spec, a
 * headless vega View (renderer 'none') lays it out, and toSVG() serialises the scene graph.
 */
import * as vl from 'vega-lite';
import * as vega from 'vega';
import type { ChartSpec, VlSpec } from '../../core/report/specs.ts';

export async function renderSvg(spec: VlSpec): Promise<string> {
  const compiled = vl.compile(spec as unknown as vl.TopLevelSpec).spec;
  // No loader access: all data is inline, and nothing may be fetched.
  const loader = vega.loader({ mode: 'file' });
  loader.load = async (uri: string) => { throw new Error(`charts must not load external data (${uri})`); };
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', loader, logLevel: vega.Error });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Renders every chart; a chart that fails is reported in `errors` instead of failing the report. */
export async function renderCharts(charts: readonly ChartSpec[]): Promise<{ svgs: Map<string, string>; errors: { id: string; message: string }[] }> {
  const svgs = new Map<string, string>();
  const errors: { id: string; message: string }[] = [];
  for (const c of charts) {
    try {
      svgs.set(c.id, await renderSvg(c.spec));
    } catch (e) {
      errors.push({ id: c.id, message: e instanceof Error ? e.message : String(e) });
    }
  }
  return { svgs, errors };
}
