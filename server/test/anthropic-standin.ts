import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';

// A loopback stand-in for Anthropic's Messages API (POST /v1/messages), so tests run the real
// SDK over real HTTP. Each request takes the next scripted reply, or a short echo when none is
// queued. Replies follow the shapes the API documents: the non-streaming Message, the SSE event
// sequence of a stream, and `{type:'error', error:{type, message}}` error bodies.

/** One request as it reached the stand-in. */
export interface RecordedRequest {
  method: string;
  path: string;
  /** Lower-case header names, as Node gives them. */
  headers: Record<string, string>;
  /** The parsed JSON body (undefined when it was not JSON). */
  body: any;
}

type Usage = { input_tokens: number; output_tokens: number };

/** What the stand-in answers one request with. */
export type StandinReply =
  | { type: 'text'; text: string; stopReason?: string; usage?: Partial<Usage> }
  /** A tool call (also how structured output arrives); `text` is optional prose before it. */
  | { type: 'tool_use'; name: string; input: unknown; id?: string; text?: string; usage?: Partial<Usage> }
  | { type: 'error'; status: number; errorType: string; message?: string; headers?: Record<string, string> }
  /** Streaming: send `afterDeltas` text deltas of `text`, then destroy the socket. Non-streaming: destroy it at once. */
  | { type: 'cut'; text: string; afterDeltas: number }
  /** Streaming: send `afterDeltas` text deltas of `text`, then go quiet with the connection open. Non-streaming: a hang. */
  | { type: 'stall'; text: string; afterDeltas: number }
  /** Streaming: `afterDeltas` deltas of `text`, then an SSE `error` event, as the API does when overloaded mid-reply. Non-streaming: the matching HTTP error. */
  | { type: 'stream_error'; text: string; afterDeltas: number; errorType: string; message?: string }
  /** Never answer (the socket stays open until `close()`). */
  | { type: 'hang' };

export interface StandinOptions {
  /** When set, only `Authorization: Bearer <apiKey>` (or `x-api-key`) is accepted; otherwise any key is. */
  apiKey?: string;
  /** Pause between streamed chunks; a few ms keeps tests fast while making chunks arrive separately. */
  chunkDelayMs?: number;
}

export interface AnthropicStandin {
  /** Pass as the SDK's baseURL (no trailing slash, no /v1). */
  baseUrl: string;
  requests: RecordedRequest[];
  /** Queues replies for the next requests, in order. */
  script(...replies: StandinReply[]): void;
  /** While true, every request is accepted and never answered (an upstream that hangs); close() ends the held ones. */
  hanging: boolean;
  close(): Promise<void>;
}

/** Starts the stand-in on 127.0.0.1 at a random port. */
export async function startAnthropicStandin(options: StandinOptions = {}): Promise<AnthropicStandin> {
  const queue: StandinReply[] = [];
  const requests: RecordedRequest[] = [];
  const chunkDelayMs = options.chunkDelayMs ?? 2;
  let counter = 0;
  let hanging = false;

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => res.destroy());
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    let body: any;
    try {
      body = JSON.parse(raw);
    } catch {
      body = undefined;
    }
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]));
    requests.push({ method: req.method ?? '', path: req.url ?? '', headers, body });
    if (hanging) return; // held until close()

    if (req.method !== 'POST' || (req.url ?? '').split('?')[0] !== '/v1/messages') {
      return sendError(res, 404, 'not_found_error', `${req.method} ${req.url} is not served by this stand-in.`);
    }
    const problem = checkRequest(headers, body, options.apiKey);
    if (problem) return sendError(res, problem.status, problem.type, problem.message);

    const reply = queue.shift() ?? { type: 'text', text: `Echo: ${lastUserText(body.messages)}` };
    const id = `msg_standin_${++counter}`;
    if (reply.type === 'hang') return; // never answered; close() destroys the socket
    if (reply.type === 'error') return sendError(res, reply.status, reply.errorType, reply.message, reply.headers);
    if (reply.type === 'cut' && body.stream !== true) return void req.socket.destroy();
    if (reply.type === 'stall' && body.stream !== true) return;
    if (reply.type === 'stream_error' && body.stream !== true) {
      // Without a stream the same failure can only be an HTTP error.
      const statuses: Record<string, number> = { overloaded_error: 529, rate_limit_error: 429, invalid_request_error: 400 };
      const status = statuses[reply.errorType] ?? 500;
      return sendError(res, status, reply.errorType, reply.message);
    }
    const inputTokens = estimate(JSON.stringify(body.system ?? '') + JSON.stringify(body.messages) + JSON.stringify(body.tools ?? ''));
    if (body.stream === true) return streamReply(res, reply, id, body.model, inputTokens);
    res.writeHead(200, { 'content-type': 'application/json', 'request-id': `req_standin_${counter}` });
    res.end(JSON.stringify(messageJson(reply, id, body.model, inputTokens)));
  }

  async function streamReply(res: ServerResponse, reply: StandinReply, id: string, model: string, inputTokens: number): Promise<void> {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'request-id': `req_standin_${counter}` });
    const send = async (event: string, data: unknown) => {
      if (res.destroyed) return;
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      await delay(chunkDelayMs);
    };
    const start = messageJson(reply, id, model, inputTokens);
    await send('message_start', { type: 'message_start', message: { ...start, content: [], stop_reason: null, usage: { ...start.usage, output_tokens: 1 } } });
    await send('ping', { type: 'ping' });

    const text = reply.type === 'tool_use' ? (reply.text ?? '') : 'text' in reply ? reply.text : '';
    const pieces = splitText(text);
    const limit = reply.type === 'cut' || reply.type === 'stall' || reply.type === 'stream_error' ? reply.afterDeltas : Infinity;
    let index = 0;
    if (text || reply.type !== 'tool_use') {
      await send('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '', citations: null } });
      for (const [n, piece] of pieces.entries()) {
        if (n >= limit) break;
        await send('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } });
      }
      if (reply.type === 'cut') {
        // Let the client read what was sent: undici drops unread chunks when the body errors.
        await delay(20);
        return void res.destroy();
      }
      if (reply.type === 'stall') return; // close() destroys the socket
      if (reply.type === 'stream_error') {
        await send('error', { type: 'error', error: { type: reply.errorType, message: reply.message ?? 'Overloaded' } });
        return void res.end();
      }
      await send('content_block_stop', { type: 'content_block_stop', index });
      index++;
    }
    if (reply.type === 'tool_use') {
      const block = { type: 'tool_use', id: reply.id ?? `toolu_standin_${counter}`, name: reply.name, input: {} };
      await send('content_block_start', { type: 'content_block_start', index, content_block: block });
      // The API opens with an empty partial_json and then sends the JSON in arbitrary fragments.
      for (const partial of ['', ...splitJson(JSON.stringify(reply.input))]) {
        await send('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: partial } });
      }
      await send('content_block_stop', { type: 'content_block_stop', index });
    }
    const final = messageJson(reply, id, model, inputTokens);
    await send('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: final.stop_reason, stop_sequence: null },
      usage: { output_tokens: final.usage.output_tokens },
    });
    await send('message_stop', { type: 'message_stop' });
    res.end();
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    script: (...replies) => void queue.push(...replies),
    get hanging() {
      return hanging;
    },
    set hanging(value: boolean) {
      hanging = value;
    },
    close: async () => {
      server.closeAllConnections(); // hung and half-streamed requests included
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function checkRequest(headers: Record<string, string>, body: any, apiKey: string | undefined) {
  const given = headers['x-api-key'] || (headers.authorization ?? '').replace(/^Bearer /, '');
  if (!given || (apiKey !== undefined && given !== apiKey)) {
    return { status: 401, type: 'authentication_error', message: 'invalid x-api-key' };
  }
  if (!headers['anthropic-version']) return { status: 400, type: 'invalid_request_error', message: 'anthropic-version: header is required' };
  if (typeof body !== 'object' || body === null) return { status: 400, type: 'invalid_request_error', message: 'Request body is not valid JSON.' };
  if (typeof body.model !== 'string') return { status: 400, type: 'invalid_request_error', message: 'model: Field required' };
  if (typeof body.max_tokens !== 'number') return { status: 400, type: 'invalid_request_error', message: 'max_tokens: Field required' };
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    return { status: 400, type: 'invalid_request_error', message: 'messages: at least one message is required' };
  }
  return null;
}

function messageJson(reply: StandinReply, id: string, model: string, inputTokens: number) {
  const content: unknown[] = [];
  let output = '';
  if (reply.type === 'tool_use') {
    if (reply.text) content.push({ type: 'text', text: reply.text, citations: null });
    content.push({ type: 'tool_use', id: reply.id ?? `toolu_${id.slice(4)}`, name: reply.name, input: reply.input });
    output = (reply.text ?? '') + JSON.stringify(reply.input);
  } else if ('text' in reply) {
    content.push({ type: 'text', text: reply.text, citations: null });
    output = reply.text;
  }
  const usage = 'usage' in reply ? reply.usage : undefined;
  return {
    id,
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: reply.type === 'tool_use' ? 'tool_use' : reply.type === 'text' ? (reply.stopReason ?? 'end_turn') : 'end_turn',
    stop_sequence: null,
    usage: {
      input_tokens: usage?.input_tokens ?? inputTokens,
      output_tokens: usage?.output_tokens ?? Math.max(1, estimate(output)),
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    },
  };
}

function sendError(res: ServerResponse, status: number, type: string, message?: string, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ type: 'error', error: { type, message: message ?? type }, request_id: 'req_standin_error' }));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function lastUserText(messages: any[]): string {
  const last = [...messages].reverse().find((m) => m?.role === 'user');
  if (typeof last?.content === 'string') return last.content;
  if (Array.isArray(last?.content)) return last.content.filter((b: any) => b?.type === 'text').map((b: any) => b.text).join(' ');
  return '';
}

/** Word-sized deltas (each keeps its trailing space), as the API tends to send them. */
function splitText(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

function splitJson(json: string): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < json.length; i += 7) pieces.push(json.slice(i, i + 7));
  return pieces;
}

function estimate(text: string): number {
  return Math.ceil(text.length / 4);
}
