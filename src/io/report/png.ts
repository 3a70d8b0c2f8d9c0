/**
 * SVG → PNG through @resvg/resvg-js. resvg draws no text at all unless it is given fonts, so the
 * DejaVu files are passed explicitly (system font loading off, for the same result everywhere).
 */
import { existsSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';

export const DEJAVU_DIR = '/usr/share/fonts/truetype/dejavu';
export const DEJAVU_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'DejaVuSans-Oblique.ttf', 'DejaVuSans-BoldOblique.ttf'].map((f) => `${DEJAVU_DIR}/${f}`);

export function availableFontFiles(): string[] {
  return DEJAVU_FILES.filter((f) => existsSync(f));
}

export function svgToPng(svg: string, options: { scale?: number; fontFiles?: string[] } = {}): Buffer {
  const fontFiles = options.fontFiles ?? availableFontFiles();
  if (fontFiles.length === 0) throw new Error(`no DejaVu font files in ${DEJAVU_DIR}: PNG charts would have no text (install fonts-dejavu-core)`);
  const resvg = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: options.scale ?? 2 },
    font: { fontFiles, loadSystemFonts: false, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}
