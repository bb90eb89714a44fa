// A server-sent-events body we write to as things happen. Events written before the Response
// is handed out are buffered, so the route can wait to see whether the reply starts at all
// (and answer a plain JSON error if it does not) without losing anything.

import type { StreamError } from '#shared/errors/envelope.ts';
import { errorBody, type AppError } from '../lib/errors.ts';

const encoder = new TextEncoder();

/** One text/event-stream response body. */
export class SseStream {
  readonly body: ReadableStream<Uint8Array>;
  private controller!: ReadableStreamDefaultController<Uint8Array>;
  private closed = false;
  private readonly onCancel: (() => void)[] = [];

  constructor() {
    this.body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.controller = controller;
      },
      cancel: () => {
        // The client went away (or the response was dropped): stop writing, tell the producer.
        this.closed = true;
        for (const handler of this.onCancel) handler();
      },
    });
  }

  /** Calls `handler` when the reader cancels (the runner closed the app or lost the connection). */
  whenCancelled(handler: () => void): void {
    this.onCancel.push(handler);
  }

  /** Writes one event; a no-op once closed. */
  send(event: string, data: unknown): void {
    if (this.closed) return;
    try {
      this.controller.enqueue(encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
    } catch {
      this.closed = true;
    }
  }

  /**
   * Writes the `error` event: the JSON envelope's error object (its code and words from the
   * registry), whether asking again can help, and the reply as stored when part of it arrived.
   */
  sendError(error: AppError, more: { retryable: boolean; storedMessage: StreamError['stored_message'] }): void {
    const { code, message } = errorBody(error).error;
    this.send('error', { code, message, retryable: more.retryable, status: error.status, stored_message: more.storedMessage } satisfies StreamError);
  }

  /** Ends the stream. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.controller.close();
    } catch {
      // already errored or cancelled
    }
  }

  /** The HTTP response carrying this stream. */
  response(): Response {
    return new Response(this.body, {
      status: 200,
      headers: {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-cache, no-transform',
        // Proxies such as nginx would otherwise hold the deltas back.
        'X-Accel-Buffering': 'no',
      },
    });
  }
}
