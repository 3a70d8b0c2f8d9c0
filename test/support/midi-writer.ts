/**
 * A minimal Standard MIDI File writer (format 0, one track) for the rendered test corpus. Times
 * are in milliseconds: 500 ticks per quarter at the default 120 BPM make one tick one millisecond,
 * so a piece's tempo lives in its note times and the file needs no tempo map.
 */
export interface MidiNote {
  /** Start, ms. */
  at: number;
  /** Length, ms. */
  length: number;
  pitch: number;
  velocity: number;
  channel: number;
}

export interface MidiProgram {
  at: number;
  channel: number;
  program: number;
}

function variableLength(n: number): number[] {
  const bytes = [n & 0x7f];
  while ((n >>= 7) > 0) bytes.unshift((n & 0x7f) | 0x80);
  return bytes;
}

export function writeMidi(notes: readonly MidiNote[], programs: readonly MidiProgram[]): Uint8Array {
  type Ev = { at: number; order: number; bytes: number[] };
  const events: Ev[] = [];
  for (const p of programs) events.push({ at: Math.round(p.at), order: 0, bytes: [0xc0 | p.channel, p.program] });
  for (const n of notes) {
    events.push({ at: Math.round(n.at + n.length), order: 1, bytes: [0x80 | n.channel, n.pitch, 0] });
    events.push({ at: Math.round(n.at), order: 2, bytes: [0x90 | n.channel, n.pitch, Math.max(1, Math.min(127, Math.round(n.velocity)))] });
  }
  events.sort((a, b) => a.at - b.at || a.order - b.order);
  const track: number[] = [0x00, 0xff, 0x51, 0x03, 0x07, 0xa1, 0x20]; // 500000 µs per quarter
  let now = 0;
  for (const e of events) {
    track.push(...variableLength(e.at - now), ...e.bytes);
    now = e.at;
  }
  track.push(0x00, 0xff, 0x2f, 0x00);
  const header = [0x4d, 0x54, 0x68, 0x64, 0, 0, 0, 6, 0, 0, 0, 1, 0x01, 0xf4];
  const len = track.length;
  return Uint8Array.from([...header, 0x4d, 0x54, 0x72, 0x6b, (len >>> 24) & 0xff, (len >>> 16) & 0xff, (len >>> 8) & 0xff, len & 0xff, ...track]);
}
