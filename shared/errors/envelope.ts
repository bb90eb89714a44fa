import { z } from 'zod';
import { IssueSchema } from '../schema/issues.ts';

// The one shape of an error on the wire: the JSON envelope's `error`, a refused sync change, and
// the chat stream's `error` event all carry { code, message, issues? }. `code` stays a string
// here: a newer server may send a code this build does not know (the client's funnel copes).

/** An error as answered: its code, the words for the runner, and for a refusal of input, each problem. */
export const ErrorObjectSchema = z.object({ code: z.string(), message: z.string(), issues: z.array(IssueSchema).optional() });
export type ErrorObject = z.infer<typeof ErrorObjectSchema>;

/** Every error answer's JSON body. */
export const ErrorEnvelopeSchema = z.object({ error: ErrorObjectSchema });

/**
 * The chat stream's `error` event: the same error object, whether trying again can help, the
 * status the code answers with, and the reply as stored when part of it arrived.
 */
export const StreamErrorSchema = ErrorObjectSchema.extend({
  retryable: z.boolean(),
  status: z.number().int(),
  stored_message: z.record(z.string(), z.unknown()).nullable(),
});
export type StreamError = z.infer<typeof StreamErrorSchema>;
