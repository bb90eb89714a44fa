import { z } from 'zod';
import { Text } from './text.ts';

import { IsoDateSchema } from './goal.ts';
import { ViolationSchema } from './plan.ts';

// Shapes crossing the coach's boundaries: chat requests, the workout changes the coach may
// propose (tool input and the stored proposal the phone shows), Claude's structured outputs
// (plan adaptation, weekly memory) and the memory/journal requests.

/** POST /api/coach/chat. `client_message_id` makes a retry store and answer the message once. */
export const ChatRequestSchema = z
  .object({
    message: Text.trim().min(1, 'is required').max(4000, 'must be at most 4000 characters'),
    client_message_id: z.uuid().optional(),
    /** The thread to continue; a new id starts a conversation; without one, the latest continues. */
    conversation_id: z.uuid('must be a conversation id (a UUID)').optional(),
  })
  .strict();
export type ChatRequest = z.infer<typeof ChatRequestSchema>;

/** GET /api/chat/messages: newest page first; `before` is the id of the oldest message already shown. */
export const ChatHistoryQuerySchema = z
  .object({
    before: z.uuid().optional(),
    /** Only this conversation's messages. */
    conversation_id: z.uuid('must be a conversation id (a UUID)').optional(),
    limit: z.coerce.number().int().min(1).max(100).default(50),
  })
  .strict();

/**
 * The chat.send@1 mutation: a message written offline; the reply comes once the phone is online.
 * Without `conversation_id` the message continues the runner's latest conversation (or starts one).
 */
export const ChatSendArgsSchema = z.object({ id: z.uuid(), content: Text.trim().min(1).max(4000), conversation_id: z.uuid().optional() }).strict();

/** The changes the coach may propose (and personalisation may make). */
export const CHANGE_KINDS = ['move', 'shorten', 'swap', 'rest', 'easy'] as const;

/**
 * One change to a workout, in the words the coach and the runner use: move it to another day,
 * shorten it (keep `fraction` of it), swap its day with another workout, make the day a rest
 * day, or turn it into an easy run. Flat (not a union) because a tool's input must be one object.
 */
export const WorkoutChangeSchema = z
  .object({
    kind: z.enum(CHANGE_KINDS),
    workout_id: Text.min(1).max(100),
    /** move: the new day. */
    new_date: IsoDateSchema.optional(),
    /** swap: the workout whose day it trades with. */
    other_workout_id: Text.min(1).max(100).optional(),
    /** shorten: the share of the session to keep, 0.3–0.95. */
    fraction: z.number().min(0.3).max(0.95).optional(),
    /** Why, in a sentence the runner reads. */
    reason: Text.trim().min(1).max(500),
  })
  .strict()
  .superRefine((change, ctx) => {
    const need = { move: 'new_date', swap: 'other_workout_id', shorten: 'fraction' } as const;
    const field = need[change.kind as keyof typeof need];
    if (field && change[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: `is required to ${change.kind} a workout` });
  });
export type WorkoutChange = z.infer<typeof WorkoutChangeSchema>;

/** One field of one workout before and after a change. */
export const FieldDiffSchema = z.object({ field: z.string(), before: z.unknown(), after: z.unknown() });

/** What a change does to one workout: shown to the runner before they accept. */
export const WorkoutDiffSchema = z.object({
  workout_id: z.string(),
  title: z.string(),
  scheduled_date: IsoDateSchema,
  /** The workout's updated_at when proposed: a later edit makes the proposal stale. */
  workout_updated_at: z.string(),
  fields: z.array(FieldDiffSchema),
});
export type WorkoutDiff = z.infer<typeof WorkoutDiffSchema>;

/** A proposal's life: pending until the runner answers; stale when the workout changed first. */
export const PROPOSAL_STATUSES = ['pending', 'accepted', 'rejected', 'stale'] as const;

/** A change the coach proposed, stored in its chat message's metadata (synced to the phone). */
export const ProposalSchema = z.object({
  id: z.uuid(),
  status: z.enum(PROPOSAL_STATUSES),
  change: WorkoutChangeSchema,
  diff: z.array(WorkoutDiffSchema),
  /** Soft guardrail warnings the change brings (hard ones are refused before proposing). */
  warnings: z.array(ViolationSchema),
  created_at: z.string(),
  decided_at: z.string().nullable(),
});
export type Proposal = z.infer<typeof ProposalSchema>;

/** Claude's personalisation of an engine plan: a few changes, not a new plan (smaller, checkable). */
export const PlanAdaptationSchema = z
  .object({
    summary: Text.trim().min(1).max(1000),
    changes: z.array(WorkoutChangeSchema).max(40),
  })
  .strict();
export type PlanAdaptation = z.infer<typeof PlanAdaptationSchema>;

/** Claude's weekly memory: a short narrative of the week, plus injuries and preferences it learned. */
export const WeeklyMemoryOutputSchema = z
  .object({
    narrative: Text.trim().min(1).max(1500),
    injuries: z.array(Text.trim().min(1).max(300)).max(5),
    preferences: z.array(Text.trim().min(1).max(300)).max(5),
  })
  .strict();
export type WeeklyMemoryOutput = z.infer<typeof WeeklyMemoryOutputSchema>;

/** What a memory is about. */
export const MEMORY_KINDS = ['training_week', 'injury', 'preference'] as const;

/** PATCH /api/memory/:id: the runner corrects what the coach remembers. */
export const MemoryUpdateSchema = z.object({ content: Text.trim().min(1, 'is required').max(4000) }).strict();

/** The memory.update@1 mutation. */
export const MemoryUpdateArgsSchema = z.object({ id: z.uuid(), set: MemoryUpdateSchema }).strict();

/** GET /api/journal?week=: a day of the week wanted (the journal opens the runner's week holding it). */
export const JournalQuerySchema = z
  // Any day: the journal shows the week holding it, on the runner's grid of weeks (issue 18).
  .object({ week: IsoDateSchema })
  .strict();

/**
 * The seed's `chat_messages.context_snapshot`, kept on each coach reply: which blocks of the
 * runner's data (and how many of their lines), which earlier messages and which memories the
 * coach saw, and whether Strava data was allowed in. Ids and counts, not the text: the rows hold
 * the text, and a snapshot per reply must stay small on the phone.
 */
export interface ContextSnapshot {
  built_at: string;
  today: string;
  strava_data_included: boolean;
  conversation_id: string | null;
  blocks: Record<string, number>;
  history_message_ids: string[];
  memory_ids: string[];
  estimated_tokens: number;
}
