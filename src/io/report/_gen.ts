import { sampleReportInput } from './sample-input.ts';
import { writeReport } from './write-report.ts';
const t = performance.now();
const input = sampleReportInput('/work/shared/data/mood_labelled/data_moods.csv');
console.log('input', (performance.now() - t).toFixed(0));
const r = await writeReport(input, '/tmp/vx/report.html', { pngDir: '/tmp/vx/png' });
console.log(r, (performance.now() - t).toFixed(0));
