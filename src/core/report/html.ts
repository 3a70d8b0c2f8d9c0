/**
 * The report page: ReportData plus the rendered SVG of each chart → one self-contained HTML
 * document (inline CSS and SVG; no scripts, no fonts, nothing fetched). Pure string work.
 */
import type { ReportData, ReportSection, ReportTable } from './report-data.ts';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * Makes a standalone SVG safe to inline next to others: drops the XML namespace declarations
 * (not needed inside HTML) and prefixes every id and its references, so one chart's clip paths and
 * gradients are not picked up by another's `url(#…)`.
 */
export function prepareInlineSvg(svg: string, prefix: string): string {
  return svg
    .replace(/<\?xml[^>]*\?>/g, '')
    // Layout coordinates like 23.240000000000002: two decimals are finer than a pixel needs.
    .replace(/<[^>]+>/g, (tag) => tag.replace(/(\d\.\d{2})\d+/g, '$1'))
    .replace(/\s+xmlns(:\w+)?="[^"]*"/g, '')
    .replace(/\sid="([^"]+)"/g, (_, id) => ` id="${prefix}-${id}"`)
    .replace(/url\(#([^)]+)\)/g, (_, id) => `url(#${prefix}-${id})`)
    .replace(/(\s(?:xlink:)?href)="#([^"]+)"/g, (_, attr, id) => `${attr}="#${prefix}-${id}"`)
    .replace(/^<svg/, `<svg role="img" aria-labelledby="${prefix}-caption"`);
}

const CSS = `
:root { --ink:#1f2933; --muted:#52606d; --line:#e4e7eb; --soft:#f5f7fa; --accent:#4c78a8; }
* { box-sizing: border-box; }
html { font-family: 'DejaVu Sans', 'Segoe UI', system-ui, sans-serif; color: var(--ink); background: #fff; }
body { margin: 0; line-height: 1.55; font-size: 15px; }
header.top { background: #243b53; color: #fff; padding: 28px 0 22px; }
.wrap { max-width: 1180px; margin: 0 auto; padding: 0 28px; }
header.top h1 { margin: 0 0 4px; font-size: 28px; letter-spacing: -0.01em; }
header.top p { margin: 0; color: #d9e2ec; }
.highlights { display: flex; flex-wrap: wrap; gap: 10px; margin-top: 16px; padding: 0; list-style: none; }
.highlights li { background: rgba(255,255,255,0.12); border-radius: 6px; padding: 6px 12px; font-size: 14px; }
nav.toc { border-bottom: 1px solid var(--line); background: var(--soft); padding: 10px 0; font-size: 13.5px; }
nav.toc ol { margin: 0; padding: 0; list-style: none; display: flex; flex-wrap: wrap; gap: 4px 16px; }
nav.toc a { color: var(--accent); text-decoration: none; }
nav.toc a.skipped { color: #9aa5b1; }
section { padding: 26px 0 18px; border-bottom: 1px solid var(--line); }
section h2 { font-size: 21px; margin: 0 0 8px; }
section p.lead { max-width: 860px; margin: 0 0 10px; }
section p.skip { color: var(--muted); font-style: italic; margin: 0; }
figure { margin: 16px 0; overflow-x: auto; }
figure svg { max-width: 100%; height: auto; display: block; }
figcaption { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
table { border-collapse: collapse; margin: 12px 0 16px; font-size: 13.5px; }
caption { text-align: left; font-weight: bold; padding: 4px 0 6px; }
th, td { padding: 4px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.tables { display: flex; flex-wrap: wrap; gap: 0 32px; align-items: flex-start; }
.scroll { overflow-x: auto; max-width: 100%; }
.explain p { background: var(--soft); border-left: 3px solid var(--accent); padding: 8px 12px; max-width: 860px; margin: 8px 0; }
.charts-grid { display: flex; flex-wrap: wrap; gap: 8px 28px; }
footer { color: var(--muted); font-size: 12.5px; padding: 18px 0 40px; }
`;

function renderTable(t: ReportTable): string {
  const head = t.columns.map((c) => `<th${c.numeric ? ' class="num"' : ''}>${escapeHtml(c.label)}</th>`).join('');
  const body = t.rows
    .map((r) => `<tr>${r.map((v, i) => `<td${t.columns[i]?.numeric ? ' class="num"' : ''}>${escapeHtml(v)}</td>`).join('')}</tr>`)
    .join('\n');
  return `<div class="scroll"><table>${t.caption ? `<caption>${escapeHtml(t.caption)}</caption>` : ''}<thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

function renderSection(s: ReportSection, svgs: ReadonlyMap<string, string>): string {
  const parts: string[] = [`<section id="${escapeHtml(s.id)}"><h2>${escapeHtml(s.title)}</h2>`];
  if (s.skipped) {
    parts.push(`<p class="skip">Not in this report: ${escapeHtml(s.skipped)}</p></section>`);
    return parts.join('\n');
  }
  for (const p of s.lead) parts.push(`<p class="lead">${escapeHtml(p)}</p>`);
  if (s.id === 'explanations') {
    // Interleave each example's text with its chart.
    s.charts.forEach((c, k) => {
      parts.push(`<div class="explain">${s.text[k] ? `<p>${escapeHtml(s.text[k])}</p>` : ''}${figure(c.id, c.title, svgs)}</div>`);
    });
  } else {
    for (const c of s.charts) parts.push(figure(c.id, c.title, svgs));
    for (const t of s.text) parts.push(`<p class="lead">${escapeHtml(t)}</p>`);
  }
  if (s.tables.length) parts.push(`<div class="tables">${s.tables.map(renderTable).join('\n')}</div>`);
  parts.push('</section>');
  return parts.join('\n');
}

function figure(id: string, title: string, svgs: ReadonlyMap<string, string>): string {
  const svg = svgs.get(id);
  const prefix = `c-${id}`;
  if (!svg) return `<figure><p class="skip">Chart "${escapeHtml(title)}" could not be drawn.</p></figure>`;
  return `<figure class="chart" data-chart="${escapeHtml(id)}">${prepareInlineSvg(svg, prefix)}<figcaption id="${prefix}-caption">${escapeHtml(title)}</figcaption></figure>`;
}

export function renderReportHtml(data: ReportData, svgs: ReadonlyMap<string, string>): string {
  const toc = data.sections
    .map((s) => `<li><a href="#${escapeHtml(s.id)}"${s.skipped ? ' class="skipped"' : ''}>${escapeHtml(s.title)}</a></li>`)
    .join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(data.title)}</title>
<style>${CSS}</style>
</head>
<body>
<header class="top"><div class="wrap">
<h1>${escapeHtml(data.title)}</h1>
${data.subtitle || data.generatedAt ? `<p>${escapeHtml([data.subtitle, data.generatedAt ? `generated ${data.generatedAt}` : ''].filter(Boolean).join(' · '))}</p>` : ''}
${data.highlights.length ? `<ul class="highlights">${data.highlights.map((h) => `<li>${escapeHtml(h)}</li>`).join('')}</ul>` : ''}
</div></header>
<nav class="toc"><div class="wrap"><ol>${toc}</ol></div></nav>
<main class="wrap">
${data.sections.map((s) => renderSection(s, svgs)).join('\n')}
</main>
<footer class="wrap">Made by moodscape. This file is self-contained: it loads nothing from the network.</footer>
</body>
</html>
`;
}
