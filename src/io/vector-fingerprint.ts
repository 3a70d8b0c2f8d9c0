import { createHash } from 'node:crypto';

/**
 * SHA-256 over a description of an index (format, shape, parameters) and the vectors it is built
 * from, so that any change to either is noticed when a persisted index is opened.
 */
export function vectorFingerprint(description: string, vectors: Float32Array): string {
  const h = createHash('sha256');
  h.update(description);
  h.update(new Uint8Array(vectors.buffer, vectors.byteOffset, vectors.byteLength));
  return h.digest('hex');
}
