import { Readable } from 'node:stream';
import MailComposer from 'nodemailer/lib/mail-composer';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { clip, DeliveryError, type EmailChannel, type OutgoingEmail, type SendHooks } from './mail.ts';

// SMTP through nodemailer's connection class, driven step by step so that the moment the mail
// server can first accept the message is ours to mark. The message goes out as a stream that
// holds back its last byte: before that byte (and so the terminating "." that completes DATA)
// is released, the attempt records `handed_over_at` in the database, fenced by its claim. Until
// then the server cannot have accepted anything (RFC 5321 §4.1.1.4: an unfinished DATA is no
// message); after it, only the server's reply can tell, so an attempt that dies there is never
// repeated (see deliver.ts). SMTP has no idempotency key: this is as close as it gets.

interface SmtpError {
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
  permanent?: boolean;
  message?: string;
}

/** Connection settings from an SMTP_URL: smtp://user:pass@host:587 or smtps://…:465. */
export function parseSmtpUrl(url: string) {
  const u = new URL(url);
  const secure = u.protocol === 'smtps:';
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port ? Number(u.port) : secure ? 465 : 587,
    secure,
    auth: u.username ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } : undefined,
  };
}

/** The bare address of a From value (`Coach <coach@x>` → `coach@x`). */
export function bareAddress(from: string): string {
  return /<([^>]+)>/.exec(from)?.[1] ?? from.trim();
}

/** The MIME message (multipart/alternative, text and HTML). */
export async function composeMime(mail: OutgoingEmail, date: Date): Promise<Buffer> {
  const headers = Object.fromEntries(Object.entries(mail.headers).map(([name, value]) => [name, { prepared: true, value }]));
  return new MailComposer({ from: mail.from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html, messageId: mail.messageId, date, headers })
    .compile()
    .build();
}

/** A stream of `raw` that calls `beforeLast` (and waits for it) before releasing the last byte. */
export function holdBackLastByte(raw: Buffer, beforeLast: () => Promise<void>): Readable {
  let stage = 0;
  // A one-byte high-water mark: the last byte is asked for only once the rest has been taken.
  return new Readable({
    highWaterMark: 1,
    read() {
      if (stage === 0) {
        stage = 1;
        this.push(raw.subarray(0, raw.length - 1));
      } else if (stage === 1) {
        stage = 2;
        beforeLast().then(
          () => {
            this.push(raw.subarray(raw.length - 1));
            this.push(null);
          },
          (error: unknown) => this.destroy(error instanceof Error ? error : new Error(String(error))),
        );
      }
    },
  });
}

/** Turns what nodemailer reported into a DeliveryError; `handedOver` says whether DATA may have completed. */
export function classifySmtpError(error: unknown, handedOver: boolean): DeliveryError {
  if (error instanceof DeliveryError) return error;
  const e = (error ?? {}) as SmtpError;
  if (e.responseCode) {
    const reply = clip(e.response ?? String(e.responseCode), 200);
    if (e.code === 'EAUTH') return new DeliveryError('temporary', `The mail server refused the configured credentials (${reply}).`);
    const permanent = e.permanent ?? (e.responseCode >= 500 && e.responseCode !== 503);
    if (!permanent) return new DeliveryError('temporary', `The mail server asked to try again later (${reply}).`);
    return new DeliveryError(
      'permanent',
      /RCPT/i.test(e.command ?? '') ? `The mail server refused the address (${reply}).` : `The mail server refused the e-mail (${reply}).`,
    );
  }
  const what = e.code ?? 'error';
  if (handedOver) return new DeliveryError('uncertain', `The connection ended before the mail server confirmed the e-mail (${what}).`);
  return new DeliveryError('temporary', `Could not deliver to the mail server (${what}: ${clip(e.message ?? '', 120)}).`);
}

interface Pooled {
  conn: SMTPConnection;
  dead: boolean;
  idle?: NodeJS.Timeout;
}

/** How long an idle connection is kept for the next e-mail, and how many are kept. */
const IDLE_MS = 5_000;
const MAX_IDLE = 8;

/**
 * The SMTP channel for `url`. Connections are reused for the next e-mail (a relay's greeting and
 * TLS cost more than a message), and never after an error. A reused connection the server had
 * closed fails before anything was handed over: the e-mail then goes once more on a new one.
 */
export function smtpChannel(url: string, options: { timeoutMs: number }): EmailChannel {
  const settings = parseSmtpUrl(url);
  const step = Math.min(options.timeoutMs, 30_000);
  const idle: Pooled[] = [];

  const open = async (): Promise<Pooled> => {
    const conn = new SMTPConnection({
      host: settings.host,
      port: settings.port,
      secure: settings.secure,
      connectionTimeout: step,
      greetingTimeout: step,
      socketTimeout: step,
      name: 'runcoach',
    });
    const pooled: Pooled = { conn, dead: false };
    // Always listening: an idle connection's error must not go unhandled.
    conn.on('error', () => (pooled.dead = true));
    conn.on('end', () => (pooled.dead = true));
    await new Promise<void>((resolve, reject) => conn.connect((error) => (error ? reject(error) : resolve())));
    if (settings.auth) await new Promise<void>((resolve, reject) => conn.login(settings.auth, (error) => (error ? reject(error) : resolve())));
    return pooled;
  };
  const take = (): Pooled | null => {
    for (let p = idle.pop(); p; p = idle.pop()) {
      clearTimeout(p.idle);
      if (!p.dead) return p;
    }
    return null;
  };
  const give = (p: Pooled): void => {
    if (p.dead || idle.length >= MAX_IDLE) return p.conn.quit();
    p.idle = setTimeout(() => {
      idle.splice(idle.indexOf(p), 1);
      p.conn.quit();
    }, IDLE_MS);
    p.idle.unref();
    idle.push(p);
  };

  /** One e-mail over one connection; `state.handedOver` tells the caller whether DATA may have completed. */
  const sendOn = async (p: Pooled, mail: OutgoingEmail, raw: Buffer, hooks: SendHooks, state: { handedOver: boolean }): Promise<string> => {
    let timer: NodeJS.Timeout | undefined;
    let onError = (_error: Error) => {};
    const onEnd = () => onError(Object.assign(new Error('Connection closed unexpectedly'), { code: 'ECONNECTION' }));
    const failure = new Promise<never>((_, reject) => {
      onError = reject;
      timer = setTimeout(() => reject(Object.assign(new Error('send deadline passed'), { code: 'ETIMEDOUT' })), options.timeoutMs);
    });
    failure.catch(() => undefined);
    p.conn.on('error', onError);
    p.conn.once('end', onEnd);
    try {
      const body = holdBackLastByte(raw, async () => {
        await hooks.handOver();
        state.handedOver = true;
      });
      const sent = new Promise<{ response?: string }>((resolve, reject) =>
        p.conn.send({ from: bareAddress(mail.from), to: [mail.to] }, body, (error, info) => (error ? reject(error) : resolve(info))),
      );
      const info = await Promise.race([sent, failure]);
      return clip(info.response ?? '250 accepted', 200);
    } finally {
      clearTimeout(timer);
      p.conn.off('error', onError);
      p.conn.off('end', onEnd);
    }
  };

  return {
    name: 'smtp',
    dedupes: false,
    async send(mail: OutgoingEmail, hooks: SendHooks): Promise<string> {
      const raw = await composeMime(mail, new Date());
      for (;;) {
        const reused = take();
        const state = { handedOver: false };
        let p: Pooled | null = reused;
        try {
          p ??= await open();
          const response = await sendOn(p, mail, raw, hooks, state);
          give(p);
          return response;
        } catch (error) {
          // close(), not quit(): an unfinished DATA must end with the connection, never with ".".
          if (p) {
            p.dead = true;
            p.conn.close();
          }
          const stale = reused !== null && !state.handedOver && !(error as SmtpError).responseCode;
          if (!stale) throw classifySmtpError(error, state.handedOver);
        }
      }
    },
  };
}
