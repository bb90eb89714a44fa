import Anthropic from '@anthropic-ai/sdk';
import { z } from 'zod';
import { toIssues, type Issue } from '#shared/schema/issues.ts';
import type { Config } from '../../lib/config.ts';
import { resultFromMessage, StreamAccumulator, type ClaudeResult, type Usage } from './accumulate.ts';
import { batchApi, type ClaudeBatches } from './batches.ts';
import { ClaudeError, retryAfterMs, toClaudeError, toStreamFailure } from './errors.ts';

export type { ClaudeResult, ToolUse, Usage } from './accumulate.ts';
export { addUsage } from './accumulate.ts';

// Retries are the SDK's own (429, 408/409, 5xx, 529, connection errors and timeouts, with
// exponential backoff from 0.5 s, honouring retry-after). We keep them few and short because a
// runner is usually waiting: one retry by default, 30 s per attempt, so a dead upstream costs
// at most ~60 s. A retry-after longer than `maxRetryWaitMs` is not waited out: the error
// surfaces at once, carrying the wait so the runner is told when to come back.

export interface ClaudeOptions {
  fetch?: typeof globalThis.fetch;
  /** Per attempt, the time allowed until the response starts (for complete(): the whole answer), and the longest pause between stream events. Default 30 000. */
  timeoutMs?: number;
  /** Retries after the first attempt, done by the SDK. Default 1. */
  maxRetries?: number;
  /** The longest retry-after the SDK may sleep through before retrying. Default 2 000. */
  maxRetryWaitMs?: number;
}

interface CallParams {
  /** Overrides the client's model for this call (a job with its own model, COACH models in config). */
  model?: string;
  system: string | Anthropic.TextBlockParam[];
  messages: Anthropic.MessageParam[];
  tools?: Anthropic.Tool[];
  toolChoice?: Anthropic.ToolChoice;
  maxTokens: number;
  signal?: AbortSignal;
  /** Overrides the client's timeoutMs for this call, e.g. a job asking for a long answer. */
  timeoutMs?: number;
}

export interface StreamParams extends CallParams {
  /** Called with each piece of text as it arrives, in order. */
  onText: (delta: string) => void;
}

export type CompleteParams = CallParams;

export interface StructuredParams<T> {
  model?: string;
  system: string | Anthropic.TextBlockParam[];
  messages: Anthropic.MessageParam[];
  /** A z.object(): tool input is always a JSON object. */
  schema: z.ZodType<T>;
  /** The tool's name (letters, digits, _ and -), e.g. `weekly_journal`. */
  name: string;
  description: string;
  maxTokens: number;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export type StructuredResult<T> = { ok: true; value: T; usage: Usage } | { ok: false; issues: Issue[]; raw: unknown; usage: Usage };

export interface Claude {
  readonly model: string;
  /** Streams a reply; a reply cut off after it started resolves with what arrived and `interrupted: true`. */
  stream(params: StreamParams): Promise<ClaudeResult>;
  /** One reply, not streamed. */
  complete(params: CompleteParams): Promise<ClaudeResult>;
  /** Asks for output shaped by `schema` through one forced tool call, and validates it. */
  structured<T>(params: StructuredParams<T>): Promise<StructuredResult<T>>;
  /** The request body structured() would send, for a Message Batch entry. */
  structuredRequest<T>(params: StructuredParams<T>): Anthropic.MessageCreateParamsNonStreaming;
  /** Reads a structured() answer out of a Message (a batch result). */
  structuredResult<T>(message: Anthropic.Message, params: Pick<StructuredParams<T>, 'schema' | 'name' | 'maxTokens'>): StructuredResult<T>;
  /** The Message Batches API (the weekly jobs, when COACH_BATCH_WEEKLY is on). */
  readonly batches: ClaudeBatches;
}

/** The Claude client, or null when no API key is configured (the coach is "not configured"). */
export function createClaude(config: Pick<Config['anthropic'], 'apiKey' | 'baseUrl' | 'model'>, options: ClaudeOptions = {}): Claude | null {
  if (!config.apiKey) return null;
  const apiKey: string = config.apiKey;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const sdk = new Anthropic({
    apiKey,
    // null, not undefined: config already read ANTHROPIC_BASE_URL; the SDK must not read it again.
    baseURL: config.baseUrl ?? null,
    timeout: timeoutMs,
    maxRetries: options.maxRetries ?? 1,
    fetch: capRetryWaits(options.fetch ?? globalThis.fetch, options.maxRetryWaitMs ?? 2_000),
  });
  const fail = (error: unknown): unknown => toClaudeError(error, apiKey) ?? error;

  const body = (p: CallParams) => ({
    model: p.model ?? config.model,
    max_tokens: p.maxTokens,
    system: p.system,
    messages: p.messages,
    ...(p.tools?.length ? { tools: p.tools } : {}),
    ...(p.toolChoice ? { tool_choice: p.toolChoice } : {}),
  });

  async function complete(params: CompleteParams): Promise<ClaudeResult> {
    try {
      const message = await sdk.messages.create(body(params), { signal: params.signal ?? null, timeout: params.timeoutMs ?? timeoutMs });
      return resultFromMessage(message);
    } catch (error) {
      throw fail(error);
    }
  }

  async function stream(params: StreamParams): Promise<ClaudeResult> {
    const idleMs = params.timeoutMs ?? timeoutMs;
    // Our own controller: it joins the caller's signal with the stall watchdog below.
    const controller = new AbortController();
    const caller = params.signal;
    const onCallerAbort = () => controller.abort();
    if (caller?.aborted) controller.abort();
    else caller?.addEventListener('abort', onCallerAbort, { once: true });
    const acc = new StreamAccumulator();
    let stalled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // The SDK's timeout stops once the headers arrive; a stream that then goes quiet would hang forever.
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => ((stalled = true), controller.abort()), idleMs);
    };
    let failure: ClaudeError | undefined;
    let callbackError: { error: unknown } | undefined;
    try {
      let events: AsyncIterable<Anthropic.RawMessageStreamEvent>;
      try {
        events = await sdk.messages.create({ ...body(params), stream: true }, { signal: controller.signal, timeout: idleMs });
      } catch (error) {
        if (caller?.aborted) return acc.finish();
        throw fail(error);
      }
      arm();
      try {
        for await (const event of events) {
          // Events already buffered still come out after an abort; the caller asked for no more.
          if (controller.signal.aborted) break;
          arm();
          const delta = acc.apply(event);
          if (!delta) continue;
          try {
            params.onText(delta);
          } catch (error) {
            callbackError = { error }; // the caller's failure, not the API's: rethrown below as is
            break;
          }
        }
      } catch (error) {
        // An abort ends the SDK's iteration quietly; a cut connection or an `error` event throws.
        failure = toStreamFailure(error, apiKey);
      }
    } finally {
      clearTimeout(timer);
      caller?.removeEventListener('abort', onCallerAbort);
    }
    if (callbackError) throw callbackError.error;
    if (stalled) failure = new ClaudeError('timeout', { detail: `no stream event for ${idleMs} ms` });
    if (!acc.complete && !failure && !caller?.aborted) failure = new ClaudeError('network', { detail: 'stream ended before message_stop' });
    // Nothing arrived, so nothing is lost: an error is the honest answer. Otherwise keep the partial reply.
    if (failure && !acc.hasContent) throw failure;
    return acc.finish(failure);
  }

  const structuredCall = <T>(params: StructuredParams<T>): CallParams => {
    const tool: Anthropic.Tool = { name: params.name, description: params.description, input_schema: inputSchema(params.schema) };
    return {
      ...(params.model ? { model: params.model } : {}),
      system: params.system,
      messages: params.messages,
      tools: [tool],
      toolChoice: { type: 'tool', name: params.name },
      maxTokens: params.maxTokens,
      ...(params.signal ? { signal: params.signal } : {}),
      ...(params.timeoutMs ? { timeoutMs: params.timeoutMs } : {}),
    };
  };

  async function structured<T>(params: StructuredParams<T>): Promise<StructuredResult<T>> {
    return readStructured(await complete(structuredCall(params)), params);
  }

  return {
    model: config.model,
    stream,
    complete,
    structured,
    structuredRequest: (params) => body(structuredCall(params)),
    structuredResult: (message, params) => readStructured(resultFromMessage(message), params),
    batches: batchApi(sdk, fail),
  };
}

/** A structured() answer from the model's result: the forced tool call, validated by `schema`. */
function readStructured<T>(result: ClaudeResult, params: Pick<StructuredParams<T>, 'schema' | 'name' | 'maxTokens'>): StructuredResult<T> {
  const call = result.toolUses.find((t) => t.name === params.name);
  const cutOff: Issue[] = result.stopReason === 'max_tokens' ? [{ path: '', message: `The answer was cut off at maxTokens (${params.maxTokens}).` }] : [];
  if (!call) return { ok: false, issues: [...cutOff, { path: '', message: `The model did not call ${params.name}.` }], raw: result.text, usage: result.usage };
  const parsed = params.schema.safeParse(call.input);
  if (parsed.success) return { ok: true, value: parsed.data, usage: result.usage };
  return { ok: false, issues: [...cutOff, ...toIssues(parsed.error)], raw: call.input, usage: result.usage };
}

/** The tool input_schema for a zod object schema, as JSON Schema of what the model must send (zod's input side). */
export function inputSchema(schema: z.ZodType): Anthropic.Tool.InputSchema {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
  if (json.type !== 'object') throw new TypeError('structured() needs a z.object() schema: tool input is always a JSON object.');
  return json as Anthropic.Tool.InputSchema;
}

/** Marks an error response whose retry-after exceeds `maxWaitMs` as not retryable (the SDK obeys x-should-retry). */
function capRetryWaits(fetchImpl: typeof globalThis.fetch, maxWaitMs: number): typeof globalThis.fetch {
  return async (input, init) => {
    const response = await fetchImpl(input, init);
    if (response.ok) return response;
    const wait = retryAfterMs(response.headers);
    if (wait === undefined || wait <= maxWaitMs) return response;
    const headers = new Headers(response.headers);
    headers.set('x-should-retry', 'false');
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  };
}
