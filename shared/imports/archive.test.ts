import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCsv, parseStravaDate, readStravaCsv } from './csv.ts';
import { openArchive, type ArchiveItem } from './archive.ts';
import { stravaExport } from './testing.ts';
import { bytesSource, blobSource, readZipDirectory, readZipEntry } from '../zip/read.ts';
import { crc32, zipFiles } from '../zip/zip.ts';

/** A ZIP64 archive (stored entries) with every size and offset in ZIP64 fields, as large exports have. */
function zip64(files: { name: string; bytes: Uint8Array }[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  const block = (size: number, write: (v: DataView) => void): Uint8Array => {
    const b = new Uint8Array(size);
    write(new DataView(b.buffer));
    return b;
  };
  for (const file of files) {
    const name = new TextEncoder().encode(file.name);
    const crc = crc32(file.bytes);
    const local = block(30, (v) => {
      v.setUint32(0, 0x04034b50, true);
      v.setUint16(4, 45, true);
      v.setUint32(14, crc, true);
      v.setUint32(18, file.bytes.length, true);
      v.setUint32(22, file.bytes.length, true);
      v.setUint16(26, name.length, true);
    });
    const header = block(46, (v) => {
      v.setUint32(0, 0x02014b50, true);
      v.setUint16(6, 45, true);
      v.setUint32(16, crc, true);
      v.setUint32(20, 0xffffffff, true);
      v.setUint32(24, 0xffffffff, true);
      v.setUint16(28, name.length, true);
      v.setUint16(30, 28, true);
      v.setUint32(42, 0xffffffff, true);
    });
    const extra = block(28, (v) => {
      v.setUint16(0, 0x0001, true);
      v.setUint16(2, 24, true);
      v.setBigUint64(4, BigInt(file.bytes.length), true);
      v.setBigUint64(12, BigInt(file.bytes.length), true);
      v.setBigUint64(20, BigInt(offset), true);
    });
    parts.push(local, name, file.bytes);
    central.push(header, name, extra);
    offset += 30 + name.length + file.bytes.length;
  }
  const dirSize = central.reduce((n, c) => n + c.length, 0);
  const record = block(56, (v) => {
    v.setUint32(0, 0x06064b50, true);
    v.setBigUint64(4, 44n, true);
    v.setBigUint64(24, BigInt(files.length), true);
    v.setBigUint64(32, BigInt(files.length), true);
    v.setBigUint64(40, BigInt(dirSize), true);
    v.setBigUint64(48, BigInt(offset), true);
  });
  const locator = block(20, (v) => {
    v.setUint32(0, 0x07064b50, true);
    v.setBigUint64(8, BigInt(offset + dirSize), true);
    v.setUint32(16, 1, true);
  });
  const end = block(22, (v) => {
    v.setUint32(0, 0x06054b50, true);
    v.setUint16(8, 0xffff, true);
    v.setUint16(10, 0xffff, true);
    v.setUint32(12, 0xffffffff, true);
    v.setUint32(16, 0xffffffff, true);
  });
  const all = [...parts, ...central, record, locator, end];
  const out = new Uint8Array(all.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of all) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

async function collect(items: AsyncGenerator<ArchiveItem>): Promise<ArchiveItem[]> {
  const out: ArchiveItem[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('activities.csv', () => {
  it('reads quoted fields with commas, quotes and line breaks, and CRLF', () => {
    expect(parseCsv('a,"b, ""c""",d\r\n"x\ny",,z\r\n')).toEqual([
      ['a', 'b, "c"', 'd'],
      ['x\ny', '', 'z'],
    ]);
  });

  it("reads Strava's dates as UTC", () => {
    expect(parseStravaDate('Mar 5, 2024, 6:01:02 AM')).toBe(Date.parse('2024-03-05T06:01:02Z'));
    expect(parseStravaDate('Dec 31, 2023, 12:30:00 PM')).toBe(Date.parse('2023-12-31T12:30:00Z'));
    expect(parseStravaDate('Jan 1, 2024, 12:05:00 AM')).toBe(Date.parse('2024-01-01T00:05:00Z'));
    expect(parseStravaDate('2024-03-05 06:01:02')).toBe(Date.parse('2024-03-05T06:01:02Z'));
    expect(parseStravaDate('yesterday')).toBeUndefined();
  });

  it('finds the first of repeated columns, and the file column of a translated export by its values', () => {
    const english = readStravaCsv(
      'Activity ID,Activity Date,Activity Name,Activity Type,Distance,Filename,Distance\n7,"Mar 5, 2024, 6:01:02 AM",Easy,Trail Run,5,activities/7.fit.gz,5000\n',
    );
    expect(english).toEqual([{ id: '7', start: Date.parse('2024-03-05T06:01:02Z'), name: 'Easy', type: 'TrailRun', file: 'activities/7.fit.gz' }]);
    const german = readStravaCsv('Aktivitäts-ID,Datum,Name,Typ,Dateiname\n8,x,Locker,Run,activities/8.gpx.gz\n');
    expect(german[0]).toMatchObject({ id: '8', name: 'Locker', type: 'Run', file: 'activities/8.gpx.gz' });
  });
});

describe('ZIP reader', () => {
  it('reads what our writer stored, by random access over bytes and over a Blob', async () => {
    const files = [
      { name: 'a.txt', bytes: new TextEncoder().encode('hello'), date: new Date('2026-01-01T00:00:00Z') },
      { name: 'dir/b.bin', bytes: Uint8Array.from({ length: 70_000 }, (_, i) => i % 251), date: new Date('2026-01-01T00:00:00Z') },
    ];
    const zip = zipFiles(files);
    for (const source of [bytesSource(zip), blobSource(new Blob([zip as Uint8Array<ArrayBuffer>]))]) {
      const directory = await readZipDirectory(source);
      if (!directory.ok) throw new Error(directory.reason);
      expect(directory.entries.map((e) => e.name)).toEqual(['a.txt', 'dir/b.bin']);
      for (const [i, entry] of directory.entries.entries()) {
        expect(await readZipEntry(source, entry, 1_000_000)).toEqual({ ok: true, bytes: files[i]!.bytes });
      }
      expect(await readZipEntry(source, directory.entries[1]!, 1000)).toEqual({ ok: false, reason: 'the file is too large to be one run' });
    }
  });

  it('reads ZIP64 end records and per-entry ZIP64 sizes and offsets', async () => {
    const files = [
      { name: 'activities.csv', bytes: new TextEncoder().encode('Activity ID,Filename\n') },
      { name: 'activities/1.gpx', bytes: new TextEncoder().encode('<gpx></gpx>') },
    ];
    const source = bytesSource(zip64(files));
    const directory = await readZipDirectory(source);
    if (!directory.ok) throw new Error(directory.reason);
    expect(directory.entries.map((e) => [e.name, e.size, e.compressedSize])).toEqual([
      ['activities.csv', 21, 21],
      ['activities/1.gpx', 11, 11],
    ]);
    expect(await readZipEntry(source, directory.entries[1]!, 100)).toEqual({ ok: true, bytes: files[1]!.bytes });
  });

  it('refuses what is not a ZIP, and an entry whose bytes changed', async () => {
    expect(await readZipDirectory(bytesSource(new TextEncoder().encode('not a zip at all, just some text here')))).toEqual({
      ok: false,
      reason: 'this is not a ZIP archive, or it is damaged (its list of files is missing)',
    });
    const zip = zipFiles([{ name: 'a.txt', bytes: new TextEncoder().encode('hello'), date: new Date('2026-01-01T00:00:00Z') }]);
    const changed = zip.slice();
    changed[zip.indexOf(0x68)] = 0x6a; // "hello" → "jello", CRC unchanged
    const directory = await readZipDirectory(bytesSource(changed));
    if (!directory.ok) throw new Error(directory.reason);
    expect(await readZipEntry(bytesSource(changed), directory.entries[0]!, 100)).toEqual({
      ok: false,
      reason: 'the file is damaged in the archive (its checksum does not match)',
    });
  });
});

describe('openArchive', () => {
  it("imports a deflated export written by another tool (Python's zipfile), with its top folder", async () => {
    const zip = new Uint8Array(readFileSync(new URL('./fixtures/strava-export-deflated.zip', import.meta.url)));
    const opened = await openArchive(bytesSource(zip));
    if (!opened.ok) throw new Error(opened.reason);
    expect(opened.archive.stravaExport).toBe(true);
    expect(opened.archive.total).toBe(3);
    const items = await collect(opened.archive.items());
    const ok = items.filter((i) => i.ok);
    expect(ok.map((i) => i.runs[0]!.name)).toEqual(['Easy, with "strides"', 'Evening Run']);
    expect(ok.map((i) => i.runs[0]!.activity.source)).toEqual(['strava_export', 'strava_export']);
    expect(ok[0]!.runs[0]!.activity.start_time).toBe('2024-03-05T06:01:02.000Z');
    // Generated by testing.ts with seeds 11 and 12: 3,583 m and 2,687 m.
    expect(Math.abs(ok[0]!.runs[0]!.activity.distance_meters - 3583.3)).toBeLessThan(36);
    expect(Math.abs(ok[1]!.runs[0]!.activity.distance_meters - 2687.1)).toBeLessThan(27);
    expect(items.filter((i) => !i.ok)).toEqual([
      { file: 'activities.csv: Treadmill by hand', ok: false, reason: 'Strava holds no recording of this run (it was entered by hand)' },
    ]);
  });

  it('a generated export: runs with their CSV names, rides refused in words', async () => {
    const generated = await stravaExport(30, { seed: 3 });
    const opened = await openArchive(blobSource(new Blob([generated.zip as Uint8Array<ArrayBuffer>])));
    if (!opened.ok) throw new Error(opened.reason);
    const items = await collect(opened.archive.items());
    expect(items).toHaveLength(30);
    expect(items.filter((i) => i.ok).length).toBe(generated.runs);
    expect(items.filter((i) => i.ok).flatMap((i) => i.runs.map((r) => r.name))).toContain('Tempo, "hard" 7');
    // Resuming after the 12th item gives exactly the rest, in the same order.
    expect((await collect(opened.archive.items(12))).map((i) => i.file)).toEqual(items.slice(12).map((i) => i.file));
    expect(await collect(opened.archive.items(30))).toEqual([]);
    const refused = items.filter((i): i is Extract<ArchiveItem, { ok: false }> => !i.ok);
    expect(new Set(refused.map((r) => r.reason))).toEqual(new Set(['this is a ride, not a run; RunCoach keeps runs only']));
  }, 60_000);
});
