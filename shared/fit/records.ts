import { CrcCalculator } from '@garmin/fitsdk';

// A walk over a FIT file's records, done before the SDK reads it, for two kinds of legal or
// harmless files the SDK refuses (issue 27):
//   - compressed-timestamp data records (older devices): the SDK stops with "not currently
//     supported". We rewrite each one as a normal record whose definition carries the
//     timestamp (field 253) the FIT protocol says it implies.
//   - files whose checksum is wrong but whose records all parse (Strava's Android app, some long
//     recordings): Garmin Connect and Strava import them, so do we, with a note the runner sees.
// When neither applies, the original bytes go through untouched.

/** What the walk made of the file: bytes the SDK can read, and notes for the runner. */
export type NormalizeResult = { ok: true; bytes: Uint8Array; notes: string[]; rewritten: boolean } | { ok: false; reason: string };

/** The note an import shows for a file whose checksum was wrong but whose records read. */
export const CHECKSUM_NOTE = "the file's checksum was wrong; the data looked complete";

const TIMESTAMP_FIELD = 253;
const UINT32 = 0x86;
const DATA_TYPE_MAX = 0x10; // base type numbers run 0…16 in the low 5 bits

interface Definition {
  /** The definition record without its header byte: reserved, architecture, global number, fields. */
  body: Uint8Array;
  littleEndian: boolean;
  /** Bytes of the regular fields, then of the developer fields, in one data record. */
  fieldsSize: number;
  devSize: number;
  hasDev: boolean;
  /** Byte offset of field 253 inside a data record, if the definition has it as a uint32. */
  timestampAt: number | undefined;
  /** This definition with field 253 appended, made once for its compressed-timestamp records. */
  stamped?: Definition;
}

class Damaged extends Error {}

function readDefinition(bytes: Uint8Array, at: number, hasDev: boolean): { def: Definition; end: number } {
  if (at + 5 > bytes.length) throw new Damaged();
  const architecture = bytes[at + 1]!;
  if (architecture > 1) throw new Damaged();
  const count = bytes[at + 4]!;
  let p = at + 5;
  let fieldsSize = 0;
  let timestampAt: number | undefined;
  for (let i = 0; i < count; i++) {
    if (p + 3 > bytes.length) throw new Damaged();
    const [num, size, baseType] = [bytes[p]!, bytes[p + 1]!, bytes[p + 2]!];
    if (size === 0 || (baseType & 0x1f) > DATA_TYPE_MAX) throw new Damaged();
    if (num === TIMESTAMP_FIELD && size === 4 && baseType === UINT32) timestampAt = fieldsSize;
    fieldsSize += size;
    p += 3;
  }
  let devSize = 0;
  if (hasDev) {
    if (p + 1 > bytes.length) throw new Damaged();
    const devCount = bytes[p]!;
    p += 1;
    for (let i = 0; i < devCount; i++) {
      if (p + 3 > bytes.length) throw new Damaged();
      devSize += bytes[p + 1]!;
      p += 3;
    }
  }
  const def: Definition = { body: bytes.slice(at, p), littleEndian: architecture === 0, fieldsSize, devSize, hasDev, timestampAt };
  return { def, end: p };
}

/** The same definition with a uint32 timestamp appended to its regular fields. */
function withTimestamp(def: Definition): Definition {
  const count = def.body[4]!;
  const fieldsEnd = 5 + count * 3;
  const body = new Uint8Array(def.body.length + 3);
  body.set(def.body.subarray(0, fieldsEnd));
  body[4] = count + 1;
  body.set([TIMESTAMP_FIELD, 4, UINT32], fieldsEnd);
  body.set(def.body.subarray(fieldsEnd), fieldsEnd + 3);
  return { body, littleEndian: def.littleEndian, devSize: def.devSize, hasDev: def.hasDev, fieldsSize: def.fieldsSize + 4, timestampAt: def.fieldsSize };
}

/** A growing byte buffer: one copy per record instead of one allocation per record. */
class Output {
  private buffer = new Uint8Array(4096);
  size = 0;
  /** Room for `n` more bytes; returns where they start. */
  reserve(n: number): number {
    if (this.size + n > this.buffer.length) {
      const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.size + n));
      grown.set(this.buffer.subarray(0, this.size));
      this.buffer = grown;
    }
    const at = this.size;
    this.size += n;
    return at;
  }
  push(chunk: Uint8Array): void {
    const at = this.reserve(chunk.length); // before reading this.buffer, which reserve may replace
    this.buffer.set(chunk, at);
  }
  view(): Uint8Array {
    return this.buffer;
  }
  bytes(): Uint8Array {
    return this.buffer.slice(0, this.size);
  }
}

const sameBytes = (a: Uint8Array | undefined, b: Uint8Array): boolean => a === b || (a !== undefined && a.length === b.length && a.every((v, i) => v === b[i]));

interface Segment {
  /** The records rewritten with normal headers only (only built when a compressed one is met). */
  records: Uint8Array;
  compressed: number;
  crcOk: boolean;
  end: number;
}

/**
 * Walks one FIT file (of a possibly chained set) starting at `start`; throws Damaged on broken
 * structure. Only with `rewrite` are the records copied out (most files need no rewriting).
 */
function walkSegment(bytes: Uint8Array, start: number, rewrite: boolean): Segment {
  if (start + 12 > bytes.length) throw new Damaged();
  const headerSize = bytes[start]!;
  if (headerSize !== 12 && headerSize !== 14) throw new Damaged();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dataSize = view.getUint32(start + 4, true);
  const dataStart = start + headerSize;
  const dataEnd = dataStart + dataSize;
  if (dataEnd + 2 > bytes.length) throw new Damaged();

  const defs: (Definition | undefined)[] = new Array(16);
  // What the output currently defines for each local type, to re-emit only on change.
  const emitted: (Uint8Array | undefined)[] = new Array(16);
  const out = new Output();
  let lastTimestamp: number | undefined;
  let compressed = 0;
  let p = dataStart;
  const emitDefinition = (local: number, def: Definition): void => {
    if (!rewrite || sameBytes(emitted[local], def.body)) return;
    out.push(Uint8Array.of(0x40 | (def.hasDev ? 0x20 : 0) | local));
    out.push(def.body);
    emitted[local] = def.body;
  };
  while (p < dataEnd) {
    const header = bytes[p]!;
    if (header & 0x80) {
      const local = (header >> 5) & 0x03;
      const def = defs[local];
      if (!def || lastTimestamp === undefined) throw new Damaged();
      const size = def.fieldsSize + def.devSize;
      if (p + 1 + size > dataEnd) throw new Damaged();
      const offset = header & 0x1f;
      // Arithmetic, not bit masks: FIT times pass 2^31 in 2057 and JS masks are signed 32-bit.
      const low = lastTimestamp % 32;
      let timestamp = lastTimestamp - low + offset;
      if (offset < low) timestamp += 32;
      lastTimestamp = timestamp % 2 ** 32;
      compressed++;
      p += 1 + size;
      if (!rewrite) continue;
      const recordAt = p - 1 - size;
      // One stamped definition per definition, so the emitted one is recognised as unchanged.
      const target = def.timestampAt === undefined ? (def.stamped ??= withTimestamp(def)) : def;
      emitDefinition(local, target);
      const at = out.reserve(1 + target.fieldsSize + target.devSize);
      const buffer = out.view();
      buffer[at] = local;
      buffer.set(bytes.subarray(recordAt + 1, recordAt + 1 + def.fieldsSize), at + 1);
      buffer.set(bytes.subarray(recordAt + 1 + def.fieldsSize, recordAt + 1 + size), at + 1 + target.fieldsSize);
      new DataView(buffer.buffer).setUint32(at + 1 + target.timestampAt!, lastTimestamp, target.littleEndian);
    } else if (header & 0x40) {
      const local = header & 0x0f;
      const { def, end } = readDefinition(bytes, p + 1, (header & 0x20) !== 0);
      if (end > dataEnd) throw new Damaged();
      defs[local] = def;
      emitDefinition(local, def);
      p = end;
    } else {
      const local = header & 0x0f;
      const def = defs[local];
      if (!def) throw new Damaged();
      const size = def.fieldsSize + def.devSize;
      if (p + 1 + size > dataEnd) throw new Damaged();
      if (def.timestampAt !== undefined) {
        const value = view.getUint32(p + 1 + def.timestampAt, def.littleEndian);
        // 0xFFFFFFFF is FIT's "no value": it sets no time base.
        if (value !== 0xffffffff) lastTimestamp = value;
      }
      if (rewrite) {
        emitDefinition(local, def);
        out.push(bytes.subarray(p, p + 1 + size));
      }
      p += 1 + size;
    }
  }
  const stored = view.getUint16(dataEnd, true);
  const crcOk = CrcCalculator.calculateCRC(bytes, start, dataEnd) === stored;
  return { records: rewrite ? out.bytes() : bytes.subarray(dataStart, dataEnd), compressed, crcOk, end: dataEnd + 2 };
}

/** A fresh 14-byte header and trailing CRC around `records`, keeping the original's versions. */
function rebuild(original: Uint8Array, start: number, records: Uint8Array): Uint8Array {
  const out = new Uint8Array(14 + records.length + 2);
  const view = new DataView(out.buffer);
  out[0] = 14;
  out[1] = original[start + 1]!;
  out[2] = original[start + 2]!;
  out[3] = original[start + 3]!;
  view.setUint32(4, records.length, true);
  out.set([0x2e, 0x46, 0x49, 0x54], 8); // ".FIT"
  view.setUint16(12, CrcCalculator.calculateCRC(out, 0, 12), true);
  out.set(records, 14);
  view.setUint16(14 + records.length, CrcCalculator.calculateCRC(out, 0, 14 + records.length), true);
  return out;
}

/** Whether the bytes start like a FIT file (header size, ".FIT" signature). */
export function looksLikeFit(bytes: Uint8Array): boolean {
  return bytes.length >= 12 && (bytes[0] === 12 || bytes[0] === 14) && bytes[8] === 0x2e && bytes[9] === 0x46 && bytes[10] === 0x49 && bytes[11] === 0x54;
}

/**
 * Makes a FIT file the SDK can read: compressed-timestamp records expanded, and a wrong checksum
 * forgiven (with CHECKSUM_NOTE) when every record still parses. Broken structure is refused.
 */
export function normalizeFit(bytes: Uint8Array): NormalizeResult {
  if (!looksLikeFit(bytes)) return { ok: false, reason: 'this is not a FIT file' };
  const segments: { start: number; segment: Segment }[] = [];
  let at = 0;
  try {
    // Chained FIT files (one file after another) are legal; trailing padding is ignored.
    while (at === 0 || (at < bytes.length && looksLikeFit(bytes.subarray(at)))) {
      const segment = walkSegment(bytes, at, false);
      segments.push({ start: at, segment });
      at = segment.end;
    }
  } catch (error) {
    if (!(error instanceof Damaged)) throw error;
    if (segments.length === 0) {
      return { ok: false, reason: 'the file is damaged or cut short: its records do not read to the end' };
    }
    // A broken file chained after good ones: keep what read.
  }
  const notes: string[] = [];
  const crcBad = segments.some((s) => !s.segment.crcOk);
  const headerBad = segments.some(({ start }) => bytes[start] === 14 && !headerCrcOk(bytes, start));
  if (crcBad) notes.push(CHECKSUM_NOTE);
  const needsRewrite = crcBad || headerBad || segments.some((s) => s.segment.compressed > 0) || at !== bytes.length;
  if (!needsRewrite) return { ok: true, bytes, notes, rewritten: false };
  // Expanding compressed timestamps needs a second walk that copies the records out.
  const parts = segments.map(({ start, segment }) => rebuild(bytes, start, segment.compressed > 0 ? walkSegment(bytes, start, true).records : segment.records));
  const out = new Output();
  for (const part of parts) out.push(part);
  return { ok: true, bytes: out.bytes(), notes, rewritten: true };
}

function headerCrcOk(bytes: Uint8Array, start: number): boolean {
  const stored = bytes[start + 12]! | (bytes[start + 13]! << 8);
  return stored === 0 || CrcCalculator.calculateCRC(bytes, start, start + 12) === stored;
}
