import { crc32 } from './crc32.ts';
import { inflate } from './inflate.ts';

// A ZIP reader over random access (a phone's File, or bytes the server holds): the central
// directory is read once, then entries one at a time, so an archive of thousands of files never
// sits unpacked in memory. Stored and deflated entries, ZIP64 sizes and offsets; no encryption.

/** Where the archive's bytes come from. */
export interface RandomAccess {
  size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** Random access over bytes already in memory. */
export function bytesSource(bytes: Uint8Array): RandomAccess {
  return { size: bytes.length, read: async (offset, length) => bytes.subarray(offset, offset + length) };
}

/** Random access over a Blob or File (the phone reads only the slices it needs). */
export function blobSource(blob: Blob): RandomAccess {
  return { size: blob.size, read: async (offset, length) => new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer()) };
}

/** One file listed in the central directory. */
export interface ZipDirectoryEntry {
  name: string;
  method: number;
  encrypted: boolean;
  crc: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

export type ZipDirectoryResult = { ok: true; entries: ZipDirectoryEntry[] } | { ok: false; reason: string };
export type ZipEntryResult = { ok: true; bytes: Uint8Array } | { ok: false; reason: string };

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const utf8 = new TextDecoder('utf-8');
const NOT_ZIP = 'this is not a ZIP archive, or it is damaged (its list of files is missing)';

const view = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);
const u64 = (v: DataView, at: number): number => Number(v.getBigUint64(at, true));

/** The archive's list of files, from its end records; damage comes back as a sentence. */
export async function readZipDirectory(source: RandomAccess): Promise<ZipDirectoryResult> {
  if (source.size < 22) return { ok: false, reason: NOT_ZIP };
  // The end record sits within the last 22 + 65,535 (comment) bytes.
  const tailLength = Math.min(source.size, 22 + 0xffff);
  const tailStart = source.size - tailLength;
  const tail = await source.read(tailStart, tailLength);
  const tv = view(tail);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tv.getUint32(i, true) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return { ok: false, reason: NOT_ZIP };
  let count = tv.getUint16(eocd + 10, true);
  let dirSize = tv.getUint32(eocd + 12, true);
  let dirOffset = tv.getUint32(eocd + 16, true);
  if (count === 0xffff || dirSize === 0xffffffff || dirOffset === 0xffffffff) {
    const locatorAt = eocd - 20;
    if (locatorAt < 0 || tv.getUint32(locatorAt, true) !== ZIP64_LOCATOR) return { ok: false, reason: NOT_ZIP };
    const recordOffset = u64(tv, locatorAt + 8);
    const record = view(await source.read(recordOffset, 56));
    if (record.byteLength < 56 || record.getUint32(0, true) !== ZIP64_EOCD) return { ok: false, reason: NOT_ZIP };
    count = u64(record, 32);
    dirSize = u64(record, 40);
    dirOffset = u64(record, 48);
  }
  if (dirOffset + dirSize > source.size) return { ok: false, reason: 'the ZIP archive is cut short: it is smaller than its list of files says' };
  const dir = await source.read(dirOffset, dirSize);
  const dv = view(dir);
  const entries: ZipDirectoryEntry[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > dir.length || dv.getUint32(p, true) !== CENTRAL) return { ok: false, reason: 'the ZIP archive is damaged: its list of files does not read' };
    const flags = dv.getUint16(p + 8, true);
    const nameLength = dv.getUint16(p + 28, true);
    const extraLength = dv.getUint16(p + 30, true);
    const commentLength = dv.getUint16(p + 32, true);
    const entry: ZipDirectoryEntry = {
      name: utf8.decode(dir.subarray(p + 46, p + 46 + nameLength)),
      method: dv.getUint16(p + 10, true),
      encrypted: (flags & 1) !== 0,
      crc: dv.getUint32(p + 16, true),
      compressedSize: dv.getUint32(p + 20, true),
      size: dv.getUint32(p + 24, true),
      localHeaderOffset: dv.getUint32(p + 42, true),
    };
    // ZIP64 extra field: the 64-bit values present are those whose 32-bit field is all ones.
    let e = p + 46 + nameLength;
    const extraEnd = e + extraLength;
    while (e + 4 <= extraEnd && e + 4 <= dir.length) {
      const id = dv.getUint16(e, true);
      const length = dv.getUint16(e + 2, true);
      if (id === 0x0001) {
        let q = e + 4;
        if (entry.size === 0xffffffff && q + 8 <= e + 4 + length) [entry.size, q] = [u64(dv, q), q + 8];
        if (entry.compressedSize === 0xffffffff && q + 8 <= e + 4 + length) [entry.compressedSize, q] = [u64(dv, q), q + 8];
        if (entry.localHeaderOffset === 0xffffffff && q + 8 <= e + 4 + length) entry.localHeaderOffset = u64(dv, q);
      }
      e += 4 + length;
    }
    entries.push(entry);
    p = extraEnd + commentLength;
  }
  return { ok: true, entries };
}

/** One entry's bytes, unpacked and checked against its CRC-32; refused above `maxBytes`. */
export async function readZipEntry(source: RandomAccess, entry: ZipDirectoryEntry, maxBytes: number): Promise<ZipEntryResult> {
  if (entry.encrypted) return { ok: false, reason: 'the file is encrypted in the archive' };
  if (entry.method !== 0 && entry.method !== 8) return { ok: false, reason: 'the file is compressed in a way RunCoach cannot read (only stored and deflate)' };
  if (entry.size > maxBytes) return { ok: false, reason: 'the file is too large to be one run' };
  const header = view(await source.read(entry.localHeaderOffset, 30));
  if (header.byteLength < 30 || header.getUint32(0, true) !== LOCAL) return { ok: false, reason: 'the archive is damaged where this file should be' };
  const dataStart = entry.localHeaderOffset + 30 + header.getUint16(26, true) + header.getUint16(28, true);
  if (dataStart + entry.compressedSize > source.size) return { ok: false, reason: 'the archive is cut short inside this file' };
  const raw = await source.read(dataStart, entry.compressedSize);
  let bytes = raw;
  if (entry.method === 8) {
    const unpacked = await inflate(raw, 'deflate-raw', maxBytes);
    if (!unpacked.ok)
      return { ok: false, reason: unpacked.reason === 'too_large' ? 'the file is too large to be one run' : 'the file is damaged in the archive' };
    bytes = unpacked.bytes;
  }
  if (crc32(bytes) !== entry.crc) return { ok: false, reason: 'the file is damaged in the archive (its checksum does not match)' };
  return { ok: true, bytes };
}
