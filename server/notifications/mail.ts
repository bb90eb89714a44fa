// What every e-mail channel takes and how it reports failure: the attempt logic in deliver.ts
// decides from the kind whether to retry, stop, or never send again.

/** One e-mail, rendered; the same bytes of content on every attempt of a notification. */
export interface OutgoingEmail {
  notificationId: string;
  /** `<notification-id@host>`: one identity however often it is tried. */
  messageId: string;
  /** The provider's deduplication key (Resend keeps it 24 h). */
  idempotencyKey: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Extra headers (List-Unsubscribe, List-Unsubscribe-Post). */
  headers: Record<string, string>;
}

/** How a delivery attempt ended when it did not end well. */
export type FailureKind =
  /** Retrying the same message gets the same answer (a 5xx reply, a refused address). */
  | 'permanent'
  /** Try again later (a 4xx reply, a timeout before hand-over, a refused connection, a 5xx from Resend). */
  | 'temporary'
  /** The message was handed over but no answer came: it may or may not have been accepted. */
  | 'uncertain';

/** A failed attempt, classified; `message` is for the runner and the operator (no secrets, no body). */
export class DeliveryError extends Error {
  override name = 'DeliveryError';
  constructor(
    readonly kind: FailureKind,
    message: string,
  ) {
    super(message);
  }
}

/** What the attempt calls at the point of no return; it throws when this attempt lost its claim. */
export interface SendHooks {
  handOver(): Promise<void>;
}

/** An e-mail channel. */
export interface EmailChannel {
  readonly name: 'smtp' | 'resend';
  /** Whether the provider deduplicates a re-sent message by its key, so an uncertain attempt may be retried. */
  readonly dedupes: boolean;
  /** Sends one e-mail; resolves with the provider's answer, or throws a DeliveryError. */
  send(mail: OutgoingEmail, hooks: SendHooks): Promise<string>;
}

/** Shortens a provider's answer for storage and display. */
export function clip(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
