/** 16-bit PCM WAV writing for generated test audio (silence, noise, clipping, corpus pieces). */
export function encodeWav16(channels: readonly Float32Array[], sampleRate: number): Buffer {
  const n = channels[0].length, c = channels.length;
  const buf = Buffer.alloc(44 + n * c * 2);
  buf.write('RIFF', 0);
  buf.writeUInt32LE(36 + n * c * 2, 4);
  buf.write('WAVEfmt ', 8);
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20);
  buf.writeUInt16LE(c, 22);
  buf.writeUInt32LE(sampleRate, 24);
  buf.writeUInt32LE(sampleRate * c * 2, 28);
  buf.writeUInt16LE(c * 2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36);
  buf.writeUInt32LE(n * c * 2, 40);
  let o = 44;
  for (let i = 0; i < n; i++) {
    for (let ch = 0; ch < c; ch++, o += 2) {
      const v = Math.max(-1, Math.min(1, channels[ch][i]));
      buf.writeInt16LE(Math.round(v < 0 ? v * 32768 : v * 32767), o);
    }
  }
  return buf;
}
