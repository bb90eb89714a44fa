import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { PromptCache, type CacheUsage } from './anthropic-cache.ts';

// A loopback stand-in for Anthropic's Messages API (POST /v1/messages), so tests run the real
// SDK over real HTTP. Each request takes the next scripted reply, or a short echo when none is
// queued. Replies follow the shapes the API documents: the non-streaming Message, the SSE event
// sequence of a stream, and `{type:'error', error:{type, message}}` error bodies. `usage`
// follows the prompt cache (anthropic-cache.ts): cache_control breakpoints create, then read.
// The Message Batches endpoints are spoken too: a batch's requests take scripted replies like
// any other, in order, when it is submitted; it ends at once, or when `endBatches()` is called
// while `holdBatches` is set.

/** One request as it reached the stand-in. */
export interface RecordedRequest {
  method: string;
  path: string;
  /** Lower-case header names, as Node gives them. */
  headers: Record<string, string>;
  /**
   * The parsed JSON body (undefined when it was not JSON), with a `system` given as text blocks
   * joined into one string, so a test can search the prompt whatever its cache layout.
   */
  body: any;
  /** The body exactly as sent (system blocks, cache_control and all). */
  raw: any;
}

type Usage = { input_tokens: number; output_tokens: number; cache_creation_input_tokens: number; cache_read_input_tokens: number };

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
  /** The smallest prefix the cache keeps, in the stand-in's tokens (default 1024, as for Sonnet). */
  minCacheTokens?: number;
  /** The cache's clock (default Date.now), so a test can let entries expire. */
  now?: () => number;
}

export interface AnthropicStandin {
  /** Pass as the SDK's baseURL (no trailing slash, no /v1). */
  baseUrl: string;
  requests: RecordedRequest[];
  /** Queues replies for the next requests, in order. */
  script(...replies: StandinReply[]): void;
  /** While true, every request is accepted and never answered (an upstream that hangs); close() ends the held ones. */
  hanging: boolean;
  /** The prompt cache shared by every request (clear() to start cold). */
  cache: PromptCache;
  /** While true, submitted batches stay in progress until endBatches(). */
  holdBatches: boolean;
  /** Ends every batch in progress. */
  endBatches(): void;
  close(): Promise<void>;
}

/** Starts the stand-in on 127.0.0.1 at a random port. */
export async function startAnthropicStandin(options: StandinOptions = {}): Promise<AnthropicStandin> {
  const queue: StandinReply[] = [];
  const requests: RecordedRequest[] = [];
  const chunkDelayMs = options.chunkDelayMs ?? 2;
  let counter = 0;
  let hanging = false;
  let holdBatches = false;
  const cache = new PromptCache(options.now, options.minCacheTokens ?? 1024);
  const batches = new Map<string, { created: string; ended: string | null; results: unknown[] }>();
  let baseUrl = '';

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
    requests.push({ method: req.method ?? '', path: req.url ?? '', headers, body: searchable(body), raw: body });
    if (hanging) return; // held until close()

    const path = (req.url ?? '').split('?')[0]!;
    if (path.startsWith('/v1/messages/batches')) return batchRoute(req.method ?? '', path, headers, body, res);
    if (req.method !== 'POST' || path !== '/v1/messages') {
      return sendError(res, 404, 'not_found_error', `${req.method} ${req.url} is not served by this stand-in.`);
    }
    const problem = checkRequest(headers, body, options.apiKey) ?? checkCache(body);
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
    const inputTokens = cache.use(body);
    if (body.stream === true) return streamReply(res, reply, id, body.model, inputTokens);
    res.writeHead(200, { 'content-type': 'application/json', 'request-id': `req_standin_${counter}` });
    res.end(JSON.stringify(messageJson(reply, id, body.model, inputTokens)));
  }

  function checkCache(body: any) {
    const problem = cache.check(body);
    return problem ? { status: 400, type: 'invalid_request_error', message: problem } : null;
  }

  /** POST /v1/messages/batches, GET /v1/messages/batches/:id and GET …/:id/results (JSONL). */
  function batchRoute(method: string, path: string, headers: Record<string, string>, body: any, res: ServerResponse): void {
    const problem = checkRequest(headers, method === 'POST' ? { model: '', max_tokens: 0, messages: [{}] } : {}, options.apiKey, method === 'GET');
    if (problem) return sendError(res, problem.status, problem.type, problem.message);
    const [, id, results] = /^\/v1\/messages\/batches(?:\/([^/]+))?(\/results)?$/.exec(path) ?? [];
    if (method === 'POST' && !id) {
      if (!Array.isArray(body?.requests) || body.requests.length === 0)
        return sendError(res, 400, 'invalid_request_error', 'requests: at least one request is required');
      const batchId = `msgbatch_standin_${++counter}`;
      const answers = body.requests.map((r: any) => batchAnswer(r));
      const created = new Date().toISOString();
      batches.set(batchId, { created, ended: holdBatches ? null : created, results: answers });
      return sendJson(res, batchJson(batchId));
    }
    const batch = id ? batches.get(id) : undefined;
    if (method !== 'GET' || !id || !batch) return sendError(res, 404, 'not_found_error', `${method} ${path} is not served by this stand-in.`);
    if (!results) return sendJson(res, batchJson(id));
    if (!batch.ended) return sendError(res, 404, 'not_found_error', `Batch ${id} has not ended yet.`);
    res.writeHead(200, { 'content-type': 'application/binary' });
    res.end(batch.results.map((r) => JSON.stringify(r)).join('\n') + '\n');
  }

  function batchAnswer(request: any) {
    const params = request?.params;
    const problem = checkRequest({ 'x-api-key': 'batch', 'anthropic-version': 'batch' }, params, undefined) ?? checkCache(params);
    if (problem)
      return {
        custom_id: request?.custom_id,
        result: { type: 'errored', error: { type: 'error', error: { type: problem.type, message: problem.message }, request_id: null } },
      };
    const reply = queue.shift() ?? { type: 'text', text: `Echo: ${lastUserText(params.messages)}` };
    if (reply.type === 'error')
      return {
        custom_id: request.custom_id,
        result: { type: 'errored', error: { type: 'error', error: { type: reply.errorType, message: reply.message ?? reply.errorType }, request_id: null } },
      };
    return {
      custom_id: request.custom_id,
      result: { type: 'succeeded', message: messageJson(reply, `msg_standin_${++counter}`, params.model, cache.use(params)) },
    };
  }

  function batchJson(id: string) {
    const batch = batches.get(id)!;
    const n = batch.results.length;
    const failed = batch.results.filter((r: any) => r.result.type !== 'succeeded').length;
    return {
      id,
      type: 'message_batch',
      processing_status: batch.ended ? 'ended' : 'in_progress',
      request_counts: batch.ended
        ? { processing: 0, succeeded: n - failed, errored: failed, canceled: 0, expired: 0 }
        : { processing: n, succeeded: 0, errored: 0, canceled: 0, expired: 0 },
      created_at: batch.created,
      ended_at: batch.ended,
      expires_at: new Date(Date.parse(batch.created) + 86_400_000).toISOString(),
      archived_at: null,
      cancel_initiated_at: null,
      results_url: batch.ended ? `${baseUrl}/v1/messages/batches/${id}/results` : null,
    };
  }

  async function streamReply(res: ServerResponse, reply: StandinReply, id: string, model: string, inputTokens: CacheUsage): Promise<void> {
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
      // Cumulative, as the API sends it: the prompt's split again, and the output.
      usage: final.usage,
    });
    await send('message_stop', { type: 'message_stop' });
    res.end();
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    requests,
    cache,
    get holdBatches() {
      return holdBatches;
    },
    set holdBatches(value: boolean) {
      holdBatches = value;
    },
    endBatches: () => {
      for (const batch of batches.values()) batch.ended ??= new Date().toISOString();
    },
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

function checkRequest(headers: Record<string, string>, body: any, apiKey: string | undefined, headersOnly = false) {
  const given = headers['x-api-key'] || (headers.authorization ?? '').replace(/^Bearer /, '');
  if (!given || (apiKey !== undefined && given !== apiKey)) {
    return { status: 401, type: 'authentication_error', message: 'invalid x-api-key' };
  }
  if (!headers['anthropic-version']) return { status: 400, type: 'invalid_request_error', message: 'anthropic-version: header is required' };
  if (headersOnly) return null;
  if (typeof body !== 'object' || body === null) return { status: 400, type: 'invalid_request_error', message: 'Request body is not valid JSON.' };
  if (typeof body.model !== 'string') return { status: 400, type: 'invalid_request_error', message: 'model: Field required' };
  if (typeof body.max_tokens !== 'number') return { status: 400, type: 'invalid_request_error', message: 'max_tokens: Field required' };
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    return { status: 400, type: 'invalid_request_error', message: 'messages: at least one message is required' };
  }
  return null;
}

function messageJson(reply: StandinReply, id: string, model: string, prompt: CacheUsage) {
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
      input_tokens: usage?.input_tokens ?? prompt.input_tokens,
      output_tokens: usage?.output_tokens ?? Math.max(1, estimate(output)),
      // A scripted usage is the whole usage: cache fields it leaves out are 0.
      cache_creation_input_tokens: usage ? (usage.cache_creation_input_tokens ?? 0) : prompt.cache_creation_input_tokens,
      cache_read_input_tokens: usage ? (usage.cache_read_input_tokens ?? 0) : prompt.cache_read_input_tokens,
    },
  };
}

function sendJson(res: ServerResponse, body: unknown) {
  res.writeHead(200, { 'content-type': 'application/json', 'request-id': 'req_standin_batch' });
  res.end(JSON.stringify(body));
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

function searchable(body: any): any {
  if (!Array.isArray(body?.system)) return body;
  return { ...body, system: body.system.map((b: any) => (typeof b?.text === 'string' ? b.text : '')).join('\n\n') };
}

function lastUserText(messages: any[]): string {
  const last = [...messages].reverse().find((m) => m?.role === 'user');
  if (typeof last?.content === 'string') return last.content;
  if (Array.isArray(last?.content))
    return last.content
      .filter((b: any) => b?.type === 'text')
      .map((b: any) => b.text)
      .join(' ');
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
