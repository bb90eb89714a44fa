import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readStravaFixture } from '../../test/strava-standin.ts';
import { parseStravaJson, quoteIds } from './json.ts';
import { propertyRuns } from '#shared/testing/properties.ts';

describe('parseStravaJson', () => {
  it('keeps ids beyond 2^53 exact, as strings', () => {
    const value = parseStravaJson('{"id": 18014398509481985, "athlete": {"id":9007199254740993}, "upload_id": 12}') as Record<string, any>;
    expect(value).toEqual({ id: '18014398509481985', athlete: { id: '9007199254740993' }, upload_id: '12' });
  });

  it('turns every id field into a string, small ones too, and leaves other numbers alone', () => {
    const value = parseStravaJson('{"id":1,"owner_id":-2,"resource_state":3,"distance":42268.1,"elapsed_time":13333}');
    expect(value).toEqual({ id: '1', owner_id: '-2', resource_state: 3, distance: 42268.1, elapsed_time: 13333 });
  });

  it('quotes unsafe integers anywhere (arrays, other keys) rather than round them', () => {
    expect(parseStravaJson('{"ids":[18014398509481985, 7],"big":-18014398509481985}')).toEqual({ ids: ['18014398509481985', 7], big: '-18014398509481985' });
  });

  it('never touches digits inside strings, fractions or exponents', () => {
    const text = '{"name":"\\"id\\": 18014398509481985, \\\\","x":0.18014398509481985,"y":1e18014398509481985,"z":1.5E-300,"w":"id","id":"a1"}';
    expect(quoteIds(text)).toBe(text);
    expect(parseStravaJson('{"map":{"id":"a1946417534"},"gear_id":"g3423618"}')).toEqual({ map: { id: 'a1946417534' }, gear_id: 'g3423618' });
  });

  it('refuses malformed JSON quickly, even unterminated strings full of escapes', () => {
    expect(() => parseStravaJson('{"id": 1')).toThrow(SyntaxError);
    expect(() => parseStravaJson(`"${'\\"'.repeat(200_000)}`)).toThrow(SyntaxError);
  });

  it('is JSON.parse for any JSON without id keys or unsafe integers', () => {
    const unsafeInteger = (v: unknown): boolean =>
      typeof v === 'number'
        ? Number.isInteger(v) && !Number.isSafeInteger(v) && Math.abs(v) < 1e21
        : typeof v === 'object' && v !== null && Object.values(v).some(unsafeInteger);
    const safe = fc.jsonValue().filter((v) => !/"(id|[^"]*_id)"\s*:/.test(JSON.stringify(v)) && !unsafeInteger(v));
    fc.assert(
      fc.property(safe, (value) => {
        const text = JSON.stringify(value, null, 1);
        expect(parseStravaJson(text)).toEqual(JSON.parse(text));
      }),
      propertyRuns(300),
    );
  });

  it('reads the recorded detailed activity with every id as a string', () => {
    const activity = parseStravaJson(readStravaFixture('activity_detailed_run.json')) as Record<string, any>;
    expect(activity.id).toBe('1946417534');
    expect(activity.athlete.id).toBe('26462176');
    expect(activity.upload_id).toBe('2082412856');
    expect(activity.segment_efforts[0].id).toMatch(/^\d{11}$/);
    expect(activity.laps[0].id).toBe('6270116916');
    expect(activity.distance).toBe(42268.1);
  });
});
