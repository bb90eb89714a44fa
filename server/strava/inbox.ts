import type { StravaWebhookEvent } from './api/index.ts';
import { storeEvents, type ReceiveOutcome } from './webhook.ts';
import type { AppDeps } from '../context.ts';
import { queueEvent } from './jobs.ts';

// Where webhook events land. Strava wants a 200 within 2 s, and a burst arrives at once: on
// PGlite every statement runs on the one connection (and the main thread), so the create and
// other events of concurrent requests share one insert (a group commit) and one job insert.
// Each request is answered only once its event is stored. Every event, deletes and
// deauthorizations too, takes this path: none changes data before its job confirmed it with Strava.

interface Waiting {
  event: StravaWebhookEvent;
  resolve: (outcome: ReceiveOutcome) => void;
  reject: (error: unknown) => void;
}

/** The inbox of one app: `receive` stores an event (durably) and queues its job. */
export function eventInbox(deps: AppDeps): { receive(event: StravaWebhookEvent): Promise<ReceiveOutcome> } {
  let waiting: Waiting[] = [];
  let flushing: Promise<void> | null = null;

  async function flush(): Promise<void> {
    // Whatever arrives while a batch is being written forms the next batch.
    while (waiting.length > 0) {
      const batch = waiting;
      waiting = [];
      try {
        const outcomes = await storeEvents(
          deps.db,
          batch.map((w) => w.event),
          deps.now(),
        );
        batch.forEach((w, i) => w.resolve(outcomes[i]!));
      } catch (error) {
        batch.forEach((w) => w.reject(error));
      }
    }
    flushing = null;
  }

  return {
    async receive(event) {
      const done = deps.jobs?.foreground();
      try {
        const outcome = await new Promise<ReceiveOutcome>((resolve, reject) => {
          waiting.push({ event, resolve, reject });
          // One tick lets the requests that arrived together join the same batch.
          flushing ??= new Promise((tick) => setImmediate(tick)).then(flush);
        });
        if (outcome.kind === 'stored' && deps.jobs) queueEvent(deps.jobs, outcome.eventId);
        return outcome;
      } finally {
        done?.();
      }
    },
  };
}
