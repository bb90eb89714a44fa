import type Anthropic from '@anthropic-ai/sdk';
import type { Proposal } from '#shared/schema/coach.ts';
import { addUsage, type Claude, type Usage } from './claude/client.ts';
import { ClaudeError } from './claude/errors.ts';
import { markLastMessage } from './cache-layout.ts';
import { coachTools, runTool, type ToolEnv } from './tools.ts';

// One coach reply: stream Claude's answer, run the tools it calls (for this runner only), feed
// the results back, and repeat for a bounded number of turns. Everything the runner should see
// goes out through `emit` as it happens; the caller decides how to store the outcome. Each
// turn marks its last message as a cache breakpoint, so the next turn reads the whole
// conversation so far from the prompt cache and only the tool results are new input.

/** What the runner sees as it happens: text, a tool being used, a proposal. */
export type CoachEvent = { type: 'delta'; text: string } | { type: 'tool'; name: string } | { type: 'proposal'; proposal: Proposal };

/** One reply's inputs: the client, the context, the runner's toolbox and where events go. */
export interface ReplyParams {
  claude: Claude;
  /** The live chat's model (default: the client's). */
  model?: string;
  system: string | Anthropic.TextBlockParam[];
  messages: Anthropic.MessageParam[];
  tools: ToolEnv;
  emit: (event: CoachEvent) => void;
  /** Counts each call's tokens; returns whether another call still fits today's budget. */
  onUsage: (usage: Usage) => Promise<boolean>;
  signal?: AbortSignal;
  /** Model calls at most (the last one may not call tools). Default 4. */
  maxTurns?: number;
  maxTokens?: number;
}

/** How a reply ended, with everything it produced. */
export interface ReplyOutcome {
  text: string;
  proposals: Proposal[];
  toolCalls: string[];
  turns: number;
  usage: Usage;
  /** The reply stopped early: cut off, failed after it began, or the runner went away. */
  interrupted: boolean;
  /** Why, when Claude failed (absent when the runner disconnected). */
  error?: ClaudeError;
  /** The day's token budget ran out between turns. */
  budgetStopped: boolean;
}

/** Runs the tool loop; throws a ClaudeError only when it fails before anything was emitted. */
export async function coachReply(params: ReplyParams): Promise<ReplyOutcome> {
  const maxTurns = params.maxTurns ?? 4;
  const tools = coachTools();
  const messages = [...params.messages];
  const out: ReplyOutcome = {
    text: '',
    proposals: [],
    toolCalls: [],
    turns: 0,
    usage: { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    interrupted: false,
    budgetStopped: false,
  };
  let emitted = false;
  const emit = (event: CoachEvent) => {
    emitted = true;
    params.emit(event);
  };
  const say = (text: string) => {
    out.text += text;
    emit({ type: 'delta', text });
  };

  for (let turn = 0; turn < maxTurns; turn++) {
    const last = turn === maxTurns - 1;
    // Text of successive turns reads as paragraphs of one reply.
    let separate = out.text !== '' && !out.text.endsWith('\n');
    let result;
    try {
      result = await params.claude.stream({
        ...(params.model ? { model: params.model } : {}),
        system: params.system,
        messages: markLastMessage(messages),
        tools,
        // The last turn must answer in words: tool_use blocks in the history need the tools defined.
        ...(last ? { toolChoice: { type: 'none' as const } } : {}),
        maxTokens: params.maxTokens ?? 1500,
        ...(params.signal ? { signal: params.signal } : {}),
        onText: (delta) => {
          if (separate) say('\n\n');
          separate = false;
          say(delta);
        },
      });
    } catch (error) {
      if (!(error instanceof ClaudeError) || !emitted) throw error;
      return { ...out, interrupted: true, error };
    }
    out.turns += 1;
    out.usage = addUsage(out.usage, result.usage);
    const fits = await params.onUsage(result.usage);
    if (result.interrupted) return { ...out, interrupted: true, ...(result.error ? { error: result.error } : {}) };
    if (result.stopReason !== 'tool_use' || result.toolUses.length === 0) return out;

    messages.push({
      role: 'assistant',
      content: [
        ...(result.text ? [{ type: 'text' as const, text: result.text }] : []),
        ...result.toolUses.map((t) => ({ type: 'tool_use' as const, id: t.id, name: t.name, input: t.input })),
      ],
    });
    const results: Anthropic.ToolResultBlockParam[] = [];
    for (const use of result.toolUses) {
      out.toolCalls.push(use.name);
      emit({ type: 'tool', name: use.name });
      const outcome = await runTool(params.tools, use.name, use.input);
      if (outcome.proposal) {
        out.proposals.push(outcome.proposal);
        emit({ type: 'proposal', proposal: outcome.proposal });
      }
      results.push({ type: 'tool_result', tool_use_id: use.id, content: outcome.content, ...(outcome.isError ? { is_error: true } : {}) });
    }
    messages.push({ role: 'user', content: results });
    if (params.signal?.aborted) return { ...out, interrupted: true };
    if (!fits) {
      say(`${out.text ? '\n\n' : ''}(I have used up today's coaching allowance, so I stop here. It resets at midnight.)`);
      return { ...out, budgetStopped: true };
    }
  }
  return out;
}
