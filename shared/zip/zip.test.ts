import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32, zipFiles, type ZipEntry } from './zip.ts';

interface Parsed {
  name: string;
  flags: number;
  method: number;
  crc: number;
  bytes: Uint8Array;
  dosTime: number;
  dosDate: number;
  unixTime?: number;
}

/** Reads an archive the way an unzip tool does: end record → central directory → local headers. */
function parseZip(zip: Uint8Array): Parsed[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const end = zip.length - 22;
  expect(view.getUint32(end, true)).toBe(0x06054b50);
  const count = view.getUint16(end + 10, true);
  const dirSize = view.getUint32(end + 12, true);
  let at = view.getUint32(end + 16, true);
  expect(at + dirSize).toBe(end);
  const out: Parsed[] = [];
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for (let i = 0; i < count; i++) {
    expect(view.getUint32(at, true)).toBe(0x02014b50);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const local = view.getUint32(at + 42, true);
    const name = decoder.decode(zip.subarray(at + 46, at + 46 + nameLength));
    const extra = zip.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength);
    expect(view.getUint32(local, true)).toBe(0x04034b50);
    // The local header must agree with the central directory.
    for (const [c, l] of [
      [8, 6],
      [10, 8],
      [12, 10],
      [14, 12],
      [16, 14],
      [20, 18],
      [24, 22],
      [28, 26],
    ] as const) {
      expect(view.getUint16(local + l, true), `field at ${l} of ${name}`).toBe(view.getUint16(at + c, true));
    }
    const size = view.getUint32(at + 20, true);
    const dataStart = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    const entry: Parsed = {
      name,
      flags: view.getUint16(at + 8, true),
      method: view.getUint16(at + 10, true),
      dosTime: view.getUint16(at + 12, true),
      dosDate: view.getUint16(at + 14, true),
      crc: view.getUint32(at + 16, true),
      bytes: zip.slice(dataStart, dataStart + size),
    };
    if (extra.length === 9 && extra[0] === 0x55 && extra[1] === 0x54) entry.unixTime = new DataView(extra.buffer, extra.byteOffset).getUint32(5, true);
    out.push(entry);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return out;
}

const hasUnzip = spawnSync('sh', ['-c', 'command -v unzip'], { encoding: 'utf8' }).status === 0;

const week: ZipEntry[] = [
  { name: '2026-04-13 Easy 45 min.fit', bytes: new Uint8Array([14, 16, 0x2e, 0x46, 0x49, 0x54]), date: new Date('2026-04-12T19:04:37Z') },
  { name: '2026-04-15 Intervals 6×800 m.fit', bytes: new TextEncoder().encode('x'.repeat(1000)), date: new Date('2026-04-12T19:04:37Z') },
  { name: 'plan/README — semaine.txt', bytes: new TextEncoder().encode('Copy the .fit files to GARMIN/NewFiles\n'), date: new Date('2026-04-12T19:04:38Z') },
  { name: 'empty.txt', bytes: new Uint8Array(), date: new Date('2026-04-12T19:04:37Z') },
];

describe('zipFiles', () => {
  it('stores every file with its CRC-32, UTF-8 name and time', () => {
    const entries = parseZip(zipFiles(week));
    expect(entries.map((e) => e.name)).toEqual(week.map((w) => w.name));
    entries.forEach((entry, i) => {
      expect(entry.method).toBe(0);
      expect(entry.flags & 0x0800).toBe(0x0800);
      expect(entry.bytes).toEqual(week[i]!.bytes);
      expect(entry.crc).toBe(zlib.crc32(week[i]!.bytes));
      expect(entry.unixTime).toBe(Math.floor(week[i]!.date.getTime() / 1000));
    });
    // 2026-04-12 19:04:37 UTC → DOS date (46 << 9 | 4 << 5 | 12), time (19 << 11 | 4 << 5 | 18).
    expect(entries[0]!.dosDate).toBe((46 << 9) | (4 << 5) | 12);
    expect(entries[0]!.dosTime).toBe((19 << 11) | (4 << 5) | 18);
  });

  it('computes the standard CRC-32', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array())).toBe(0);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.uint8Array({ maxLength: 200 }), (a, b) => {
        expect(crc32(a)).toBe(zlib.crc32(a));
        // A running CRC over two chunks equals the CRC of both at once.
        const both = new Uint8Array([...a, ...b]);
        expect(crc32(b, crc32(a))).toBe(zlib.crc32(both));
      }),
    );
  });

  it('writes an empty archive as just the end record, and the same bytes every time', () => {
    expect(zipFiles([])).toEqual(new Uint8Array([0x50, 0x4b, 0x05, 0x06, ...new Array<number>(18).fill(0)]));
    expect(zipFiles(week)).toEqual(zipFiles(week));
  });

  it('refuses unsafe or duplicate paths (a bug in the caller)', () => {
    const file = (name: string): ZipEntry => ({ name, bytes: new Uint8Array([1]), date: new Date(0) });
    for (const name of ['', '/etc/passwd', '../up.fit', 'a/../../b', 'back\\slash']) expect(() => zipFiles([file(name)])).toThrow(/safe archive path/);
    expect(() => zipFiles([file('a.fit'), file('a.fit')])).toThrow(/duplicate/);
  });

  it.skipIf(!hasUnzip)('passes `unzip -t` and extracts the same bytes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runcoach-zip-'));
    try {
      const path = join(dir, 'week.zip');
      writeFileSync(path, zipFiles(week));
      const test = execFileSync('unzip', ['-t', path], { encoding: 'utf8' });
      expect(test).toMatch(/No errors detected/);
      for (const entry of week) {
        expect(new Uint8Array(execFileSync('unzip', ['-p', path, entry.name]))).toEqual(entry.bytes);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
