import type { Config } from '../lib/config.ts';
import type { EmailChannel } from './mail.ts';
import { resendChannel } from './resend.ts';
import { smtpChannel } from './smtp.ts';

// The e-mail channels (docs/OPERATIONS.md §Configuration): SMTP through nodemailer when SMTP_URL is set,
// otherwise Resend's HTTP API when RESEND_API_KEY is; with neither, nothing is e-mailed and
// notifications are recorded as skipped with the reason.

/** Knobs for tests and the bench. */
export interface ChannelOptions {
  /** Deadline of a whole send (connect to answer), default 60 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** The name of the channel the configuration selects, or null. */
export function channelName(config: Config): 'smtp' | 'resend' | null {
  if (config.email.smtpUrl) return 'smtp';
  if (config.email.resendApiKey) return 'resend';
  return null;
}

/** The channel the configuration selects (SMTP first), or null when none is configured. */
export function createChannel(config: Config, options: ChannelOptions = {}): EmailChannel | null {
  const timeoutMs = options.timeoutMs ?? 60_000;
  if (config.email.smtpUrl) return smtpChannel(config.email.smtpUrl, { timeoutMs });
  if (config.email.resendApiKey)
    return resendChannel({ apiKey: config.email.resendApiKey, baseUrl: config.email.resendBaseUrl, timeoutMs, fetch: options.fetch ?? fetch });
  return null;
}
