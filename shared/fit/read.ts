import { Decoder, Stream, type FitMessages } from '@garmin/fitsdk';
import type { Issue } from '../schema/issues.ts';
import { normalizeFit } from './records.ts';

/** The messages read, and notes the runner should see about how (a forgiven checksum). */
export type ReadResult = { ok: true; messages: FitMessages; notes: string[] } | { ok: false; issues: Issue[] };

const fail = (message: string): ReadResult => ({ ok: false, issues: [{ path: 'file', message }] });

/**
 * Reads a FIT file with the SDK's Decoder after our own walk over its records (records.ts):
 * compressed timestamps expanded, a wrong checksum forgiven when every record parses, broken
 * structure refused. Every refusal is in a runner's words, never the SDK's. `lean` skips the
 * SDK's component expansion (activities: summaries only).
 */
export function readFit(bytes: Uint8Array, options: { lean?: boolean } = {}): ReadResult {
  if (bytes.length < 14) return fail('this is not a FIT file (too short)');
  const normalized = normalizeFit(bytes);
  if (!normalized.ok) return fail(normalized.reason);
  const decoder = new Decoder(Stream.fromByteArray(normalized.bytes));
  if (!decoder.isFIT()) return fail('this is not a FIT file');
  // The walk above rebuilt the checksum of a file it forgave, so this only fails on bugs.
  if (!decoder.checkIntegrity()) return fail('the FIT file is damaged (its checksum does not match)');
  try {
    // Lean: no component or sub-field expansion, which is most of the SDK's time on a long recording
    // and changes no session or lap field (records lose only derived fields such as enhancedAltitude).
    const { messages, errors } = decoder.read(options.lean ? { expandComponents: false, expandSubFields: false, mergeHeartRates: false } : {});
    if (errors.length > 0) return fail('the FIT file is damaged: some of its records cannot be read');
    return { ok: true, messages, notes: normalized.notes };
  } catch {
    // The SDK collects errors rather than throwing, but a hostile file must not take us down.
    return fail('the FIT file is damaged: some of its records cannot be read');
  }
}

/** The `type` of the file_id message ("workout", "activity", …), if any. */
export function fileType(messages: FitMessages): string | undefined {
  const type = messages.fileIdMesgs?.[0]?.type;
  return type === undefined ? undefined : String(type);
}
