import { z } from 'zod';
import { ErrorObjectSchema } from '#shared/errors/envelope.ts';
import type { MutationResult, PullResponse, PushResponse } from '#shared/sync/protocol.ts';

// Parsers for the server's sync answers. The protocol module declares these shapes as types
// only; these schemas check the same shapes (`satisfies` keeps them in step) so a proxy's
// HTML page or a newer server's surprise becomes a clear error, not corrupt local data.

const ResultSchema = z.discriminatedUnion('status', [
  z.object({ id: z.number().int(), status: z.literal('applied'), version: z.number() }),
  z.object({ id: z.number().int(), status: z.literal('rejected'), version: z.number(), error: ErrorObjectSchema }),
]) satisfies z.ZodType<MutationResult>;

export const PushResponseSchema = z.object({
  lastMutationId: z.number().int(),
  serverTime: z.number(),
  epoch: z.string(),
  results: z.array(ResultSchema),
}) satisfies z.ZodType<PushResponse>;

const CursorSchema = z.object({ epoch: z.string(), v: z.number().int() });

// `entity` stays a string here: a change for a table this build does not mirror is skipped.
const ChangeSchema = z.discriminatedUnion('op', [
  z.object({
    v: z.number(),
    entity: z.string(),
    id: z.string(),
    op: z.literal('u'),
    row: z.record(z.string(), z.unknown()),
    hlc: z.record(z.string(), z.string()),
  }),
  z.object({ v: z.number(), entity: z.string(), id: z.string(), op: z.literal('d') }),
]);
export type WireChange = z.infer<typeof ChangeSchema>;

export const PullPageSchema = z.object({
  cursor: CursorSchema,
  hasMore: z.boolean(),
  lastMutationId: z.number().int(),
  serverTime: z.number(),
  changes: z.array(ChangeSchema),
});
export type PullPage = z.infer<typeof PullPageSchema>;

export const PullResetSchema = z.object({
  reset: z.literal(true),
  reason: z.enum(['epoch_changed', 'cursor_too_old', 'cursor_ahead']),
  epoch: z.string(),
}) satisfies z.ZodType<Extract<PullResponse, { reset: true }>>;

export const PullResponseSchema = z.union([PullResetSchema, PullPageSchema]);

/** The API's error envelope, with the extra fields sync answers carry (`expected`). */
export const ErrorBodySchema = z.object({
  error: ErrorObjectSchema.extend({ expected: z.number().int().optional() }),
});
