import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

// A real SMTP server on 127.0.0.1 (the `smtp-server` package) for tests and the bench: it keeps
// every accepted message, decodes what tests read (headers, subject, text and HTML parts), and
// can refuse addresses (550), answer a stage with a given reply once, drop the connection at
// DATA, or hold its final answer while a test "crashes" the sender.

/** A message the server accepted. */
export interface ReceivedMail {
  envelopeFrom: string;
  envelopeTo: string[];
  raw: string;
  /** Header names in lower case, unfolded. */
  headers: Map<string, string>;
  /** The Subject header, MIME encoded-words decoded. */
  subject: string;
  text: string;
  html: string;
}

type Stage = 'mail' | 'rcpt' | 'data';

/** The stand-in as tests drive it. */
export interface SmtpStandin {
  url: string;
  port: number;
  messages: ReceivedMail[];
  /** Addresses refused at RCPT TO with 550 5.1.1. */
  badAddresses: Set<string>;
  /** Every MAIL FROM seen (accepted or not): attempts made. */
  attempts: number;
  /** Answers the next command of `stage` with `code` and `message` instead of accepting. */
  failNext(stage: Stage, code: number, message: string): void;
  /** Drops the connection when the client next says DATA (the link dies mid-send). */
  dropNextData(): void;
  /** Runs after a message is complete and stored, before the server answers 250. */
  beforeAccept: ((mail: ReceivedMail) => Promise<void>) | null;
  /** Resolves once `count` messages were accepted. */
  waitForMessages(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

/** Splits a raw message into unfolded headers and body. */
function parseHeaders(raw: string): { headers: Map<string, string>; body: string } {
  const end = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, end).replace(/\r\n[ \t]+/g, ' ');
  const headers = new Map<string, string>();
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body: raw.slice(end + 4) };
}

function decode(body: string, encoding: string | undefined): string {
  if (/quoted-printable/i.test(encoding ?? '')) {
    const bytes = body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  if (/base64/i.test(encoding ?? '')) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  return body;
}

/** Decodes RFC 2047 encoded-words (`=?UTF-8?Q?…?=`, `=?UTF-8?B?…?=`). */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?UTF-8\?([QB])\?([^?]*)\?=/gi, (_, mode: string, text: string) =>
      mode.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : decode(text.replace(/_/g, ' '), 'quoted-printable'),
    );
}

/** The text/plain and text/html parts of a (possibly multipart) message. */
function parts(raw: string): { text: string; html: string } {
  const { headers, body } = parseHeaders(raw);
  const type = headers.get('content-type') ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (!boundary)
    return /text\/html/i.test(type)
      ? { text: '', html: decode(body, headers.get('content-transfer-encoding')) }
      : { text: decode(body, headers.get('content-transfer-encoding')), html: '' };
  const out = { text: '', html: '' };
  for (const part of body.split(`--${boundary}`).slice(1)) {
    if (part.startsWith('--')) break;
    const inner = parts(part.replace(/^\r\n/, ''));
    out.text ||= inner.text;
    out.html ||= inner.html;
  }
  return out;
}

/** Starts the stand-in on a free loopback port; `auth` makes it require those credentials. */
export async function startSmtpStandin(options: { auth?: { user: string; pass: string } } = {}): Promise<SmtpStandin> {
  const failures: Record<Stage, { code: number; message: string }[]> = { mail: [], rcpt: [], data: [] };
  let drops = 0;
  const waiters: (() => void)[] = [];
  const once = (stage: Stage) => failures[stage].shift();

  const server = new SMTPServer({
    logger: false,
    disableReverseLookup: true,
    disabledCommands: ['STARTTLS', ...(options.auth ? [] : ['AUTH'])],
    authOptional: !options.auth,
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      if (options.auth && auth.username === options.auth.user && auth.password === options.auth.pass) return callback(null, { user: auth.username });
      callback(smtpError(535, '5.7.8 Authentication credentials invalid'));
    },
    onMailFrom(_address, _session, callback) {
      standin.attempts += 1;
      const fail = once('mail');
      callback(fail ? smtpError(fail.code, fail.message) : null);
    },
    onRcptTo(address, _session, callback) {
      const fail = once('rcpt');
      if (fail) return callback(smtpError(fail.code, fail.message));
      if (standin.badAddresses.has(address.address.toLowerCase())) return callback(smtpError(550, '5.1.1 No such user here'));
      callback();
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback) {
      if (drops > 0) {
        drops -= 1;
        // smtp-server calls onData before it answers DATA with 354: dropping here ends the
        // connection before any of the message is sent, every time.
        for (const connection of server.connections) if (connection.id === session.id) connection._socket.destroy();
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const fail = once('data');
        if (fail) return callback(smtpError(fail.code, fail.message));
        const raw = Buffer.concat(chunks).toString('utf8');
        const mail: ReceivedMail = {
          envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          envelopeTo: session.envelope.rcptTo.map((r) => r.address),
          raw,
          headers: parseHeaders(raw).headers,
          subject: decodeWords(parseHeaders(raw).headers.get('subject') ?? ''),
          ...parts(raw),
        };
        standin.messages.push(mail);
        for (const wake of waiters.splice(0)) wake();
        const answer = () => callback(null, `2.0.0 Ok: queued as ${standin.messages.length}`);
        if (standin.beforeAccept) standin.beforeAccept(mail).then(answer, answer);
        else answer();
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  const credentials = options.auth ? `${encodeURIComponent(options.auth.user)}:${encodeURIComponent(options.auth.pass)}@` : '';
  const standin: SmtpStandin = {
    url: `smtp://${credentials}127.0.0.1:${port}`,
    port,
    messages: [],
    badAddresses: new Set(),
    attempts: 0,
    beforeAccept: null,
    failNext(stage, code, message) {
      failures[stage].push({ code, message });
    },
    dropNextData() {
      drops += 1;
    },
    async waitForMessages(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (standin.messages.length < count) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${count} messages (have ${standin.messages.length})`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
      return standin.messages;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return standin;
}
