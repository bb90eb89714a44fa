import type Anthropic from '@anthropic-ai/sdk';
import { estimateTokens } from './budget.ts';
import type { ClaudeError } from './errors.ts';

// Builds one result from either a whole Message or the raw stream events, so `stream()` and
// `complete()` return the same shape. Kept apart from the client so the reassembly rules
// (text deltas, input_json_delta fragments, usage from two events) read in one place.

export interface ToolUse {
  id: string;
  name: string;
  /** The parsed tool input; the raw JSON string if the model sent JSON that does not parse. */
  input: unknown;
}

/**
 * A call's tokens as the API counts them. `input_tokens` is only the part after the last cache
 * breakpoint (or all of it, uncached); the whole prompt is input + cache creation + cache read.
 */
export interface Usage {
  input_tokens: number;
  output_tokens: number;
  /** Prompt tokens written to the cache by this call (billed at 1.25× input for the 5-minute TTL). */
  cache_creation_input_tokens?: number;
  /** Prompt tokens served from the cache (billed at 0.1× input). */
  cache_read_input_tokens?: number;
}

/** The sum of two usages (absent cache fields count as 0). */
export function addUsage(a: Usage, b: Usage): Usage {
  return {
    input_tokens: a.input_tokens + b.input_tokens,
    output_tokens: a.output_tokens + b.output_tokens,
    cache_creation_input_tokens: (a.cache_creation_input_tokens ?? 0) + (b.cache_creation_input_tokens ?? 0),
    cache_read_input_tokens: (a.cache_read_input_tokens ?? 0) + (b.cache_read_input_tokens ?? 0),
  };
}

export interface ClaudeResult {
  text: string;
  toolUses: ToolUse[];
  stopReason: Anthropic.StopReason | null;
  usage: Usage;
  /** The stream ended before `message_stop` (connection cut, stall, abort, or an error event). */
  interrupted: boolean;
  /** Why an interrupted stream stopped, unless the caller aborted it. */
  error?: ClaudeError;
}

type Block = { type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; json: string; done: boolean } | { type: 'other' };

/** Folds raw stream events into a result; `apply` returns the text delta an event carried, if any. */
export class StreamAccumulator {
  private blocks: Block[] = [];
  private stopReason: Anthropic.StopReason | null = null;
  private inputTokens = 0;
  private cacheCreation = 0;
  private cacheRead = 0;
  private outputTokens: number | null = null;
  /** Whether `message_stop` arrived: the only proof the reply is whole. */
  complete = false;

  /** Whether any text or tool call began to arrive (a partial reply worth keeping). */
  get hasContent(): boolean {
    return this.blocks.some((b) => (b.type === 'text' ? b.text !== '' : b.type === 'tool_use'));
  }

  apply(event: Anthropic.RawMessageStreamEvent): string | undefined {
    switch (event.type) {
      case 'message_start':
        this.inputTokens = event.message.usage.input_tokens;
        this.cacheCreation = event.message.usage.cache_creation_input_tokens ?? 0;
        this.cacheRead = event.message.usage.cache_read_input_tokens ?? 0;
        return undefined;
      case 'content_block_start': {
        const block = event.content_block;
        if (block.type === 'text') this.blocks[event.index] = { type: 'text', text: block.text };
        else if (block.type === 'tool_use') this.blocks[event.index] = { type: 'tool_use', id: block.id, name: block.name, json: '', done: false };
        else this.blocks[event.index] = { type: 'other' };
        return block.type === 'text' && block.text ? block.text : undefined;
      }
      case 'content_block_delta': {
        const block = this.blocks[event.index];
        if (event.delta.type === 'text_delta' && block?.type === 'text') {
          block.text += event.delta.text;
          return event.delta.text;
        }
        if (event.delta.type === 'input_json_delta' && block?.type === 'tool_use') block.json += event.delta.partial_json;
        return undefined;
      }
      case 'content_block_stop': {
        const block = this.blocks[event.index];
        if (block?.type === 'tool_use') block.done = true;
        return undefined;
      }
      case 'message_delta':
        this.stopReason = event.delta.stop_reason ?? this.stopReason;
        // message_delta's usage is cumulative; input_tokens there is nullable and only refines message_start's.
        this.outputTokens = event.usage.output_tokens;
        if (event.usage.input_tokens != null) this.inputTokens = event.usage.input_tokens;
        if (event.usage.cache_creation_input_tokens != null) this.cacheCreation = event.usage.cache_creation_input_tokens;
        if (event.usage.cache_read_input_tokens != null) this.cacheRead = event.usage.cache_read_input_tokens;
        return undefined;
      case 'message_stop':
        this.complete = true;
        return undefined;
      default:
        return undefined;
    }
  }

  /** The result so far; a tool call cut off before its block closed is dropped, since its input is incomplete. */
  finish(error?: ClaudeError): ClaudeResult {
    const text = this.blocks.map((b) => (b.type === 'text' ? b.text : '')).join('');
    const tools = this.blocks.filter((b): b is Extract<Block, { type: 'tool_use' }> => b.type === 'tool_use' && b.done);
    const toolUses = tools.map((b) => ({ id: b.id, name: b.name, input: parseJson(b.json) }));
    // A cut stream never sends the final usage: estimate what was generated so budgets still count it.
    const output = this.outputTokens ?? estimateTokens(text + this.blocks.map((b) => (b.type === 'tool_use' ? b.json : '')).join(''));
    return {
      text,
      toolUses,
      stopReason: this.stopReason,
      usage: {
        input_tokens: this.inputTokens,
        output_tokens: output,
        cache_creation_input_tokens: this.cacheCreation,
        cache_read_input_tokens: this.cacheRead,
      },
      interrupted: !this.complete,
      ...(error && !this.complete ? { error } : {}),
    };
  }
}

/** The same result shape from a non-streamed Message. */
export function resultFromMessage(message: Anthropic.Message): ClaudeResult {
  const text = message.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
  const toolUses = message.content.flatMap((b) => (b.type === 'tool_use' ? [{ id: b.id, name: b.name, input: b.input }] : []));
  return {
    text,
    toolUses,
    stopReason: message.stop_reason,
    usage: fromApiUsage(message.usage),
    interrupted: false,
  };
}

/** Our Usage from the API's usage object (batch results carry the same one). */
export function fromApiUsage(usage: Anthropic.Usage): Usage {
  return {
    input_tokens: usage.input_tokens,
    output_tokens: usage.output_tokens,
    cache_creation_input_tokens: usage.cache_creation_input_tokens ?? 0,
    cache_read_input_tokens: usage.cache_read_input_tokens ?? 0,
  };
}

function parseJson(json: string): unknown {
  // A tool without parameters streams no JSON at all: its input is {}.
  if (json.trim() === '') return {};
  try {
    return JSON.parse(json);
  } catch {
    return json;
  }
}
