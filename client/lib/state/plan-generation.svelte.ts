import type { Observable } from 'dexie';
import { api } from '../api/client.ts';
import type { UserDb } from '../data/db.ts';
import { CodedError, describeError } from '../errors.ts';
import { pendingCount$, workouts$ } from '../data/readers.ts';
import { syncState } from './sync.svelte.ts';

// Plan generation runs on the server: the goal and profile must reach it first (sync), then
// POST /api/plans/generate, then the plan arrives on the phone through sync. Each step is shown.

export type GenerationPhase = 'idle' | 'saving' | 'building' | 'downloading' | 'done' | 'error';

const STEP_TEXT: Record<GenerationPhase, string> = {
  idle: '',
  saving: 'Saving your profile and goal…',
  building: 'Building your plan…',
  downloading: 'Bringing the plan to this phone…',
  done: 'Your plan is ready.',
  error: '',
};

/** Resolves with the first value of `source` that passes `test`, or rejects after `ms`. */
function first<T>(source: Observable<T>, test: (value: T) => boolean, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      subscription.unsubscribe();
      reject(new Error('timeout'));
    }, ms);
    const subscription = source.subscribe({
      next: (value) => {
        if (!test(value)) return;
        clearTimeout(timer);
        queueMicrotask(() => subscription.unsubscribe());
        resolve(value);
      },
      error: (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    });
  });
}

class PlanGeneration {
  phase = $state<GenerationPhase>('idle');
  error = $state<string | null>(null);

  get text(): string {
    return this.phase === 'error' ? (this.error ?? '') : STEP_TEXT[this.phase];
  }

  get busy(): boolean {
    return this.phase === 'saving' || this.phase === 'building' || this.phase === 'downloading';
  }

  /** Generates a plan for `goalId`; needs a connection. Resolves true once the workouts are on the phone. */
  async run(db: UserDb, goalId: string): Promise<boolean> {
    this.error = null;
    if (typeof navigator !== 'undefined' && !navigator.onLine) {
      this.phase = 'error';
      this.error = 'Building a plan needs a connection. Your profile and goal are saved on this phone; try again when you are online.';
      return false;
    }
    try {
      this.phase = 'saving';
      syncState.syncNow();
      await first(pendingCount$(db), (n) => n === 0, 30_000);
      this.phase = 'building';
      const { plan } = await api<{ plan: { id: string } }>('POST', '/plans/generate', { goal_id: goalId });
      this.phase = 'downloading';
      syncState.syncNow();
      await first(workouts$(db, plan.id), (rows) => rows.length > 0, 30_000);
      this.phase = 'done';
      return true;
    } catch (error) {
      this.phase = 'error';
      // The server's refusal says what to change; anything else (a wait that ran out) is this step's failure.
      this.error = error instanceof CodedError ? describeError(error) : 'The plan could not be built right now. Your goal is saved; try again in a moment.';
      return false;
    }
  }
}

export const planGeneration = new PlanGeneration();
