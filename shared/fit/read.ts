import { Decoder, Stream, type FitMessages } from '@garmin/fitsdk';
import type { Issue } from '../schema/issues.ts';

export type ReadResult = { ok: true; messages: FitMessages } | { ok: false; issues: Issue[] };

const fail = (message: string): ReadResult => ({ ok: false, issues: [{ path: 'file', message }] });

/**
 * Reads a FIT file with the SDK's Decoder after its integrity check (header, both CRCs),
 * so a damaged or truncated file comes back as issues, never as half-read messages.
 */
export function readFit(bytes: Uint8Array): ReadResult {
  if (bytes.length < 14) return fail('this is not a FIT file (too short)');
  const decoder = new Decoder(Stream.fromByteArray(bytes));
  if (!decoder.isFIT()) return fail('this is not a FIT file');
  if (!decoder.checkIntegrity()) return fail('the FIT file is damaged (its checksum does not match)');
  try {
    const { messages, errors } = decoder.read();
    if (errors.length > 0) return fail(`the FIT file could not be read: ${errors.map((e) => e.message).join('; ')}`);
    return { ok: true, messages };
  } catch (error) {
    // The SDK collects errors rather than throwing, but a hostile file must not take us down.
    return fail(`the FIT file could not be read: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The `type` of the file_id message ("workout", "activity", …), if any. */
export function fileType(messages: FitMessages): string | undefined {
  const type = messages.fileIdMesgs?.[0]?.type;
  return type === undefined ? undefined : String(type);
}
