import type { Encodable, FileIdMesg, Mesg, WorkoutMesg, WorkoutStepMesg } from '@garmin/fitsdk';

/*
 * The SDK's Encoder reuses a local message definition when a message has the same *set* of
 * fields as an earlier one, but writes the values in the new object's key order: two
 * messages with the same fields in a different JS key order give a corrupt file that still
 * passes the integrity check (docs/FIT.md §"Key order"). Every message we encode therefore goes through
 * fitMessage(), which copies fields in one fixed order per message kind.
 */

/** Global message numbers from the FIT profile (Profile.MesgNum), fixed by the standard. */
export const MESG_NUM = { fileId: 0, workout: 26, workoutStep: 27 } as const;

/** The one field order per message kind; fields left undefined are simply not written. */
export const FIELD_ORDER = {
  fileId: ['type', 'manufacturer', 'product', 'serialNumber', 'timeCreated'],
  workout: ['wktName', 'sport', 'subSport', 'numValidSteps'],
  workoutStep: [
    'messageIndex',
    'wktStepName',
    'durationType',
    'durationValue',
    'targetType',
    'targetValue',
    'customTargetValueLow',
    'customTargetValueHigh',
    'intensity',
    'notes',
  ],
} as const;

export type MessageKind = keyof typeof FIELD_ORDER;

/** The fields each kind may carry, typed by the SDK's own message interfaces. */
export interface MessageFields {
  fileId: Pick<FileIdMesg, (typeof FIELD_ORDER.fileId)[number]>;
  workout: Pick<WorkoutMesg, (typeof FIELD_ORDER.workout)[number]>;
  workoutStep: Pick<WorkoutStepMesg, (typeof FIELD_ORDER.workoutStep)[number]>;
}

/** Builds a message with its keys in the fixed order of its kind, whatever order `fields` has. */
export function fitMessage<K extends MessageKind>(kind: K, fields: MessageFields[K]): Encodable<Mesg> {
  const source = fields as Record<string, unknown>;
  const mesg: Encodable<Mesg> & Record<string, unknown> = { mesgNum: MESG_NUM[kind] };
  for (const key of FIELD_ORDER[kind]) {
    const value = source[key];
    if (value !== undefined && value !== null) mesg[key] = value;
  }
  return mesg;
}
