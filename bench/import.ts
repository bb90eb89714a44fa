import { pathToFileURL } from 'node:url';
import { openArchive } from '../shared/imports/archive.ts';
import { decodeRunFile } from '../shared/imports/decode.ts';
import { compressTimestamps, fitActivity, generateTrack, gpxFile, stravaExport, tcxFile } from '../shared/imports/testing.ts';
import { bytesSource } from '../shared/zip/read.ts';
import { medianMs, type BenchFigure } from './lib.ts';

// Issue 27: how fast the shared decoders read a runner's files (Node; the phone runs the same
// code). Each format is 10 one-hour runs at 1 Hz with GPS, altitude and heart rate.

const FILES = 10;

async function decodeAll(name: string, files: Uint8Array[]): Promise<void> {
  for (const bytes of files) {
    const result = await decodeRunFile(name, bytes);
    if (!result.ok) throw new Error(`bench file refused: ${result.reason}`);
  }
}

async function throughput(label: string, name: string, files: Uint8Array[]): Promise<BenchFigure[]> {
  const ms = await medianMs(() => decodeAll(name, files), 5, 1);
  const megabytes = files.reduce((n, f) => n + f.length, 0) / 1024 / 1024;
  return [
    {
      name: `import ${label}: files per second (1 h runs, ${Math.round((megabytes * 1024) / files.length)} KB each)`,
      value: (files.length / ms) * 1000,
      unit: 'files/s',
    },
    { name: `import ${label}: throughput`, value: (megabytes / ms) * 1000, unit: 'MB/s' },
  ];
}

/** Files per second and MB/s for FIT, GPX and TCX, the 1 MB FIT file's decode time, and a 500-activity export. */
export async function benchImport(): Promise<BenchFigure[]> {
  const tracks = Array.from({ length: FILES }, (_, i) => generateTrack(1000 + i, new Date(Date.UTC(2026, 0, 1 + i, 7)), 3600, 1));
  const text = (s: string) => new TextEncoder().encode(s);
  const fit = tracks.map((points, i) => fitActivity([{ sport: 'running', points }], { serial: 100 + i }));
  const gpx = tracks.map((points) => text(gpxFile(points)));
  const tcx = tracks.map((points) => text(tcxFile(points)));
  const figures = [...(await throughput('FIT', 'run.fit', fit)), ...(await throughput('GPX', 'run.gpx', gpx)), ...(await throughput('TCX', 'run.tcx', tcx))];

  // About 1 MB of FIT: a 14.5-hour recording at 1 Hz (an ultra), as a watch writes it.
  const long = fitActivity([{ sport: 'running', points: generateTrack(77, new Date(Date.UTC(2026, 5, 1, 5)), 52_000, 1) }]);
  const oneMb = await medianMs(() => decodeRunFile('ultra.fit', long), 7, 1);
  figures.push({ name: `import FIT ${(long.length / 1024 / 1024).toFixed(2)} MB file: decode time (median)`, value: oneMb, unit: 'ms' });
  const compressed = compressTimestamps(long).bytes;
  const compressedMs = await medianMs(() => decodeRunFile('ultra-old.fit', compressed), 7, 1);
  figures.push({
    name: `import FIT ${(compressed.length / 1024 / 1024).toFixed(2)} MB, compressed timestamps (rewritten first): decode time`,
    value: compressedMs,
    unit: 'ms',
  });

  const generated = await stravaExport(500, { seed: 9, pointStep: 5 });
  const exportMs = await medianMs(
    async () => {
      const opened = await openArchive(bytesSource(generated.zip));
      if (!opened.ok) throw new Error(opened.reason);
      for await (const item of opened.archive.items()) void item;
    },
    3,
    1,
  );
  figures.push({
    name: `import Strava export, 500 activities (${(generated.zip.length / 1024 / 1024).toFixed(1)} MB ZIP of .gz): files per second`,
    value: (500 / exportMs) * 1000,
    unit: 'files/s',
  });
  return figures;
}

// `npx tsx bench/import.ts` prints the figures on its own.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const figure of await benchImport()) console.log(`${figure.name}: ${figure.value.toFixed(2)} ${figure.unit}`);
}
