// Decompression through the platform's DecompressionStream (browsers and Node ≥ 18), so no
// inflate code of our own is shipped to the phone.

/** Why bytes could not be unpacked: broken data, or more than the caller allows. */
export type InflateResult = { ok: true; bytes: Uint8Array } | { ok: false; reason: 'damaged' | 'too_large' };

/** Unpacks gzip or raw-deflate bytes, stopping (too_large) once more than `maxBytes` came out. */
export async function inflate(bytes: Uint8Array, format: 'gzip' | 'deflate-raw', maxBytes: number): Promise<InflateResult> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream(format));
    const reader = stream.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > maxBytes) {
        await reader.cancel();
        return { ok: false, reason: 'too_large' };
      }
      chunks.push(value);
    }
  } catch {
    return { ok: false, reason: 'damaged' };
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return { ok: true, bytes: out };
}
