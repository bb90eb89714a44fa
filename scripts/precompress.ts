import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

// Brotli and gzip twins of the built app's text files (name.js → name.js.br, name.js.gz),
// made once at build time at the highest settings, so the server sends them without
// compressing anything per request (server/app.ts serves them by Accept-Encoding).

/** Smaller files gain less than the headers cost. */
export const PRECOMPRESS_MIN_BYTES = 1024;

// Text formats only: PNG, WebP, fonts in woff2 and the like are compressed already.
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.webmanifest', '.svg', '.txt', '.xml', '.map', '.ico', '.wasm']);

/** Writes name.br and name.gz beside every compressible file of `dir` of at least 1 KB; returns the raw and brotli totals. */
export function precompressDir(dir: string): { files: number; rawBytes: number; brBytes: number } {
  const totals = { files: 0, rawBytes: 0, brBytes: 0 };
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !COMPRESSIBLE.has(extname(entry.name))) continue;
    const path = join(entry.parentPath, entry.name);
    if (statSync(path).size < PRECOMPRESS_MIN_BYTES) continue;
    const raw = readFileSync(path);
    const br = brotliCompressSync(raw, {
      params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: raw.byteLength },
    });
    const gz = gzipSync(raw, { level: constants.Z_BEST_COMPRESSION });
    // A twin that saves under a tenth is not worth a decompression on the phone.
    if (br.byteLength < raw.byteLength * 0.9) writeFileSync(`${path}.br`, br);
    if (gz.byteLength < raw.byteLength * 0.9) writeFileSync(`${path}.gz`, gz);
    totals.files += 1;
    totals.rawBytes += raw.byteLength;
    totals.brBytes += Math.min(br.byteLength, raw.byteLength);
  }
  return totals;
}

// `tsx scripts/precompress.ts build`: what `npm run build` runs after `vite build`.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const dir = process.argv[2] ?? 'build';
  const { files, rawBytes, brBytes } = precompressDir(dir);
  console.log(`Precompressed ${files} files in ${dir}: ${(rawBytes / 1024).toFixed(0)} KB → ${(brBytes / 1024).toFixed(0)} KB brotli`);
}
