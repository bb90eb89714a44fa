import { Decoder, Encoder, Stream, type Encodable, type Mesg } from '@garmin/fitsdk';
import { describe, expect, it } from 'vitest';
import { FIELD_ORDER, fitMessage, MESG_NUM } from './messages.ts';

function stepsOf(bytes: Uint8Array) {
  const decoder = new Decoder(Stream.fromByteArray(bytes));
  const intact = decoder.checkIntegrity();
  const steps = (decoder.read().messages.workoutStepMesgs ?? []).map((m) => [m.messageIndex, m.durationType, m.durationValue, m.targetType]);
  return { intact, steps };
}

const first = { messageIndex: 0, durationType: 'time', durationValue: 60_000, targetType: 'open' } as const;
// The same fields as `first`, listed in the opposite order.
const second = { targetType: 'heartRate', durationValue: 80_000, durationType: 'distance', messageIndex: 1 } as const;

describe('the single message builder (docs/FIT.md §"Key order")', () => {
  it('emits one fixed key order whatever order the fields come in', () => {
    const a = fitMessage('workoutStep', first);
    const b = fitMessage('workoutStep', second);
    expect(Object.keys(a)).toEqual(Object.keys(b));
    expect(Object.keys(a)).toEqual(['mesgNum', 'messageIndex', 'durationType', 'durationValue', 'targetType']);
    const full = Object.fromEntries([...FIELD_ORDER.workoutStep].reverse().map((k, i) => [k, k === 'wktStepName' || k === 'notes' ? 'x' : i]));
    expect(Object.keys(fitMessage('workoutStep', full))).toEqual(['mesgNum', ...FIELD_ORDER.workoutStep]);
  });

  it('drops undefined fields and anything outside its kind', () => {
    const mesg = fitMessage('fileId', { type: 'workout', serialNumber: undefined, wktName: 'no' } as never);
    expect(mesg).toEqual({ mesgNum: MESG_NUM.fileId, type: 'workout' });
  });

  it('is what keeps the file readable: raw key order silently corrupts it', () => {
    // Straight into the SDK: the second message reuses the first one's definition but
    // writes its values in its own key order. The file still passes the integrity check.
    const raw = new Encoder();
    raw.writeMesg({ mesgNum: MESG_NUM.workoutStep, ...first } as Encodable<Mesg>);
    raw.writeMesg({ mesgNum: MESG_NUM.workoutStep, ...second } as Encodable<Mesg>);
    const corrupt = stepsOf(raw.close());
    expect(corrupt.intact).toBe(true);
    expect(corrupt.steps[1]).not.toEqual([1, 'distance', 80_000, 'heartRate']);

    const built = new Encoder();
    built.writeMesg(fitMessage('workoutStep', first));
    built.writeMesg(fitMessage('workoutStep', second));
    expect(stepsOf(built.close())).toEqual({
      intact: true,
      steps: [
        [0, 'time', 60_000, 'open'],
        [1, 'distance', 80_000, 'heartRate'],
      ],
    });
  });
});
