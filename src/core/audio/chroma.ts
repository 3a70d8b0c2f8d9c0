/**
 * Chroma: spectral magnitude folded onto the 12 pitch classes (0 = C, Spotify's key numbering).
 * Each bin between `minHz` and `maxHz` goes to its nearest equal-tempered pitch class (A4 = 440 Hz),
 * weighted down towards the quarter-tone boundary; each sounding frame is scaled to a maximum of 1
 * before averaging, so loud passages do not outvote the rest.
 */
export class ChromaAccumulator {
  private readonly firstBin: number;
  private readonly pitchClass: Uint8Array;
  private readonly weight: Float32Array;
  private readonly frame = new Float64Array(12);
  private readonly sum = new Float64Array(12);
  private frames = 0;

  constructor(sampleRate: number, frameSize: number, minHz = 65, maxHz = 2100) {
    const binHz = sampleRate / frameSize;
    this.firstBin = Math.max(1, Math.ceil(minHz / binHz));
    const last = Math.min(frameSize / 2, Math.floor(maxHz / binHz));
    const n = Math.max(0, last - this.firstBin + 1);
    this.pitchClass = new Uint8Array(n);
    this.weight = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const midi = 69 + 12 * Math.log2(((this.firstBin + i) * binHz) / 440);
      const nearest = Math.round(midi);
      this.pitchClass[i] = ((nearest % 12) + 12) % 12;
      this.weight[i] = Math.cos(Math.PI * (midi - nearest)) ** 2;
    }
  }

  add(power: Float32Array): void {
    const f = this.frame;
    f.fill(0);
    for (let i = 0; i < this.pitchClass.length; i++) f[this.pitchClass[i]] += this.weight[i] * Math.sqrt(power[this.firstBin + i]);
    let max = 0;
    for (let c = 0; c < 12; c++) if (f[c] > max) max = f[c];
    if (!(max > 0)) return;
    for (let c = 0; c < 12; c++) this.sum[c] += f[c] / max;
    this.frames++;
  }

  /** Mean chroma scaled to sum 1; all zeros when no frame sounded. */
  result(): number[] {
    let total = 0;
    for (let c = 0; c < 12; c++) total += this.sum[c];
    return Array.from(this.sum, (v) => (total > 0 ? v / total : 0));
  }
}
