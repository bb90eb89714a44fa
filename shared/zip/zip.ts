import { crc32 } from './crc32.ts';

export { crc32 } from './crc32.ts';

/** One file to put in the archive. */
export interface ZipEntry {
  /** Path inside the archive, "/"-separated, UTF-8. */
  name: string;
  bytes: Uint8Array;
  /** Modification time shown by unzip tools. */
  date: Date;
}

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const VERSION_NEEDED = 10; // 1.0: stored entries, no ZIP64
const VERSION_MADE_BY = 20; // 2.0, MS-DOS attributes (none set)
const FLAG_UTF8_NAMES = 0x0800;
const METHOD_STORED = 0;
const EXTENDED_TIMESTAMP = 0x5455;
const MAX_UINT16 = 0xffff;
const MAX_UINT32 = 0xffffffff;

const encoder = new TextEncoder();

/**
 * MS-DOS date and time from the UTC fields (the format has no time zone; 2 s resolution,
 * 1980–2107). The extended-timestamp field below carries the exact instant for unzip.
 */
function dosDateTime(date: Date): { time: number; date: number } {
  const t = Math.min(Math.max(date.getTime(), Date.UTC(1980, 0, 1)), Date.UTC(2107, 11, 31, 23, 59, 58));
  const d = new Date(t);
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1),
    date: ((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}

/** The "UT" extra field with the modification time in Unix seconds, when it fits its int32. */
function timestampExtra(date: Date): Uint8Array {
  const seconds = Math.floor(date.getTime() / 1000);
  if (seconds < 0 || seconds > 0x7fffffff) return new Uint8Array(0);
  const extra = new Uint8Array(9);
  const view = new DataView(extra.buffer);
  view.setUint16(0, EXTENDED_TIMESTAMP, true);
  view.setUint16(2, 5, true);
  view.setUint8(4, 1); // flags: modification time present
  view.setUint32(5, seconds, true);
  return extra;
}

function checkName(name: string, seen: Set<string>): Uint8Array {
  const bytes = encoder.encode(name);
  const unsafe = name === '' || name.startsWith('/') || name.includes('\\') || name.split('/').some((part) => part === '..');
  if (unsafe || bytes.length > MAX_UINT16) throw new Error(`not a safe archive path: ${JSON.stringify(name)}`);
  if (seen.has(name)) throw new Error(`duplicate archive path: ${name}`);
  seen.add(name);
  return bytes;
}

interface Prepared {
  name: Uint8Array;
  bytes: Uint8Array;
  crc: number;
  time: number;
  date: number;
  extra: Uint8Array;
  offset: number;
}

/** Writes a header's fixed part: [value, size in bytes] pairs, little-endian. */
function fixed(fields: Array<[number, 2 | 4]>): Uint8Array {
  const out = new Uint8Array(fields.reduce((n, [, size]) => n + size, 0));
  const view = new DataView(out.buffer);
  let at = 0;
  for (const [value, size] of fields) {
    if (size === 2) view.setUint16(at, value, true);
    else view.setUint32(at, value, true);
    at += size;
  }
  return out;
}

/**
 * Builds a store-only ZIP archive (no compression: FIT and ICS files are small) with CRC-32,
 * UTF-8 names, local headers, a central directory and the end record. Bad paths throw: the
 * names come from our own code, never from a user.
 */
export function zipFiles(entries: ReadonlyArray<ZipEntry>): Uint8Array {
  if (entries.length > MAX_UINT16) throw new Error('too many files for a ZIP without ZIP64');
  const seen = new Set<string>();
  const chunks: Uint8Array[] = [];
  const prepared: Prepared[] = [];
  let offset = 0;
  for (const entry of entries) {
    const { time, date } = dosDateTime(entry.date);
    const item: Prepared = {
      name: checkName(entry.name, seen),
      bytes: entry.bytes,
      crc: crc32(entry.bytes),
      time,
      date,
      extra: timestampExtra(entry.date),
      offset,
    };
    const header = fixed([
      [LOCAL_HEADER, 4],
      [VERSION_NEEDED, 2],
      [FLAG_UTF8_NAMES, 2],
      [METHOD_STORED, 2],
      [item.time, 2],
      [item.date, 2],
      [item.crc, 4],
      [item.bytes.length, 4],
      [item.bytes.length, 4],
      [item.name.length, 2],
      [item.extra.length, 2],
    ]);
    chunks.push(header, item.name, item.extra, item.bytes);
    offset += header.length + item.name.length + item.extra.length + item.bytes.length;
    if (offset > MAX_UINT32) throw new Error('archive too large for a ZIP without ZIP64');
    prepared.push(item);
  }
  const directoryStart = offset;
  for (const item of prepared) {
    const header = fixed([
      [CENTRAL_HEADER, 4],
      [VERSION_MADE_BY, 2],
      [VERSION_NEEDED, 2],
      [FLAG_UTF8_NAMES, 2],
      [METHOD_STORED, 2],
      [item.time, 2],
      [item.date, 2],
      [item.crc, 4],
      [item.bytes.length, 4],
      [item.bytes.length, 4],
      [item.name.length, 2],
      [item.extra.length, 2],
      [0, 2],
      [0, 2],
      [0, 2],
      [0, 4],
      [item.offset, 4],
    ]);
    chunks.push(header, item.name, item.extra);
    offset += header.length + item.name.length + item.extra.length;
  }
  chunks.push(
    fixed([
      [END_OF_CENTRAL_DIRECTORY, 4],
      [0, 2],
      [0, 2],
      [prepared.length, 2],
      [prepared.length, 2],
      [offset - directoryStart, 4],
      [directoryStart, 4],
      [0, 2],
    ]),
  );
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
