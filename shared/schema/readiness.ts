/** The morning readiness check-in (issue 23 §5): shapes, and when a day is a poor one. */
import { z } from 'zod';

/** 1 (good) … 5 (bad): a higher sum is a worse day. */
const Scale = (what: string) => z.number().int().min(1, `${what} runs from 1 (good) to 5 (bad)`).max(5, `${what} runs from 1 (good) to 5 (bad)`);

/** What a runner answers: sleep, soreness and stress, and resting heart rate if they took it. */
export const ReadinessFieldsSchema = z
  .object({
    sleep: Scale('Sleep'),
    soreness: Scale('Soreness'),
    stress: Scale('Stress'),
    resting_hr: z.number().int().min(25, 'Resting heart rate is at least 25').max(120, 'Resting heart rate is at most 120').nullable().optional(),
    note: z.string().trim().max(500).nullable().optional(),
  })
  .strict();
export type ReadinessFields = z.infer<typeof ReadinessFieldsSchema>;

/** A stored check-in (the wire row of readiness_checkins). */
export interface ReadinessRow {
  id: string;
  user_id: string;
  date: string;
  sleep: number;
  soreness: number;
  stress: number;
  resting_hr: number | null;
  note: string | null;
  created_at: string;
  updated_at: string;
}
