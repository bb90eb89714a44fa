import { clip, DeliveryError, type EmailChannel, type OutgoingEmail, type SendHooks } from './mail.ts';

// Resend's HTTP API (POST /emails). Every attempt of a notification sends the same body with
// the same Idempotency-Key, so Resend answers a repeat within 24 hours with the first e-mail's
// id instead of sending again: an attempt whose answer was lost is simply retried.

interface ResendErrorBody {
  statusCode?: number;
  name?: string;
  message?: string;
}

/** Turns a Resend error answer into a DeliveryError (status and Resend's error name decide). */
export function classifyResendAnswer(status: number, body: ResendErrorBody): DeliveryError {
  const detail = clip(`${status} ${body.name ?? ''}: ${body.message ?? ''}`, 200);
  if (status === 429) return new DeliveryError('temporary', `Resend asked to slow down (${detail}).`);
  if (status >= 500) return new DeliveryError('temporary', `Resend had a problem (${detail}).`);
  // Another attempt with this key is still in flight: it will settle, then the key answers.
  if (status === 409 && body.name === 'concurrent_idempotent_requests')
    return new DeliveryError('temporary', `Resend is still handling an earlier attempt (${detail}).`);
  if (status === 401 || status === 403) return new DeliveryError('permanent', `Resend refused the API key or sender (${detail}).`);
  if (status === 422 || status === 400) return new DeliveryError('permanent', `Resend refused the e-mail (${detail}).`);
  return new DeliveryError('permanent', `Resend answered ${detail}.`);
}

/** The Resend channel. */
export function resendChannel(options: { apiKey: string; baseUrl: string; timeoutMs: number; fetch: typeof fetch }): EmailChannel {
  const endpoint = `${options.baseUrl.replace(/\/+$/, '')}/emails`;
  return {
    name: 'resend',
    dedupes: true,
    async send(mail: OutgoingEmail, hooks: SendHooks): Promise<string> {
      await hooks.handOver();
      let response: Response;
      try {
        response = await options.fetch(endpoint, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${options.apiKey}`,
            'content-type': 'application/json',
            'idempotency-key': mail.idempotencyKey,
            'user-agent': 'runcoach',
          },
          body: JSON.stringify({ from: mail.from, to: [mail.to], subject: mail.subject, text: mail.text, html: mail.html, headers: mail.headers }),
          signal: AbortSignal.timeout(options.timeoutMs),
        });
      } catch (error) {
        // The request may have reached Resend: the key makes the retry safe.
        return Promise.reject(new DeliveryError('uncertain', `No answer from Resend (${(error as Error).name}).`));
      }
      const text = await response.text().catch(() => '');
      let body: ResendErrorBody & { id?: string } = {};
      try {
        body = text ? (JSON.parse(text) as typeof body) : {};
      } catch {
        body = { message: clip(text, 100) };
      }
      if (response.ok) return `resend id ${body.id ?? 'unknown'}`;
      throw classifyResendAnswer(response.status, body);
    },
  };
}
