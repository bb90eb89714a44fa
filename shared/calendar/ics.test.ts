import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildCalendar, escapeText, foldLine, type BuildCalendarInput, type CalendarWorkout } from './ics.ts';
import { propertyRuns } from '../testing/properties.ts';

interface Property {
  name: string;
  params: Record<string, string>;
  value: string;
}

/** Unfolds (CRLF + one space or tab) and splits a feed into properties, as a client would. */
function parse(feed: string): Property[] {
  const unfolded = feed.replace(/\r\n[ \t]/g, '');
  expect(unfolded.endsWith('\r\n')).toBe(true);
  return unfolded
    .slice(0, -2)
    .split('\r\n')
    .map((line) => {
      const colon = line.indexOf(':');
      const [name, ...params] = line.slice(0, colon).split(';');
      return {
        name: name!,
        params: Object.fromEntries(params.map((p) => p.split('=') as [string, string])),
        value: line.slice(colon + 1),
      };
    });
}

function unescape(value: string): string {
  return value.replace(/\\([\\;,nN])/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
}

/** The events of a feed as property-name → value maps. */
function events(feed: string): Array<Record<string, string>> {
  const out: Array<Record<string, string>> = [];
  let current: Record<string, string> | undefined;
  for (const prop of parse(feed)) {
    if (prop.name === 'BEGIN' && prop.value === 'VEVENT') current = {};
    else if (prop.name === 'END' && prop.value === 'VEVENT') {
      out.push(current!);
      current = undefined;
    } else if (current) current[prop.name] = prop.value;
  }
  return out;
}

const workout = (patch: Partial<CalendarWorkout> = {}): CalendarWorkout => ({
  id: 'w-1',
  scheduled_date: '2026-04-12',
  title: 'Intervals 6×800 m',
  description: 'Warm up 15 min, 6 × 800 m @ 3:58–4:05/km; jog 2 min. Cool down.',
  updated_at: '2026-04-01T08:00:00.000Z',
  ...patch,
});

const input = (workouts: CalendarWorkout[], patch: Partial<BuildCalendarInput> = {}): BuildCalendarInput => ({
  calendarName: 'RunCoach — marathon plan',
  workouts,
  now: new Date('2026-04-05T12:00:00Z'),
  productId: '-//RunCoach//Training plan//EN',
  domain: 'runcoach.example',
  ...patch,
});

describe('buildCalendar', () => {
  it('writes one all-day event per workout with CRLF line ends', () => {
    const feed = buildCalendar(input([workout(), workout({ id: 'w-2', scheduled_date: '2026-12-31', title: 'Long run', description: null })]));
    expect(feed.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n')).toBe(true);
    expect(feed.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(feed.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const props = parse(feed);
    expect(props.find((p) => p.name === 'X-WR-CALNAME')?.value).toBe('RunCoach — marathon plan');
    expect(props.find((p) => p.name === 'REFRESH-INTERVAL')).toEqual({ name: 'REFRESH-INTERVAL', params: { VALUE: 'DURATION' }, value: 'PT60M' });
    expect(props.find((p) => p.name === 'X-PUBLISHED-TTL')?.value).toBe('PT60M');
    expect(props.filter((p) => p.name === 'DTSTART')).toEqual([
      { name: 'DTSTART', params: { VALUE: 'DATE' }, value: '20260412' },
      { name: 'DTSTART', params: { VALUE: 'DATE' }, value: '20261231' },
    ]);
    const [first, last] = events(feed);
    expect(first).toMatchObject({ UID: 'w-1@runcoach.example', DTSTAMP: '20260405T120000Z', DTEND: '20260413', 'LAST-MODIFIED': '20260401T080000Z' });
    // The year rolls over for an event on 31 December.
    expect(last).toMatchObject({ UID: 'w-2@runcoach.example', DTEND: '20270101', SUMMARY: 'Long run' });
    expect(last!.DESCRIPTION).toBeUndefined();
  });

  it('escapes text and reads back to the same words', () => {
    const description = 'Tempo; 3 × 2 km, jog 400 m\nPaces: 4:22\\4:28 /km\r\nStay relaxed.';
    const [event] = events(buildCalendar(input([workout({ description, title: 'Tempo, hills; then strides' })])));
    expect(event!.SUMMARY).toBe('Tempo\\, hills\\; then strides');
    expect(unescape(event!.DESCRIPTION!)).toBe(description.replace(/\r\n/g, '\n'));
    expect(escapeText('a\u0000b\u0007c\td')).toBe('abc\td');
  });

  it('folds at 75 octets without splitting a character', () => {
    const title = `Easy run 🏃‍♀️ à l’aube — ${'ü'.repeat(60)} ${'😀'.repeat(30)}`;
    const feed = buildCalendar(input([workout({ title, description: 'x'.repeat(400) })]));
    for (const line of feed.split('\r\n')) {
      expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75);
      // A split inside a UTF-8 sequence would show up as U+FFFD when each line is decoded alone.
      expect(new TextDecoder().decode(new TextEncoder().encode(line))).not.toContain('\uFFFD');
      expect(line).not.toMatch(/[\uD800-\uDBFF]$/);
    }
    expect(unescape(events(feed)[0]!.SUMMARY!)).toBe(title);
  });

  it('keeps UIDs stable and bumps SEQUENCE and LAST-MODIFIED when a workout moves', () => {
    const before = events(buildCalendar(input([workout()])))[0]!;
    const moved = events(
      buildCalendar(
        input([workout({ scheduled_date: '2026-04-14', updated_at: new Date('2026-04-06T09:30:00Z') })], { now: new Date('2026-04-06T10:00:00Z') }),
      ),
    )[0]!;
    expect(moved.UID).toBe(before.UID);
    expect(moved.DTSTART).toBe('20260414');
    expect(Number(moved.SEQUENCE)).toBeGreaterThan(Number(before.SEQUENCE));
    expect(moved['LAST-MODIFIED']).toBe('20260406T093000Z');
  });

  it('is deterministic and orders events by date', () => {
    const a = buildCalendar(input([workout({ id: 'b', scheduled_date: '2026-04-13' }), workout({ id: 'a' })]));
    const b = buildCalendar(input([workout({ id: 'a' }), workout({ id: 'b', scheduled_date: '2026-04-13' })]));
    expect(a).toBe(b);
    expect(events(a).map((e) => e.UID)).toEqual(['a@runcoach.example', 'b@runcoach.example']);
  });

  it('treats a malformed date or domain as a bug', () => {
    expect(() => buildCalendar(input([workout({ scheduled_date: '2026-02-30' })]))).toThrow(/calendar date/);
    expect(() => buildCalendar(input([workout({ updated_at: 'yesterday' })]))).toThrow(/updated_at/);
    expect(() => buildCalendar(input([], { domain: 'a b' }))).toThrow(/domain/);
  });

  it('folds and escapes any text so it unfolds back unchanged', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (text) => {
        const folded = foldLine(`DESCRIPTION:${escapeText(text)}`);
        for (const line of folded.split('\r\n')) expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75);
        const value = folded.replace(/\r\n /g, '').slice('DESCRIPTION:'.length);
        // eslint-disable-next-line no-control-regex
        expect(unescape(value)).toBe(text.replace(/\r\n|\r/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ''));
      }),
      propertyRuns(300),
    );
  });
});
