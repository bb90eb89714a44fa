import { createHash } from 'node:crypto';

// The prompt cache of the Anthropic stand-in, modelled on what the API documents: the prompt is
// read as one sequence of blocks in the order tools → system → messages; a block carrying
// `cache_control` is a breakpoint (at most 4), and the prefix up to it is written to the cache
// (counted in cache_creation_input_tokens) unless it is already there, in which case it is read
// (cache_read_input_tokens). A hit is looked for at every block boundary up to 20 blocks before
// each breakpoint, as the API does; what follows the last breakpoint is plain input_tokens. An
// entry lives for its TTL (5 minutes, or 1 hour with ttl '1h') and each read refreshes it. The
// minimum cacheable length is modelled: a prefix shorter than `minTokens` (1024 by default, the
// figure for Sonnet and Opus) is not cached even when marked. Caches are per model. Token counts
// are the stand-in's estimate (~4 characters per token of each block's JSON, cache_control
// left out, so a string content and the same text as a block count and hash alike).

/** What the cache made of one request's prompt. */
export interface CacheUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

interface PromptBlock {
  kind: string;
  /** Its position among the blocks of its kind (tool, system) or in its message. */
  index: number;
  hash: string;
  tokens: number;
  /** The breakpoint's TTL in ms, when the block carries cache_control. */
  ttlMs?: number;
}

const LOOKBACK = 20;
const MAX_BREAKPOINTS = 4;

/** The cache of one stand-in (one organisation's, as far as the API is concerned). */
export class PromptCache {
  private readonly entries = new Map<string, number>();

  constructor(
    private readonly now: () => number = Date.now,
    readonly minTokens = 1024,
  ) {}

  /** An error message when the request breaks a caching rule (more than 4 breakpoints). */
  check(body: any): string | null {
    const marks = blocks(body).filter((b) => b.ttlMs !== undefined).length;
    return marks > MAX_BREAKPOINTS ? `A maximum of ${MAX_BREAKPOINTS} blocks with cache_control may be provided. Found ${marks}.` : null;
  }

  /** Applies one request to the cache and returns its usage split. */
  use(body: any): CacheUsage {
    const list = blocks(body);
    const now = this.now();
    const total = list.reduce((sum, b) => sum + b.tokens, 0);
    // Running hash and token count of each prefix, ending after block i.
    const prefix: { hash: string; tokens: number }[] = [];
    let hash = `model:${String(body.model)}`;
    let tokens = 0;
    for (const block of list) {
      hash = sha(hash + block.hash);
      tokens += block.tokens;
      prefix.push({ hash, tokens });
    }
    const breakpoints = list.flatMap((b, i) => (b.ttlMs === undefined ? [] : [i]));
    let readEnd = -1;
    for (const bp of breakpoints) {
      for (let i = bp; i >= Math.max(0, bp - LOOKBACK); i--) {
        const expires = this.entries.get(prefix[i]!.hash);
        if (expires !== undefined && expires > now) {
          readEnd = Math.max(readEnd, i);
          break;
        }
      }
    }
    const writable = breakpoints.filter((bp) => prefix[bp]!.tokens >= this.minTokens);
    const lastWritten = writable.length ? Math.max(...writable) : -1;
    const read = readEnd >= 0 ? prefix[readEnd]!.tokens : 0;
    const created = lastWritten > readEnd ? prefix[lastWritten]!.tokens - read : 0;
    for (const bp of writable) this.entries.set(prefix[bp]!.hash, now + list[bp]!.ttlMs!);
    if (readEnd >= 0) {
      const ttl = Math.max(...breakpoints.filter((bp) => bp >= readEnd).map((bp) => list[bp]!.ttlMs!));
      this.entries.set(prefix[readEnd]!.hash, now + ttl);
    }
    return { input_tokens: total - read - created, cache_creation_input_tokens: created, cache_read_input_tokens: read };
  }

  /** Forgets everything (a new organisation, or time moved on). */
  clear(): void {
    this.entries.clear();
  }
}

/** The stand-in's token count of each block of a request body, in cache order (tests compute expected reads with it). */
export function blockTokens(body: any): { kind: string; index: number; tokens: number }[] {
  return blocks(body).map(({ kind, index, tokens }) => ({ kind, index, tokens }));
}

/** The prompt as blocks in cache order: each tool, each system block, each message's content blocks. */
function blocks(body: any): PromptBlock[] {
  const out: PromptBlock[] = [];
  const add = (kind: string, index: number, value: any) => {
    const { cache_control: mark, ...rest } = value ?? {};
    const json = `${kind}:${JSON.stringify(rest)}`;
    out.push({
      kind,
      index,
      hash: sha(json),
      tokens: Math.ceil(JSON.stringify(rest).length / 4),
      ...(mark ? { ttlMs: mark.ttl === '1h' ? 3_600_000 : 300_000 } : {}),
    });
  };
  for (const [i, tool] of (Array.isArray(body?.tools) ? body.tools : []).entries()) add('tool', i, tool);
  const system = body?.system;
  if (typeof system === 'string' && system) add('system', 0, { type: 'text', text: system });
  else if (Array.isArray(system)) for (const [i, block] of system.entries()) add('system', i, block);
  for (const message of Array.isArray(body?.messages) ? body.messages : []) {
    const content = typeof message?.content === 'string' ? [{ type: 'text', text: message.content }] : Array.isArray(message?.content) ? message.content : [];
    for (const [i, block] of content.entries()) add(String(message?.role), i, block);
  }
  return out;
}

function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
