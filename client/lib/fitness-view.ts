import type { FormBand, LoadDay } from '#shared/schema/load.ts';
import { addDays, daysBetween, weekday } from '#shared/training/dates.ts';
import { FORM_BAND_TABLE } from '#shared/training/load-series.ts';

// What the Fitness screen draws, as plain numbers: the chart's range, its polylines (done solid,
// forecast dashed), the axes, and the week's load beside its volume. The component only renders.

/** The days the screen asks for: 12 weeks back, through race day or the plan's end (at most a year ahead). */
export function fitnessRange(today: string, ends: (string | null | undefined)[]): { from: string; to: string } {
  const ahead =
    ends
      .filter((d): d is string => !!d && d >= today)
      .sort()
      .at(-1) ?? addDays(today, 28);
  const cap = addDays(today, 365);
  return { from: addDays(today, -84), to: ahead > cap ? cap : ahead < addDays(today, 14) ? addDays(today, 14) : ahead };
}

export interface ChartBox {
  width: number;
  height: number;
  /** Room for the axis labels. */
  left: number;
  bottom: number;
}

/** x of a day and y of a value inside the box (values `min`..`max`). */
export function scales(days: readonly LoadDay[], box: ChartBox, min: number, max: number) {
  const n = Math.max(1, days.length - 1);
  const first = days[0]?.date ?? '1970-01-01';
  const plotW = box.width - box.left;
  const plotH = box.height - box.bottom;
  const x = (date: string) => box.left + (daysBetween(first, date) / n) * plotW;
  const y = (value: number) => plotH - ((value - min) / Math.max(1e-9, max - min)) * plotH;
  return { x, y, plotW, plotH };
}

/** Points "x,y x,y" for `pick` over `days`, split into the done stretch and the forecast (sharing the joining day). */
export function splitLine(
  days: readonly LoadDay[],
  pick: (d: LoadDay) => number,
  x: (date: string) => number,
  y: (v: number) => number,
): { done: string; forecast: string } {
  const pts = (list: readonly LoadDay[]) => list.map((d) => `${x(d.date).toFixed(1)},${y(pick(d)).toFixed(1)}`).join(' ');
  const cut = days.findIndex((d) => d.forecast);
  if (cut < 0) return { done: pts(days), forecast: '' };
  return { done: pts(days.slice(0, cut + 1)), forecast: pts(days.slice(Math.max(0, cut - 1))) };
}

/** Round axis ticks covering `min`..`max` (about four). */
export function ticks(min: number, max: number): number[] {
  const span = Math.max(1, max - min);
  const raw = span / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + 1e-9; v += step) out.push(Math.round(v * 10) / 10 || 0);
  return out;
}

/** The first day of each month inside the range (the x-axis labels). */
export function monthStarts(days: readonly LoadDay[]): string[] {
  return days.filter((d, i) => i > 0 && d.date.endsWith('-01')).map((d) => d.date);
}

/** A band's TSB range in words, e.g. "+5 to +25". */
export function bandRange(band: FormBand): string {
  const i = FORM_BAND_TABLE.findIndex((row) => row.band === band);
  const row = FORM_BAND_TABLE[i]!;
  const upper = i > 0 ? FORM_BAND_TABLE[i - 1]!.min : null;
  const s = (v: number) => (v > 0 ? `+${v}` : `${v}`);
  if (upper === null) return `above ${s(row.min)}`;
  if (row.min === -Infinity) return `below ${s(upper)}`;
  return `${s(row.min)} to ${s(upper)}`;
}

/** "+7" / "−3" / "0" for a form or ramp figure. */
export function signed(value: number): string {
  const r = Math.round(value * 10) / 10 || 0;
  return r > 0 ? `+${r}` : r < 0 ? `−${Math.abs(r)}` : '0';
}

/** One week (Monday first) of load and volume. */
export interface LoadWeek {
  start: string;
  /** Load of the runs done. */
  load: number;
  /** Load still planned (forecast days only). */
  planned: number;
  /** Meters run that week. */
  meters: number;
  runs: number;
}

/** Weekly load (done and still planned) beside the distance run, Monday to Sunday. */
export function loadWeeks(
  days: readonly LoadDay[],
  runs: readonly { local_date: string; distance_meters: number; activity_type: string }[],
  isRun: (type: string) => boolean,
): LoadWeek[] {
  const weeks = new Map<string, LoadWeek>();
  const monday = (date: string) => addDays(date, -((weekday(date) + 6) % 7));
  for (const d of days) {
    const start = monday(d.date);
    const w = weeks.get(start) ?? { start, load: 0, planned: 0, meters: 0, runs: 0 };
    w.load += d.load;
    w.planned += d.planned;
    weeks.set(start, w);
  }
  for (const r of runs) {
    const w = weeks.get(monday(r.local_date));
    if (!w || !isRun(r.activity_type)) continue;
    w.meters += r.distance_meters;
    w.runs += 1;
  }
  return [...weeks.values()].map((w) => ({ ...w, load: Math.round(w.load), planned: Math.round(w.planned) }));
}
