import { z } from 'zod';
import { isHlc } from './hlc.ts';
import type { ErrorObject } from '../errors/envelope.ts';

// The sync wire protocol (docs/SYNC.md). A change of meaning is a new protocol or mutation version,
// never an edit of an existing one.

export const PROTOCOL_VERSION = 1;
/** The data shape devices store; bumped when a synced table's row shape changes. */
// 2: notification_preferences joined the synced tables; older devices re-download to get their rows.
// 3: the seed's column names (issue 16); rows and mutations of version 2 mean something else.
// 4: readiness_checkins joined the synced tables (issue 23); version 3 devices skip its rows, so
//    once updated they re-download to get them. Version 3 is still served (MIN stays 3).
// (Not bumped for user_profiles' heart-rate and load-constant columns, migration 0013: only
// columns were added, and the migration gives every profile a new version, so each device's
// next pull brings its row whole; any device can hold the extra fields.)
export const SCHEMA_VERSION = 4;
/** Devices older than this get 426 and must update the app (which upgrades their outbox). */
export const MIN_SCHEMA_VERSION = 3;
export const MAX_MUTATIONS_PER_PUSH = 100;
export const MAX_PUSH_BYTES = 512 * 1024;
export const DEFAULT_PULL_LIMIT = 500;
export const MAX_PULL_LIMIT = 1000;

/** The tables devices mirror, by their server names. */
export const SYNCED_ENTITIES = [
  'user_profiles',
  'goals',
  'training_plans',
  'workouts',
  'workout_edits',
  'workout_completions',
  'strava_activities',
  'chat_messages',
  'user_memory_summaries',
  'notification_preferences',
  'readiness_checkins',
] as const;
export type SyncedEntity = (typeof SYNCED_ENTITIES)[number];

export const ClientIdSchema = z.string().regex(/^c_[A-Za-z0-9_-]{8,64}$/, 'must look like c_ followed by 8–64 letters, digits, _ or -');
export const HlcSchema = z.string().refine(isHlc, { message: 'is not a hybrid logical clock' });

export const MutationSchema = z
  .object({
    id: z.number().int().min(1),
    name: z.string().min(1).max(64),
    v: z.number().int().min(1),
    hlc: HlcSchema,
    args: z.unknown(),
  })
  .strict();
export type Mutation = z.infer<typeof MutationSchema>;

const envelope = {
  protocol: z.literal(PROTOCOL_VERSION, { message: `must be ${PROTOCOL_VERSION}` }),
  // Any version parses: the handler answers 426 below MIN_SCHEMA_VERSION rather than a 400.
  schemaVersion: z.number().int().min(0),
  clientId: ClientIdSchema,
};

export const PushRequestSchema = z
  .object({ ...envelope, mutations: z.array(MutationSchema).min(1).max(MAX_MUTATIONS_PER_PUSH) })
  .strict()
  .refine((request) => request.mutations.every((m, i) => i === 0 || m.id === request.mutations[i - 1]!.id + 1), {
    message: 'mutation ids must be consecutive and ascending',
    path: ['mutations'],
  });
export type PushRequest = z.infer<typeof PushRequestSchema>;

export const CursorSchema = z.object({ epoch: z.uuid(), v: z.number().int().min(0) }).strict();
export type Cursor = z.infer<typeof CursorSchema>;

export const PullRequestSchema = z
  .object({ ...envelope, cursor: CursorSchema.nullable(), limit: z.number().int().min(1).max(MAX_PULL_LIMIT).default(DEFAULT_PULL_LIMIT) })
  .strict();
export type PullRequest = z.infer<typeof PullRequestSchema>;

/** Why the server refused one change: the wire's one error shape. */
export type MutationError = ErrorObject;

export type MutationResult = { id: number; status: 'applied'; version: number } | { id: number; status: 'rejected'; version: number; error: MutationError };

export interface PushResponse {
  lastMutationId: number;
  serverTime: number;
  epoch: string;
  results: MutationResult[];
}

export type Change =
  | { v: number; entity: SyncedEntity; id: string; op: 'u'; row: Record<string, unknown>; hlc: Record<string, string> }
  | { v: number; entity: SyncedEntity; id: string; op: 'd' };

export type PullResponse =
  | { cursor: Cursor; hasMore: boolean; lastMutationId: number; serverTime: number; changes: Change[] }
  | { reset: true; reason: 'epoch_changed' | 'cursor_too_old' | 'cursor_ahead'; epoch: string };
