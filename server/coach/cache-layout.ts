import type Anthropic from '@anthropic-ai/sdk';

// Where the coach's prompt-cache breakpoints go (Anthropic allows 4 per request; the cached
// prefix runs tools → system → messages, so the tool definitions ride along with the first):
//   1. after the fixed principles: tools + principles, the same for every runner;
//   2. after the runner's slow blocks (profile, goals, memories, the plan's later weeks);
//   3. after the volatile blocks (the next two weeks in detail, recent training);
//   4. on the last message, moved forward every turn of the tool loop and every chat turn, so
//      the conversation so far is read back and only the newest message is new.
// A change in one section leaves every section before it cached. The order never puts a slow
// block behind a volatile one: a run logged or a workout moved only re-sends what follows.

const EPHEMERAL: Anthropic.CacheControlEphemeral = { type: 'ephemeral' };

/** The system prompt as one text block per section, each ending in a breakpoint (empty sections left out). */
export function cachedSystem(sections: string[]): Anthropic.TextBlockParam[] {
  return sections.filter((text) => text.trim() !== '').map((text) => ({ type: 'text', text, cache_control: EPHEMERAL }));
}

type Block = Exclude<Anthropic.MessageParam['content'], string>[number];

/** The messages with one breakpoint, on the last content block of the last message (earlier marks removed). */
export function markLastMessage(messages: Anthropic.MessageParam[]): Anthropic.MessageParam[] {
  return messages.map((message, i): Anthropic.MessageParam => {
    const last = i === messages.length - 1;
    if (typeof message.content === 'string') {
      return last ? ({ ...message, content: [{ type: 'text' as const, text: message.content, cache_control: EPHEMERAL }] } as Anthropic.MessageParam) : message;
    }
    const content = message.content.map((block, j): Block => {
      const { cache_control: _old, ...rest } = block as Block & { cache_control?: unknown };
      return (last && j === message.content.length - 1 ? { ...rest, cache_control: EPHEMERAL } : rest) as Block;
    });
    return { ...message, content } as Anthropic.MessageParam;
  });
}
