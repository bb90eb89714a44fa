// Strava's activities.csv: RFC 4180 quoting (names and descriptions hold commas, quotes and line
// breaks), some column names repeated (the first of each is the summary we want), dates in
// English month names and 12-hour clock, in UTC.

/** Parses CSV text into rows of fields; quoted fields may hold commas, quotes ("") and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.length > 1 || r[0] !== '');
}

/** One row of activities.csv, as far as an import needs it. */
export interface StravaCsvRow {
  id: string;
  /** Milliseconds since the epoch, when the date reads. */
  start?: number;
  name: string;
  /** Strava's type without spaces ("Run", "TrailRun", "Ride"). */
  type: string;
  /** The archive path of the recording ("activities/123.fit.gz"); empty for a run entered by hand. */
  file: string;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** Strava's "Mar 5, 2024, 6:01:02 AM" (UTC), or an ISO-like date; undefined when neither. */
export function parseStravaDate(text: string): number | undefined {
  const m = /^([A-Za-z]{3})[a-z]*\.? (\d{1,2}), (\d{4}),? (\d{1,2}):(\d{2}):(\d{2})\s*([AaPp][Mm])?$/.exec(text.trim());
  if (m) {
    const month = MONTHS.indexOf(m[1]!.toLowerCase());
    if (month < 0) return undefined;
    let hour = Number(m[4]);
    const half = m[7]?.toLowerCase();
    if (half === 'pm' && hour < 12) hour += 12;
    if (half === 'am' && hour === 12) hour = 0;
    return Date.UTC(Number(m[3]), month, Number(m[2]), hour, Number(m[5]), Number(m[6]));
  }
  const iso = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?$/.test(text.trim()) ? Date.parse(`${text.trim().replace(' ', 'T')}Z`) : NaN;
  return Number.isFinite(iso) ? iso : undefined;
}

const RECORDING = /\.(fit|gpx|tcx)(\.gz)?$/i;

/**
 * The rows of Strava's activities.csv. Columns are found by their English names; an export in
 * another language falls back to Strava's column order and finds the file column by its values.
 */
export function readStravaCsv(text: string): StravaCsvRow[] {
  const [header, ...rows] = parseCsv(text);
  if (!header) return [];
  const find = (name: string, fallback: number): number => {
    const at = header.findIndex((h) => h.trim().toLowerCase() === name);
    return at >= 0 ? at : fallback;
  };
  let fileColumn = header.findIndex((h) => h.trim().toLowerCase() === 'filename');
  if (fileColumn < 0) fileColumn = header.findIndex((_, i) => rows.some((r) => RECORDING.test(r[i] ?? '')));
  const [id, date, name, type] = [find('activity id', 0), find('activity date', 1), find('activity name', 2), find('activity type', 3)];
  return rows.map((r) => {
    const row: StravaCsvRow = {
      id: (r[id] ?? '').trim(),
      name: (r[name] ?? '').trim(),
      type: (r[type] ?? '').replace(/\s+/g, ''),
      file: fileColumn >= 0 ? (r[fileColumn] ?? '').trim() : '',
    };
    const start = parseStravaDate(r[date] ?? '');
    if (start !== undefined) row.start = start;
    return row;
  });
}
